package org.spinformer.language.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.core.plot.LineChart;
import org.spinformer.core.plot.Series;
import org.spinformer.core.train.MetricsLog;
import org.spinformer.core.train.RunHarness;
import org.spinformer.language.clones.CloneSampler;
import org.spinformer.language.corpus.Dataset;
import org.spinformer.language.corpus.Windows;
import org.spinformer.language.diagnose.Comparison;
import org.spinformer.language.model.BertMlm;
import org.spinformer.language.model.FactoredMlm;
import org.spinformer.language.train.Mlm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The distributional simplicity bias experiment (Rende, Gerace, Laio, Goldt, NeurIPS 2024): factored models
 * with n = 1, 2, 3 layers (interactions among up to 2, 3, 5 tokens) are trained on the original corpus and each
 * samples a clone of the test set; a 4-layer BERT is then trained by MLM on the original and, at log-spaced
 * steps, its test loss is measured on the original test windows and on every clone. If the network learns
 * low-order interactions first, the loss on the low-order clones stops improving (saturates) earlier than the
 * loss on higher-order clones and on the original.
 *
 * <p>Saturation step t₉₀ of a curve (reported): the first evaluated step at which the mean loss has made 90% of
 * its total decrease L(first) − L(last).
 */
public final class Simplicity {
    private static final Logger LOG = LoggerFactory.getLogger(Simplicity.class);

    /** All settings. */
    public record Options(int[] factoredLayers, int factoredDim, int factoredHeads, long factoredSteps,
                          int factoredBatch, double factoredLr, int sweeps, int clones, int bertLayers, int bertDim,
                          int bertHeads, int bertHidden, long bertSteps, int bertBatch, double bertLr,
                          long bertWarmup, int seeds, int evalPoints, int evalWindows, long seed, int bertClones,
                          int chunk, long teacherSteps) {
        /** The one place these settings are checked; messages name the CLI options. */
        public Options {
            if (factoredLayers.length == 0 || Arrays.stream(factoredLayers).anyMatch(n -> n < 1 || n > 6)) {
                throw new IllegalArgumentException("--layers must be in 1..6, got " + Arrays.toString(factoredLayers));
            }
            factoredLayers = Arrays.stream(factoredLayers).sorted().distinct().toArray();
            long[][] atLeast = {{seeds, 1}, {sweeps, 1}, {factoredSteps, 1}, {clones, 1}, {evalWindows, 1},
                {evalPoints, 1}, {bertClones, 0}, {bertSteps, 10}, {teacherSteps, 10}};
            String[] names = {"--seeds", "--sweeps", "--factored-steps", "--clones", "--eval-windows",
                "--eval-points", "--bert-clones", "--bert-steps", "--teacher-steps"};
            for (int i = 0; i < names.length; i++) {
                if (atLeast[i][0] < atLeast[i][1]) {
                    throw new IllegalArgumentException(names[i] + " must be >= " + atLeast[i][1] + ", got "
                            + atLeast[i][0]);
                }
            }
        }

        /** The full run (≤ 20 min on the 2-core build machine). */
        public static Options full() {
            return new Options(new int[] {1, 2, 3}, 64, 4, 1500, 128, 0.003, 20, 1000, 4, 64, 4, 256, 1000, 64,
                    5e-4, 200, 3, 12, 400, 1L, 256, 64, 2000);
        }

        /** A short run for the demo (≈ 2 minutes). */
        public static Options quick() {
            return new Options(new int[] {1, 3}, 32, 4, 300, 64, 0.003, 8, 300, 4, 32, 4, 64, 300, 32, 2e-3, 50,
                    2, 7, 300, 1L, 64, 64, 300);
        }

        /** The BERT configuration shared by the teacher (BERT clone) and the students. */
        BertMlm.Config bert(int v, int t, int maskId, long s) {
            return new BertMlm.Config(v, t, bertDim, bertHeads, bertHidden, bertLayers, maskId, s);
        }

        Mlm.Options bertTraining(long s) {
            return bertTraining(s, bertSteps);
        }

        Mlm.Options bertTraining(long s, long steps) {
            return new Mlm.Options(steps, bertBatch, bertLr, bertWarmup, 0.5, 0.01, 0.15, Mlm.Method.ADAMW, s, 25);
        }
    }

