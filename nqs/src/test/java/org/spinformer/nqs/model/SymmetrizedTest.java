package org.spinformer.nqs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.spinformer.core.io.CpuManagerTest;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The point groups are symmetries of the lattices (every J1 and J2 bond maps to a bond of its kind; closed under
 * composition), and the symmetric projection ψ_sym(σ) = Σ_g χ(g) ψ(gσ) is invariant under its group to 1e-12,
 * equals the explicit sum of the inner model's amplitudes, works with per-sample parameters, and its replicated
 * Jacobian agrees with finite differences.
 */
class SymmetrizedTest extends CpuManagerTest {
    private static Set<String> bonds(int[][] b) {
        Set<String> s = new HashSet<>();
        for (int[] e : b) {
            s.add(Math.min(e[0], e[1]) + "-" + Math.max(e[0], e[1]));
        }
        return s;
    }

    private static void assertGroupOfTheLattice(Lattice l, int order) {
        List<int[]> g = l.pointGroup();
        assertEquals(order, g.size(), l + ": order");
        Set<String> all = new HashSet<>();
        for (int[] p : g) {
            assertTrue(all.add(Arrays.toString(p)), l + ": duplicate element");
            for (int[][] kind : new int[][][] {l.j1Bonds(), l.j2Bonds()}) {
                Set<String> mapped = new HashSet<>();
                for (int[] e : kind) {
                    mapped.add(Math.min(p[e[0]], p[e[1]]) + "-" + Math.max(p[e[0]], p[e[1]]));
                }
                assertEquals(bonds(kind), mapped, l + ": " + Arrays.toString(p) + " does not map bonds to bonds");
            }
        }
        for (int[] a : g) {
            for (int[] b : g) {
                int[] c = new int[a.length];
                for (int i = 0; i < a.length; i++) {
                    c[i] = a[b[i]];
                }
                assertTrue(all.contains(Arrays.toString(c)), l + ": not closed under composition");
            }
        }
    }

    @Test
    void pointGroupsMapBondsToBonds() {
        assertGroupOfTheLattice(Lattice.square(4), 8);
        assertGroupOfTheLattice(Lattice.square(6), 8);
        assertGroupOfTheLattice(Lattice.triangular(4, 4), 12);
        assertGroupOfTheLattice(Lattice.triangular(6, 6), 12);
        assertGroupOfTheLattice(Lattice.chain(8), 2);
        assertEquals(16 * 8, Lattice.square(4).spaceGroup().size());
    }

    private static NDArray spins(NDManager m, int rows, int n, long seed) {
        return WaveFunctionContractTest.spins(m, rows, n, seed);
    }

