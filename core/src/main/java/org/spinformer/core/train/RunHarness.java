package org.spinformer.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spinformer.core.io.Checkpoint;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.core.io.MalformedFileException;
import org.spinformer.core.nn.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The frame every long job runs in: one output directory with {@code checkpoint/}, a metrics log and a summary.
 *
 * <ul>
 *   <li><b>Checkpoint sections.</b> A checkpoint holds the weights plus named {@link Section}s (optimizer state,
 *       sampler chains, random streams, counters), each saving tensors and/or JSON; {@link #start()} restores them
 *       all in one call and returns the step to continue from.</li>
 *   <li><b>Resume.</b> With {@code resume}, a complete checkpoint is continued; a checkpoint directory without its
 *       manifest is refused (nothing is overwritten); no checkpoint at all starts afresh (with a warning). The
 *       metrics log is cut back to the checkpoint's step ({@link MetricsLog#resume}), so no step is logged
 *       twice.</li>
 *   <li><b>Wall-clock budget.</b> {@link #overBudget()} is true once this invocation has run longer than its
 *       budget; the job then saves and stops, and a later resume continues.</li>
 *   <li><b>NaN/Inf guard.</b> {@link #check} stops the job with a {@link NonFiniteException} naming the step and
 *       the quantity; {@link #stopped} writes a summary that says so (and which checkpoint is the last good
 *       one).</li>
 *   <li><b>Outputs.</b> {@link #log} rows are kept in memory too ({@link #history()}), for plots without
 *       re-reading the file; {@link #writeSummary} writes {@code summary.json} atomically and as strict JSON.</li>
 * </ul>
 *
 * <pre>{@code
 * try (RunHarness run = RunHarness.builder(out).resume(resume).weights(params)
 *         .section(RunHarness.optimizer(adam)).section(RunHarness.rng("data", rng)).build()) {
 *     for (long s = run.start(); s < steps; s++) {
 *         double loss = ...;
 *         run.check(s + 1, "loss", loss);
 *         run.log(MetricsLog.row("step", s + 1, "loss", loss));
 *         if (run.due(s + 1) || run.overBudget()) { run.save(s + 1); }
 *         if (run.overBudget()) { break; }
 *     }
 *     run.writeSummary(summary);
 * }
 * }</pre>
 */
public final class RunHarness implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunHarness.class);

    /** One named part of the training state a checkpoint holds. */
    public interface Section {
        /** A name, unique in the run (the key of its JSON in the checkpoint). */
        String name();

        /** Tensors to save (their names must not collide with other sections'); live arrays are fine. */
        default Map<String, NDArray> tensors() {
            return Map.of();
        }

        /** JSON to save (small state: counters, a random stream's word). */
        default JsonObject json() {
            return new JsonObject();
        }

        /**
         * Restores the section from a checkpoint.
         *
         * @param tensors every saved tensor of the checkpoint (pick yours by name)
         * @param json this section's saved JSON (empty when the checkpoint has none)
         * @param step the checkpoint's step
         */
        void restore(Map<String, NDArray> tensors, JsonObject json, long step);
    }

    /** The optimizer's moments and step count. */
    public static Section optimizer(Optimizer o) {
        return new Section() {
            @Override
            public String name() {
                return o.prefix();
            }

            @Override
            public Map<String, NDArray> tensors() {
                return o.state();
            }

            @Override
            public void restore(Map<String, NDArray> tensors, JsonObject json, long step) {
                Map<String, NDArray> mine = new LinkedHashMap<>();
                Predicate<String> own = k -> k.startsWith(o.prefix() + ".");
                tensors.forEach((k, v) -> {
                    if (own.test(k)) {
                        mine.put(k, v);
                    }
                });
                o.loadState(mine, step);
            }
        };
    }

    /** A {@link Rng} stream, restored to the very word it had when saved. */
    public static Section rng(String name, Rng rng) {
        return json(name, rng::toJson, rng::restore);
    }

    /** A {@link SavableRandom} (a {@code java.util.Random} sequence), restored to the state it had when saved. */
    public static Section random(String name, SavableRandom r) {
        return json(name, r::toJson, r::restore);
    }

    /** A section of tensors only; {@code restore} gets every saved tensor of the checkpoint (it picks its own). */
    public static Section tensors(String name, java.util.function.Supplier<Map<String, NDArray>> save,
                                  java.util.function.Consumer<Map<String, NDArray>> restore) {
        return new Section() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Map<String, NDArray> tensors() {
                return save.get();
            }

            @Override
            public void restore(Map<String, NDArray> tensors, JsonObject json, long step) {
                restore.accept(tensors);
            }
        };
    }

    /** A section of JSON state only (a random stream, counters); restoring it requires the saved JSON. */
    public static Section json(String name, java.util.function.Supplier<JsonObject> save,
                               java.util.function.Consumer<JsonObject> restore) {
        return new Section() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public JsonObject json() {
                return save.get();
            }

            @Override
            public void restore(Map<String, NDArray> tensors, JsonObject json, long step) {
                if (json.size() == 0) {
                    throw new IllegalArgumentException("checkpoint has no saved state '" + name + "'");
                }
                restore.accept(json);
            }
        };
    }

    private final Path dir;
    private final Path ckpt;
    private final Parameters weights;
    private final List<Section> sections;
    private final JsonObject config;
    private final double maxSeconds;
    private final long checkpointEvery;
    private final NDManager manager;
    private final long t0 = System.nanoTime();
    private final long start;
    private final MetricsLog log;
    private final List<Map<String, Object>> history = new ArrayList<>();
    private long lastSaved;

    private RunHarness(Builder b) throws IOException {
        this.dir = b.dir;
        this.ckpt = b.dir.resolve("checkpoint");
        this.weights = b.weights;
        this.sections = List.copyOf(b.sections);
        this.config = b.config == null ? new JsonObject() : b.config;
        this.maxSeconds = b.maxSeconds;
        this.checkpointEvery = b.checkpointEvery;
        this.manager = b.manager;
        if (weights == null || manager == null) {
            throw new IllegalArgumentException("RunHarness needs weights and a manager");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("output " + dir + " exists and is not a directory");
        }
        Files.createDirectories(dir);
        long from = 0;
        if (b.resume && Checkpoint.exists(ckpt)) {
            from = restore();
        } else if (b.resume && Files.exists(ckpt)) {
            throw new MalformedFileException(ckpt, null, "has no " + Checkpoint.MANIFEST + " (an incomplete or "
                    + "foreign checkpoint): not resuming, so that nothing in " + dir + " is overwritten; move it "
                    + "away to start again");
        } else if (b.resume) {
            LOG.warn("--resume: no checkpoint in {}: starting from scratch", ckpt);
        }
        this.start = from;
        this.lastSaved = from > 0 ? from : -1;
        Path logFile = b.logFile != null ? b.logFile : dir.resolve("log.jsonl");
        this.log = from > 0 ? MetricsLog.resume(logFile, "step", from) : MetricsLog.create(logFile);
        if (from > 0) {
            history.addAll(MetricsLog.read(logFile)); // the rows before the checkpoint, for plots of the whole run
        }
        JsonFiles.write(dir.resolve("config.json"), config);
    }

    private long restore() throws IOException {
        // the loaded arrays stay on the manager: a section may keep one (as its new state) instead of copying
        Checkpoint.Data d = Checkpoint.load(ckpt, manager);
        d.restoreWeights(weights);
        JsonObject saved = d.rngState();
        for (Section s : sections) {
            JsonElement j = saved.get(s.name());
            s.restore(d.optimizerState(), j != null && j.isJsonObject() ? j.getAsJsonObject() : new JsonObject(),
                    d.step());
        }
        LOG.info("resumed from {} at step {}", ckpt, d.step());
        return d.step();
    }

    /** A builder writing into {@code dir}. */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** The step to continue from: the restored checkpoint's, or 0. */
    public long start() {
        return start;
    }

    /** The output directory. */
    public Path dir() {
        return dir;
    }

    /** The step of the last checkpoint written or restored, or −1. */
    public long lastCheckpoint() {
        return lastSaved;
    }

    /** Whether a checkpoint is due after {@code step} completed steps (every {@code checkpointEvery}). */
    public boolean due(long step) {
        return checkpointEvery > 0 && step % checkpointEvery == 0 && step != lastSaved;
    }

    /** Whether this invocation has run past its wall-clock budget (never when the budget is ≤ 0). */
    public boolean overBudget() {
        return maxSeconds > 0 && seconds() > maxSeconds;
    }

    /** Seconds since the harness was built. */
    public double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Saves weights and every section as the checkpoint of {@code step} (atomically). */
    public void save(long step) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        JsonObject json = new JsonObject();
        for (Section s : sections) {
            for (Map.Entry<String, NDArray> e : s.tensors().entrySet()) {
                if (tensors.put(e.getKey(), e.getValue()) != null) {
                    throw new IllegalStateException("two sections save a tensor named '" + e.getKey() + "'");
                }
            }
            json.add(s.name(), s.json());
        }
        Checkpoint.save(ckpt, weights, tensors, step, config, json);
        lastSaved = step;
    }

    /** Stops with a {@link NonFiniteException} when {@code value} is NaN or ±∞. */
    public void check(long step, String quantity, double value) {
        NonFiniteException.check(step, quantity, value, "");
    }

    /** Writes one metrics row (non-finite numbers as null) and keeps it for {@link #history()}. */
    public void log(Map<String, ?> row) {
        log.write(row);
        history.add(Collections.unmodifiableMap(new LinkedHashMap<>(row)));
    }

    /** The metrics log itself, for loops that write their own rows (e.g. {@link TrainLoop}). */
    public MetricsLog metrics() {
        return log;
    }

    /** The rows of the run in order: those kept from before a resume, then those written through {@link #log}. */
    public List<Map<String, Object>> history() {
        return Collections.unmodifiableList(history);
    }

    /** Writes {@code summary.json} atomically as strict JSON. */
    public void writeSummary(JsonObject summary) throws IOException {
        JsonFiles.write(dir.resolve("summary.json"), summary);
    }

    /**
     * Records a stop for non-finite values: {@code summary.json} with {@code "status": "stopped"}, the reason and
     * the last good checkpoint, and returns the exception to throw, its message saying where that checkpoint is.
     */
    public NonFiniteException stopped(NonFiniteException e) throws IOException {
        JsonObject j = new JsonObject();
        j.addProperty("status", "stopped");
        j.addProperty("reason", e.getMessage());
        j.addProperty("stopped_at_step", e.step());
        j.addProperty("quantity", e.quantity());
        if (lastSaved >= 0) {
            j.addProperty("last_checkpoint_step", lastSaved);
        }
        writeSummary(j);
        return e.withDetail(lastSaved >= 0 ? "; the last good checkpoint (step " + lastSaved + ") is kept in " + ckpt
                : "; no checkpoint was written");
    }

    @Override
    public void close() throws IOException {
        log.close();
    }

    /** Builder: {@code weights} and {@code manager} are required. */
    public static final class Builder {
        private final Path dir;
        private boolean resume;
        private Parameters weights;
        private final List<Section> sections = new ArrayList<>();
        private JsonObject config;
        private double maxSeconds;
        private long checkpointEvery;
        private NDManager manager;
        private Path logFile;

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** Continue from {@code dir/checkpoint} when there is one. */
        public Builder resume(boolean r) {
            this.resume = r;
            return this;
        }

        /** The model parameters (restored in place, so blocks and optimizers keep their arrays). */
        public Builder weights(Parameters p) {
            this.weights = p;
            return this;
        }

        /** Adds a checkpoint section. */
        public Builder section(Section s) {
            for (Section t : sections) {
                if (t.name().equals(s.name())) {
                    throw new IllegalArgumentException("two sections named '" + s.name() + "'");
                }
            }
            sections.add(s);
            return this;
        }

        /** The run configuration, written to {@code config.json} and into each checkpoint. */
        public Builder config(JsonObject c) {
            this.config = c;
            return this;
        }

        /** Wall-clock budget of one invocation in seconds (≤ 0: none). */
        public Builder maxSeconds(double s) {
            if (Double.isNaN(s)) {
                throw new IllegalArgumentException("wall-clock budget must be a number, got NaN");
            }
            this.maxSeconds = s;
            return this;
        }

        /** Steps between checkpoints (≤ 0: only when the job saves explicitly). */
        public Builder checkpointEvery(long n) {
            this.checkpointEvery = n;
            return this;
        }

        /** Where restored tensors are created (they live as long as it: use the run's manager). */
        public Builder manager(NDManager m) {
            this.manager = m;
            return this;
        }

        /** The metrics log (default {@code dir/log.jsonl}). */
        public Builder logFile(Path file) {
            this.logFile = file;
            return this;
        }

        /** Opens the run: restores a checkpoint on resume, cuts the log back, writes config.json. */
        public RunHarness build() throws IOException {
            return new RunHarness(this);
        }
    }
}
