package org.spinformer.nqs;

import org.junit.jupiter.api.Test;
import org.spinformer.nqs.exact.ExactDiagonalization;
import org.spinformer.nqs.exact.StructureFactor;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.operator.Heisenberg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lanczos against literature ground-state energies (spin-½ units). */
class ExactDiagonalizationTest {
    private static ExactDiagonalization.Result gs(Lattice l, double j2) {
        return new ExactDiagonalization(new Heisenberg(l, j2)).groundState();
    }

    @Test
    void square4x4J2Zero() {
        ExactDiagonalization.Result r = gs(Lattice.square(4), 0.0);
        assertEquals(-0.7017802005, r.energyPerSite(), 1e-8);
        assertTrue(r.residual() < 1e-6, "residual " + r.residual());
    }

    @Test
    void square4x4J2Half() {
        ExactDiagonalization.Result r = gs(Lattice.square(4), 0.5);
        assertEquals(-0.5286202095, r.energyPerSite(), 1e-8);
    }

    @Test
    void triangular4x4() {
        ExactDiagonalization.Result r = gs(Lattice.triangular(4, 4), 0.0);
        assertEquals(-0.5347196823, r.energyPerSite(), 1e-8);
    }

    @Test
    void correlationsSumToEnergyAndSumRule() {
        Lattice l = Lattice.square(4);
        ExactDiagonalization ed = new ExactDiagonalization(new Heisenberg(l, 0.0));
        ExactDiagonalization.Result r = ed.groundState();
        double[] c = ed.correlations(r.vector());
        // E = J1 Σ_bonds ⟨S_i·S_j⟩ = 2N ⟨S_0·S_nn⟩ on the square lattice (translation invariance).
        assertEquals(r.energy(), 2 * l.n() * c[l.site(1, 0)], 1e-9);
        assertEquals(c[l.site(1, 0)], c[l.site(0, 1)], 1e-9);
        // Singlet: Σ_j ⟨S_0·S_j⟩ = ⟨S_0·S_tot⟩ = 0, i.e. S(q=0) = 0.
        double[][] s = StructureFactor.compute(l, c);
        assertEquals(0.0, s[0][0], 1e-9);
        assertTrue(s[2][2] > s[1][1], "Néel peak at (π,π)");
    }
}
