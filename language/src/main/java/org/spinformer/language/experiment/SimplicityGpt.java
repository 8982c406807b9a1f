package org.spinformer.language.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.core.train.RunHarness;
import org.spinformer.language.clones.CloneSampler;
import org.spinformer.language.corpus.Dataset;
import org.spinformer.language.corpus.Windows;
import org.spinformer.language.diagnose.Comparison;
import org.spinformer.language.model.FactoredGpt;
import org.spinformer.language.model.GptLm;
import org.spinformer.language.train.Mlm;

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

/**
 * The distributional simplicity bias experiment with next-token loss (the GPT variant of Rende, Gerace, Laio,
 * Goldt, NeurIPS 2024): causal factored models ({@link FactoredGpt}) with n = 1, 2, 3 layers (interactions among up
 * to 2, 3, 5 tokens) are trained on the corpus and each draws exact clones by ancestral sampling
 * ({@link GptTraining}); then a GPT-2-style student ({@link GptLm}, core decoder blocks) is trained by next-token
 * cross-entropy on the original training windows and, at log-spaced steps, its next-token loss is measured on
 * held-out windows of the original (the test split) and of every clone (never seen in training), over seeds. If
 * the student learns low-order interactions first, its loss on the low-order clones stops improving earlier than
 * on the higher-order clones and on the original.
 *
 * <p>Outputs in {@code out}: {@code curves.csv} (seed, step, dataset, loss), {@code simplicity_gpt.json}
 * (mean ± std curves, saturation steps, late drops, factored test losses and the entropy floor of each clone set,
 * clone statistics, options),
 * {@code simplicity_gpt_loss.png/svg}, {@code simplicity_gpt_snapshots.png/svg}, {@code clone_n<k>/},
 * {@code statistics/}, logs {@code gpt_n<k>.jsonl}, {@code student_seed<s>.jsonl} and {@code checkpoints/}.
 */
public final class SimplicityGpt {
    private static final Logger LOG = LoggerFactory.getLogger(SimplicityGpt.class);

