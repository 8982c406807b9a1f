package org.spinformer.language.experiment;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.config.Records;
import org.spinformer.language.corpus.Dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tiny end-to-end run of the next-token simplicity experiment (Moby-Dick, V = 60, T = 8, depths 1 and 2, a
 * one-layer student, 2 seeds): every output file is written, curves.csv has one finite row per seed, step and
 * set, its per-seed losses agree with the JSON's mean ± std recomputed here, and the student's loss on the
 * original falls from the first to the last evaluation to below the uniform log V.
 */
class SimplicityGptTest {
    /**
     * The entropy floor of a clone set, estimated from 40 000 exact clones of a causal factored model on V = 3,
     * T = 3, equals the conditional entropy per predicted token (positions 1, 2) from enumerating all 27 windows,
     * within 4 standard errors of the Monte-Carlo mean.
     */
    @Test
    void entropyFloorMatchesEnumeration() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            org.spinformer.language.model.FactoredGpt g = new org.spinformer.language.model.FactoredGpt(
                    new org.spinformer.language.model.FactoredGpt.Config(3, 3, 4, 2, 2, true, 5L), m,
                    ai.djl.ndarray.types.DataType.FLOAT64);
            g.parameters().get("readout.bias").addi(m.create(new double[] {0.3, -0.2, 0.1}));
            long[] all = new long[27 * 3];
            for (int w = 0; w < 27; w++) {
                all[w * 3] = w / 9;
                all[w * 3 + 1] = (w / 3) % 3;
                all[w * 3 + 2] = w % 3;
            }
            double[] logp = g.logProb(m.create(all, new ai.djl.ndarray.types.Shape(27, 3))).toDoubleArray();
            // p(x_0) by marginalising the enumeration; H = E[−log p(x) + log p(x_0)] / 2
            double[] p0 = new double[3];
            for (int w = 0; w < 27; w++) {
                p0[w / 9] += Math.exp(logp[w]);
            }
            double exact = 0;
            double second = 0;
            for (int w = 0; w < 27; w++) {
                double f = (-logp[w] + Math.log(p0[w / 9])) / 2;
                exact += Math.exp(logp[w]) * f;
                second += Math.exp(logp[w]) * f * f;
            }
            int n = 40_000;
            long[] s = g.sample(n, 9L, java.util.Set.of(), m).toLongArray();
            int[][] clones = new int[n][3];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < 3; j++) {
                    clones[i][j] = (int) s[i * 3 + j];
                }
            }
            double est = SimplicityGpt.entropyFloor(g, clones, m);
            double se = Math.sqrt((second - exact * exact) / n);
            System.out.printf("entropy floor: MC %.5f, enumeration %.5f (s.e. %.5f)%n", est, exact, se);
            assertEquals(exact, est, 4 * se);
        }
    }

    @Test
    void tinyRunWritesEverythingWithFallingFiniteLoss(@TempDir Path out) throws Exception {
        Dataset d = Dataset.load("moby-dick", "words", 60, 8, 0.1);
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("factoredLayers", new int[] {1, 2});
        set.put("factoredDim", 8);
        set.put("factoredSteps", 40L);
        set.put("factoredBatch", 16);
        set.put("clones", 24);
        set.put("studentLayers", 1);
        set.put("studentDim", 16);
        set.put("studentHidden", 32);
        set.put("studentSteps", 80L);
        set.put("studentBatch", 16);
        set.put("studentWarmup", 10L);
        set.put("studentLr", 3e-3);
        set.put("seeds", 2);
        set.put("evalPoints", 4);
        set.put("evalWindows", 24);
        SimplicityGpt.Options o = Records.with(SimplicityGpt.Options.quick(), set);
        List<Simplicity.Curve> curves;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            curves = SimplicityGpt.run(d, o, out, m, null, false);
        }
        for (String f : new String[] {"curves.csv", "simplicity_gpt.json", "simplicity_gpt_loss.png",
            "simplicity_gpt_loss.svg", "simplicity_gpt_snapshots.png", "simplicity_gpt_snapshots.svg",
            "clone_n1/clones.tsv", "clone_n2/clones.tsv", "gpt_n1.jsonl", "gpt_n2.jsonl", "student_seed0.jsonl",
            "student_seed1.jsonl"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)) && Files.size(out.resolve(f)) > 0, f);
        }
        assertEquals(List.of("original", "clone n=1 (2-body)", "clone n=2 (3-body)"),
                curves.stream().map(Simplicity.Curve::name).toList());
        long[] steps = curves.get(0).steps();
        List<String> rows = Files.readAllLines(out.resolve("curves.csv"));
        assertEquals("seed,step,dataset,loss", rows.get(0));
        assertEquals(1 + 2 * steps.length * 3, rows.size());
        // recompute mean ± std of every (dataset, step) from the CSV
        Map<String, double[]> perSeed = new LinkedHashMap<>();
        for (String r : rows.subList(1, rows.size())) {
            String[] c = r.split(",");
            double loss = Double.parseDouble(c[3]);
            assertTrue(Double.isFinite(loss) && loss > 0, r);
            perSeed.computeIfAbsent(c[2] + "@" + c[1], k -> new double[2])[Integer.parseInt(c[0])] = loss;
        }
        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("simplicity_gpt.json")))
                .getAsJsonObject();
        var arr = json.getAsJsonArray("curves");
        assertEquals(3, arr.size());
        for (var e : arr) {
            JsonObject c = e.getAsJsonObject();
            for (int p = 0; p < steps.length; p++) {
                double[] l = perSeed.get(c.get("dataset").getAsString() + "@" + c.getAsJsonArray("steps").get(p)
                        .getAsLong());
                assertEquals((l[0] + l[1]) / 2, c.getAsJsonArray("mean").get(p).getAsDouble(), 1e-6);
                assertEquals(Math.abs(l[0] - l[1]) / Math.sqrt(2), c.getAsJsonArray("std").get(p).getAsDouble(), 1e-6);
            }
        }
        double[] orig = curves.get(0).mean();
        System.out.printf("tiny simplicity-gpt: original %.3f -> %.3f (log V = %.3f)%n", orig[0], orig[orig.length - 1],
                Math.log(60));
        assertTrue(orig[orig.length - 1] < orig[0] - 0.1, "loss on the original must fall");
        assertTrue(orig[orig.length - 1] < Math.log(60), "final loss below the uniform log V");
        assertEquals(2, json.get("seeds_used").getAsInt());
        assertTrue(json.getAsJsonObject("factored").getAsJsonObject("n2").get("test_loss").getAsDouble() > 0);
        assertTrue(json.getAsJsonObject("late_drops").getAsJsonObject("datasets").has("clone n=2 (3-body)"));
    }
}
