package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spinformer.core.nn.NnTesting.assertClose;
import static org.spinformer.core.nn.NnTesting.flat;
import static org.spinformer.core.nn.NnTesting.random;
import static org.spinformer.core.nn.NnTesting.randomize;

/**
 * Factored attention: the translation-invariant form commutes with lattice translations on a ring and on a
 * 2-D torus (alone and inside a whole encoder layer), the other forms do not, and the offset tables are right.
 * Forward values and gradients of every form are in {@link BlockContractTest}.
 */
class FactoredAttentionTest extends ManagedNnTest {

    /**
     * Permutation matrix [T,T] of the lattice translation by (sx, sy) on an Lx×Ly torus (a ring: Ly = 1):
     * (P x)_i = x_{τ(i)} with τ(i) the site at (xi + sx mod Lx, yi + sy mod Ly).
     */
    private static NDArray translation(NDManager m, int lx, int ly, int sx, int sy) {
        int t = lx * ly;
        double[] p = new double[t * t];
        for (int i = 0; i < t; i++) {
            int j = Math.floorMod(i / ly + sx, lx) * ly + Math.floorMod(i % ly + sy, ly);
            p[i * t + j] = 1;
        }
        return m.create(p, new Shape(t, t));
    }

    private static FactoredAttentionBlock block(NDManager m, FactoredAttentionBlock.Form form, int lx, int ly) {
        FactoredAttentionBlock.Builder b = FactoredAttentionBlock.builder().setManager(m)
                .optDataType(DataType.FLOAT64).setForm(form).setDim(6).setHeads(3);
        if (form != FactoredAttentionBlock.Form.TRANSLATION_INVARIANT) {
            b.setTokens((long) lx * ly);
        } else if (ly == 1) {
            b.optRing(lx);
        } else {
            b.optTorus(lx, ly);
        }
        FactoredAttentionBlock f = b.build();
        randomize(f.parameters(), 7L * lx + ly, 0.5);
        return f;
    }

    /** max |f(P x) − P f(x)| over every translation of the lattice. */
    private static double commutationError(NDManager m, AttentionBlock a, int lx, int ly) {
        NDArray x = random(m, new Random(lx * 31L + ly), DataType.FLOAT64, 1.0, 2, lx * ly, 6);
        NDArray y = a.forward(x, null);
        double worst = 0;
        for (int sx = 0; sx < lx; sx++) {
            for (int sy = 0; sy < ly; sy++) {
                NDArray p = translation(m, lx, ly, sx, sy);
                NDArray lhs = a.forward(p.matMul(x), null);
                NDArray rhs = p.matMul(y);
                worst = Math.max(worst, lhs.sub(rhs).abs().max().getDouble());
            }
        }
        return worst;
    }

    @Test
    void translationInvariantFormCommutesWithRingTranslations() {
        try (NDManager m = manager.newSubManager()) {
            FactoredAttentionBlock f = block(m, FactoredAttentionBlock.Form.TRANSLATION_INVARIANT, 7, 1);
            assertTrue(commutationError(m, f, 7, 1) < 1e-13);
            // the free and softmax forms have no such symmetry: the test can fail
            assertTrue(commutationError(m, block(m, FactoredAttentionBlock.Form.FREE, 7, 1), 7, 1) > 1e-2);
            assertTrue(commutationError(m, block(m, FactoredAttentionBlock.Form.SOFTMAX, 7, 1), 7, 1) > 1e-4);
        }
    }

    @Test
    void translationInvariantFormCommutesWithTorusTranslations() {
        try (NDManager m = manager.newSubManager()) {
            for (int[] l : new int[][] {{3, 4}, {4, 3}, {2, 5}}) {
                FactoredAttentionBlock f = block(m, FactoredAttentionBlock.Form.TRANSLATION_INVARIANT, l[0], l[1]);
                assertTrue(commutationError(m, f, l[0], l[1]) < 1e-13, l[0] + "x" + l[1]);
            }
            assertTrue(commutationError(m, block(m, FactoredAttentionBlock.Form.FREE, 3, 4), 3, 4) > 1e-2);
        }
    }

    @Test
    void wholeEncoderLayerWithTranslationInvariantAttentionCommutes() {
        try (NDManager m = manager.newSubManager()) {
            for (boolean pre : new boolean[] {true, false}) {
                EncoderLayer l = EncoderLayer.builder().setManager(m).optDataType(DataType.FLOAT64).setDim(6)
                        .setHidden(10).optPreNorm(pre).optAttention((layer, ap) -> FactoredAttentionBlock.builder()
                                .like(layer).optPrefix(ap).setForm(FactoredAttentionBlock.Form.TRANSLATION_INVARIANT)
                                .setDim(6).setHeads(2).optTorus(3, 3).build())
                        .build();
                randomize(l.parameters(), 77, 0.5);
                assertTrue(commutationError(m, l::forward, 3, 3) < 1e-12, pre ? "pre-LN" : "post-LN");
            }
        }
    }

