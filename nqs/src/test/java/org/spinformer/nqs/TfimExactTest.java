package org.spinformer.nqs;

import org.junit.jupiter.api.Test;
import org.spinformer.nqs.exact.ExactDiagonalization;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.operator.TransverseFieldIsing;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The transverse-field Ising chain H = −J Σ_i σᶻ_iσᶻ_{i+1} − h Σ_i σˣ_i (Pauli matrices, periodic, N sites) against
 * its free-fermion solution (Pfeuty, Ann. Phys. 57, 79, 1970): by Jordan–Wigner the ground state lies in the even
 * sector of ∏σˣ, where the fermions are antiperiodic, k = (2m+1)π/N, m = 0..N−1, and
 * <pre>
 *   E0 = −Σ_k sqrt(J² + h² − 2Jh cos k).
 * </pre>
 * The convention (factor and sector) is checked against a dense diagonalisation built here from the Pauli matrices
 * (Jacobi, N = 6; independently with numpy in {@code src/test/python/chain_free_fermions.py}), then Lanczos on the
 * operator against the formula for N = 8 and 10 at h/J = 0.5, 1, 2.
 */
class TfimExactTest {
    private static final double[] FIELDS = {0.5, 1.0, 2.0};

    static double freeFermions(int n, double j, double h) {
        double e = 0;
        for (int m = 0; m < n; m++) {
            double k = (2 * m + 1) * Math.PI / n;
            e -= Math.sqrt(j * j + h * h - 2 * j * h * Math.cos(k));
        }
        return e;
    }

    /** Dense H from the Pauli matrices (bit i set = σᶻ_i = +1), independent of the operator code. */
    static double[][] dense(int n, double j, double h) {
        int d = 1 << n;
        double[][] a = new double[d][d];
        for (int s = 0; s < d; s++) {
            for (int i = 0; i < n; i++) {
                int k = (i + 1) % n;
                double zi = (s >> i & 1) == 1 ? 1 : -1;
                double zk = (s >> k & 1) == 1 ? 1 : -1;
                a[s][s] -= j * zi * zk;
                a[s ^ (1 << i)][s] -= h;
            }
        }
        return a;
    }

    @Test
    void freeFermionFormulaMatchesDenseDiagonalisation() {
        for (double h : FIELDS) {
            double dense = Reference.lowestEigenvalue(dense(6, 1.0, h));
            assertEquals(dense, freeFermions(6, 1.0, h), 1e-10, "N = 6, h = " + h);
            double ed = new ExactDiagonalization(new TransverseFieldIsing(Lattice.chain(6), 1.0, h)).groundState()
                    .energy();
            assertEquals(dense, ed, 1e-10, "Lanczos vs dense, N = 6, h = " + h);
        }
    }

    @Test
    void lanczosMatchesFreeFermions() {
        for (int n : new int[] {8, 10}) {
            for (double h : FIELDS) {
                ExactDiagonalization.Result r = new ExactDiagonalization(
                        new TransverseFieldIsing(Lattice.chain(n), 1.0, h)).groundState();
                assertEquals(freeFermions(n, 1.0, h), r.energy(), 1e-10, "N = " + n + ", h/J = " + h);
                assertEquals(1 << n, r.vector().length);
            }
        }
        // J ≠ 1: only h/J matters up to the scale J
        double e = new ExactDiagonalization(new TransverseFieldIsing(Lattice.chain(8), 0.5, 1.0)).groundState()
                .energy();
        assertEquals(freeFermions(8, 0.5, 1.0), e, 1e-10);
    }

    /** The operator's closed form (used beyond ED) equals Lanczos, including the gauge-equivalent signs. */
    @Test
    void knownGroundStateEnergyOfTheChainEqualsLanczos() {
        for (double[] jh : new double[][] {{1.0, 0.5}, {-1.0, 0.7}, {0.8, -1.3}, {1.0, 0.0}}) {
            TransverseFieldIsing op = new TransverseFieldIsing(Lattice.chain(10), jh[0], jh[1]);
            assertEquals(new ExactDiagonalization(op).groundState().energy(), op.knownGroundStateEnergy(), 1e-10,
                    "J = " + jh[0] + ", h = " + jh[1]);
        }
        TransverseFieldIsing odd = new TransverseFieldIsing(Lattice.chain(7), 1.0, 0.6);
        assertEquals(new ExactDiagonalization(odd).groundState().energy(), odd.knownGroundStateEnergy(), 1e-10);
        assertEquals(Double.NaN, new TransverseFieldIsing(Lattice.chain(7), -1.0, 0.6).knownGroundStateEnergy());
        assertEquals(Double.NaN, new TransverseFieldIsing(Lattice.square(3), 1.0, 1.0).knownGroundStateEnergy());
        assertEquals(freeFermions(24, 1.0, 1.0), new TransverseFieldIsing(Lattice.chain(24), 1.0, 1.0)
                .knownGroundStateEnergy(), 1e-12);
    }
}