    /** All settings. */
    public record Options(int[] factoredLayers, int factoredDim, int factoredHeads, long factoredSteps,
                          int factoredBatch, double factoredLr, int clones, int studentLayers, int studentDim,
                          int studentHeads, int studentHidden, long studentSteps, int studentBatch, double studentLr,
                          long studentWarmup, int seeds, int evalPoints, int evalWindows, long seed,
                          boolean factoredCurriculum) {
        /** The one place these settings are checked; messages name the CLI options. */
        public Options {
            if (factoredLayers.length == 0 || Arrays.stream(factoredLayers).anyMatch(n -> n < 1 || n > 6)) {
                throw new IllegalArgumentException("--layers must be in 1..6, got " + Arrays.toString(factoredLayers));
            }
            factoredLayers = Arrays.stream(factoredLayers).sorted().distinct().toArray();
            long[][] atLeast = {{seeds, 1}, {factoredSteps, 1}, {clones, 1}, {evalWindows, 1}, {evalPoints, 1},
                {studentSteps, 10}, {studentLayers, 1}, {studentHidden, 1}, {studentBatch, 1}, {factoredBatch, 1},
                {studentWarmup, 0}};
            String[] names = {"--seeds", "--factored-steps", "--clones", "--eval-windows", "--eval-points",
                "--student-steps", "--student-layers", "--student-hidden", "--student-batch", "--factored-batch",
                "--student-warmup"};
            for (int i = 0; i < names.length; i++) {
                if (atLeast[i][0] < atLeast[i][1]) {
                    throw new IllegalArgumentException(names[i] + " must be >= " + atLeast[i][1] + ", got "
                            + atLeast[i][0]);
                }
            }
            if (studentDim < 1 || studentHeads < 1 || studentDim % studentHeads != 0) {
                throw new IllegalArgumentException("--student-dim (" + studentDim + ") must be a positive multiple of "
                        + "--student-heads (" + studentHeads + ")");
            }
            if (factoredDim < 1 || factoredHeads < 1 || factoredDim % factoredHeads != 0) {
                throw new IllegalArgumentException("--factored-dim (" + factoredDim + ") must be a positive multiple "
                        + "of --factored-heads (" + factoredHeads + ")");
            }
            if (!(studentLr > 0 && studentLr < Double.POSITIVE_INFINITY)
                    || !(factoredLr > 0 && factoredLr < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("--student-lr and --factored-lr must be finite numbers > 0, got "
                        + studentLr + ", " + factoredLr);
            }
        }

        /** The full run: factored GPTs n = 1, 2, 3 as {@code train-gpt}'s defaults, a 4-layer student, 3 seeds. */
        public static Options full() {
            return new Options(new int[] {1, 2, 3}, 64, 4, 1500, 128, 0.003, 500, 4, 64, 4, 256, 1000, 64, 1e-3, 100,
                    3, 12, 400, 1L, true);
        }

        /** A short run (about 2 minutes on the 2-core build machine). */
        public static Options quick() {
            return new Options(new int[] {1, 3}, 32, 4, 300, 64, 0.003, 300, 4, 32, 4, 64, 300, 32, 2e-3, 50, 2, 7,
                    300, 1L, true);
        }

        /** The student's shape for vocabulary V, window length T and init seed {@code s}. */
        GptLm.Config student(int v, int t, long s) {
            return new GptLm.Config(v, t, studentDim, studentHeads, studentHidden, studentLayers, s);
        }

        /** The student's optimizer settings (AdamW, warm-up + cosine, clip 0.5, decay 0.01) with data seed s. */
        Mlm.Options studentTraining(long s) {
            return new Mlm.Options(studentSteps, studentBatch, studentLr, studentWarmup, 0.5, 0.01, 0,
                    Mlm.Method.ADAMW, s, 25);
        }
    }

    private SimplicityGpt() {}

    /** The evaluation-set name of the clones of depth n: {@code clone n=<n> (<2^(n−1)+1>-body)}. */
    public static String cloneName(int n) {
        return "clone n=" + n + " (" + ((1 << (n - 1)) + 1) + "-body)";
    }

    /**
     * Runs the experiment into {@code out}.
     *
     * @param clonesFrom null: train the factored GPTs here and sample their clones; else a directory holding
     *                   {@code clone_n<k>/clones.tsv} for every depth (e.g. a {@code language train-gpt} run on the
     *                   same corpus settings), used instead
     * @param resume     continue the run in {@code out}: trained depths and each student seed's finished
     *                   evaluation points come back from {@code out/checkpoints/}, an interrupted training continues
     *                   from its last checkpoint; clones are drawn again (a function of the model and the seed)
     * @return the curves (original first, then the clones by depth)
     */
    public static List<Simplicity.Curve> run(Dataset data, Options o, Path out, NDManager m, Path clonesFrom,
                                             boolean resume) throws IOException {
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        Windows w = data.windows();
        int v = data.tokenizer().vocabSize();
        int t = w.length();
        Map<String, int[][]> sets = new LinkedHashMap<>();
        sets.put("original", Windows.head(w.test(), o.evalWindows()));
        Map<String, int[][]> clones = new LinkedHashMap<>();
        JsonObject summary = new JsonObject();
        JsonObject factored = new JsonObject();

        // 1. causal factored models and their exact clones (or clones of an earlier train-gpt run)
        if (clonesFrom != null) {
            for (int n : o.factoredLayers()) {
                Path f = clonesFrom.resolve("clone_n" + n).resolve("clones.tsv");
                if (!Files.isRegularFile(f)) {
                    throw new IllegalArgumentException("--clones-from: " + f + " missing");
                }
                int[][] c = CloneSampler.readTsv(f);
                if (c.length == 0 || c[0].length != t) {
                    throw new IllegalArgumentException("--clones-from: " + f + " has no windows of " + t + " tokens");
                }
                clones.put(cloneName(n), c);
                LOG.info("using {} clones of depth {} from {}", c.length, n, f);
            }
            factored.addProperty("clones_from", clonesFrom.toString());
        } else {
            FactoredGpt.Config base = new FactoredGpt.Config(v, t, o.factoredDim(), o.factoredHeads(), 1, true,
                    o.seed());
            Mlm.Options fopt = new Mlm.Options(o.factoredSteps(), o.factoredBatch(), o.factoredLr(),
                    Math.min(100, o.factoredSteps() / 10), 1.0, 0.01, 0, Mlm.Method.ADAMW, o.seed(), 25);
            try (NDManager fm = m.newSubManager()) {
                long f0 = System.nanoTime();
                for (GptTraining.Trained tr : GptTraining.run(base, o.factoredLayers(), w.train(), w.test(), fopt,
                        o.factoredCurriculum(), fm,
                        out, resume, FactoredTraining.CHECKPOINT_EVERY, o.clones(), data.specialIds())) {
                    int n = tr.model().cfg().layers();
                    CloneSampler.write(out.resolve("clone_n" + n), tr.clones(), data.tokenizer(), fm);
                    clones.put(cloneName(n), tr.clones());
                    JsonObject f = new JsonObject();
                    f.addProperty("test_loss", tr.testLoss());
                    f.addProperty("clones", tr.clones().length);
                    f.addProperty("clone_entropy_floor", entropyFloor(tr.model(),
                            Windows.head(tr.clones(), o.evalWindows()), fm));
                    factored.add("n" + n, f);
                    LOG.info("factored GPT n={}: test loss {} nats/token, {} exact clones", n, tr.testLoss(),
                            tr.clones().length);
                }
                factored.addProperty("seconds", (System.nanoTime() - f0) / 1e9);
                factored.addProperty("curriculum", o.factoredCurriculum());
            }
        }
        clones.forEach((k, c) -> sets.put(k, Windows.head(c, o.evalWindows())));
        summary.add("factored", factored);
        JsonObject sizes = new JsonObject();
        sets.forEach((k, s) -> sizes.addProperty(k, s.length));
        summary.add("eval_windows", sizes);

        // 2. statistics of the clones against the original test windows (as many windows as there are clones)
        Map<String, int[][]> cmp = new LinkedHashMap<>();
        cmp.put("original test", Windows.head(w.test(), clones.values().iterator().next().length));
        cmp.putAll(clones);
        Comparison.Options co = Comparison.Options.defaults();
        var rows = Comparison.compare(w.train(), cmp, v, data.specialIds(), co);
        Comparison.write(out.resolve("statistics"), rows, co);
        summary.add("statistics", Comparison.toJson(rows, co));

        // 3. the GPT student on the original, evaluated on every set at log-spaced steps, over seeds
        long[] evalSteps = Simplicity.logSpaced(o.studentSteps(), o.evalPoints());
        Map<String, double[][]> losses = new LinkedHashMap<>(); // name -> [seed][point]
        for (String k : sets.keySet()) {
            losses.put(k, new double[o.seeds()][evalSteps.length]);
        }
        StringBuilder csv = new StringBuilder("seed,step,dataset,loss\n");
        List<Integer> ok = new ArrayList<>();
        JsonArray diverged = new JsonArray();
        List<Simplicity.Curve> curves = new ArrayList<>();
        int[][] train = w.train();
        for (int s = 0; s < o.seeds(); s++) {
            long seed = o.seed() + 1000L * (s + 1);
            try (NDManager sm = m.newSubManager()) {
                GptLm student = new GptLm(o.student(v, t, seed), sm, DataType.FLOAT32);
                Mlm.Options sopt = o.studentTraining(seed);
                // train to each evaluation step, evaluate there, checkpoint weights, optimizer, data stream and
                // the losses so far in the core RunHarness: a resumed run skips the points already done
                try (Mlm trainer = new Mlm(student.parameters(), student::config,
                        (bm, pick, r) -> student.loss(Windows.ids(bm, train, pick)), train, sopt, sm, null,
                        "gpt student seed " + s)) {
                    final int si = s;
                    int[] done = {0};
                    JsonObject cfgJson = student.config().deepCopy();
                    cfgJson.add("training", sopt.toJson());
                    RunHarness.Builder hb = RunHarness.builder(out.resolve("checkpoints").resolve("student_seed" + s))
                            .resume(resume).weights(student.parameters()).manager(sm).config(cfgJson)
                            .logFile(out.resolve("student_seed" + s + ".jsonl"))
                            .section(RunHarness.json("evaluations", () -> Simplicity.evaluations(losses, si, done[0]),
                                    j -> done[0] = Simplicity.restoreEvaluations(j, losses, si)));
                    trainer.sections().forEach(hb::section);
                    try (RunHarness run = hb.build()) {
                        for (int p = done[0]; p < evalSteps.length; p++) {
                            trainer.train(evalSteps[p] - trainer.step(), run.metrics());
                            for (Map.Entry<String, int[][]> e : sets.entrySet()) {
                                losses.get(e.getKey())[s][p] = student.evaluate(e.getValue(), sm, o.studentBatch());
                            }
                            done[0] = p + 1;
                            run.save(trainer.step());
                            LOG.info("gpt student seed {} step {}: {}", s, evalSteps[p],
                                    Simplicity.describe(losses, s, p));
                        }
                    }
                }
                for (int p = 0; p < evalSteps.length; p++) {
                    for (String k : sets.keySet()) {
                        csv.append(String.format(Locale.ROOT, "%d,%d,%s,%.6f%n", s, evalSteps[p], k,
                                losses.get(k)[s][p]));
                    }
                }
                ok.add(s);
            } catch (IllegalStateException e) {
                // loud, recorded, and excluded from the mean: a diverged seed must not poison the curves
                LOG.error("GPT student seed {} (seed {}) DIVERGED and is excluded: {}", s, seed, e.getMessage());
                diverged.add(seed);
            }
            if (ok.isEmpty()) {
                continue;
            }
            AtomicFiles.write(out.resolve("curves.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
            curves = Simplicity.curves(losses, evalSteps, ok);
            summary.add("diverged_seeds", diverged);
            summary.addProperty("seeds_used", ok.size());
            summary.add("late_drops", lateDrops(losses, evalSteps, ok));
            summary.add("student", student(o, v, t));
            Simplicity.writeCurves(out, "simplicity_gpt", curves, summary, o, (System.nanoTime() - t0) / 1e9,
                    "GPT student (" + o.studentLayers() + " layers) next-token test loss: original vs clones, mean ± "
                            + "std over " + ok.size() + " seeds", "next-token test loss (nats / token)");
        }
        if (ok.isEmpty()) {
            throw new IllegalStateException("every GPT student seed diverged (" + diverged + ")");
        }
        return curves;
    }

    /**
     * The late drop of every dataset: loss at the first evaluated step ≥ 40% of the training minus the final loss
     * (how much the dataset still gains late in training), per seed, then mean ± std (n − 1) over the seeds
     * {@code ok}.
     */
    static JsonObject lateDrops(Map<String, double[][]> losses, long[] steps, List<Integer> ok) {
        JsonObject j = new JsonObject();
        int from = 0;
        while (from < steps.length - 1 && steps[from] < 0.4 * steps[steps.length - 1]) {
            from++;
        }
        int last = steps.length - 1;
        j.addProperty("from_step", steps[from]);
        j.addProperty("to_step", steps[last]);
        JsonObject per = new JsonObject();
        for (Map.Entry<String, double[][]> e : losses.entrySet()) {
            double mean = 0;
            for (int k : ok) {
                mean += (e.getValue()[k][from] - e.getValue()[k][last]) / ok.size();
            }
            double var = 0;
            for (int k : ok) {
                var += Math.pow(e.getValue()[k][from] - e.getValue()[k][last] - mean, 2) / Math.max(1, ok.size() - 1);
            }
            JsonObject d = new JsonObject();
            d.addProperty("drop", mean);
            d.addProperty("std", Math.sqrt(var));
            per.add(e.getKey(), d);
        }
        j.add("datasets", per);
        return j;
    }

    /**
     * −1/(N(T−1)) Σ_windows Σ_{t≥1} log p_n(x_t | x_{&lt;t}) of the factored model's own exact clones: a Monte-Carlo
     * estimate of the clone distribution's entropy per predicted token, the lowest expected next-token loss any
     * student can reach on that clone set (same positions 1..T−1 as {@link GptLm#loss}).
     */
    static double entropyFloor(FactoredGpt g, int[][] clones, NDManager base) {
        int t = g.cfg().length();
        int v = g.cfg().vocab();
        double sum = Windows.sumOverBatches(clones, 256, base, ids -> {
            long b = ids.getShape().get(0);
            NDArray lp = g.logits(ids).logSoftmax(2).reshape(-1); // [B·T·V]
            NDArray at = ids.getManager().arange(0L, b * t, 1L, DataType.INT64).mul(v).add(ids.reshape(b * t));
            return lp.take(ids.getManager(), at).reshape(b, t).get(new NDIndex(":, 1:")).sum();
        });
        return -sum / ((double) clones.length * (t - 1));
    }

    private static JsonObject student(Options o, int v, int t) {
        JsonObject j = org.spinformer.core.config.Records.toJson(o.student(v, t, 0));
        j.remove("seed");
        return j;
    }
}