    @Test
    void offsetTablesAreDisplacementsModuloTheLattice() {
        try (NDManager m = manager.newSubManager()) {
            long[] ring = FactoredAttention.ringIndex(m, 4).toLongArray();
            assertArrayEquals(new long[] {0, 1, 2, 3, 3, 0, 1, 2, 2, 3, 0, 1, 1, 2, 3, 0}, ring);
            NDArray torus = FactoredAttention.torusIndex(m, 2, 3);
            assertEquals(new Shape(6, 6), torus.getShape());
            long[] t = torus.toLongArray();
            // site 4 = (1, 1); site 0 = (0, 0): displacement (−1, −1) ≡ (1, 2) → 1·3 + 2 = 5
            assertEquals(5, t[4 * 6]);
            // every row of a torus table is a permutation of 0..T−1 (each displacement once)
            for (int i = 0; i < 6; i++) {
                boolean[] seen = new boolean[6];
                for (int j = 0; j < 6; j++) {
                    seen[(int) t[i * 6 + j]] = true;
                }
                for (boolean s : seen) {
                    assertTrue(s);
                }
            }
            // α from the table is circulant on the ring: α_{i+1,j+1} = α_ij
            NDArray a = m.create(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(2, 4));
            double[] alpha = flat(FactoredAttention.translationInvariantAlpha(a, FactoredAttention.ringIndex(m, 4)));
            for (int h = 0; h < 2; h++) {
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 4; j++) {
                        assertEquals(alpha[h * 16 + i * 4 + j], alpha[h * 16 + ((i + 1) % 4) * 4 + (j + 1) % 4]);
                    }
                }
            }
            assertClose(new double[] {1, 2, 3, 4}, java.util.Arrays.copyOf(alpha, 4), 0, "row 0 is a_h");
        }
    }

    @Test
    void wrongTokenCountAndBadBuildsAreRejected() {
        try (NDManager m = manager.newSubManager()) {
            FactoredAttentionBlock f = block(m, FactoredAttentionBlock.Form.TRANSLATION_INVARIANT, 4, 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> f.forward(m.zeros(new Shape(1, 5, 6), DataType.FLOAT64), null));
            assertTrue(e.getMessage().contains("T = 4"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> FactoredAttentionBlock.builder().setManager(m)
                    .setForm(FactoredAttentionBlock.Form.FREE).setDim(6).setHeads(4).setTokens(3).build());
            assertThrows(IllegalArgumentException.class, () -> FactoredAttentionBlock.builder().setManager(m)
                    .setForm(FactoredAttentionBlock.Form.FREE).setDim(6).setHeads(2).optTorus(2, 2).build());
            assertThrows(IllegalArgumentException.class, () -> FactoredAttentionBlock.builder().setManager(m)
                    .setDim(6).setHeads(2).setTokens(3).build());
        }
    }
    @Test
    void paddedTokensNeverChangeRealOnesInEveryForm() {
        try (NDManager m = manager.newSubManager()) {
            Random r = new Random(8);
            NDArray mask = m.create(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0}, new Shape(3, 5));
            for (FactoredAttentionBlock.Form form : FactoredAttentionBlock.Form.values()) {
                FactoredAttentionBlock f = block(m, form, 5, 1);
                NDArray x = random(m, r, DataType.FLOAT64, 1.0, 3, 5, 6);
                NDArray y = f.forward(x, mask);
                NDArray x2 = x.duplicate();
                x2.set(new ai.djl.ndarray.index.NDIndex("1, 3:"), random(m, r, DataType.FLOAT64, 9.0, 2, 6));
                x2.set(new ai.djl.ndarray.index.NDIndex("2, 1:"), random(m, r, DataType.FLOAT64, 9.0, 4, 6));
                NDArray y2 = f.forward(x2, mask);
                assertArrayEquals(flat(y.get("0")), flat(y2.get("0")), 0, form + ": full sample");
                assertArrayEquals(flat(y.get("1, :3")), flat(y2.get("1, :3")), 1e-13, form + ": sample 1");
                assertArrayEquals(flat(y.get("2, :1")), flat(y2.get("2, :1")), 1e-13, form + ": sample 2");
                // without the mask the padded contents do leak in (the check can fail)
                assertTrue(f.forward(x, null).get("1, :3").sub(f.forward(x2, null).get("1, :3")).abs().max()
                        .getDouble() > 1e-3, form.toString());
            }
        }
    }
}
