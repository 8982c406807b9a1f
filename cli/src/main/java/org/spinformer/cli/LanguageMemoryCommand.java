package org.spinformer.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.spinformer.core.device.Devices;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.core.plot.LineChart;
import org.spinformer.core.plot.Series;
import org.spinformer.core.train.MetricsLog;
import org.spinformer.core.train.Progress;
import org.spinformer.language.memory.AssociativeMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code spinformer language memory}: basins of attraction of Hebbian, pseudo-inverse and pseudo-likelihood memories. */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = {"Associative memories of P = alpha N random +-1 patterns (D'Amico, Negri et al. 2025): couplings by "
                + "the Hebbian rule, the pseudo-inverse and pseudo-likelihood; recall (overlap after zero-temperature "
                + "asynchronous dynamics) from patterns with a fraction c of spins flipped, for every load alpha.",
                "Writes memory.csv and memory.json (rule, alpha, c, mean and std of the overlap, fraction retrieved "
                        + "with overlap >= 0.95), rows.jsonl (one row per point, for --resume), plots "
                        + "memory_recall_alpha_<alpha> and memory_basins (PNG + SVG)."})
public final class LanguageMemoryCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.Run run = new CommonOptions.Run("runs/memory");

    @Option(names = "--sites", defaultValue = "200", description = "Neurons N (default: ${DEFAULT-VALUE}).")
    int sites;

    @Option(names = "--loads", split = ",", defaultValue = "0.05,0.1,0.2,0.3,0.5",
            description = "Loads alpha = P/N (default: ${DEFAULT-VALUE}); the pseudo-inverse needs alpha < 1.")
    List<Double> loads;

    @Option(names = "--corruptions", split = ",", defaultValue = "0,0.05,0.1,0.15,0.2,0.25,0.3,0.35,0.4",
            description = "Fractions c of flipped spins (default: ${DEFAULT-VALUE}).")
    List<Double> corruptions;

    @Option(names = "--rules", split = ",", defaultValue = "hebb,pinv,pl", description = "hebb, pinv, pl "
            + "(default: ${DEFAULT-VALUE}).")
    List<String> rules;

    @Option(names = "--trials", defaultValue = "10", description = "Corrupted copies per pattern (default: "
            + "${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--pl-steps", defaultValue = "500", description = "Gradient-ascent steps of the pseudo-likelihood "
            + "(default: ${DEFAULT-VALUE}).")
    int plSteps;

    @Option(names = "--pl-beta", defaultValue = "1.0", description = "Inverse temperature beta of the "
            + "pseudo-likelihood (default: ${DEFAULT-VALUE}).")
    double plBeta;

    @Option(names = "--max-sweeps", defaultValue = "30", description = "Sweeps of the retrieval dynamics at most "
            + "(default: ${DEFAULT-VALUE}).")
    int maxSweeps;

    @Option(names = "--templates", defaultValue = "0", description = "Structured data instead of random patterns: "
            + "the P patterns are examples around this many random templates (0 = random patterns; default: "
            + "${DEFAULT-VALUE}). Adds the memorisation/generalisation crossover: crossover.csv/json, memory_crossover.")
    int templates;

    @Option(names = "--noise", defaultValue = "0.2", description = "With --templates: fraction of an example's spins "
            + "flipped from its template (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--test", defaultValue = "100", description = "With --templates: unseen test examples "
            + "(default: ${DEFAULT-VALUE}).")
    int test;

    @Option(names = "--resume", description = "Keep the points already in rows.jsonl of --out and compute the rest.")
    boolean resume;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<AssociativeMemory.Rule> rs = rules.stream().map(AssociativeMemory::parse).distinct().toList();
        if (sites < 2 || trials < 1 || plSteps < 0 || maxSweeps < 1 || !(plBeta > 0) || Double.isInfinite(plBeta)) {
            throw new IllegalArgumentException("--sites must be >= 2, --trials and --max-sweeps >= 1, --pl-steps >= 0, "
                    + "--pl-beta finite and > 0");
        }
        for (double a : loads) {
            if (!(a > 0) || Math.round(a * sites) < 1 || (rs.contains(AssociativeMemory.Rule.PSEUDO_INVERSE) && a >= 1)) {
                throw new IllegalArgumentException("--loads must be > 0 with at least one pattern (and < 1 for pinv), "
                        + "got " + a);
            }
        }
        if (templates < 0 || (templates > 0 && (!(noise >= 0 && noise <= 0.5) || test < 1))) {
            throw new IllegalArgumentException("--templates must be >= 0; with templates, --noise in [0, 0.5] and "
                    + "--test >= 1");
        }
        for (double c : corruptions) {
            if (!(c >= 0 && c <= 1)) {
                throw new IllegalArgumentException("--corruptions must lie in [0, 1], got " + c);
            }
        }
        Path out = run.out();
        Files.createDirectories(out);
        Path rowsFile = out.resolve("rows.jsonl");
        Map<String, Map<String, Object>> done = new LinkedHashMap<>();
        if (resume && Files.exists(rowsFile)) {
            for (Map<String, Object> row : MetricsLog.read(rowsFile)) {
                done.put(key(row.get("rule").toString(), ((Number) row.get("alpha")).doubleValue(),
                        ((Number) row.get("corruption")).doubleValue()), row);
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Map<String, Object>> crossover = new ArrayList<>();
        try (NDManager m = Devices.manager(run.device());
             MetricsLog log = resume && Files.exists(rowsFile) ? MetricsLog.append(rowsFile) : MetricsLog.create(rowsFile);
             Progress progress = Progress.start("language memory", (long) rs.size() * loads.size())) {
            for (double alpha : loads) {
                int p = (int) Math.round(alpha * sites);
                try (NDManager lm = m.newSubManager()) {
                    NDArray tpl = templates > 0 ? AssociativeMemory.randomPatterns(templates, sites, run.seed(), lm)
                            : null;
                    AssociativeMemory.Planted train = tpl == null ? null
                            : AssociativeMemory.planted(tpl, p, noise, run.seed() + p);
                    AssociativeMemory.Planted unseen = tpl == null ? null
                            : AssociativeMemory.planted(tpl, test, noise, run.seed() - 1);
                    NDArray xi = train != null ? train.examples()
                            : AssociativeMemory.randomPatterns(p, sites, run.seed() + p, lm);
                    for (AssociativeMemory.Rule rule : rs) {
                        String name = rule.name().toLowerCase(Locale.ROOT).replace('_', '-');
                        NDArray j = null;
                        if (train != null) {
                            Map<String, Object> row = done.get(key(name, alpha, -1));
                            if (row == null) {
                                j = AssociativeMemory.couplings(rule, xi, plBeta, plSteps);
                                AssociativeMemory.Crossover x = AssociativeMemory.crossover(j, train, unseen,
                                        maxSweeps);
                                row = MetricsLog.row("rule", name, "alpha", alpha, "patterns", p, "corruption", -1,
                                        "train_own", x.trainOwn(), "test_template", x.testTemplate(),
                                        "test_nearest_train", x.testNearestTrain(), "test_start", x.testStart());
                                log.write(row);
                            }
                            crossover.add(row);
                        }
                        for (double c : corruptions) {
                            Map<String, Object> row = done.get(key(name, alpha, c));
                            if (row == null) {
                                if (j == null) {
                                    j = AssociativeMemory.couplings(rule, xi, plBeta, plSteps);
                                }
                                AssociativeMemory.Recall r = AssociativeMemory.recall(j, xi, c, trials, maxSweeps,
                                        run.seed() + 7919L * p + Math.round(c * 1000));
                                row = MetricsLog.row("rule", name, "alpha", alpha, "patterns", p, "corruption", c,
                                        "overlap_mean", r.meanOverlap(), "overlap_std", r.stdOverlap(), "retrieved",
                                        r.retrieved());
                                log.write(row);
                            }
                            rows.add(row);
                        }
                        progress.step(1);
                    }
                }
            }
        }
        write(out, rows, rs);
        if (!crossover.isEmpty()) {
            writeCrossover(out, crossover, rs);
        }
        return 0;
    }

    /**
     * crossover.csv / crossover.json and the plot: per rule, the overlap of a train example's end state with itself
     * (memorisation) and of an unseen example's end state with its template (generalisation), against the load.
     */
    void writeCrossover(Path out, List<Map<String, Object>> rows, List<AssociativeMemory.Rule> rs) throws Exception {
        StringBuilder csv = new StringBuilder("rule,alpha,patterns,train_own,test_template,test_nearest_train,"
                + "test_start\n");
        JsonArray arr = new JsonArray();
        for (Map<String, Object> r : rows) {
            csv.append(String.format(Locale.ROOT, "%s,%s,%d,%.6f,%.6f,%.6f,%.6f%n", r.get("rule"), num(r, "alpha"),
                    (int) num(r, "patterns"), num(r, "train_own"), num(r, "test_template"),
                    num(r, "test_nearest_train"), num(r, "test_start")));
            arr.add(new com.google.gson.Gson().toJsonTree(r));
        }
        AtomicFiles.write(out.resolve("crossover.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        JsonObject o = new JsonObject();
        o.add("options", CommonOptions.optionsJson(spec));
        o.add("rows", arr);
        JsonFiles.write(out.resolve("crossover.json"), o);
        LineChart.Builder b = LineChart.builder().optTitle("memorisation vs generalisation, N = " + sites + ", "
                + templates + " templates, noise " + noise).optXLabel("load alpha = P/N").optYLabel("overlap");
        for (AssociativeMemory.Rule rule : rs) {
            String name = rule.name().toLowerCase(Locale.ROOT).replace('_', '-');
            List<Map<String, Object>> mine = rows.stream().filter(r -> r.get("rule").equals(name)).toList();
            double[] x = mine.stream().mapToDouble(r -> num(r, "alpha")).toArray();
            b.addSeries(new Series(name + ": train example kept", x,
                    mine.stream().mapToDouble(r -> num(r, "train_own")).toArray()));
            b.addSeries(new Series(name + ": unseen example -> its template", x,
                    mine.stream().mapToDouble(r -> num(r, "test_template")).toArray()));
        }
        b.build().save(out.resolve("memory_crossover"));
    }

    static String key(String rule, double alpha, double c) {
        return rule + "|" + alpha + "|" + c;
    }

    /** memory.csv / memory.json, the recall curves per load and the basin size (largest c with overlap ≥ 0.95). */
    void write(Path out, List<Map<String, Object>> rows, List<AssociativeMemory.Rule> rs) throws Exception {
        StringBuilder csv = new StringBuilder("rule,alpha,patterns,corruption,overlap_mean,overlap_std,retrieved\n");
        JsonArray arr = new JsonArray();
        for (Map<String, Object> r : rows) {
            // numbers by type, so rows read back from rows.jsonl (all doubles) print as fresh ones do
            csv.append(String.format(Locale.ROOT, "%s,%s,%d,%s,%.6f,%.6f,%.6f%n", r.get("rule"), num(r, "alpha"),
                    (int) num(r, "patterns"), num(r, "corruption"), num(r, "overlap_mean"), num(r, "overlap_std"),
                    num(r, "retrieved")));
            arr.add(new com.google.gson.Gson().toJsonTree(r));
        }
        AtomicFiles.write(out.resolve("memory.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        JsonObject o = new JsonObject();
        o.addProperty("sites", sites);
        o.add("rows", arr);
        JsonFiles.write(out.resolve("memory.json"), o);
        LineChart.Builder basins = LineChart.builder().optTitle("basin of attraction: largest corruption recalled "
                + "(overlap >= 0.95), N = " + sites).optXLabel("load alpha = P/N").optYLabel("corruption c");
        for (AssociativeMemory.Rule rule : rs) {
            String name = rule.name().toLowerCase(Locale.ROOT).replace('_', '-');
            double[] x = loads.stream().mapToDouble(Double::doubleValue).toArray();
            double[] y = new double[x.length];
            for (int k = 0; k < x.length; k++) {
                double best = -0.0;
                for (Map<String, Object> r : rows) {
                    if (r.get("rule").equals(name) && num(r, "alpha") == x[k] && num(r, "overlap_mean") >= 0.95) {
                        best = Math.max(best, num(r, "corruption"));
                    }
                }
                y[k] = best;
            }
            basins.addSeries(new Series(name, x, y));
        }
        basins.build().save(out.resolve("memory_basins"));
        for (double alpha : loads) {
            LineChart.Builder b = LineChart.builder().optTitle("recall at alpha = " + alpha + ", N = " + sites)
                    .optXLabel("corruption c").optYLabel("overlap after the dynamics").optErrorBands(true);
            for (AssociativeMemory.Rule rule : rs) {
                String name = rule.name().toLowerCase(Locale.ROOT).replace('_', '-');
                List<double[]> pts = new ArrayList<>();
                for (Map<String, Object> r : rows) {
                    if (r.get("rule").equals(name) && num(r, "alpha") == alpha) {
                        pts.add(new double[] {num(r, "corruption"), num(r, "overlap_mean"), num(r, "overlap_std")});
                    }
                }
                b.addSeries(new Series(name, pts.stream().mapToDouble(v -> v[0]).toArray(),
                        pts.stream().mapToDouble(v -> v[1]).toArray(), pts.stream().mapToDouble(v -> v[2]).toArray()));
            }
            b.build().save(out.resolve("memory_recall_alpha_" + alpha));
        }
    }

    static double num(Map<String, Object> r, String k) {
        return ((Number) r.get(k)).doubleValue();
    }
}
