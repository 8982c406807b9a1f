package org.spinformer.language.potts;

import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.core.plot.LineChart;
import org.spinformer.core.plot.Series;
import org.spinformer.core.train.Progress;
import org.spinformer.language.train.Mlm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The Potts mapping experiment: samples from a planted generalised Potts model, a single factored-attention
 * layer fitted by MLM and a plmDCA-style baseline, for each number of training samples M: correlation of the
 * recovered couplings with the truth (zero-sum gauge) and test loss against the exact conditional entropy.
 * Outputs {@code results.json}, {@code results.csv}, {@code potts_correlation.png/svg},
 * {@code potts_test_loss.png/svg}, and per-M training logs {@code train_M.jsonl}.
 */
public final class PottsExperiment {
    private static final Logger LOG = LoggerFactory.getLogger(PottsExperiment.class);

    /** Settings; sampler: {@code chains} chains, {@code burnIn} sweeps, one sample per chain every {@code thin}. */
    public record Options(int sites, int colors, int[] samples, long seed, double beta, int dim, int steps,
                          int batch, double lr, double weightDecay, int chains, int burnIn, int thin, int testSamples,
                          int plmSteps, double plmLambda, int checkpointEvery) {
        public static Options defaults(int sites, int colors, int[] samples, long seed) {
            return new Options(sites, colors, samples, seed, 1.0, 8, 3000, 256, 0.01, 1e-3, 500, 200, 10, 2000,
                    500, 0.01, 500);
        }

        /** The one place these settings are checked; messages name the CLI options. */
        public Options {
            if (samples.length == 0 || Arrays.stream(samples).anyMatch(m -> m < 10)) {
                throw new IllegalArgumentException("--samples must all be >= 10, got " + Arrays.toString(samples));
            }
            if (sites < 2 || colors < 2) {
                throw new IllegalArgumentException("--sites and --colors must be >= 2, got " + sites + " and "
                        + colors);
            }
            if (!(lr > 0) || Double.isInfinite(lr) || !Double.isFinite(beta) || !(weightDecay >= 0)) {
                throw new IllegalArgumentException("--lr must be finite and > 0 and --beta finite, got " + lr
                        + " and " + beta);
            }
            if (steps < 1 || dim < 1 || batch < 1 || chains < 1 || thin < 1 || burnIn < 0 || plmSteps < 0) {
                throw new IllegalArgumentException("--steps, --dim, --chains and --thin must be >= 1 and --burn-in"
                        + " >= 0, got " + steps + ", " + dim + ", " + chains + ", " + thin + ", " + burnIn);
            }
            if (checkpointEvery < 1) {
                throw new IllegalArgumentException("--checkpoint-every must be >= 1, got " + checkpointEvery);
            }
            if (testSamples < 10) {
                throw new IllegalArgumentException("--test-samples must be >= 10, got " + testSamples);
            }
        }
    }

    /** One row of the results. */
    public record Result(int samples, double couplingCorrelation, double testLoss, double exactEntropy,
                         double plmCouplingCorrelation, double plmTestLoss, double seconds) {}

    private PottsExperiment() {}

    public static List<Result> run(Options o, Path out, NDManager m) throws IOException {
        return run(o, out, m, false);
    }

