package org.spinformer.language.clones;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.spinformer.language.model.FactoredMlm;
import org.spinformer.language.potts.PottsModel;
import org.spinformer.language.testing.Empirical;

import java.util.Arrays;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The clone sampler against exact enumeration of its stationary distribution (T = 3, V = 3). */
class CloneSamplerTest {
    static final int T = 3;
    static final int Q = 3; // real tokens 0..2, token 3 = mask

    /** cond[s][i][a] = p_θ(x_i = a | x_{∖i}) of the model, for every state s (base-Q digits, x_0 most significant). */
    static double[][][] conditionals(FactoredMlm model, NDManager m) {
        int states = (int) Math.pow(Q, T);
        long[] ids = new long[states * T * T];
        long[] rows = new long[states * T];
        for (int s = 0; s < states; s++) {
            int[] x = PottsModel.decode(s, T, Q);
            for (int i = 0; i < T; i++) {
                int seq = s * T + i;
                for (int j = 0; j < T; j++) {
                    ids[seq * T + j] = j == i ? model.maskId() : x[j];
                }
                rows[seq] = (long) seq * T + i;
            }
        }
        NDArray logits = model.logits(m.create(ids, new Shape(states * T, T)), m.create(rows));
        double[] l = logits.toType(DataType.FLOAT64, false).toDoubleArray();
        int v = model.vocabSize();
        double[][][] cond = new double[states][T][Q];
        for (int s = 0; s < states; s++) {
            for (int i = 0; i < T; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int a = 0; a < Q; a++) {
                    max = Math.max(max, l[(s * T + i) * v + a]);
                }
                double z = 0;
                for (int a = 0; a < Q; a++) {
                    z += Math.exp(l[(s * T + i) * v + a] - max);
                }
                for (int a = 0; a < Q; a++) {
                    cond[s][i][a] = Math.exp(l[(s * T + i) * v + a] - max) / z;
                }
            }
        }
        return cond;
    }

    /** A random factored model over Q real tokens and the mask, T positions, width 4. */
    static FactoredMlm model(int heads, int layers, long seed, DataType dtype, NDManager m) {
        return new FactoredMlm(new FactoredMlm.Config(Q + 1, T, 4, heads, layers, "free", true, Q, seed), m, null,
                dtype);
    }

    /** n windows of T real tokens drawn uniformly with {@code seed}. */
    static int[][] randomWindows(int n, long seed) {
        Random r = new Random(seed);
        int[][] windows = new int[n][T];
        for (int[] w : windows) {
            for (int j = 0; j < T; j++) {
                w[j] = r.nextInt(Q);
            }
        }
        return windows;
    }

    /** Stationary distribution of the systematic-scan kernel K_{T−1}···K_0, by power iteration. */
    static double[] stationary(double[][][] cond, CloneSampler.Rule rule) {
        int states = cond.length;
        double[] p = new double[states];
        Arrays.fill(p, 1.0 / states);
        for (int it = 0; it < 2000; it++) {
            for (int i = 0; i < T; i++) {
                double[] q = new double[states];
                for (int s = 0; s < states; s++) {
                    int[] x = PottsModel.decode(s, T, Q);
                    int old = x[i];
                    for (int a = 0; a < Q; a++) {
                        x[i] = a;
                        int s2 = (int) PottsModel.encode(x, Q);
                        double k;
                        if (rule == CloneSampler.Rule.HEAT_BATH) {
                            k = cond[s][i][a];
                        } else if (a != old) {
                            k = (1.0 / Q) * Math.min(1, cond[s][i][a] / cond[s][i][old]);
                        } else {
                            double stay = 1.0 / Q;
                            for (int b = 0; b < Q; b++) {
                                if (b != old) {
                                    stay += (1.0 / Q) * (1 - Math.min(1, cond[s][i][b] / cond[s][i][old]));
                                }
                            }
                            k = stay;
                        }
                        q[s2] += p[s] * k;
                    }
                    x[i] = old;
                }
                p = q;
            }
        }
        return p;
    }

    @ParameterizedTest
    @EnumSource(CloneSampler.Rule.class)
    void empiricalDistributionMatchesExactStationaryDistribution(CloneSampler.Rule rule) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            FactoredMlm model = model(1, 2, 7L, DataType.FLOAT64, m);
            double[] exact = stationary(conditionals(model, m), rule);
            int n = 100_000;
            CloneSampler sampler = new CloneSampler(model, rule, Set.of(Q));
            CloneSampler.Result res = sampler.sample(randomWindows(n, 3), 10, n, 11L, m, null, null);
            double tv = Empirical.tv(Empirical.frequencies(res.clones(), x -> PottsModel.encode(x, Q), exact.length),
                    exact);
            double maxP = Arrays.stream(exact).max().orElseThrow();
            assertTrue(tv <= 0.02, "TV " + tv);
            assertTrue(maxP < 0.9, "degenerate stationary distribution");
            assertEquals(10, res.stats().size());
            if (rule == CloneSampler.Rule.HEAT_BATH) {
                assertEquals(1.0, res.stats().get(0).acceptance(), 0.0);
            } else {
                double a = res.stats().get(9).acceptance();
                assertTrue(a > 0.05 && a < 1.0, "acceptance " + a);
            }
        }
    }

    @Test
    void bannedTokensAreNeverSampled() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            FactoredMlm model = model(1, 1, 1L, DataType.FLOAT32, m);
            int[][] start = new int[500][T];
            CloneSampler.Result res = new CloneSampler(model, CloneSampler.Rule.HEAT_BATH, Set.of(0, Q))
                    .sample(start, 3, 128, 5L, m, null, null);
            for (int[] w : res.clones()) {
                for (int v : w) {
                    assertTrue(v == 1 || v == 2, "banned token " + v);
                }
            }
        }
    }

    /** The engine-resident chains give the host reference path's clones and statistics, for both rules. */
    @ParameterizedTest
    @EnumSource(CloneSampler.Rule.class)
    void deviceChainsEqualTheHostReference(CloneSampler.Rule rule) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            FactoredMlm model = model(2, 2, 9L, DataType.FLOAT32, m);
            int[][] start = randomWindows(300, 5);
            CloneSampler.Result dev = new CloneSampler(model, rule, Set.of(Q)).withChains(CloneSampler.Chains.DEVICE)
                    .sample(start, 4, 128, 13L, m, null, null);
            CloneSampler.Result host = new CloneSampler(model, rule, Set.of(Q)).withChains(CloneSampler.Chains.HOST)
                    .sample(start, 4, 128, 13L, m, null, null);
            for (int i = 0; i < start.length; i++) {
                assertArrayEquals(host.clones()[i], dev.clones()[i], "chain " + i);
            }
            for (int s = 0; s < 4; s++) {
                CloneSampler.SweepStats a = host.stats().get(s);
                CloneSampler.SweepStats b = dev.stats().get(s);
                assertEquals(a.acceptance(), b.acceptance(), 1e-12);
                assertEquals(a.changed(), b.changed(), 1e-12);
                assertEquals(a.meanLogConditional(), b.meanLogConditional(), 1e-9);
            }
        }
    }
}
