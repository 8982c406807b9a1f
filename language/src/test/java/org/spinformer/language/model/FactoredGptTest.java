package org.spinformer.language.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The causal factored model on V = 3, T = 3 (27 windows), two layers, float64: logits of position i do not depend
 * on positions ≥ i; p sums to 1 over all windows; ancestral samples follow p (against enumeration); the gradient
 * of log p equals central finite differences.
 */
class FactoredGptTest {
    static final int V = 3;
    static final int T = 3;

    static FactoredGpt model(NDManager m) {
        FactoredGpt g = new FactoredGpt(new FactoredGpt.Config(V, T, 4, 2, 2, true, 5L), m, DataType.FLOAT64);
        // move the zero-initialised bias away from 0
        g.parameters().get("readout.bias").addi(m.create(new double[] {0.3, -0.2, 0.1}));
        return g;
    }

    static long[] all() {
        long[] ids = new long[27 * T];
        for (int w = 0; w < 27; w++) {
            ids[w * T] = w / 9;
            ids[w * T + 1] = (w / 3) % 3;
            ids[w * T + 2] = w % 3;
        }
        return ids;
    }

    @Test
    void positionsSeeOnlyThePast() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            FactoredGpt g = model(m);
            NDArray a = m.create(new long[] {0, 1, 2, 2, 2, 0}, new Shape(2, T));
            NDArray b = m.create(new long[] {0, 2, 0, 2, 0, 1}, new Shape(2, T)); // differs from position 1 on
            double[] la = g.logits(a).toDoubleArray();
            double[] lb = g.logits(b).toDoubleArray();
            for (int row = 0; row < 2; row++) {
                for (int v = 0; v < V; v++) {
                    // position 0 sees nothing; position 1 sees x_0, equal in a and b
                    for (int i = 0; i < 2; i++) {
                        int k = (row * T + i) * V + v;
                        assertEquals(la[k], lb[k], 0.0, "row " + row + " position " + i);
                    }
                }
            }
            int k = (0 * T + 2) * V;
            assertTrue(la[k] != lb[k], "position 2 must see x_1");
        }
    }

    @Test
    void probabilitiesSumToOneAndSamplesFollowThem() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            FactoredGpt g = model(m);
            double[] p = g.logProb(m.create(all(), new Shape(27, T))).exp().toDoubleArray();
            double sum = 0;
            double max = 0;
            for (double x : p) {
                sum += x;
                max = Math.max(max, x);
            }
            assertEquals(1.0, sum, 1e-12);
            assertTrue(max < 0.5, "degenerate distribution");
            int n = 200_000;
            long[] s = g.sample(n, 7L, Set.of(), m).toLongArray();
            double[] c = new double[27];
            for (int i = 0; i < n; i++) {
                c[(int) (s[i * T] * 9 + s[i * T + 1] * 3 + s[i * T + 2])] += 1;
            }
            double tv = 0;
            double expected = 0;
            for (int w = 0; w < 27; w++) {
                tv += 0.5 * Math.abs(c[w] / n - p[w]);
                expected += 0.5 * Math.sqrt(2 * p[w] * (1 - p[w]) / (Math.PI * n));
            }
            System.out.printf("ancestral samples: TV %.5f, expected for independent draws %.5f%n", tv, expected);
            assertTrue(tv <= 1.5 * expected, "TV " + tv + " > 1.5 x " + expected);
            // banned tokens never appear
            long[] nb = g.sample(2000, 8L, Set.of(1), m).toLongArray();
            for (long x : nb) {
                assertTrue(x != 1, "banned token sampled");
            }
        }
    }

    @Test
    void gradientEqualsFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            FactoredGpt g = model(m);
            NDArray ids = m.create(all(), new Shape(27, T));
            double worst = FiniteDifferences.check(g.parameters(), () -> g.loss(ids), 1e-6).worst();
            System.out.printf("gradient vs central differences: worst rel. error %.2e%n", worst);
            assertTrue(worst < 1e-6, "worst relative error " + worst);
        }
    }

    /** KL(p ‖ q) over all 27 windows, nats. */
    static double kl(FactoredGpt p, FactoredGpt q, NDManager m) {
        NDArray ids = m.create(all(), new Shape(27, T));
        double[] lp = p.logProb(ids).toDoubleArray();
        double[] lq = q.logProb(ids).toDoubleArray();
        double d = 0;
        for (int w = 0; w < 27; w++) {
            d += Math.exp(lp[w]) * (lp[w] - lq[w]);
        }
        return d;
    }

    /** Next-token training (language Mlm.nextToken) on a teacher's exact samples brings the student to the teacher. */
    @Test
    void nextTokenTrainingRecoversTheTeacher() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            FactoredGpt teacher = model(m);
            long[] s = teacher.sample(20_000, 3L, Set.of(), m).toLongArray();
            int[][] train = new int[20_000][T];
            for (int i = 0; i < train.length; i++) {
                for (int j = 0; j < T; j++) {
                    train[i][j] = (int) s[i * T + j];
                }
            }
            FactoredGpt student = new FactoredGpt(new FactoredGpt.Config(V, T, 4, 2, 2, true, 11L), m,
                    DataType.FLOAT64);
            double before = kl(teacher, student, m);
            org.spinformer.language.train.Mlm.Options o = org.spinformer.core.config.Records.with(
                    org.spinformer.language.train.Mlm.Options.defaults(), java.util.Map.of("steps", 1500L, "batch",
                            128, "lr", 0.02, "warmup", 50L, "weightDecay", 0.0));
            try (org.spinformer.language.train.Mlm fit = org.spinformer.language.train.Mlm.nextToken(student, train, o,
                    m, null, null)) {
                fit.train(o.steps());
            }
            double after = kl(teacher, student, m);
            System.out.printf("KL(teacher || student): %.4f before, %.5f after next-token training%n", before, after);
            assertTrue(before > 0.05, "the student starts away from the teacher: " + before);
            assertTrue(after < 0.02 && after < 0.1 * before, "KL after training " + after + " (before " + before + ")");
        }
    }
}
