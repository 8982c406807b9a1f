package org.spinformer.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.spinformer.core.device.Devices;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.core.plot.LineChart;
import org.spinformer.core.plot.Series;
import org.spinformer.core.train.MetricsLog;
import org.spinformer.core.train.NonFiniteException;
import org.spinformer.core.train.Progress;
import org.spinformer.language.attractor.AttractorNetwork;
import org.spinformer.language.attractor.TokenPatterns;
import org.spinformer.language.attractor.TransientMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/** {@code spinformer language attractor}: self-attention as an attractor network and its transient memories. */
@Command(name = "attractor", mixinStandardHelpOptions = true,
        description = {"Self-attention as an attractor network (D'Amico and Negri 2024, arXiv:2409.16112): sequences "
                + "of T tokens from Q random unit vectors in R^D; couplings J_ij (D x D) trained without "
                + "backpropagation by each position's local energy; the dynamics x_i <- normalise(sum_j "
                + "softmax_j(beta x_i J_ij x_j) J_ij x_j + gamma x_i) run from denoising starts (noise on every "
                + "token), masked-token starts (one token replaced) and random starts, for the trained and the "
                + "untrained (initial) couplings.",
                "Writes training.jsonl (step, loss), curves.csv (model, task, start, t, overlap with the start's "
                        + "own example, with the nearest train and nearest test example, masked-token cosine and "
                        + "accuracy), attractor.json (configuration, training, peaks and final values, all curves) "
                        + "and plots attractor_transient, attractor_denoise, attractor_masked, attractor_training "
                        + "(PNG + SVG). A run takes seconds, so there is no --resume."})