    private static double[] permuted(double[] s, int rows, int n, int[] g, int sign) {
        double[] out = new double[s.length];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                out[r * n + i] = sign * s[r * n + g[i]];
            }
        }
        return out;
    }

    @Test
    void invariantUnderItsGroupAndEqualToTheExplicitSum() {
        Lattice sq = Lattice.square(4);
        try (NDManager sm = manager.newSubManager()) {
            // patch 2: the ViT alone is invariant under even translations only
            ViT vit = new ViT(sq, new ViT.Config(8, 1, 2, 2, 16, 1.0), DataType.FLOAT64, sm, 7);
            List<int[]> group = sq.spaceGroup();
            Symmetrized sym = new Symmetrized(vit, group, true, -1, DataType.FLOAT64, sm);
            assertEquals(2 * 128, sym.groupSize());
            int rows = 4;
            int n = sq.n();
            NDArray sigma = spins(sm, rows, n, 3);
            double[] s = sigma.toDoubleArray();
            NDArray[] base = sym.logPsi(sigma);
            for (int[] g : group) {
                for (int sign : new int[] {1, -1}) {
                    NDArray[] lp = sym.logPsi(sm.create(permuted(s, rows, n, g, sign), new Shape(rows, n)));
                    assertArrayEquals(base[0].toDoubleArray(), lp[0].toDoubleArray(), 1e-12, "log|ψ|");
                    // odd under the spin flip (χ = −1): the phase moves by π
                    double[] b = base[1].toDoubleArray();
                    double[] p = lp[1].toDoubleArray();
                    for (int r = 0; r < rows; r++) {
                        double d = Math.IEEEremainder(p[r] - b[r] - (sign < 0 ? Math.PI : 0), 2 * Math.PI);
                        assertEquals(0, d, 1e-10, "phase");
                    }
                }
            }
            // the explicit sum of the inner amplitudes, in plain Java
            double[] reS = new double[rows];
            double[] imS = new double[rows];
            for (int[] g : group) {
                for (int sign : new int[] {1, -1}) {
                    NDArray[] lp = vit.logPsi(sm.create(permuted(s, rows, n, g, sign), new Shape(rows, n)));
                    double[] re = lp[0].toDoubleArray();
                    double[] im = lp[1].toDoubleArray();
                    for (int r = 0; r < rows; r++) {
                        double a = Math.exp(re[r] - 10) * (sign < 0 ? -1 : 1);
                        reS[r] += a * Math.cos(im[r]);
                        imS[r] += a * Math.sin(im[r]);
                    }
                }
            }
            double[] b0 = base[0].toDoubleArray();
            double[] b1 = base[1].toDoubleArray();
            for (int r = 0; r < rows; r++) {
                double mod = Math.log(Math.hypot(reS[r], imS[r])) + 10;
                assertEquals(mod, b0[r], 1e-9, "log|Σ χ ψ(gσ)|");
                assertEquals(0, Math.IEEEremainder(Math.atan2(imS[r], reS[r]) - b1[r], 2 * Math.PI), 1e-9, "arg");
            }
            // sanity: the bare ViT (patch 2) is not invariant under an odd translation, the projection is
            NDArray[] bare = vit.logPsi(sigma);
            NDArray[] moved = vit.logPsi(sm.create(permuted(s, rows, n, sq.translation(1, 0), 1), new Shape(rows, n)));
            double diff = bare[0].sub(moved[0]).abs().max().getDouble();
            assertTrue(diff > 1e-6, "the ViT with patch 2 should not be invariant under a unit translation: " + diff);
        }
    }

    @Test
    void perSampleParametersAndJacobianByFiniteDifferences() {
        Lattice tri = Lattice.triangular(4, 2);
        try (NDManager sm = manager.newSubManager()) {
            Jastrow j = new Jastrow(tri, DataType.FLOAT64, sm, 2);
            j.parameters().forEach(e -> e.getValue().muli(3.0));
            Symmetrized sym = new Symmetrized(j, tri.translations(1, 1), true, 1, DataType.FLOAT64, sm);
            int b = 3;
            NDArray sigma = spins(sm, b, tri.n(), 9);
            NDArray[] shared = sym.logPsi(sigma);
            Map<String, NDArray> rep = new LinkedHashMap<>();
            for (var e : sym.parameters()) {
                rep.put(e.getKey(), e.getValue().expandDims(0).repeat(0, b));
            }
            NDArray[] per = sym.logPsi(sigma, rep, true);
            assertArrayEquals(shared[0].toDoubleArray(), per[0].toDoubleArray(), 1e-12);
            NDArray[] jac = new VariationalState(sym, 8).jacobian(sigma); // [B,P]
            double[] jre = jac[0].toDoubleArray();
            long p = jac[0].getShape().get(1);
            String name = sym.parameters().names().get(0);
            NDArray w = sym.parameters().get(name);
            double h = 1e-6;
            for (int k = 0; k < Math.min(3, w.size()); k++) {
                double[] v = w.toDoubleArray();
                double[] up = v.clone();
                up[k] += h;
                double[] dn = v.clone();
                dn[k] -= h;
                w.set(up);
                double[] fu = sym.logPsi(sigma)[0].toDoubleArray();
                w.set(dn);
                double[] fd = sym.logPsi(sigma)[0].toDoubleArray();
                w.set(v);
                for (int r = 0; r < b; r++) {
                    assertEquals((fu[r] - fd[r]) / (2 * h), jre[(int) (r * p + k)], 1e-6, "∂ re log ψ / ∂θ_" + k);
                }
            }
        }
    }
}
