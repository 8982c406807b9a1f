package org.spinformer.language.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.spinformer.core.train.MetricsLog;
import org.spinformer.language.experiment.Simplicity;
import org.spinformer.language.model.BertMlm;
import org.spinformer.language.model.FactoredMlm;
import org.spinformer.language.model.MaskedLm;
import org.spinformer.language.model.Models;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MlmTest {
    /** Windows of a period-3 pattern with a random phase: every token is determined by its neighbours. */
    static int[][] periodic(int n, int t, long seed) {
        Random r = new Random(seed);
        int[][] w = new int[n][t];
        for (int[] x : w) {
            int phase = r.nextInt(3);
            for (int j = 0; j < t; j++) {
                x[j] = 3 + (j + phase) % 3;
            }
        }
        return w;
    }

    @Test
    void factoredModelLearnsADeterministicPatternAndCheckpointsRoundTrip(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            FactoredMlm model = new FactoredMlm(new FactoredMlm.Config(6, 8, 8, 2, 1, "free", true, 2, 1L), m, null,
                    DataType.FLOAT32);
            int[][] train = periodic(200, 8, 1);
            int[][] test = periodic(50, 8, 2);
            double before = Mlm.evaluate(model, m, test, -1, 0, 512);
            Mlm.Options o = new Mlm.Options(300, 32, 0.03, 20, 1.0, 0.0, 0, Mlm.Method.ADAMW, 3, 50);
            try (MetricsLog log = MetricsLog.create(tmp.resolve("log.jsonl")); Mlm t = new Mlm(model, train, o, m, log, null)) {
                t.train(300);
                assertEquals(300, t.step());
                t.checkpoint(tmp.resolve("ckpt"), null);
            }
            double after = Mlm.evaluate(model, m, test, -1, 0, 512);
            assertTrue(before > 1.0, "before " + before);
            assertTrue(after < 0.05, "after " + after);
            assertTrue(Files.readAllLines(tmp.resolve("log.jsonl")).size() >= 6);
            MaskedLm back = Models.load(tmp.resolve("ckpt"), m);
            assertEquals(after, Mlm.evaluate(back, m, test, -1, 0, 512), 1e-6);
        }
    }

    @Test
    void bertLearnsThePatternWithFractionMasking() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            BertMlm bert = new BertMlm(new BertMlm.Config(6, 8, 16, 2, 32, 2, 2, 1L), m, null, DataType.FLOAT32);
            int[][] train = periodic(200, 8, 1);
            Mlm.Options o = new Mlm.Options(200, 32, 0.01, 20, 1.0, 0.01, 0.25, Mlm.Method.ADAMW, 3, 50);
            try (Mlm t = new Mlm(bert, train, o, m, null, null)) {
                t.train(200);
            }
            assertTrue(Mlm.evaluate(bert, m, periodic(50, 8, 2), 0.25, 0, 512) < 0.1);
        }
    }

    @Test
    void divergenceFailsLoudly() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            FactoredMlm model = new FactoredMlm(new FactoredMlm.Config(6, 8, 8, 2, 1, "free", true, 2, 1L), m, null,
                    DataType.FLOAT32);
            model.parameters().get("readout.bias").set(new float[] {Float.NaN, 0, 0, 0, 0, 0});
            Mlm.Options o = new Mlm.Options(20, 8, 0.01, 0, 1.0, 0.0, 0, Mlm.Method.ADAMW, 3, 5);
            try (Mlm t = new Mlm(model, periodic(20, 8, 1), o, m, null, null)) {
                org.spinformer.core.train.NonFiniteException e = assertThrows(
                        org.spinformer.core.train.NonFiniteException.class, () -> t.train(20));
                assertTrue(e.getMessage().startsWith("step 5: training loss is NaN") && e.getMessage().contains("--lr"),
                        e.getMessage());
            }
        }
    }

    /** One invocation of run() per budget: a run stopped by its budget and resumed ends as an uninterrupted one. */
    private static float[] trainInHarness(java.nio.file.Path dir, boolean resume, double maxSeconds) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            FactoredMlm model = new FactoredMlm(new FactoredMlm.Config(6, 8, 8, 2, 1, "free", true, 2, 1L), m, null,
                    DataType.FLOAT32);
            Mlm.Options o = new Mlm.Options(40, 8, 0.01, 5, 1.0, 0.01, 0, Mlm.Method.ADAMW, 3, 5);
            try (Mlm t = new Mlm(model, periodic(30, 8, 1), o, m, null, null)) {
                var b = org.spinformer.core.train.RunHarness.builder(dir).resume(resume).weights(model.parameters())
                        .manager(m).maxSeconds(maxSeconds);
                t.sections().forEach(b::section);
                try (var run = b.build()) {
                    boolean done = t.run(run, 10);
                    assertEquals(maxSeconds == 0 || resume, done);
                    assertEquals(done ? 40 : 10, t.step());
                }
            }
            return model.parameters().get("readout.bias").toFloatArray();
        }
    }

    @Test
    void budgetStoppedAndResumedTrainingEqualsUninterrupted(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        float[] straight = trainInHarness(tmp.resolve("a"), false, 0);
        trainInHarness(tmp.resolve("b"), false, 1e-9);
        float[] resumed = trainInHarness(tmp.resolve("b"), true, 0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(straight, resumed);
        assertEquals(java.nio.file.Files.readAllLines(tmp.resolve("a/log.jsonl")).stream()
                        .map(l -> l.replaceAll(",\"time_s\":[^}]*", "")).toList(),
                java.nio.file.Files.readAllLines(tmp.resolve("b/log.jsonl")).stream()
                        .map(l -> l.replaceAll(",\"time_s\":[^}]*", "")).toList());
    }

    @Test
    void logSpacedStepsAndSaturation() {
        long[] s = Simplicity.logSpaced(1000, 5);
        assertEquals(1000, s[s.length - 1]);
        assertEquals(10, s[0]);
        for (int i = 1; i < s.length; i++) {
            assertTrue(s[i] > s[i - 1]);
        }
        assertEquals(30, Simplicity.saturation(new long[] {10, 20, 30, 40}, new double[] {5, 3, 2.05, 2.0}));
        assertArrayEquals(new long[] {10, 32, 100, 316, 1000}, s);
    }
}
