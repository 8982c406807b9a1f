package org.spinformer.language.experiment;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.config.Records;
import org.spinformer.language.model.FactoredGpt;
import org.spinformer.language.train.Mlm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The causal curriculum (the analogue of FactoredMlmTest's warm start for {@link FactoredTraining}): the
 * (k+1)-layer GPT warm-started from depth k gives depth k's log-probabilities before any training step (float64
 * on every window of V = 3, T = 4; float32 after real training on a corpus), and a resumed curriculum restores the
 * finished depths, warm-starting from the restored weights.
 */
class GptTrainingTest {
    static final int V = 3;
    static final int T = 4; // layer 3 first acts at position 3
    static final int W = 81; // all V^T windows

    static long[] all() {
        long[] ids = new long[W * T];
        for (int w = 0; w < W; w++) {
            for (int j = 0, rest = w; j < T; j++, rest /= V) {
                ids[w * T + T - 1 - j] = rest % V;
            }
        }
        return ids;
    }

    @Test
    void warmStartedDeeperGptGivesTheSameLogProbabilitiesInFloat64() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            FactoredGpt.Config base = new FactoredGpt.Config(V, T, 4, 2, 1, true, 5L);
            FactoredGpt prev = new FactoredGpt(base, m, DataType.FLOAT64);
            // move every parameter away from its initialisation (the bias starts at 0)
            Random r = new Random(3);
            for (var e : prev.parameters()) {
                double[] noise = new double[(int) e.getValue().size()];
                for (int i = 0; i < noise.length; i++) {
                    noise[i] = 0.3 * r.nextGaussian();
                }
                e.getValue().addi(m.create(noise, e.getValue().getShape()));
            }
            for (int n = 2; n <= 3; n++) {
                FactoredGpt next = GptTraining.warmStart(prev, base, n, m);
                assertEquals(n, next.cfg().layers());
                assertEquals(DataType.FLOAT64, next.parameters().get("layers." + (n - 1) + ".attention.alpha")
                        .getDataType());
                double[] a = prev.logProb(m.create(all(), new Shape(W, T))).toDoubleArray();
                double[] b = next.logProb(m.create(all(), new Shape(W, T))).toDoubleArray();
                assertArrayEquals(a, b, 1e-12, "depth " + n + " warm-started from depth " + (n - 1));
                // the new layer is there and does act once its readout moves away from 0
                var readout = next.parameters().get("readout." + (n - 1) + ".weight");
                assertArrayEquals(new double[(int) readout.size()], readout.toDoubleArray(), 0.0);
                double[] kick = new double[(int) readout.size()];
                for (int i = 0; i < kick.length; i++) {
                    kick[i] = r.nextGaussian();
                }
                readout.addi(m.create(kick, readout.getShape()));
                double[] c = next.logProb(m.create(all(), new Shape(W, T))).toDoubleArray();
                double moved = 0;
                for (int w = 0; w < a.length; w++) {
                    moved = Math.max(moved, Math.abs(c[w] - a[w]));
                }
                assertTrue(moved > 1e-6, "depth " + n + ": new layer inert (" + moved + ")");
                readout.subi(m.create(kick, readout.getShape()));
                // the warm start copied: the previous model's parameters are untouched by the new one's
                assertArrayEquals(a, prev.logProb(m.create(all(), new Shape(W, T))).toDoubleArray(), 0.0);
                prev = next;
            }
            assertThrows(IllegalArgumentException.class, () -> GptTraining.warmStart(
                    new FactoredGpt(new FactoredGpt.Config(V, T, 4, 2, 1, false, 5L), m, DataType.FLOAT64),
                    new FactoredGpt.Config(V, T, 4, 2, 1, false, 5L), 2, m));
        }
    }

    /**
     * A curriculum run on random windows (V = 5, T = 6, depths 1..2, float32): depth 2 warm-started from the
     * trained depth 1 starts at depth 1's log-probabilities; its config holds the halved learning rate; resuming the
     * finished run restores both depths (same test losses and clones) without retraining; a run that stopped after
     * depth 1 and is resumed warm-starts depth 2 from the restored depth 1 and ends as the straight run.
     */
    @Test
    void curriculumStartsEachDepthWhereThePreviousEndedAndResumes(@TempDir Path out) throws Exception {
        int v = 5;
        int t = 6;
        Random r = new Random(7);
        int[][] train = new int[256][t];
        int[][] test = new int[64][t];
        for (int[][] set : new int[][][] {train, test}) {
            for (int[] w : set) {
                w[0] = r.nextInt(v);
                for (int j = 1; j < t; j++) {
                    w[j] = r.nextDouble() < 0.7 ? (w[j - 1] + 1) % v : r.nextInt(v);
                }
            }
        }
        FactoredGpt.Config base = new FactoredGpt.Config(v, t, 8, 2, 1, true, 3L);
        Mlm.Options opt = Records.with(Mlm.Options.defaults(), Map.of("steps", 30L, "batch", 16, "lr", 0.01,
                "warmup", 3L, "weightDecay", 0.0, "seed", 1L, "logEvery", 10));
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            List<GptTraining.Trained> first = GptTraining.run(base, new int[] {1, 2}, train, test, opt, true, m,
                    out, false, 10, 8, Set.of());
            assertEquals(2, first.size());
            FactoredGpt one = first.get(0).model();
            long[] ids = new long[test.length * t];
            for (int i = 0; i < test.length; i++) {
                for (int j = 0; j < t; j++) {
                    ids[i * t + j] = test[i][j];
                }
            }
            FactoredGpt warm = GptTraining.warmStart(one, base, 2, m);
            assertEquals(DataType.FLOAT32, warm.parameters().get("embedding.weight").getDataType());
            float[] a = one.logProb(m.create(ids, new Shape(test.length, t))).toFloatArray();
            float[] b = warm.logProb(m.create(ids, new Shape(test.length, t))).toFloatArray();
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-6, "window " + i);
            }
            assertEquals(first.get(0).testLoss(), GptTraining.testLoss(warm, test, m), 1e-6);
            assertTrue(first.get(1).testLoss() != first.get(0).testLoss(), "depth 2 was trained");
            var cfg2 = JsonParser.parseString(Files.readString(out.resolve("checkpoints/gpt_n2/config.json")))
                    .getAsJsonObject();
            assertEquals("gpt_n1", cfg2.get("warm_start").getAsString());
            assertEquals(opt.lr() * GptTraining.LR_DECAY_PER_LAYER,
                    cfg2.getAsJsonObject("training").get("lr").getAsDouble(), 0.0);

            // only depth 2 asked for: depth 1 is still trained (its log exists), only depth 2 is returned
            Path only = out.resolve("only2");
            List<GptTraining.Trained> deep = GptTraining.run(base, new int[] {2}, train, test, opt, true, m, only,
                    false, 10, 0, Set.of());
            assertEquals(1, deep.size());
            assertTrue(Files.isRegularFile(only.resolve("gpt_n1.jsonl")));
            assertEquals(first.get(1).testLoss(), deep.get(0).testLoss(), 0.0, "same seeds, same curriculum");

            // resume of the finished run: both depths restored, not retrained
            long logBytes = Files.size(out.resolve("gpt_n2.jsonl"));
            List<GptTraining.Trained> again = GptTraining.run(base, new int[] {1, 2}, train, test, opt, true, m,
                    out, true, 10, 8, Set.of());
            for (int k = 0; k < 2; k++) {
                assertEquals(first.get(k).testLoss(), again.get(k).testLoss(), 0.0, "depth " + (k + 1));
                assertArrayEquals(first.get(k).clones(), again.get(k).clones());
            }
            assertEquals(logBytes, Files.size(out.resolve("gpt_n2.jsonl")));

            // a run that had finished depth 1 only, resumed with depth 2 added: depth 1 is restored (not
            // retrained) and depth 2 warm-starts from its restored final weights, giving the straight run exactly
            Path part = out.resolve("part");
            GptTraining.run(base, new int[] {1}, train, test, opt, true, m, part, false, 10, 0, Set.of());
            long log1 = Files.size(part.resolve("gpt_n1.jsonl"));
            List<GptTraining.Trained> resumed = GptTraining.run(base, new int[] {1, 2}, train, test, opt, true, m,
                    part, true, 10, 8, Set.of());
            assertEquals(log1, Files.size(part.resolve("gpt_n1.jsonl")));
            for (int k = 0; k < 2; k++) {
                assertEquals(first.get(k).testLoss(), resumed.get(k).testLoss(), 0.0, "depth " + (k + 1));
                assertArrayEquals(first.get(k).clones(), resumed.get(k).clones());
            }

            // without the curriculum depth 2 starts from scratch with the full learning rate
            Path cold = out.resolve("cold");
            GptTraining.run(base, new int[] {2}, train, test, opt, false, m, cold, false, 10, 0, Set.of());
            assertFalse(Files.exists(cold.resolve("gpt_n1.jsonl")));
            var coldCfg = JsonParser.parseString(Files.readString(cold.resolve("checkpoints/gpt_n2/config.json")))
                    .getAsJsonObject();
            assertEquals("none", coldCfg.get("warm_start").getAsString());
            assertEquals(opt.lr(), coldCfg.getAsJsonObject("training").get("lr").getAsDouble(), 0.0);
        }
    }
}
