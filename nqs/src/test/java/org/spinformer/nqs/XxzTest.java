package org.spinformer.nqs;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.spinformer.core.device.Devices;
import org.spinformer.nqs.exact.ExactDiagonalization;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.model.ViT;
import org.spinformer.nqs.operator.Heisenberg;
import org.spinformer.nqs.operator.Xxz;
import org.spinformer.nqs.vqs.LocalEnergies;
import org.spinformer.nqs.vqs.LocalEnergy;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * XXZ: at Δ = 1 it is the Heisenberg model (ED energy of 4×4 J2 = 0.5, known to be −0.5286202095 per site, and
 * batched local energies on random Sz = 0 configurations); at Δ = 0 the XX chain is free fermions (Lieb, Schultz,
 * Mattis, Ann. Phys. 16, 407, 1961): H = J Σ (SˣSˣ + SʸSʸ) = (J/2) Σ (c†_i c_{i+1} + h.c.) up to the boundary
 * term, N/2 fermions, periodic fermions when N/2 is odd and antiperiodic when even, ε_k = J cos k, the N/2 lowest
 * filled.
 */
class XxzTest {
    @Test
    void deltaOneEqualsHeisenbergInExactDiagonalisation() {
        Lattice l = Lattice.square(4);
        double eh = new ExactDiagonalization(new Heisenberg(l, 1.0, 0.5, Heisenberg.Units.SPIN)).groundState().energy();
        double ex = new ExactDiagonalization(new Xxz(l, 1.0, 0.5, 1.0, Heisenberg.Units.SPIN)).groundState().energy();
        assertEquals(eh, ex, 1e-12);
        assertEquals(-0.5286202095, ex / l.n(), 1e-8);
        double ep = new ExactDiagonalization(new Xxz(l, 1.0, 0.5, 1.0, Heisenberg.Units.PAULI)).groundState().energy();
        assertEquals(4 * eh, ep, 1e-9);
    }

    @Test
    void deltaOneEqualsHeisenbergLocalEnergies() {
        Lattice l = Lattice.triangular(4, 4);
        try (NDManager m = Devices.manager(Device.cpu())) {
            ViT vit = new ViT(l, new ViT.Config(8, 1, 2, 2, 8), DataType.FLOAT64, m, 11);
            VariationalState vs = new VariationalState(vit, 128);
            int rows = 50;
            int n = l.n();
            double[] s = new double[rows * n];
            SplittableRandom r = new SplittableRandom(5);
            for (int k = 0; k < rows; k++) {
                int[] perm = r.ints(0, Integer.MAX_VALUE).limit(n).toArray();
                Integer[] order = new Integer[n];
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                java.util.Arrays.sort(order, (a, b) -> Integer.compare(perm[a], perm[b]));
                for (int i = 0; i < n; i++) {
                    s[k * n + order[i]] = i < n / 2 ? 1 : -1;
                }
            }
            NDArray sigma = m.create(s, new Shape(rows, n));
            NDArray[] lp = vs.logPsi(sigma);
            LocalEnergies eh = LocalEnergy.compute(new Heisenberg(l, 1.0, 0.3, Heisenberg.Units.SPIN), vs, sigma,
                    lp[0], lp[1]);
            LocalEnergies ex = LocalEnergy.compute(new Xxz(l, 1.0, 0.3, 1.0, Heisenberg.Units.SPIN), vs, sigma,
                    lp[0], lp[1]);
            assertArrayEquals(eh.re().toDoubleArray(), ex.re().toDoubleArray(), 1e-12);
            assertArrayEquals(eh.im().toDoubleArray(), ex.im().toDoubleArray(), 1e-12);
        }
    }

    static double xxFreeFermions(int n, double j) {
        int nf = n / 2;
        double[] e = new double[n];
        for (int m = 0; m < n; m++) {
            double k = nf % 2 == 0 ? (2 * m + 1) * Math.PI / n : 2 * Math.PI * m / n;
            e[m] = j * Math.cos(k);
        }
        java.util.Arrays.sort(e);
        double sum = 0;
        for (int i = 0; i < nf; i++) {
            sum += e[i];
        }
        return sum;
    }

    @Test
    void xxChainIsFreeFermions() {
        for (int n : new int[] {6, 8, 10, 12}) {
            double ed = new ExactDiagonalization(new Xxz(Lattice.chain(n), 0.0)).groundState().energy();
            assertEquals(xxFreeFermions(n, 1.0), ed, 1e-10, "N = " + n);
        }
        // N = 8: −2(cos π/8 + cos 3π/8)
        assertEquals(-2 * (Math.cos(Math.PI / 8) + Math.cos(3 * Math.PI / 8)), xxFreeFermions(8, 1.0), 1e-14);
    }
}
