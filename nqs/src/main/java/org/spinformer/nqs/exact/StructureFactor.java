package org.spinformer.nqs.exact;

import org.spinformer.nqs.lattice.Lattice;

/**
 * Spin structure factor S(q) = Σ_r e^{iq·r} ⟨S_0·S_r⟩ on the Lx×Ly grid of allowed momenta
 * q = n1 b1/Lx + n2 b2/Ly (b1, b2 the reciprocal vectors, so q·r = 2π(n1 x/Lx + n2 y/Ly) for r = x a1 + y a2).
 * Correlations are translation averaged, so S(q) is real.
 */
public final class StructureFactor {
    private StructureFactor() {}

    /** S(q) as [Lx][Ly] from correlations c[j] = ⟨S_0·S_j⟩. */
    public static double[][] compute(Lattice lattice, double[] corr) {
        double[][] s = new double[lattice.lx()][lattice.ly()];
        for (int n1 = 0; n1 < lattice.lx(); n1++) {
            for (int n2 = 0; n2 < lattice.ly(); n2++) {
                double acc = 0;
                for (int j = 0; j < lattice.n(); j++) {
                    double phase = 2 * Math.PI * ((double) n1 * lattice.x(j) / lattice.lx()
                            + (double) n2 * lattice.y(j) / lattice.ly());
                    acc += Math.cos(phase) * corr[j];
                }
                s[n1][n2] = acc;
            }
        }
        return s;
    }
}
