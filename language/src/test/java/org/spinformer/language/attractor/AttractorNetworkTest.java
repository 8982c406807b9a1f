package org.spinformer.language.attractor;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attractor network against a direct computation and against what it should do: the update, attention,
 * energies, losses and gradient equal the loops of {@code make_golden.py} (numpy, float64) on a tiny case; the
 * update field is minus the gradient of each token's own energy and the training gradient is the derivative of
 * each position's own loss (central finite differences, float64), which no other position's loss depends on; a
 * network trained by the local rule on three patterns retrieves them (denoising and masked token) where the
 * untrained one does not.
 */
class AttractorNetworkTest {
    static JsonObject golden() throws Exception {
        try (var in = AttractorNetworkTest.class.getResourceAsStream("attractor_golden.json")) {
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        }
    }

    static double[] doubles(JsonObject o, String k) {
        var a = o.getAsJsonArray(k);
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsDouble();
        }
        return v;
    }

    @Test
    void updateEnergyAndGradientMatchNumpy() throws Exception {
        JsonObject g = golden();
        int t = g.get("T").getAsInt();
        int d = g.get("D").getAsInt();
        int b = g.get("B").getAsInt();
        double beta = g.get("beta").getAsDouble();
        double gamma = g.get("gamma").getAsDouble();
        double lambda = g.get("lambda").getAsDouble();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray j = m.create(doubles(g, "J"), new Shape(t, t, d, d));
            NDArray x = m.create(doubles(g, "x"), new Shape(b, t, d));
            assertArrayEquals(doubles(g, "alpha"), AttractorNetwork.attention(j, x, beta).toDoubleArray(), 1e-12);
            assertArrayEquals(doubles(g, "field"), AttractorNetwork.field(j, x, beta, gamma).toDoubleArray(), 1e-12);
            assertArrayEquals(doubles(g, "update"), AttractorNetwork.update(j, x, beta, gamma).toDoubleArray(), 1e-12);
            assertArrayEquals(doubles(g, "energy"), AttractorNetwork.energy(j, x, beta, gamma).toDoubleArray(), 1e-12);
            NDList lg = AttractorNetwork.lossAndGradient(j, x, beta, lambda);
            assertArrayEquals(doubles(g, "loss"), lg.get(0).toDoubleArray(), 1e-12);
            assertArrayEquals(doubles(g, "gradient"), lg.get(1).toDoubleArray(), 1e-12);
        }
    }

    /** A random float64 case: couplings [T,T,D,D] with J_ii = 0 and unit tokens [B,T,D]. */
    static double[][] randomCase(int t, int d, int b, long seed) {
        Random r = new Random(seed);
        double[] j = new double[t * t * d * d];
        for (int k = 0; k < j.length; k++) {
            int i = k / (t * d * d);
            int jj = (k / (d * d)) % t;
            j[k] = i == jj ? 0 : r.nextGaussian();
        }
        double[] x = new double[b * t * d];
        for (int base = 0; base < x.length; base += d) {
            double n = 0;
            for (int k = 0; k < d; k++) {
                x[base + k] = r.nextGaussian();
                n += x[base + k] * x[base + k];
            }
            for (int k = 0; k < d; k++) {
                x[base + k] /= Math.sqrt(n);
            }
        }
        return new double[][] {j, x};
    }

    /** (f(v + ε e_k) − f(v − ε e_k)) / 2ε, component by component of f's result. */
    static double[] centralDifference(double[] v, int k, double eps,
            java.util.function.Function<double[], double[]> f) {
        double[] plus = v.clone();
        double[] minus = v.clone();
        plus[k] += eps;
        minus[k] -= eps;
        double[] fp = f.apply(plus);
        double[] fm = f.apply(minus);
        double[] out = new double[fp.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (fp[i] - fm[i]) / (2 * eps);
        }
        return out;
    }

    @Test
    void fieldIsMinusTheGradientOfTheTokensOwnEnergy() {
        int t = 4;
        int d = 3;
        int b = 2;
        double beta = 1.3;
        double gamma = 0.4;
        double eps = 1e-6;
        double[][] c = randomCase(t, d, b, 5);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray j = m.create(c[0], new Shape(t, t, d, d));
            double[] field = AttractorNetwork.field(j, m.create(c[1], new Shape(b, t, d)), beta, gamma).toDoubleArray();
            for (int k = 0; k < c[1].length; k++) {
                int e = k / (t * d);
                int i = (k / d) % t;
                double[] fd = centralDifference(c[1], k, eps,
                        v -> AttractorNetwork.energy(j, m.create(v, new Shape(b, t, d)), beta, gamma).toDoubleArray());
                assertEquals(-fd[e * t + i], field[k], 1e-7, "component " + k);
            }
        }
    }

    @Test
    void trainingGradientMatchesFiniteDifferencesAndIsLocal() {
        int t = 4;
        int d = 3;
        int b = 5;
        double beta = 0.9;
        double lambda = 0.3;
        double eps = 1e-6;
        double[][] c = randomCase(t, d, b, 11);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray x = m.create(c[1], new Shape(b, t, d));
            double[] grad = AttractorNetwork.lossAndGradient(m.create(c[0], new Shape(t, t, d, d)), x, beta, lambda)
                    .get(1).toDoubleArray();
            double worst = 0;
            for (int k = 0; k < c[0].length; k++) {
                int i = k / (t * d * d);
                int jj = (k / (d * d)) % t;
                if (i == jj) {
                    assertEquals(0.0, grad[k], 0.0, "J_ii is not a parameter");
                    continue;
                }
                double[] fds = centralDifference(c[0], k, eps, v -> AttractorNetwork.lossAndGradient(
                        m.create(v, new Shape(t, t, d, d)), x, beta, lambda).get(0).toDoubleArray());
                for (int p = 0; p < t; p++) {
                    double fd = fds[p];
                    if (p == i) {
                        assertEquals(fd, grad[k], 1e-7, "dL_" + i + "/dJ entry " + k);
                        worst = Math.max(worst, Math.abs(fd - grad[k]));
                    } else {
                        assertEquals(0.0, fd, 1e-9, "L_" + p + " must not depend on J_" + i + "," + jj);
                    }
                }
            }
            assertTrue(worst < 1e-7, "max |fd - closed form| = " + worst);
        }
    }

    @Test
    void trainedNetworkRetrievesFewPatternsUntrainedDoesNot() {
        int t = 8;
        int d = 16;
        int q = 8;
        double beta = 5;
        double gamma = 0.5;
        Random r = new Random(3);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            float[] vocab = TokenPatterns.vocabulary(q, d, r);
            int[][] ids = TokenPatterns.examples(3, t, q, null, 0, r);
            NDArray x = TokenPatterns.embed(ids, vocab, d, m);
            NDArray other = TokenPatterns.embed(TokenPatterns.examples(20, t, q, null, 0, r), vocab, d, m);
            NDArray untrained = AttractorNetwork.initialCouplings(t, d, 0.1, 7, m);
            NDArray j = untrained.duplicate();
            double[] first = new double[1];
            double last = AttractorNetwork.train(j, x, beta, 0.1, 0.5, 300, 100, (s, loss) -> {
                if (s == 0) {
                    first[0] = loss;
                }
            });
            assertTrue(last < first[0] - 1, "the local rule lowers the loss: " + first[0] + " -> " + last);
            NDArray vocabArr = m.create(vocab, new Shape(q, d));
            int[] pos = new int[3 * t]; // every position of every pattern masked once
            int[] tok = new int[pos.length];
            int[][] rep = new int[pos.length][];
            for (int e = 0; e < pos.length; e++) {
                pos[e] = e % t;
                rep[e] = ids[e / t];
                tok[e] = rep[e][pos[e]];
            }
            NDArray own = TokenPatterns.embed(rep, vocab, d, m);
            NDArray noisy = TokenPatterns.noisy(own, 1.0, r);
            NDArray hidden = TokenPatterns.masked(own, pos, false, r);
            TransientMemory.Mask mask = new TransientMemory.Mask(pos, tok, vocabArr);
            double[] result = new double[8];
            for (int k = 0; k < 2; k++) {
                NDArray jj = k == 0 ? j : untrained;
                TransientMemory.Curves fixed = TransientMemory.run(jj, own, own, x, other, null, 30, beta, gamma);
                TransientMemory.Curves dn = TransientMemory.run(jj, noisy, own, x, other, null, 10, beta, gamma);
                TransientMemory.Curves mk = TransientMemory.run(jj, hidden, own, x, other, mask, 10, beta, gamma);
                assertEquals(1.0, fixed.own()[0], 1e-5);
                result[4 * k] = fixed.own()[30];
                result[4 * k + 1] = dn.own()[0];
                result[4 * k + 2] = dn.own()[10];
                result[4 * k + 3] = mk.maskedAccuracy()[10];
            }
            String what = java.util.Arrays.toString(result);
            // trained: the patterns are near fixed points, noise is removed, most masked tokens come back
            assertTrue(result[0] > 0.9, "trained: fixed points " + what);
            assertTrue(result[2] > result[1] + 0.15, "trained: denoised " + what);
            assertTrue(result[3] > 0.6, "trained: masked tokens recovered " + what);
            // untrained: the patterns drift away, noise is not removed, masked tokens are not recovered
            assertTrue(result[4] < 0.5, "untrained: no fixed points " + what);
            assertTrue(result[6] < result[5], "untrained: not denoised " + what);
            assertTrue(result[7] < 0.3, "untrained: masked tokens not recovered " + what);
        }
    }
}
