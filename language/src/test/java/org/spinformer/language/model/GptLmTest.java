package org.spinformer.language.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GPT-2-style student on V = 7, T = 5, two layers, float64: the logits at position s do not depend on the
 * positions after s (and do depend on s itself); the next-token loss equals the cross-entropy recomputed in plain
 * Java from the logits of the full windows (position s predicts s + 1); its gradient equals central finite
 * differences.
 */
class GptLmTest {
    static final int V = 7;
    static final int T = 5;
    static final int B = 3;

    static GptLm model(NDManager m) {
        GptLm g = new GptLm(new GptLm.Config(V, T, 8, 2, 12, 2, 3L), m, DataType.FLOAT64);
        // move the initialisation (σ = 0.02, LayerNorm γ = 1, β = 0) away from its near-linear regime so every
        // parameter matters at the scale of the finite differences
        Random r = new Random(11);
        for (var e : g.parameters()) {
            NDArray p = e.getValue();
            double[] v = p.toDoubleArray();
            for (int i = 0; i < v.length; i++) {
                v[i] += 0.3 * r.nextGaussian();
            }
            p.set(v);
        }
        return g;
    }

    static long[] windows(long seed) {
        Random r = new Random(seed);
        long[] ids = new long[B * T];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(V);
        }
        return ids;
    }

    @Test
    void logitsAtSDependOnPositionsUpToSOnly() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            GptLm g = model(m);
            long[] a = windows(1);
            double[] la = g.logits(m.create(a, new Shape(B, T))).toDoubleArray();
            for (int s = 0; s < T; s++) {
                // change every position ≥ s+1: logits at ≤ s unchanged; change position s: logits at s change
                long[] b = a.clone();
                long[] c = a.clone();
                for (int row = 0; row < B; row++) {
                    for (int i = s + 1; i < T; i++) {
                        b[row * T + i] = (a[row * T + i] + 1 + row) % V;
                    }
                    c[row * T + s] = (a[row * T + s] + 1) % V;
                }
                double[] lb = g.logits(m.create(b, new Shape(B, T))).toDoubleArray();
                double[] lc = g.logits(m.create(c, new Shape(B, T))).toDoubleArray();
                for (int row = 0; row < B; row++) {
                    double diff = 0;
                    for (int i = 0; i <= s; i++) {
                        for (int v = 0; v < V; v++) {
                            int k = (row * T + i) * V + v;
                            assertEquals(la[k], lb[k], 1e-12, "row " + row + " position " + i + " after a change at > " + s);
                        }
                    }
                    for (int v = 0; v < V; v++) {
                        int k = (row * T + s) * V + v;
                        diff = Math.max(diff, Math.abs(la[k] - lc[k]));
                    }
                    assertTrue(diff > 1e-6, "position " + s + " must see its own token (row " + row + ")");
                }
            }
        }
    }

    @Test
    void lossIsTheShiftedCrossEntropy() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            GptLm g = model(m);
            long[] a = windows(2);
            NDArray ids = m.create(a, new Shape(B, T));
            double loss = g.loss(ids).getDouble();
            // independent: the full-window logits (position s predicts s+1), log-sum-exp in plain Java
            double[] l = g.logits(ids).toDoubleArray();
            double sum = 0;
            for (int row = 0; row < B; row++) {
                for (int s = 0; s < T - 1; s++) {
                    int base = (row * T + s) * V;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int v = 0; v < V; v++) {
                        max = Math.max(max, l[base + v]);
                    }
                    double z = 0;
                    for (int v = 0; v < V; v++) {
                        z += Math.exp(l[base + v] - max);
                    }
                    sum -= l[base + (int) a[row * T + s + 1]] - max - Math.log(z);
                }
            }
            assertEquals(sum / (B * (T - 1)), loss, 1e-12);
            int[][] w = new int[B][T];
            for (int row = 0; row < B; row++) {
                for (int s = 0; s < T; s++) {
                    w[row][s] = (int) a[row * T + s];
                }
            }
            assertEquals(loss, g.evaluate(w, m, 2), 1e-12, "batched evaluation = loss of all windows");
        }
    }

    @Test
    void gradientEqualsCentralFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            GptLm g = model(m);
            NDArray ids = m.create(windows(3), new Shape(B, T));
            FiniteDifferences.Check c = FiniteDifferences.check(g.parameters(), () -> g.loss(ids), 1e-6);
            int checked = c.entries();
            int k = c.tensors();
            double worst = c.worst();
            System.out.printf("GPT student gradient vs central differences (%d entries of %d tensors): worst rel. "
                    + "error %.2e%n", checked, k, worst);
            // wte, wpe, 2 × (ln_1, c_attn, c_proj, ln_2, c_fc, c_proj: 12 tensors), ln_f (2), lm_head
            assertEquals(2 + 2 * 12 + 2 + 1, k, "parameter tensors");
            assertTrue(worst < 1e-6, "worst relative error " + worst);
        }
    }
}
