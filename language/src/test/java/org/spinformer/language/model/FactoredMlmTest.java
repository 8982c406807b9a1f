package org.spinformer.language.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.spinformer.core.nn.Parameters;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The interaction order of an n-layer factored model, and warm-starting. */
class FactoredMlmTest {
    static final int V = 6; // tokens 0..4, mask 5
    static final int T = 7;

    static double logit(FactoredMlm model, NDManager m, int[] x, int i, int a) {
        long[] ids = new long[T];
        for (int j = 0; j < T; j++) {
            ids[j] = j == i ? V - 1 : x[j];
        }
        return model.logits(m.create(ids, new Shape(1, T)), m.create(new long[] {i})).toDoubleArray()[a];
    }

    /** Mixed finite difference of logit_i(a) over the positions {@code sites}: Σ_S (−1)^|S| f(x with S changed). */
    static double mixedDifference(FactoredMlm model, NDManager m, int[] x, int[] y, int[] sites, int i, int a) {
        double s = 0;
        for (int mask = 0; mask < (1 << sites.length); mask++) {
            int[] z = x.clone();
            for (int k = 0; k < sites.length; k++) {
                if ((mask >> k & 1) == 1) {
                    z[sites[k]] = y[sites[k]];
                }
            }
            s += (Integer.bitCount(mask) % 2 == 0 ? 1 : -1) * logit(model, m, z, i, a);
        }
        return s;
    }

    /**
     * With n layers the conditional of x_i is a sum of functions of at most 2^(n−1) other tokens: the mixed
     * difference over 2^(n−1)+1 other positions vanishes, over 2^(n−1) it does not.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void conditionalHoldsInteractionsAmongAtMostTwoToTheNMinusOnePlusOneTokens(int n) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            FactoredMlm model = new FactoredMlm(new FactoredMlm.Config(V, T, 4, 2, n, "free", true, V - 1, 5L), m, null,
                    DataType.FLOAT64);
            int[] x = {0, 1, 2, 3, 4, 0, 1};
            int[] y = {3, 4, 0, 1, 2, 2, 4};
            int order = 1 << (n - 1);
            int[] others = {1, 2, 3, 4, 5, 6};
            int[] top = java.util.Arrays.copyOf(others, order);
            int[] above = java.util.Arrays.copyOf(others, order + 1);
            double scale = Math.abs(logit(model, m, x, 0, 2)) + 1e-300;
            double dTop = mixedDifference(model, m, x, y, top, 0, 2);
            double dAbove = mixedDifference(model, m, x, y, above, 0, 2);
            assertTrue(Math.abs(dTop) > 1e-6 * scale, "order " + order + " interaction missing: " + dTop);
            assertEquals(0.0, dAbove, 1e-9 * Math.max(1, scale), "order " + (order + 1) + " interaction present");
        }
    }

    @Test
    void warmStartedDeeperModelComputesTheSameLogits() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            FactoredMlm one = new FactoredMlm(new FactoredMlm.Config(V, T, 4, 2, 1, "free", true, V - 1, 5L), m, null,
                    DataType.FLOAT64);
            Parameters p = new Parameters();
            for (var e : one.parameters()) {
                p.put(e.getKey(), e.getValue().duplicate());
            }
            FactoredMlm two = new FactoredMlm(new FactoredMlm.Config(V, T, 4, 2, 2, "free", true, V - 1, 5L), m, p,
                    DataType.FLOAT64);
            long[] ids = {0, 1, 5, 3, 4, 0, 1, 2, 2, 5, 1, 0, 3, 3};
            var a = one.logits(m.create(ids, new Shape(2, T)), m.create(new long[] {2, 9})).toDoubleArray();
            var b = two.logits(m.create(ids, new Shape(2, T)), m.create(new long[] {2, 9})).toDoubleArray();
            assertArrayEquals(a, b, 0.0);
            assertTrue(two.parameters().contains("layers.1.attention.alpha"));
        }
    }
}