    /** Name of the BERT clone's evaluation set. */
    public static final String BERT_CLONE = "clone BERT (all orders)";

    /** Mean ± std over seeds of one dataset's curve. */
    public record Curve(String name, long[] steps, double[] mean, double[] std, long saturationStep) {}

    private Simplicity() {}

    public static List<Curve> run(Dataset data, Options o, Path out, NDManager m) throws IOException {
        return run(data, o, out, m, false, false);
    }

    /**
     * As {@link #run(Dataset, Options, Path, NDManager)}; with {@code reuseClones} the clones already in
     * {@code out/clone_n<k>/clones.tsv} (from an earlier run with the same corpus settings) are used instead of
     * training the factored models and sampling again. With {@code resume} the run continues the one in
     * {@code out}: trained factored depths, the BERT teacher and the BERT seeds' finished evaluation points are
     * restored from their checkpoints ({@code out/checkpoints/}), an interrupted training continues from its last
     * checkpoint, and clones are sampled again (they are a function of the model and the seed).
     */
    public static List<Curve> run(Dataset data, Options o, Path out, NDManager m, boolean reuseClones,
                                  boolean resume) throws IOException {
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        Windows w = data.windows();
        int v = data.tokenizer().vocabSize();
        int t = w.length();
        int[][] startWindows = Windows.head(w.test(), o.clones());
        Map<String, int[][]> sets = new LinkedHashMap<>();
        sets.put("original", Windows.head(w.test(), o.evalWindows()));
        JsonObject summary = new JsonObject();
        JsonObject factored = new JsonObject();

        // 1. factored models (curriculum) and their clones
        FactoredMlm.Config base = new FactoredMlm.Config(v, t, o.factoredDim(), o.factoredHeads(), 1, "free", true,
                data.tokenizer().maskId(), o.seed());
        Mlm.Options fopt = new Mlm.Options(o.factoredSteps(), o.factoredBatch(), o.factoredLr(),
                Math.min(100, o.factoredSteps() / 10), 1.0, 0.01, 0, Mlm.Method.ADAMW, o.seed(), 25);
        Map<String, int[][]> clones = new LinkedHashMap<>();
        if (reuseClones) {
            for (int n : o.factoredLayers()) {
                Path f = out.resolve("clone_n" + n).resolve("clones.tsv");
                if (!Files.isRegularFile(f)) {
                    throw new IllegalArgumentException("cannot reuse clones: " + f + " missing");
                }
                int[][] c = CloneSampler.readTsv(f);
                if (c.length == 0 || c[0].length != t) {
                    throw new IllegalArgumentException("cannot reuse clones: " + f + " has no windows of " + t);
                }
                String name = "clone n=" + n + " (" + ((1 << (n - 1)) + 1) + "-body)";
                clones.put(name, c);
                sets.put(name, Windows.head(c, o.evalWindows()));
                LOG.info("reusing {} clones of the {}-layer model from {}", c.length, n, f);
            }
            Path fb = out.resolve("clone_bert").resolve("clones.tsv");
            if (o.bertClones() > 0 && Files.isRegularFile(fb)) {
                int[][] c = CloneSampler.readTsv(fb);
                clones.put(BERT_CLONE, c);
                sets.put(BERT_CLONE, Windows.head(c, o.evalWindows()));
                LOG.info("reusing {} clones of the BERT teacher from {}", c.length, fb);
            }
            factored.addProperty("reused_clones_from", out.toString());
        }
        try (NDManager fm = m.newSubManager()) {
            var trained = reuseClones ? List.<FactoredTraining.Trained>of()
                    : FactoredTraining.curriculum(base, o.factoredLayers(), w.train(), w.test(), fopt, 0.5, fm, out,
                            resume, 0, FactoredTraining.CHECKPOINT_EVERY).trained();
            for (var tr : trained) {
                int n = tr.model().cfg().layers();
                String name = "clone n=" + n + " (" + ((1 << (n - 1)) + 1) + "-body)";
                CloneSampler s = new CloneSampler(tr.model(), CloneSampler.Rule.HEAT_BATH, data.specialIds());
                CloneSampler.Result res;
                try (MetricsLog log = MetricsLog.create(out.resolve("clone_n" + n + ".jsonl"))) {
                    res = s.sample(startWindows, o.sweeps(), o.chunk(), o.seed() + 100 + n, fm, log, "clone n=" + n);
                }
                CloneSampler.write(out.resolve("clone_n" + n), res.clones(), data.tokenizer(), fm);
                clones.put(name, res.clones());
                sets.put(name, Windows.head(res.clones(), o.evalWindows()));
                JsonObject f = new JsonObject();
                f.addProperty("test_loss", tr.testLoss());
                f.addProperty("train_seconds", tr.seconds());
                f.addProperty("clone_seconds", res.seconds());
                f.addProperty("clone_final_mean_log_conditional",
                        res.stats().get(res.stats().size() - 1).meanLogConditional());
                factored.add("n" + n, f);
            }
        }
        summary.add("factored", factored);

        // 1b. the BERT clone: a separately seeded BERT teacher of the students' architecture, trained like them,
        // sampled by the same heat-bath sampler from the first test windows (keeps interactions of every order)
        if (o.bertClones() > 0 && !reuseClones) {
            try (NDManager tm = m.newSubManager()) {
                long ts = o.seed() + 500;
                BertMlm teacher = new BertMlm(o.bert(v, t, data.tokenizer().maskId(), ts), tm, null,
                        DataType.FLOAT32);
                long t1 = System.nanoTime();
                Mlm.Options topt = o.bertTraining(ts, o.teacherSteps());
                try (Mlm trainer = new Mlm(teacher, w.train(), topt, tm, null, "bert teacher")) {
                    JsonObject cfgJson = teacher.config().deepCopy();
                    cfgJson.add("training", topt.toJson());
                    RunHarness.Builder hb = RunHarness.builder(out.resolve("checkpoints").resolve("bert_teacher"))
                            .resume(resume).weights(teacher.parameters()).manager(tm).config(cfgJson)
                            .logFile(out.resolve("bert_teacher.jsonl"));
                    trainer.sections().forEach(hb::section);
                    try (RunHarness run = hb.build()) {
                        trainer.run(run, 100);
                    }
                }
                double secs = (System.nanoTime() - t1) / 1e9;
                double tl = Mlm.evaluate(teacher, tm, sets.get("original"), 0.15, 777L, o.bertBatch());
                CloneSampler cs = new CloneSampler(teacher, CloneSampler.Rule.HEAT_BATH, data.specialIds());
                CloneSampler.Result res;
                try (MetricsLog clog = MetricsLog.create(out.resolve("clone_bert.jsonl"))) {
                    res = cs.sample(Windows.head(w.test(), o.bertClones()), o.sweeps(), o.chunk(), o.seed() + 199,
                            tm, clog, "clone BERT");
                }
                CloneSampler.write(out.resolve("clone_bert"), res.clones(), data.tokenizer(), tm);
                clones.put(BERT_CLONE, res.clones());
                sets.put(BERT_CLONE, Windows.head(res.clones(), o.evalWindows()));
                JsonObject f = new JsonObject();
                f.addProperty("seed", ts);
                f.addProperty("steps", o.teacherSteps());
                f.addProperty("test_loss_15pct", tl);
                f.addProperty("train_seconds", secs);
                f.addProperty("clones", res.clones().length);
                f.addProperty("clone_seconds", res.seconds());
                summary.add("bert_teacher", f);
                LOG.info("BERT teacher: test loss {} after {} s; {} clones in {} s", tl, secs, res.clones().length,
                        res.seconds());
            }
        }

        // 2. statistics of the factored clones against the original (same number of windows as the clones)
        Map<String, int[][]> cmp = new LinkedHashMap<>();
        cmp.put("original test", startWindows);
        clones.forEach((k, c) -> {
            if (!k.equals(BERT_CLONE)) {
                cmp.put(k, c);
            }
        });
        Comparison.Options co = Comparison.Options.defaults();
        var rows = Comparison.compare(w.train(), cmp, v, data.specialIds(), co);
        Comparison.write(out.resolve("statistics"), rows, co);
        summary.add("statistics", Comparison.toJson(rows, co));

        // 3. BERT on the original, evaluated on every set at log-spaced steps, over seeds
        long[] evalSteps = logSpaced(o.bertSteps(), o.evalPoints());
        Map<String, double[][]> losses = new LinkedHashMap<>(); // name -> [seed][point]
        for (String k : sets.keySet()) {
            losses.put(k, new double[o.seeds()][evalSteps.length]);
        }
        StringBuilder csv = new StringBuilder("seed,step,dataset,loss\n");
        List<Integer> ok = new ArrayList<>();
        JsonArray diverged = new JsonArray();
        List<Curve> curves = new ArrayList<>();
        for (int s = 0; s < o.seeds(); s++) {
            long seed = o.seed() + 1000L * (s + 1);
            StringBuilder seedCsv = new StringBuilder();
            try (NDManager bm = m.newSubManager()) {
                BertMlm bert = new BertMlm(o.bert(v, t, data.tokenizer().maskId(), seed), bm, null, DataType.FLOAT32);
                Mlm.Options bopt = o.bertTraining(seed);
                // Train to each evaluation step, evaluate there, and checkpoint (weights, optimizer, data stream
                // and the losses so far) in the core RunHarness: a resumed run skips the points already done. A
                // seed that still diverged would be excluded and listed.
                try (Mlm trainer = new Mlm(bert, w.train(), bopt, bm, null, "bert seed " + s)) {
                    final int si = s;
                    int[] done = {0};
                    JsonObject cfgJson = bert.config().deepCopy();
                    cfgJson.add("training", bopt.toJson());
                    RunHarness.Builder hb = RunHarness.builder(out.resolve("checkpoints").resolve("bert_seed" + s))
                            .resume(resume).weights(bert.parameters()).manager(bm).config(cfgJson)
                            .logFile(out.resolve("bert_seed" + s + ".jsonl"))
                            .section(RunHarness.json("evaluations", () -> evaluations(losses, si, done[0]),
                                    j -> done[0] = restoreEvaluations(j, losses, si)));
                    trainer.sections().forEach(hb::section);
                    try (RunHarness run = hb.build()) {
                        for (int p = done[0]; p < evalSteps.length; p++) {
                            trainer.train(evalSteps[p] - trainer.step(), run.metrics());
                            for (Map.Entry<String, int[][]> e : sets.entrySet()) {
                                losses.get(e.getKey())[s][p] = Mlm.evaluate(bert, bm, e.getValue(), 0.15, 777L,
                                        o.bertBatch());
                            }
                            done[0] = p + 1;
                            run.save(trainer.step());
                            LOG.info("bert seed {} step {}: {}", s, evalSteps[p], describe(losses, s, p));
                        }
                    }
                }
                for (int p = 0; p < evalSteps.length; p++) {
                    for (String k : sets.keySet()) {
                        seedCsv.append(String.format(Locale.ROOT, "%d,%d,%s,%.6f%n", s, evalSteps[p], k,
                                losses.get(k)[s][p]));
                    }
                }
                ok.add(s);
                csv.append(seedCsv);
            } catch (IllegalStateException e) {
                // loud, recorded, and excluded from the mean: a diverged seed must not poison the curves
                LOG.error("BERT seed {} (seed {}) DIVERGED and is excluded: {}", s, seed, e.getMessage());
                diverged.add(seed);
            }
            if (ok.isEmpty()) {
                continue;
            }
            AtomicFiles.write(out.resolve("curves.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
            curves = curves(losses, evalSteps, ok);
            summary.add("diverged_seeds", diverged);
            summary.addProperty("seeds_used", ok.size());
            writeCurves(out, curves, summary, o, (System.nanoTime() - t0) / 1e9); // after every seed
        }
        if (ok.isEmpty()) {
            throw new IllegalStateException("every BERT seed diverged (" + diverged + ")");
        }
        return curves;
    }

    /**
     * Mean ± std (sample std, n − 1) over the seeds {@code ok} of every dataset's losses ({@code losses}: name →
     * [seed][point]), in the map's order.
     */
    static List<Curve> curves(Map<String, double[][]> losses, long[] evalSteps, List<Integer> ok) {
        List<Curve> curves = new ArrayList<>();
        for (Map.Entry<String, double[][]> e : losses.entrySet()) {
            double[] mean = new double[evalSteps.length];
            double[] std = new double[evalSteps.length];
            for (int p = 0; p < evalSteps.length; p++) {
                for (int k : ok) {
                    mean[p] += e.getValue()[k][p] / ok.size();
                }
                for (int k : ok) {
                    std[p] += Math.pow(e.getValue()[k][p] - mean[p], 2) / Math.max(1, ok.size() - 1);
                }
                std[p] = Math.sqrt(std[p]);
            }
            curves.add(new Curve(e.getKey(), evalSteps, mean, std, saturation(evalSteps, mean)));
        }
        return curves;
    }

    /** The losses of seed {@code s} at its first {@code points} evaluation points, as checkpoint JSON. */
    static JsonObject evaluations(Map<String, double[][]> losses, int s, int points) {
        JsonObject j = new JsonObject();
        j.addProperty("points_done", points);
        JsonObject per = new JsonObject();
        losses.forEach((k, v) -> {
            JsonArray a = new JsonArray();
            for (int p = 0; p < points; p++) {
                a.add(v[s][p]);
            }
            per.add(k, a);
        });
        j.add("losses", per);
        return j;
    }

    /** Puts a checkpoint's losses of seed {@code s} back; returns the number of points done. */
    static int restoreEvaluations(JsonObject j, Map<String, double[][]> losses, int s) {
        int points = j.get("points_done").getAsInt();
        JsonObject per = j.getAsJsonObject("losses");
        for (Map.Entry<String, double[][]> e : losses.entrySet()) {
            JsonArray a = per.getAsJsonArray(e.getKey());
            if (a == null || a.size() != points) {
                throw new IllegalArgumentException("checkpoint of student seed " + s + " has no losses for '"
                        + e.getKey() + "' (resume with the same evaluation sets)");
            }
            for (int p = 0; p < points; p++) {
                e.getValue()[s][p] = a.get(p).getAsDouble();
            }
        }
        return points;
    }

    static String describe(Map<String, double[][]> losses, int s, int p) {
        StringBuilder sb = new StringBuilder();
        losses.forEach((k, v) -> sb.append(k).append('=').append(String.format(Locale.ROOT, "%.3f", v[s][p])).append(' '));
        return sb.toString().trim();
    }

    /** About {@code n} distinct log-spaced steps in [1, total], ending at total. */
    public static long[] logSpaced(long total, int n) {
        TreeSet<Long> s = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            double f = n == 1 ? 1 : (double) i / (n - 1);
            s.add(Math.max(1, Math.round(Math.exp(Math.log(Math.max(10, total / 100.0)) * (1 - f)
                    + Math.log(total) * f))));
        }
        s.add(total);
        return s.stream().mapToLong(Long::longValue).toArray();
    }

    /** First step at which the curve has made 90% of its decrease from the first to the last point. */
    public static long saturation(long[] steps, double[] mean) {
        double drop = mean[0] - mean[mean.length - 1];
        for (int i = 0; i < mean.length; i++) {
            if (mean[0] - mean[i] >= 0.9 * drop) {
                return steps[i];
            }
        }
        return steps[steps.length - 1];
    }

    private static void writeCurves(Path out, List<Curve> curves, JsonObject summary, Options o, double seconds)
            throws IOException {
        writeCurves(out, "simplicity", curves, summary, o, seconds, "BERT (" + o.bertLayers() + " layers) test loss: "
                + "original vs clones, mean ± std over " + (summary.has("seeds_used")
                ? summary.get("seeds_used").getAsInt() : o.seeds()) + " seeds", "MLM test loss (nats / masked token)");
    }

    /**
     * Writes {@code <stem>.json} (the summary with the curves, options and seconds), {@code <stem>_loss.png/svg}
     * (mean ± std bands, log step axis) and {@code <stem>_snapshots.png/svg} (loss at three steps by dataset).
     * {@code curves.get(0)} is the original, the others the clones in order.
     */
    static void writeCurves(Path out, String stem, List<Curve> curves, JsonObject summary, Record o, double seconds,
                            String title, String yLabel) throws IOException {
        JsonArray arr = new JsonArray();
        for (Curve c : curves) {
            JsonObject j = new JsonObject();
            j.addProperty("dataset", c.name());
            JsonArray st = new JsonArray();
            JsonArray mn = new JsonArray();
            JsonArray sd = new JsonArray();
            for (int i = 0; i < c.steps().length; i++) {
                st.add(c.steps()[i]);
                mn.add(c.mean()[i]);
                sd.add(c.std()[i]);
            }
            j.add("steps", st);
            j.add("mean", mn);
            j.add("std", sd);
            j.addProperty("saturation_step_90", c.saturationStep());
            arr.add(j);
        }
        summary.add("curves", arr);
        summary.add("options", org.spinformer.core.config.Records.toJson(o));
        summary.addProperty("seconds", seconds);
        JsonFiles.write(out.resolve(stem + ".json"), summary);
        LineChart.Builder lc = LineChart.builder().optTitle(title).optXLabel("training step").optYLabel(yLabel)
                .optLogX(true);
        for (Curve c : curves) {
            double[] x = new double[c.steps().length];
            for (int i = 0; i < x.length; i++) {
                x[i] = c.steps()[i];
            }
            lc.addSeries(new Series(c.name(), x, c.mean(), c.std()));
        }
        lc.build().save(out.resolve(stem + "_loss"));
        // loss at three snapshot steps, per dataset (x: 1..k clones by order, last = original)
        int np = curves.get(0).steps().length;
        // distinct: with fewer than six evaluation points two of the three would coincide (and XChart refuses
        // two series of one name)
        int[] snaps = java.util.stream.IntStream.of(Math.max(0, np / 3 - 1), Math.max(0, 2 * np / 3 - 1), np - 1)
                .distinct().toArray();
        LineChart.Builder sc = LineChart.builder().optTitle("Test loss at three training steps")
                .optXLabel(order(curves)).optYLabel(yLabel);
        for (int si : snaps) {
            double[] x = new double[curves.size()];
            double[] y = new double[curves.size()];
            double[] e = new double[curves.size()];
            for (int i = 0; i < curves.size(); i++) {
                x[i] = i + 1;
                y[i] = ordered(curves).get(i).mean()[si];
                e[i] = ordered(curves).get(i).std()[si];
            }
            sc.addSeries(new Series("step " + curves.get(0).steps()[si], x, y, e));
        }
        sc.optErrorBands(false).build().save(out.resolve(stem + "_snapshots"));
    }

    /** Clones in order of n, then the original. */
    private static List<Curve> ordered(List<Curve> curves) {
        List<Curve> c = new ArrayList<>(curves.subList(1, curves.size()));
        c.add(curves.get(0));
        return c;
    }

    private static String order(List<Curve> curves) {
        StringBuilder sb = new StringBuilder();
        List<Curve> c = ordered(curves);
        for (int i = 0; i < c.size(); i++) {
            sb.append(i + 1).append(": ").append(c.get(i).name().replaceAll(" \\(.*\\)", "")).append("  ");
        }
        return sb.toString().trim();
    }
}
