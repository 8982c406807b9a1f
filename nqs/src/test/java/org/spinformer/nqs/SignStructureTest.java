package org.spinformer.nqs;

import org.spinformer.core.testing.CpuTest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.spinformer.nqs.exact.ExactDiagonalization;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.model.ViT;
import org.spinformer.nqs.operator.Heisenberg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The physics behind the triangular 4×4 target: (1) the ground state of the triangular 4×4 torus (J2 = 0) is
 * non-degenerate and invariant under every translation (momentum zero, eigenvalue +1; the first excited doublet
 * too), so the fully
 * translation-invariant ViT (patch 1) can represent it although 4 is not a multiple of 3 (the 120° order does
 * not fit the torus); golden values from {@code src/test/python/triangular_4x4_symmetry.py} (numpy + scipy).
 * (2) The complex log-amplitude head can produce a negative amplitude: log cosh(x + iy) of the ViT head agrees
 * with the complex logarithm of cosh, including y = π (cosh(iπ) = −1).
 */
class SignStructureTest extends CpuTest {

    @Test
    void triangular4x4GroundStateIsTranslationInvariantAndNonDegenerate() {
        Lattice l = Lattice.triangular(4, 4);
        assertEquals(48, l.j1Bonds().length); // 3N nearest-neighbour bonds
        assertEquals(48, l.j2Bonds().length); // 3N next-nearest bonds
        ExactDiagonalization ed = new ExactDiagonalization(new Heisenberg(l, 0.0));
        ExactDiagonalization.Result[] low = ed.lowestStates(2);
        assertEquals(-0.5347196823, low[0].energyPerSite(), 1e-8);
        assertEquals(-0.5310639571, low[1].energyPerSite(), 1e-8); // first excited (doubly degenerate)
        double[] g = low[0].vector();
        for (int[] t : new int[][] {{1, 0}, {0, 1}, {1, -1}, {2, 1}}) {
            assertEquals(1.0, ed.permutationExpectation(g, l.translation(t[0], t[1])), 1e-8,
                    "translation " + t[0] + "," + t[1]);
        }
        // the first excited level (doubly degenerate) is at momentum zero too (a point-group doublet): the lowest
        // levels of the Sz = 0 sector all live in the sector the translation-invariant ViT spans
        assertEquals(1.0, ed.permutationExpectation(low[1].vector(), l.translation(1, 0)), 1e-8);
        // a state that is not translation invariant gives |<T>| < 1: one basis configuration gives 0
        double[] e = new double[ed.basis().size()];
        e[5] = 1;
        assertEquals(0.0, ed.permutationExpectation(e, l.translation(1, 0)), 0.0);
    }

    @Test
    void logCoshHeadReachesNegativeAmplitudes() {
        Lattice l = Lattice.square(2);
        int d = 4;
        ViT vit = new ViT(l, new ViT.Config(d, 1, 1, 1, 4), DataType.FLOAT64, m, 3);
        double[] x = {0.0, 0.7, -3.0, 25.0};
        double[] y = {Math.PI, Math.PI / 2 + 0.3, -2.5, 1.0};
        vit.parameters().get("head.re.norm.weight").set(new double[d]);
        vit.parameters().get("head.im.norm.weight").set(new double[d]);
        vit.parameters().get("head.re.norm.bias").set(x);
        vit.parameters().get("head.im.norm.bias").set(y);
        NDArray sigma = m.create(new double[] {1, -1, -1, 1}, new Shape(1, 4));
        NDArray[] lp = vit.logPsi(sigma);
        double re = 0;
        double im = 0;
        for (int a = 0; a < d; a++) {
            double cr = Math.cosh(x[a]) * Math.cos(y[a]);
            double ci = Math.sinh(x[a]) * Math.sin(y[a]);
            re += 0.5 * Math.log(cr * cr + ci * ci);
            im += Math.atan2(ci, cr);
        }
        assertEquals(re, lp[0].getDouble(0), 1e-10);
        double dIm = Math.IEEEremainder(lp[1].getDouble(0) - im, 2 * Math.PI);
        assertEquals(0.0, dIm, 1e-10);
        // the single term x = 0, y = π alone is log(−1) = iπ: a negative real amplitude
        vit.parameters().get("head.re.norm.bias").set(new double[] {0, 0, 0, 0});
        vit.parameters().get("head.im.norm.bias").set(new double[] {Math.PI, 0, 0, 0});
        NDArray[] neg = vit.logPsi(sigma);
        assertEquals(0.0, neg[0].getDouble(0), 1e-12);
        assertEquals(-1.0, Math.cos(neg[1].getDouble(0)), 1e-12);
    }
}
