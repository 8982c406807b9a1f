package org.spinformer.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spinformer.core.nn.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Training checkpoints: one directory holding
 * <pre>
 *   weights.safetensors    model parameters (exact dtypes, Hugging Face names, in order)
 *   optimizer.safetensors  optimizer state as named tensors (e.g. "exp_avg/encoder.layer.0...")
 *   state.json             {"step": n, "rng": {...}}
 *   config.json            the run configuration
 *   manifest.json          {"format": "spinformer-checkpoint", "version": 1, "step": n,
 *                           "files": {"weights.safetensors": {"sha256": "...", "bytes": n}, ...}}
 * </pre>
 *
 * <p><b>Atomicity.</b> {@link #save} writes everything into a hidden sibling directory, forces every file and the
 * directory to disk, writes the manifest last, then swaps it in with two renames (old &rarr; {@code .NAME.old},
 * new &rarr; NAME) and deletes the old one. A crash at any point leaves either the previous complete checkpoint
 * or the new complete one; {@link #load} recovers from a crash between the two renames by reading
 * {@code .NAME.old}. A checkpoint is never partially overwritten.
 *
 * <p><b>Integrity.</b> {@link #load} first checks the SHA-256 and size of every file in the manifest and fails
 * with a {@link MalformedFileException} naming the file that does not match.
 */
public final class Checkpoint {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoint.class);

    public static final String WEIGHTS = "weights.safetensors";
    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String STATE = "state.json";
    public static final String CONFIG = "config.json";
    public static final String MANIFEST = "manifest.json";
    public static final String FORMAT = "spinformer-checkpoint";
    public static final int VERSION = 1;

    private Checkpoint() {
    }

    /**
     * A loaded checkpoint. Arrays live on the manager passed to {@link #load}.
     *
     * @param weights        parameters in saved order and dtype
     * @param optimizerState optimizer tensors by name, in saved order
     * @param step           the training step the state belongs to (number of steps completed)
     * @param config         the run configuration
     * @param rngState       random-generator state as written by the trainer
     * @param directory      the directory actually read (the {@code .old} one after crash recovery)
     */
    public record Data(Parameters weights, Map<String, NDArray> optimizerState, long step, JsonObject config,
                       JsonObject rngState, Path directory) {
        /**
         * Copies the saved weights into the existing arrays of {@code target} (same names, shapes and dtypes;
         * every target parameter must be saved), so blocks, optimizers and attached gradients keep their arrays.
         * Checks everything before copying anything.
         */
        public void restoreWeights(Parameters target) {
            for (Map.Entry<String, NDArray> e : target) {
                NDArray src = weights.getOrNull(e.getKey());
                NDArray dst = e.getValue();
                if (src == null) {
                    throw new IllegalArgumentException("checkpoint " + directory + " has no weight '" + e.getKey() + "'");
                }
                if (!src.getShape().equals(dst.getShape()) || src.getDataType() != dst.getDataType()) {
                    throw new IllegalArgumentException("checkpoint weight '" + e.getKey() + "' is " + src.getDataType()
                            + src.getShape() + ", the model needs " + dst.getDataType() + dst.getShape());
                }
            }
            for (Map.Entry<String, NDArray> e : target) {
                copyInto(weights.get(e.getKey()), e.getValue());
            }
        }
    }

    /**
     * Copies {@code src} into the existing array {@code dst} of the same shape and dtype (the caller checks
     * both), through a temporary on {@code dst}'s device when they differ; {@code dst} keeps its identity.
     */
    public static void copyInto(NDArray src, NDArray dst) {
        NDArray onDevice = src.getDevice().equals(dst.getDevice()) ? src : src.toDevice(dst.getDevice(), true);
        dst.set(onDevice.toByteBuffer());
        if (onDevice != src) {
            onDevice.close();
        }
    }

    /** Called after each file is written during a save; tests use it to simulate a crash. */
    @FunctionalInterface
    interface SaveHook {
        void afterFile(String name) throws IOException;
    }

    /** Saves a checkpoint into {@code dir}, atomically replacing any checkpoint already there. */
    public static void save(Path dir, Parameters weights, Map<String, NDArray> optimizerState, long step,
                            JsonObject config, JsonObject rngState) throws IOException {
        if (step < 0 || step > MAX_STEP) {
            throw new IllegalArgumentException("checkpoint step must be in [0, 2^53], got " + step);
        }
        save(dir, weights, optimizerState, step, config, rngState, name -> { });
    }

    static void save(Path dir, Parameters weights, Map<String, NDArray> optimizerState, long step,
                     JsonObject config, JsonObject rngState, SaveHook hook) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        String name = abs.getFileName().toString();
        removeStaleTemporaries(parent, "." + name + ".tmp-");
        Path tmp = parent.resolve("." + name + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        Path old = parent.resolve("." + name + ".old");
        boolean done = false;
        try {
            Files.createDirectory(tmp);
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            meta.put("step", Long.toString(step));
            JsonObject files = new JsonObject();

            SafeTensors.write(tmp.resolve(WEIGHTS), weights.asMap(), meta);
            record(tmp, WEIGHTS, files);
            hook.afterFile(WEIGHTS);

            SafeTensors.write(tmp.resolve(OPTIMIZER), optimizerState == null ? Map.of() : optimizerState, meta);
            record(tmp, OPTIMIZER, files);
            hook.afterFile(OPTIMIZER);

            JsonObject state = new JsonObject();
            state.addProperty("step", step);
            state.add("rng", rngState == null ? new JsonObject() : rngState);
            writeJson(tmp.resolve(STATE), state);
            record(tmp, STATE, files);
            hook.afterFile(STATE);

            writeJson(tmp.resolve(CONFIG), config == null ? new JsonObject() : config);
            record(tmp, CONFIG, files);
            hook.afterFile(CONFIG);

            JsonObject manifest = new JsonObject();
            manifest.addProperty("format", FORMAT);
            manifest.addProperty("version", VERSION);
            manifest.addProperty("step", step);
            manifest.add("files", files);
            writeJson(tmp.resolve(MANIFEST), manifest);
            hook.afterFile(MANIFEST);
            AtomicFiles.fsyncDirectory(tmp);

            // swap: the old checkpoint stays complete until the new one is in place
            if (Files.exists(abs)) {
                AtomicFiles.deleteRecursively(old);
                AtomicFiles.move(abs, old);
            }
            AtomicFiles.move(tmp, abs);
            AtomicFiles.fsyncDirectory(parent);
            done = true;
            AtomicFiles.deleteRecursively(old);
            LOG.info("checkpoint step {} saved to {}", step, abs);
        } finally {
            if (!done) {
                try {
                    AtomicFiles.deleteRecursively(tmp);
                } catch (IOException e) {
                    LOG.warn("could not remove temporary checkpoint {}: {}", tmp, e.toString());
                }
            }
        }
    }

    /**
     * Deletes temporary directories a killed save left beside the checkpoint (one writer per checkpoint
     * directory is assumed, as for any checkpoint).
     */
    private static void removeStaleTemporaries(Path parent, String prefix) {
        try (java.util.stream.Stream<Path> s = Files.list(parent)) {
            for (Path p : s.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
                LOG.warn("removing {} left by an interrupted save", p);
                AtomicFiles.deleteRecursively(p);
            }
        } catch (IOException e) {
            LOG.warn("could not clean temporaries in {}: {}", parent, e.toString());
        }
    }

    /** True when {@code dir} (or its crash-recovery copy) holds a checkpoint manifest. */
    public static boolean exists(Path dir) {
        return resolve(dir) != null;
    }

    /** Verifies the hash of every file in the manifest; returns the directory verified. */
    public static Path verify(Path dir) throws IOException {
        Path d = resolve(dir);
        if (d == null) {
            throw new java.nio.file.NoSuchFileException(dir + " (no " + MANIFEST + ": not a checkpoint)");
        }
        JsonObject manifest = readJson(d.resolve(MANIFEST));
        if (!FORMAT.equals(text(manifest.get("format")))) {
            throw new MalformedFileException(d.resolve(MANIFEST), null, "not a " + FORMAT + " manifest");
        }
        JsonElement files = manifest.get("files");
        if (files == null || !files.isJsonObject()) {
            throw new MalformedFileException(d.resolve(MANIFEST), null, "manifest has no 'files' object");
        }
        for (String required : new String[] {WEIGHTS, OPTIMIZER, STATE, CONFIG}) {
            if (!files.getAsJsonObject().has(required)) {
                throw new MalformedFileException(d.resolve(MANIFEST), null, "manifest does not list " + required);
            }
        }
        for (Map.Entry<String, JsonElement> e : files.getAsJsonObject().entrySet()) {
            Path f = d.resolve(e.getKey());
            if (!f.normalize().startsWith(d) || !Files.isRegularFile(f)) {
                throw new MalformedFileException(f, null, "listed in the manifest but missing");
            }
            if (!e.getValue().isJsonObject() || !e.getValue().getAsJsonObject().has("bytes")
                    || !e.getValue().getAsJsonObject().has("sha256")) {
                throw new MalformedFileException(d.resolve(MANIFEST), e.getKey(), "entry needs 'sha256' and 'bytes'");
            }
            JsonObject info = e.getValue().getAsJsonObject();
            JsonElement b = info.get("bytes");
            String want = text(info.get("sha256"));
            if (!b.isJsonPrimitive() || !b.getAsJsonPrimitive().isNumber() || want == null) {
                throw new MalformedFileException(d.resolve(MANIFEST), e.getKey(),
                        "'bytes' must be a number and 'sha256' a string");
            }
            long bytes = b.getAsBigDecimal().longValue();
            long have = Files.size(f);
            if (have != bytes) {
                throw new MalformedFileException(f, null, "size " + have + " bytes, manifest says " + bytes
                        + " (truncated or corrupted)");
            }
            String got = sha256(f);
            if (!want.equalsIgnoreCase(got)) {
                throw new MalformedFileException(f, null, "SHA-256 " + got + " does not match the manifest (" + want
                        + "): corrupted");
            }
        }
        return d;
    }

    /** Verifies, then loads a checkpoint onto {@code manager}. */
    public static Data load(Path dir, NDManager manager) throws IOException {
        Path d = verify(dir);
        JsonObject state = readJson(d.resolve(STATE));
        JsonObject config = readJson(d.resolve(CONFIG));
        if (!state.has("step")) {
            throw new MalformedFileException(d.resolve(STATE), null, "no 'step'");
        }
        long step = step(state.get("step"), d.resolve(STATE));
        JsonObject rng = state.has("rng") && state.get("rng").isJsonObject() ? state.getAsJsonObject("rng")
                : new JsonObject();
        Parameters weights = SafeTensors.load(d.resolve(WEIGHTS), manager);
        Parameters opt;
        try {
            opt = SafeTensors.load(d.resolve(OPTIMIZER), manager);
        } catch (IOException | RuntimeException e) {
            weights.forEach(en -> en.getValue().close());
            throw e;
        }
        Map<String, NDArray> optMap = Collections.unmodifiableMap(new LinkedHashMap<>(opt.asMap()));
        return new Data(weights, optMap, step, config, rng, d);
    }

    /** The largest step a checkpoint may record: every step below it is exact as a double (2^53). */
    static final long MAX_STEP = 1L << 53;

    /** A step count: a JSON integer in [0, 2^53], else a {@link MalformedFileException} naming the file. */
    private static long step(JsonElement e, Path file) throws MalformedFileException {
        java.math.BigDecimal v = null;
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            try {
                v = e.getAsBigDecimal();
            } catch (NumberFormatException ex) {
                v = null;
            }
        }
        if (v == null || v.signum() < 0 || v.compareTo(java.math.BigDecimal.valueOf(MAX_STEP)) > 0
                || v.stripTrailingZeros().scale() > 0) {
            throw new MalformedFileException(file, "step", "must be an integer in [0, 2^53], got " + e);
        }
        return v.longValueExact();
    }

    /** The string a JSON element holds, or null when it is missing or not a string. */
    private static String text(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }

    private static Path resolve(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.isRegularFile(abs.resolve(MANIFEST))) {
            return abs;
        }
        Path old = abs.getParent().resolve("." + abs.getFileName() + ".old");
        if (Files.isRegularFile(old.resolve(MANIFEST))) {
            LOG.warn("{} is incomplete; using {} (a save was interrupted while swapping)", abs, old);
            return old;
        }
        return null;
    }

    private static void record(Path dir, String name, JsonObject files) throws IOException {
        Path f = dir.resolve(name);
        JsonObject info = new JsonObject();
        info.addProperty("sha256", sha256(f));
        info.addProperty("bytes", Files.size(f));
        files.add(name, info);
    }

    private static void writeJson(Path file, JsonElement json) throws IOException {
        AtomicFiles.write(file, JsonFiles.toJson(json).getBytes(StandardCharsets.UTF_8));
    }

    private static JsonObject readJson(Path file) throws IOException {
        try {
            JsonElement e = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new MalformedFileException(file, null, "not a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException | java.nio.charset.CharacterCodingException e) {
            throw new MalformedFileException(file, null, "invalid JSON: " + e.getMessage(), e);
        }
    }

    /** Hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