    /**
     * Runs the experiment; each M's fit runs in a core {@link org.spinformer.core.train.RunHarness} in
     * {@code out/checkpoints/train_M}, so with {@code resume} finished fits are restored (not retrained) and an
     * interrupted one continues from its last checkpoint. The samples are a pure function of the seed.
     */
    public static List<Result> run(Options o, Path out, NDManager m, boolean resume) throws IOException {
        Files.createDirectories(out);
        PottsModel truth = PottsModel.planted(o.sites(), o.colors(), o.beta(), o.seed());
        double exact = truth.stateCount() > 0 ? truth.exactConditionalEntropy() : Double.NaN;
        int maxM = Arrays.stream(o.samples()).max().getAsInt();
        long t0 = System.nanoTime();
        int[][] all = truth.sample(maxM, o.chains(), o.burnIn(), o.thin(), o.seed() + 1, m);
        int[][] test = truth.sample(o.testSamples(), o.chains(), o.burnIn(), o.thin(), o.seed() + 2, m);
        LOG.info("sampled {} + {} configurations in {} s", maxM, o.testSamples(),
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
        double[][][][] k = Couplings.of(truth);
        Couplings.writeText(out.resolve("couplings_planted.txt"), k);
        double strength = Couplings.gaugedStrength(k);
        List<Result> results = new ArrayList<>();
        try (Progress progress = Progress.start("potts", o.samples().length)) {
            for (int mm : o.samples()) {
                long t1 = System.nanoTime();
                int[][] train = Arrays.copyOf(all, mm);
                double corr;
                double loss;
                try (NDManager fm = m.newSubManager()) {
                    FactoredPotts fp = new FactoredPotts(o.sites(), o.colors(), o.dim(), o.seed() + 3, fm);
                    Mlm.Options opt = new Mlm.Options(o.steps(), Math.min(o.batch(), mm), o.lr(), o.steps() / 20, 1.0,
                            o.weightDecay(), 0, Mlm.Method.ADAMW, o.seed() + 4, 50);
                    fp.fit(train, opt, fm, out.resolve("checkpoints").resolve("train_" + mm),
                            out.resolve("train_" + mm + ".jsonl"), resume, o.checkpointEvery());
                    double[][][][] fitted = fp.couplings(fm);
                    corr = Couplings.correlation(k, fitted);
                    Couplings.writeText(out.resolve("couplings_factored_" + mm + ".txt"), fitted);
                    loss = Mlm.evaluate(fp.model(), fm, test, -1, 0, 4096);
                }
                double plmCorr;
                double plmLoss;
                try (NDManager pm = m.newSubManager()) {
                    PlmBaseline plm = new PlmBaseline(o.sites(), o.colors(), pm);
                    plm.fit(train, o.plmSteps(), 0.05, o.plmLambda(), pm);
                    plmCorr = Couplings.correlation(k, plm.couplings());
                    Couplings.writeText(out.resolve("couplings_plm_" + mm + ".txt"), plm.couplings());
                    plmLoss = plm.testLoss(test, pm);
                }
                Result r = new Result(mm, corr, loss, exact, plmCorr, plmLoss, (System.nanoTime() - t1) / 1e9);
                LOG.info("M={} factored: corr={} test_loss={} | plm: corr={} test_loss={} | exact entropy {}", mm,
                        f(corr), f(loss), f(plmCorr), f(plmLoss), f(exact));
                results.add(r);
                progress.step(1);
            }
        }
        write(out, o, results, strength);
        return results;
    }

    /** The planted couplings' strength in the zero-sum gauge ({@link Couplings#gaugedStrength}) of {@code o}'s seed. */
    public static double plantedStrength(Options o) {
        return Couplings.gaugedStrength(Couplings.of(PottsModel.planted(o.sites(), o.colors(), o.beta(), o.seed())));
    }

    /**
     * The experiment on {@code instances} planted models (seeds s, s+1, …), each in {@code out/instance_<seed>/}
     * (resumable as {@link #run}), and their aggregate: per M the mean and standard deviation over instances of the
     * coupling correlation (factored and plmDCA) and of the test loss, and per instance its planted strength in the
     * zero-sum gauge; {@code instances.json}, {@code instances.csv}, plot {@code potts_correlation_instances}.
     */
    public static JsonObject runInstances(Options o, int instances, Path out, NDManager m, boolean resume)
            throws IOException {
        if (instances < 1) {
            throw new IllegalArgumentException("--instances must be >= 1, got " + instances);
        }
        Files.createDirectories(out);
        List<List<Result>> all = new ArrayList<>();
        JsonArray per = new JsonArray();
        double[] strength = new double[instances];
        for (int k = 0; k < instances; k++) {
            Options oi = org.spinformer.core.config.Records.with(o, "seed", o.seed() + k);
            List<Result> r = run(oi, out.resolve("instance_" + oi.seed()), m, resume);
            all.add(r);
            JsonObject row = summary(r);
            row.addProperty("seed", oi.seed());
            strength[k] = plantedStrength(oi);
            row.addProperty("planted_strength", strength[k]);
            per.add(row);
        }
        JsonArray agg = new JsonArray();
        StringBuilder csv = new StringBuilder("samples,instances,correlation_mean,correlation_std,plm_correlation_mean,"
                + "plm_correlation_std,test_loss_mean,test_loss_std,plm_test_loss_mean,plm_test_loss_std,strength_spearman,"
                + "plm_strength_spearman\n");
        int nm = o.samples().length;
        double[][] bands = new double[4][nm];
        for (int i = 0; i < nm; i++) {
            int row = i;
            double[][] v = new double[4][];
            v[0] = all.stream().mapToDouble(r -> r.get(row).couplingCorrelation()).toArray();
            v[1] = all.stream().mapToDouble(r -> r.get(row).plmCouplingCorrelation()).toArray();
            v[2] = all.stream().mapToDouble(r -> r.get(row).testLoss()).toArray();
            v[3] = all.stream().mapToDouble(r -> r.get(row).plmTestLoss()).toArray();
            JsonObject a = new JsonObject();
            a.addProperty("samples", o.samples()[i]);
            String[] names = {"coupling_correlation", "plm_coupling_correlation", "test_loss", "plm_test_loss"};
            csv.append(o.samples()[i]).append(',').append(instances);
            for (int q = 0; q < 4; q++) {
                double[] ms = meanStd(v[q]);
                a.addProperty(names[q] + "_mean", ms[0]);
                a.addProperty(names[q] + "_std", ms[1]);
                csv.append(String.format(Locale.ROOT, ",%.6f,%.6f", ms[0], ms[1]));
                bands[q][i] = ms[0];
            }
            // does a weak gauged planted strength make an instance hard? rank correlation over the instances
            a.addProperty("strength_spearman", spearman(strength, v[0]));
            a.addProperty("plm_strength_spearman", spearman(strength, v[1]));
            csv.append(String.format(Locale.ROOT, ",%.6f,%.6f", spearman(strength, v[0]), spearman(strength, v[1])));
            csv.append('\n');
            agg.add(a);
        }
        JsonObject s = new JsonObject();
        s.add("aggregate", agg);
        s.add("instances", per);
        s.add("config", org.spinformer.core.config.Records.toJson(o));
        JsonFiles.write(out.resolve("instances.json"), s);
        AtomicFiles.write(out.resolve("instances.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        double[] x = Arrays.stream(o.samples()).asDoubleStream().toArray();
        double[] sdF = new double[nm];
        double[] sdP = new double[nm];
        for (int i = 0; i < nm; i++) {
            sdF[i] = agg.get(i).getAsJsonObject().get("coupling_correlation_std").getAsDouble();
            sdP[i] = agg.get(i).getAsJsonObject().get("plm_coupling_correlation_std").getAsDouble();
        }
        LineChart.builder().optTitle("Potts couplings recovered, mean +- std over " + instances + " instances (L="
                        + o.sites() + ", q=" + o.colors() + ")").optXLabel("training samples M")
                .optYLabel("correlation with planted couplings").optLogX(true).optErrorBands(true)
                .addSeries(new Series("factored attention (1 layer, MLM)", x, bands[0], sdF))
                .addSeries(new Series("pseudo-likelihood + L2 (plmDCA)", x, bands[1], sdP))
                .build().save(out.resolve("potts_correlation_instances"));
        return s;
    }

    /**
     * Spearman's rank correlation of {@code x} and {@code y}: the Pearson correlation of their ranks, ties given
     * their mean rank (as scipy.stats.spearmanr); NaN for fewer than 2 values or a constant input.
     */
    static double spearman(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("spearman: " + x.length + " and " + y.length + " values");
        }
        double[] rx = ranks(x);
        double[] ry = ranks(y);
        double mx = Arrays.stream(rx).average().orElse(Double.NaN);
        double my = Arrays.stream(ry).average().orElse(Double.NaN);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < rx.length; i++) {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return x.length < 2 || sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    /** Ranks 1..n, tied values sharing their mean rank. */
    private static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length;) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                r[order[k]] = (i + j) / 2.0 + 1;
            }
            i = j + 1;
        }
        return r;
    }

    /** Mean and sample standard deviation (0 for one value). */
    static double[] meanStd(double[] v) {
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        return new double[] {mean, v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0};
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** The summary {"results":[{samples, coupling_correlation, test_loss, exact_entropy, plm_…}, …]}. */
    public static JsonObject summary(List<Result> results) {
        JsonArray arr = new JsonArray();
        for (Result r : results) {
            JsonObject o = org.spinformer.core.config.Records.toJson(r);
            if (!Double.isFinite(r.exactEntropy())) {
                o.add("exact_entropy", com.google.gson.JsonNull.INSTANCE); // not enumerable
            }
            arr.add(o);
        }
        JsonObject s = new JsonObject();
        s.add("results", arr);
        return s;
    }

    private static void write(Path out, Options o, List<Result> results, double strength) throws IOException {
        JsonObject s = summary(results);
        s.addProperty("planted_strength", strength);
        JsonObject cfg = org.spinformer.core.config.Records.toJson(o);
        s.add("config", cfg);
        JsonFiles.write(out.resolve("results.json"), s);
        StringBuilder csv = new StringBuilder(
                "samples,coupling_correlation,test_loss,exact_entropy,plm_coupling_correlation,plm_test_loss,seconds\n");
        for (Result r : results) {
            csv.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.2f%n", r.samples(),
                    r.couplingCorrelation(), r.testLoss(), r.exactEntropy(), r.plmCouplingCorrelation(),
                    r.plmTestLoss(), r.seconds()));
        }
        AtomicFiles.write(out.resolve("results.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        double[] x = results.stream().mapToDouble(Result::samples).toArray();
        LineChart.builder().optTitle("Potts couplings recovered (L=" + o.sites() + ", q=" + o.colors() + ")")
                .optXLabel("training samples M").optYLabel("correlation with planted J_ij U_ab").optLogX(true)
                .addSeries(new Series("factored attention (1 layer, MLM)", x,
                        results.stream().mapToDouble(Result::couplingCorrelation).toArray()))
                .addSeries(new Series("pseudo-likelihood + L2 (plmDCA)", x,
                        results.stream().mapToDouble(Result::plmCouplingCorrelation).toArray()))
                .build().save(out.resolve("potts_correlation"));
        LineChart.Builder lb = LineChart.builder().optTitle("Potts test loss (L=" + o.sites() + ", q=" + o.colors()
                        + ")").optXLabel("training samples M").optYLabel("test loss (nats / site)").optLogX(true)
                .addSeries(new Series("factored attention", x,
                        results.stream().mapToDouble(Result::testLoss).toArray()))
                .addSeries(new Series("plmDCA", x, results.stream().mapToDouble(Result::plmTestLoss).toArray()));
        if (Double.isFinite(results.get(0).exactEntropy())) {
            lb.optReference(results.get(0).exactEntropy(), "exact conditional entropy");
        }
        lb.build().save(out.resolve("potts_test_loss"));
    }
}
