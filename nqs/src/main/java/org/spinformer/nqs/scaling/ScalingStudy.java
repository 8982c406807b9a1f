package org.spinformer.nqs.scaling;

import ai.djl.Device;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.nqs.driver.TrainSpec;
import org.spinformer.nqs.driver.Training;
import org.spinformer.nqs.driver.Vmc;
import org.spinformer.nqs.lattice.Lattice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sweep of the NQS scaling-law study (Rende, Sinibaldi, Viteritti, Wiersema, Georges, Carleo 2026): one
 * ordinary {@code nqs train} run ({@link Training#run}) for every lattice size × J2 × model size × seed, each in
 * its own directory with its own checkpoint, all under one compute (FLOPs) or wall-clock budget per run.
 *
 * <p>{@code sweep.json} lists the plan and every run with its status ({@code pending}, {@code running},
 * {@code done}, {@code failed}) and final numbers; it is rewritten atomically whenever a run starts or ends, so a
 * sweep killed at any moment resumes ({@code --resume}): finished runs are kept, the interrupted one continues
 * from its last checkpoint, the rest start. After each run the table of all runs is printed (the live view) and
 * {@code runs.csv} is rewritten.
 */
public final class ScalingStudy {
    private static final Logger LOG = LoggerFactory.getLogger(ScalingStudy.class);

    /** A model size D:L:H (width, encoder blocks, heads); the MLP is 2D wide. */
    public record ModelSize(int dim, int layers, int heads) {
        public ModelSize {
            if (dim <= 0 || layers < 0 || heads <= 0 || dim % heads != 0) {
                throw new IllegalArgumentException("model size D:L:H needs D > 0 divisible by H > 0 and L >= 0, got "
                        + dim + ":" + layers + ":" + heads);
            }
        }

        /** {@code "16:2:4"}. */
        public static ModelSize parse(String s) {
            String[] p = s.trim().split(":");
            if (p.length != 3) {
                throw new IllegalArgumentException("--models takes D:L:H triples (e.g. 8:1:2,16:2:4), got '" + s
                        + "'");
            }
            try {
                return new ModelSize(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()),
                        Integer.parseInt(p[2].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--models takes whole numbers D:L:H, got '" + s + "'");
            }
        }

        public String label() {
            return "D" + dim + "L" + layers + "H" + heads;
        }
    }

    /** The budget of every run: FLOPs ({@code 2e11}, {@code 5e12flops}) or minutes ({@code 10m}, {@code 1.5h}). */
    public record Budget(double flops, double minutes) {
        public static Budget parse(String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            try {
                if (t.endsWith("min") || t.endsWith("m")) {
                    return minutes(Double.parseDouble(t.replaceAll("(min|m)$", "")));
                }
                if (t.endsWith("h")) {
                    return minutes(60 * Double.parseDouble(t.substring(0, t.length() - 1)));
                }
                double f = Double.parseDouble(t.replaceAll("flops?$", ""));
                if (!(f > 0) || Double.isInfinite(f)) {
                    throw new NumberFormatException();
                }
                return new Budget(f, 0);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--budget is a positive number of FLOPs (2e11) or minutes (10m, "
                        + "1.5h), got '" + s + "'");
            }
        }

        static Budget minutes(double m) {
            if (!(m > 0) || Double.isInfinite(m)) {
                throw new NumberFormatException();
            }
            return new Budget(0, m);
        }

        @Override
        public String toString() {
            return flops > 0 ? String.format(Locale.ROOT, "%.3g FLOPs", flops)
                    : String.format(Locale.ROOT, "%.4g min", minutes);
        }
    }

    /**
     * What to sweep. {@code base} holds every other setting of the runs ({@code nqs train}'s); its steps are the
     * cap of a run (the budget normally stops it first).
     */
    public record Plan(String lattice, List<String> sizes, List<Double> j2s, List<ModelSize> models, List<Long> seeds,
                       Budget budget, TrainSpec base) {
        public Plan {
            if (sizes.isEmpty() || j2s.isEmpty() || models.isEmpty() || seeds.isEmpty()) {
                throw new IllegalArgumentException("--sizes, --j2, --models and --seeds need at least one value each");
            }
            for (String size : sizes) {
                Lattice.parse(lattice, size); // a clear error for a bad size before any run starts
            }
            sizes = List.copyOf(sizes);
            j2s = List.copyOf(j2s);
            models = List.copyOf(models);
            seeds = List.copyOf(seeds);
        }

        /** The runs in sweep order: sizes, then J2, then models, then seeds. */
        public List<Run> runs() {
            List<Run> out = new ArrayList<>();
            for (String size : sizes) {
                for (double j2 : j2s) {
                    for (ModelSize m : models) {
                        for (long seed : seeds) {
                            out.add(new Run(lattice, size, j2, m, seed));
                        }
                    }
                }
            }
            return out;
        }

        /** The {@code nqs train} settings of one run. */
        public TrainSpec spec(Run r) {
            TrainSpec s = base.with("lattice", r.lattice(), "size", r.size(), "j2", r.j2(), "dim", r.model().dim(),
                    "layers", r.model().layers(), "heads", r.model().heads(), "mlpDim", 2 * r.model().dim(),
                    "seed", r.seed());
            if (Lattice.parse(r.lattice(), r.size()).n() > 20 && s.sampler() != TrainSpec.SamplerKind.METROPOLIS) {
                s = s.with("sampler", TrainSpec.SamplerKind.METROPOLIS); // exact and direct: <= 20 sites
            }
            return budget.flops() > 0 ? s.with("maxFlops", budget.flops(), "maxMinutes", 0.0)
                    : s.with("maxMinutes", budget.minutes(), "maxFlops", 0.0);
        }
    }

    /** One run of the sweep. */
    public record Run(String lattice, String size, double j2, ModelSize model, long seed) {
        /** Its directory name, e.g. {@code square-4x4-j2_0.5-D16L2H4-s1}. */
        public String id() {
            return lattice + "-" + size + "-j2_" + fmt(j2) + "-" + model.label() + "-s" + seed;
        }
    }

    private ScalingStudy() {}

    /**
     * Runs (or, with {@code resume}, continues) the sweep in {@code out}; the table of runs goes to {@code table}
     * after every run. A run that fails (divergence, bad setting) is marked {@code failed} with its message and
     * the sweep goes on.
     *
     * @return the manifest as written last
     */
    public static JsonObject run(Plan plan, Path out, boolean resume, Device device, PrintStream table)
            throws IOException {
        Files.createDirectories(out);
        Path manifestFile = out.resolve("sweep.json");
        Map<String, JsonObject> rows = new LinkedHashMap<>();
        for (Run r : plan.runs()) {
            rows.put(r.id(), describe(r, plan));
        }
        if (Files.exists(manifestFile)) {
            if (!resume) {
                throw new IllegalArgumentException(out + " already holds a sweep (sweep.json): pass --resume to "
                        + "continue it, or choose another --out");
            }
            JsonObject old = JsonParser.parseString(Files.readString(manifestFile, StandardCharsets.UTF_8))
                    .getAsJsonObject();
            for (JsonElement e : old.getAsJsonArray("runs")) {
                JsonObject o = e.getAsJsonObject();
                String id = o.get("id").getAsString();
                if (rows.containsKey(id) && o.has("status")) {
                    rows.put(id, o); // keeps status and results of runs already made
                }
            }
        }
        JsonObject manifest = manifest(plan, rows);
        JsonFiles.write(manifestFile, manifest);
        int k = 0;
        for (Run r : plan.runs()) {
            k++;
            JsonObject row = rows.get(r.id());
            String status = row.get("status").getAsString();
            if (status.equals("done") || status.equals("failed")) {
                continue;
            }
            Path dir = out.resolve("runs").resolve(r.id());
            boolean started = Files.exists(dir.resolve("checkpoint")) || Files.exists(dir.resolve("log.jsonl"));
            row.addProperty("status", "running");
            JsonFiles.write(manifestFile, manifest(plan, rows));
            LOG.info("scaling run {}/{}: {} ({})", k, rows.size(), r.id(), started ? "resumed" : "started");
            try {
                Vmc.Result res = Training.run(plan.spec(r), dir, started, device);
                row.addProperty("status", "done");
                row.add("result", res.summary());
            } catch (IllegalArgumentException | IllegalStateException e) {
                row.addProperty("status", "failed");
                row.addProperty("error", e.getMessage());
                LOG.warn("scaling run {} failed: {}", r.id(), e.getMessage());
            }
            manifest = manifest(plan, rows);
            JsonFiles.write(manifestFile, manifest);
            writeCsv(out.resolve("runs.csv"), rows);
            printTable(table, rows);
        }
        writeCsv(out.resolve("runs.csv"), rows);
        return manifest;
    }

    static JsonObject describe(Run r, Plan plan) {
        JsonObject o = new JsonObject();
        o.addProperty("id", r.id());
        o.addProperty("dir", "runs/" + r.id());
        o.addProperty("lattice", r.lattice());
        o.addProperty("size", r.size());
        o.addProperty("sites", Lattice.parse(r.lattice(), r.size()).n());
        o.addProperty("j2", r.j2());
        o.addProperty("dim", r.model().dim());
        o.addProperty("layers", r.model().layers());
        o.addProperty("heads", r.model().heads());
        o.addProperty("seed", r.seed());
        o.addProperty("sampler", org.spinformer.core.config.Records.lower(plan.spec(r).sampler()));
        o.addProperty("status", "pending");
        return o;
    }

    static JsonObject manifest(Plan plan, Map<String, JsonObject> rows) {
        JsonObject m = new JsonObject();
        m.addProperty("study", "nqs scaling");
        m.addProperty("lattice", plan.lattice());
        JsonArray sizes = new JsonArray();
        plan.sizes().forEach(sizes::add);
        m.add("sizes", sizes);
        JsonArray j2 = new JsonArray();
        plan.j2s().forEach(j2::add);
        m.add("j2", j2);
        JsonArray models = new JsonArray();
        plan.models().forEach(x -> models.add(x.dim() + ":" + x.layers() + ":" + x.heads()));
        m.add("models", models);
        JsonArray seeds = new JsonArray();
        plan.seeds().forEach(seeds::add);
        m.add("seeds", seeds);
        m.addProperty("budget", plan.budget().toString());
        m.addProperty("budget_flops", plan.budget().flops());
        m.addProperty("budget_minutes", plan.budget().minutes());
        m.add("train", plan.base().toJson());
        JsonArray runs = new JsonArray();
        rows.values().forEach(runs::add);
        m.add("runs", runs);
        return m;
    }

    static final String[] COLUMNS = {"id", "status", "steps", "energy_per_site", "relative_error", "v_score",
            "cumulative_flops", "seconds"};

    static String cell(JsonObject row, String col) {
        JsonObject res = row.has("result") ? row.getAsJsonObject("result") : null;
        JsonElement v = row.has(col) ? row.get(col) : res != null && res.has(col) ? res.get(col) : null;
        if (v == null || v.isJsonNull()) {
            return "";
        }
        if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber() && !col.equals("steps")) {
            return String.format(Locale.ROOT, "%.6g", v.getAsDouble());
        }
        return v.getAsString();
    }

    static void writeCsv(Path file, Map<String, JsonObject> rows) throws IOException {
        StringBuilder b = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (JsonObject r : rows.values()) {
            List<String> cells = new ArrayList<>();
            for (String c : COLUMNS) {
                cells.add(cell(r, c));
            }
            b.append(String.join(",", cells)).append('\n');
        }
        AtomicFiles.write(file, b.toString().getBytes(StandardCharsets.UTF_8));
    }

    static void printTable(PrintStream out, Map<String, JsonObject> rows) {
        out.printf(Locale.ROOT, "%-34s %-8s %6s %12s %10s %10s %10s %8s%n", (Object[]) COLUMNS);
        for (JsonObject r : rows.values()) {
            out.printf(Locale.ROOT, "%-34s %-8s %6s %12s %10s %10s %10s %8s%n", cell(r, "id"), cell(r, "status"),
                    cell(r, "steps"), cell(r, "energy_per_site"), cell(r, "relative_error"), cell(r, "v_score"),
                    cell(r, "cumulative_flops"), cell(r, "seconds"));
        }
        out.flush();
    }

    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
    }
}