public final class LanguageAttractorCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.Run run = new CommonOptions.Run("runs/attractor");

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--positions", defaultValue = "8", description = "Tokens per sequence T (default: ${DEFAULT-VALUE}).")
    int positions;

    @Option(names = "--dim", defaultValue = "16", description = "Token width D (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--vocab", defaultValue = "8", description = "Vocabulary size Q: random unit vectors in R^D "
            + "(default: ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--data", defaultValue = "planted", description = "random (i.i.d. tokens) or planted (examples "
            + "around --templates templates, each position redrawn with probability --mutation) (default: "
            + "${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--templates", defaultValue = "4", description = "Templates K of planted data (default: "
            + "${DEFAULT-VALUE}).")
    int templates;

    @Option(names = "--mutation", defaultValue = "0.2", description = "Probability r that a planted example redraws "
            + "a position (default: ${DEFAULT-VALUE}).")
    double mutation;

    @Option(names = "--train", defaultValue = "100", description = "Train examples (default: ${DEFAULT-VALUE}).")
    int train;

    @Option(names = "--test", defaultValue = "100", description = "Test examples (default: ${DEFAULT-VALUE}).")
    int test;

    @Option(names = "--beta", defaultValue = "1.0", description = "Inverse temperature beta of the attention "
            + "(default: ${DEFAULT-VALUE}).")
    double beta;

    @Option(names = "--gamma", defaultValue = "0.5", description = "Self-coupling gamma of the update (default: "
            + "${DEFAULT-VALUE}).")
    double gamma;

    @Option(names = "--lambda", defaultValue = "0.1", description = "Weight decay lambda of the local loss (default: "
            + "${DEFAULT-VALUE}).")
    double lambda;

    @Option(names = "--lr", defaultValue = "0.5", description = "Learning rate of the local rule (default: "
            + "${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--steps", defaultValue = "300", description = "Training steps (full batch) (default: "
            + "${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--init-scale", defaultValue = "0.1", description = "Initial couplings N(0, s^2/D): the untrained "
            + "network (default: ${DEFAULT-VALUE}).")
    double initScale;

    @Option(names = "--time", defaultValue = "40", description = "Steps of the dynamics (default: ${DEFAULT-VALUE}).")
    int time;

    @Option(names = "--noise", defaultValue = "1.0", description = "Denoising starts: every token x_i + sigma xi/sqrt(D), "
            + "renormalised (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--mask", defaultValue = "random", description = "Masked-token starts: the hidden token becomes a "
            + "random unit vector or zero (default: ${DEFAULT-VALUE}).")
    String mask;

    @Option(names = "--starts", defaultValue = "100", description = "Starts per start set (train examples, test "
            + "examples, random), at most the set's size for the first two (default: ${DEFAULT-VALUE}).")
    int starts;

    @Option(names = "--log-every", defaultValue = "10", description = "Training steps between loss rows (default: "
            + "${DEFAULT-VALUE}).")
    int logEvery;

    /** One measured set of curves. */
    record Measured(String model, String task, String start, TransientMemory.Curves curves) {}

    void validate() {
        TokenPatterns.parse(data);
        if (!mask.equals("random") && !mask.equals("zero")) {
            throw new IllegalArgumentException("--mask takes random or zero, got '" + mask + "'");
        }
        positive("--positions", positions, 2);
        positive("--dim", dim, 1);
        positive("--vocab", vocab, 2);
        positive("--templates", templates, 1);
        positive("--train", train, 1);
        positive("--test", test, 1);
        positive("--steps", steps, 0);
        positive("--time", time, 1);
        positive("--starts", starts, 1);
        positive("--log-every", logEvery, 1);
        finite("--beta", beta, false);
        finite("--lambda", lambda, true);
        finite("--lr", lr, false);
        finite("--init-scale", initScale, true);
        finite("--noise", noise, true);
        if (!Double.isFinite(gamma)) {
            throw new IllegalArgumentException("--gamma must be finite, got " + gamma);
        }
        if (!(mutation >= 0 && mutation <= 1)) {
            throw new IllegalArgumentException("--mutation must lie in [0, 1], got " + mutation);
        }
        if ((long) positions * positions * dim * dim * Math.max(train, starts) > 400_000_000L) {
            throw new IllegalArgumentException("--positions, --dim, --train/--starts too large: T^2 D^2 B = "
                    + (long) positions * positions * dim * dim * Math.max(train, starts) + " floats per step");
        }
    }

    static void positive(String option, int v, int min) {
        if (v < min) {
            throw new IllegalArgumentException(option + " must be >= " + min + ", got " + v);
        }
    }

    static void finite(String option, double v, boolean zeroAllowed) {
        if (!Double.isFinite(v) || v < 0 || (!zeroAllowed && v == 0)) {
            throw new IllegalArgumentException(option + " must be finite and " + (zeroAllowed ? ">= 0" : "> 0")
                    + ", got " + v);
        }
    }

    @Override
    public Integer call() throws Exception {
        validate();
        TokenPatterns.Kind kind = TokenPatterns.parse(data);
        var device = run.device();
        Path out = run.out();
        Files.createDirectories(out);
        long seed = run.seed();
        List<Measured> runs = new ArrayList<>();
        JsonObject training = new JsonObject();
        List<double[]> lossCurve = new ArrayList<>();
        try (NDManager m = Devices.manager(device);
             MetricsLog log = MetricsLog.create(out.resolve("training.jsonl"));
             Progress progress = Progress.start("language attractor", steps + 10L)) {
            Random dataRng = new Random(seed);
            float[] v = TokenPatterns.vocabulary(vocab, dim, dataRng);
            int[][] tpl = kind == TokenPatterns.Kind.PLANTED ? TokenPatterns.templates(templates, positions, vocab, dataRng)
                    : null;
            int[][] trainIds = TokenPatterns.examples(train, positions, vocab, tpl, mutation, dataRng);
            int[][] testIds = TokenPatterns.examples(test, positions, vocab, tpl, mutation, dataRng);
            NDArray xTrain = TokenPatterns.embed(trainIds, v, dim, m);
            NDArray xTest = TokenPatterns.embed(testIds, v, dim, m);
            NDArray vocabArr = m.create(v, new Shape(vocab, dim));
            NDArray untrained = AttractorNetwork.initialCouplings(positions, dim, initScale, seed + 1, m);
            NDArray j = untrained.duplicate();
            long t0 = System.nanoTime();
            long[] last = {0};
            double finalLoss = AttractorNetwork.train(j, xTrain, beta, lambda, lr, steps, logEvery, (s, loss) -> {
                NonFiniteException.check(s, "loss", loss, "lower --lr or raise --lambda");
                log.write(MetricsLog.row("step", s, "loss", loss));
                lossCurve.add(new double[] {s, loss});
                progress.step(s - last[0]);
                last[0] = s;
            });
            double seconds = (System.nanoTime() - t0) / 1e9;
            training.addProperty("initial_loss", lossCurve.get(0)[1]);
            training.addProperty("final_loss", finalLoss);
            training.addProperty("seconds", seconds);
            spec.commandLine().getErr().printf(Locale.ROOT, "trained %d steps in %.1f s: loss %.4f -> %.4f%n", steps, seconds,
                    lossCurve.get(0)[1], finalLoss);
            // the same starts for both models; one random stream per start set
            String[][] sets = {{"denoise", "train"}, {"denoise", "test"}, {"masked", "train"}, {"masked", "test"},
                {"random", "random"}};
            for (int k = 0; k < sets.length; k++) {
                String task = sets[k][0];
                String source = sets[k][1];
                Random r = new Random(seed * 1_000_003L + 17L * k);
                NDArray own = null;
                NDArray x0;
                TransientMemory.Mask hidden = null;
                if (task.equals("random")) {
                    x0 = TokenPatterns.uniform(starts, positions, dim, r, m);
                } else {
                    int[][] ids = source.equals("train") ? trainIds : testIds;
                    int s = Math.min(starts, ids.length);
                    int[][] chosen = java.util.Arrays.copyOf(ids, s);
                    own = TokenPatterns.embed(chosen, v, dim, m);
                    if (task.equals("denoise")) {
                        x0 = TokenPatterns.noisy(own, noise, r);
                    } else {
                        int[] pos = IntStream.range(0, s).map(e -> r.nextInt(positions)).toArray();
                        int[] tok = IntStream.range(0, s).map(e -> chosen[e][pos[e]]).toArray();
                        x0 = TokenPatterns.masked(own, pos, mask.equals("zero"), r);
                        hidden = new TransientMemory.Mask(pos, tok, vocabArr);
                    }
                }
                for (String model : new String[] {"trained", "untrained"}) {
                    TransientMemory.Curves c = TransientMemory.run(model.equals("trained") ? j : untrained, x0, own,
                            xTrain, xTest, hidden, time, beta, gamma);
                    runs.add(new Measured(model, task, source, c));
                    progress.step(1);
                }
            }
        }
        JsonObject summary = write(out, runs, training, lossCurve);
        if (run.json()) {
            spec.commandLine().getOut().println(JsonFiles.finite(summary));
        }
        return 0;
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }

    /** curves.csv, attractor.json and the plots; returns the summary printed by --json. */
    JsonObject write(Path out, List<Measured> runs, JsonObject training, List<double[]> lossCurve) throws Exception {
        StringBuilder csv = new StringBuilder("model,task,start,t,own,nearest_train,nearest_test,masked_cosine,"
                + "masked_accuracy\n");
        JsonArray curves = new JsonArray();
        JsonObject peaks = new JsonObject();
        for (Measured r : runs) {
            TransientMemory.Curves c = r.curves();
            for (int t = 0; t <= time; t++) {
                csv.append(r.model()).append(',').append(r.task()).append(',').append(r.start()).append(',').append(t)
                        .append(',').append(fmt(c.own()[t])).append(',').append(fmt(c.nearestTrain()[t])).append(',')
                        .append(fmt(c.nearestTest()[t])).append(',').append(fmt(c.maskedCosine()[t])).append(',')
                        .append(fmt(c.maskedAccuracy()[t])).append('\n');
            }
            JsonObject o = new JsonObject();
            o.addProperty("model", r.model());
            o.addProperty("task", r.task());
            o.addProperty("start", r.start());
            JsonObject p = new JsonObject();
            curve(o, p, "own", c.own());
            curve(o, p, "nearest_train", c.nearestTrain());
            curve(o, p, "nearest_test", c.nearestTest());
            curve(o, p, "masked_cosine", c.maskedCosine());
            curve(o, p, "masked_accuracy", c.maskedAccuracy());
            curves.add(o);
            peaks.add(r.model() + "/" + r.task() + "/" + r.start(), p);
        }
        AtomicFiles.write(out.resolve("curves.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        JsonObject config = CommonOptions.optionsJson(spec);
        JsonObject all = new JsonObject();
        all.add("config", config);
        all.add("training", training);
        all.add("summary", peaks);
        all.add("curves", curves);
        JsonFiles.write(out.resolve("attractor.json"), all);
        plots(out, runs, lossCurve);
        JsonObject summary = new JsonObject();
        summary.add("training", training);
        summary.add("summary", peaks);
        return summary;
    }

    /** Adds the curve to {@code o} and its value at t = 0, its peak, the time of the peak and its last value to {@code p}. */
    static void curve(JsonObject o, JsonObject p, String name, double[] c) {
        if (Double.isNaN(c[0])) {
            return;
        }
        JsonArray a = new JsonArray();
        for (double v : c) {
            a.add(v);
        }
        o.add(name, a);
        int peak = TransientMemory.Curves.argMax(c);
        JsonObject s = new JsonObject();
        s.addProperty("t0", c[0]);
        s.addProperty("peak", c[peak]);
        s.addProperty("t_peak", peak);
        s.addProperty("final", c[c.length - 1]);
        p.add(name, s);
    }

    Measured find(List<Measured> runs, String model, String task, String start) {
        return runs.stream().filter(r -> r.model().equals(model) && r.task().equals(task) && r.start().equals(start))
                .findFirst().orElseThrow();
    }

    void plots(Path out, List<Measured> runs, List<double[]> lossCurve) throws Exception {
        double[] ts = IntStream.rangeClosed(0, time).asDoubleStream().toArray();
        String shape = String.format(Locale.ROOT, "T=%d D=%d Q=%d %s P=%d", positions, dim, vocab, data, train);
        LineChart.Builder transient_ = LineChart.builder().optTitle("trained: overlap with the nearest example (" + shape + ")")
                .optXLabel("time t").optYLabel("overlap (1/T) sum_i x_i . y_i");
        for (String start : new String[] {"test", "train"}) {
            TransientMemory.Curves c = find(runs, "trained", "denoise", start).curves();
            transient_.addSeries(new Series("from noisy " + start + ": nearest train", ts, c.nearestTrain()));
            transient_.addSeries(new Series("from noisy " + start + ": nearest test", ts, c.nearestTest()));
        }
        TransientMemory.Curves rnd = find(runs, "trained", "random", "random").curves();
        transient_.addSeries(new Series("from random: nearest train", ts, rnd.nearestTrain()));
        transient_.addSeries(new Series("from random: nearest test", ts, rnd.nearestTest()));
        TransientMemory.Curves rndU = find(runs, "untrained", "random", "random").curves();
        transient_.addSeries(new Series("untrained, from random: nearest train", ts, rndU.nearestTrain()));
        transient_.build().save(out.resolve("attractor_transient"));
        LineChart.Builder dn = LineChart.builder().optTitle("denoising, sigma = " + noise + " (" + shape + ")")
                .optXLabel("time t").optYLabel("overlap with the start's own example");
        LineChart.Builder mk = LineChart.builder().optTitle("masked token, " + mask + " (" + shape + ")")
                .optXLabel("time t").optYLabel("masked-token accuracy (nearest vocabulary vector)");
        for (String model : new String[] {"trained", "untrained"}) {
            for (String start : new String[] {"train", "test"}) {
                dn.addSeries(new Series(model + ", " + start, ts, find(runs, model, "denoise", start).curves().own()));
                mk.addSeries(new Series(model + ", " + start, ts,
                        find(runs, model, "masked", start).curves().maskedAccuracy()));
            }
        }
        dn.build().save(out.resolve("attractor_denoise"));
        mk.optReference(1.0 / vocab, "chance 1/Q").build().save(out.resolve("attractor_masked"));
        LineChart.builder().optTitle("local rule: loss sum_i L_i (" + shape + ")").optXLabel("step")
                .optYLabel("loss").addSeries(new Series("loss", lossCurve.stream().mapToDouble(p -> p[0]).toArray(),
                        lossCurve.stream().mapToDouble(p -> p[1]).toArray())).build()
                .save(out.resolve("attractor_training"));
    }
}
