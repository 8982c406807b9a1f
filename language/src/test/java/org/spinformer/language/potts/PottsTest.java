package org.spinformer.language.potts;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.spinformer.language.model.FactoredMlm;
import org.spinformer.language.testing.Empirical;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PottsTest {
    /** TV between the exact distribution and the empirical one of {@code n} samples of the batched sampler. */
    private static double samplerTv(PottsModel p, int n, int chains, int burnIn, int thin, long seed) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            int[][] s = p.sample(n, chains, burnIn, thin, seed, m);
            return Empirical.tv(Empirical.frequencies(s, p::encode, (int) p.stateCount()), p.probabilities());
        }
    }

    @Test
    void generatorMatchesExactEnumeration() {
        PottsModel p = PottsModel.planted(4, 3, 1.5, 5L);
        double tv = samplerTv(p, 100_000, 100_000, 20, 1, 9L);
        assertTrue(tv <= 0.02, "TV " + tv);
        double[] exact = p.probabilities();
        assertTrue(Arrays.stream(exact).max().orElseThrow() > 2.0 / exact.length,
                "planted model is too close to uniform to test anything");
    }

    @Test
    void thinnedChainsAlsoMatch() {
        double tv = samplerTv(PottsModel.planted(3, 3, 2.0, 6L), 50_000, 1000, 30, 3, 10L);
        assertTrue(tv <= 0.02, "TV " + tv);
    }

    @Test
    void exactEntropyOfIndependentSitesIsLogQ() {
        PottsModel p = new PottsModel(new double[3][3], new double[][] {{1, 0}, {0, 1}}, null);
        assertEquals(Math.log(2), p.exactConditionalEntropy(), 1e-12);
    }

    /**
     * One factored layer's logits equal the generalised Potts conditional in closed form:
     * logits_i(a) = b_a + Σ_j α_ij Σ_{d,e} R_ad W_de E_{x_j e}, where x_i is replaced by the mask token.
     */
    @Test
    void oneFactoredLayerIsAPottsConditional() {
        int l = 5;
        int q = 3;
        int d = 4;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            FactoredMlm model = new FactoredMlm(new FactoredMlm.Config(q + 1, l, d, 1, 1, "free", true, q, 3L), m,
                    null, DataType.FLOAT64);
            m.create(new double[] {0.3, -0.2, 0.1, 0.5}).copyTo(model.parameters().get("readout.bias"));
            double[] e = model.parameters().get("embedding.weight").toDoubleArray();
            double[] w = model.parameters().get("layers.0.attention.value.weight").toDoubleArray();
            double[] r = model.parameters().get("readout.0.weight").toDoubleArray();
            double[] al = model.parameters().get("layers.0.attention.alpha").toDoubleArray();
            double[] bias = model.parameters().get("readout.bias").toDoubleArray();
            int[][] xs = {{0, 1, 2, 1, 0}, {2, 2, 1, 0, 1}};
            for (int[] x : xs) {
                for (int i = 0; i < l; i++) {
                    long[] ids = new long[l];
                    for (int j = 0; j < l; j++) {
                        ids[j] = j == i ? q : x[j];
                    }
                    NDArray logits = model.logits(m.create(ids, new Shape(1, l)), m.create(new long[] {i}));
                    double[] got = logits.toDoubleArray();
                    for (int a = 0; a <= q; a++) {
                        double want = bias[a];
                        for (int j = 0; j < l; j++) {
                            int c = (int) ids[j];
                            double uac = 0;
                            for (int dd = 0; dd < d; dd++) {
                                for (int ee = 0; ee < d; ee++) {
                                    uac += r[a * d + dd] * w[dd * d + ee] * e[c * d + ee];
                                }
                            }
                            want += al[i * l + j] * uac;
                        }
                        assertEquals(want, got[a], 1e-12);
                    }
                }
            }
        }
    }

    @Test
    void couplingCorrelationIsGaugeInvariant() {
        PottsModel p = PottsModel.planted(5, 3, 1.0, 2L);
        double[][][][] k = Couplings.of(p);
        double[][][][] shifted = new double[5][5][3][3];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                for (int a = 0; a < 3; a++) {
                    for (int b = 0; b < 3; b++) {
                        shifted[i][j][a][b] = 2 * k[i][j][a][b] + (i != j ? 0.7 * a - 0.3 * b * b + i : 0);
                    }
                }
            }
        }
        assertEquals(1.0, Couplings.correlation(k, shifted), 1e-12);
    }
}
