package org.spinformer.core.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import org.slf4j.LoggerFactory;
import org.spinformer.core.io.AtomicFiles;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JSON-lines metrics log: one JSON object per line, flushed after every line so another tool (or {@code tail
 * -f}) can read it while training runs. Numbers are written as JSON numbers; NaN and ±∞ (not valid JSON) as
 * {@code null}. Values may be {@link Number}, {@link Boolean}, {@link CharSequence} or null.
 *
 * <pre>{@code
 * try (MetricsLog log = MetricsLog.create(dir.resolve("metrics.jsonl"))) {
 *     log.write(MetricsLog.row("step", 10, "loss", 0.25, "lr", 1e-3));
 * }
 * }</pre>
 */
public final class MetricsLog implements AutoCloseable {
    private static final Gson GSON = new GsonBuilder().serializeNulls().create();
    private final Path path;
    private final BufferedWriter out;

    private MetricsLog(Path path, boolean append) throws IOException {
        this.path = path;
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = append
                ? Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)
                : Files.newBufferedWriter(path, StandardCharsets.UTF_8);
    }

    /** Creates (or truncates) a log file. */
    public static MetricsLog create(Path path) throws IOException {
        return new MetricsLog(path, false);
    }

    /** Opens a log for appending (e.g. when resuming from a checkpoint). */
    public static MetricsLog append(Path path) throws IOException {
        return new MetricsLog(path, true);
    }

    /**
     * Opens a log to continue a run resumed from a checkpoint taken after step {@code step}: rows whose
     * {@code stepKey} is greater than {@code step} (written after that checkpoint, before a kill) are dropped, as is
     * a last line cut short by the kill, so the resumed run does not log those steps twice. The kept rows are
     * rewritten atomically first; a missing file is created.
     *
     * @return the log, open for appending
     */
    public static MetricsLog resume(Path path, String stepKey, long step) throws IOException {
        if (Files.exists(path)) {
            StringBuilder kept = new StringBuilder();
            int dropped = 0;
            int lineNo = 0;
            for (String line : completeLines(path)) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonObject o = parse(line);
                if (o == null) {
                    dropped++; // a line cut short by a kill
                    continue;
                }
                JsonElement s = o.get(stepKey);
                if (s == null || !s.isJsonPrimitive() || !s.getAsJsonPrimitive().isNumber()) {
                    throw new IOException(path + " line " + lineNo + ": no numeric '" + stepKey + "'");
                }
                if (s.getAsDouble() > step) {
                    dropped++;
                } else {
                    kept.append(line).append('\n');
                }
            }
            boolean cutShort = endsMidRow(path);
            if (dropped > 0 || cutShort) {
                LoggerFactory.getLogger(MetricsLog.class).info(
                        "{}: dropped {} rows after step {} (written after the checkpoint){}", path, dropped, step,
                        cutShort ? " and a last row cut short" : "");
                AtomicFiles.write(path, kept.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return new MetricsLog(path, true);
    }

    /**
     * The rows of a log as ordered maps: numbers as {@code Double}, strings, booleans, and null for null; a line
     * cut short by a kill is skipped.
     */
    public static java.util.List<Map<String, Object>> read(Path path) throws IOException {
        java.util.List<Map<String, Object>> rows = new java.util.ArrayList<>();
        for (String line : completeLines(path)) {
            JsonObject o = line.isBlank() ? null : parse(line);
            if (o == null) {
                continue; // blank, or cut short by a kill
            }
            LinkedHashMap<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : o.entrySet()) {
                JsonElement v = e.getValue();
                Object x = null;
                if (v.isJsonPrimitive()) {
                    JsonPrimitive p = v.getAsJsonPrimitive();
                    x = p.isNumber() ? (Object) p.getAsDouble() : p.isBoolean() ? (Object) p.getAsBoolean()
                            : p.getAsString();
                }
                m.put(e.getKey(), x);
            }
            rows.add(java.util.Collections.unmodifiableMap(m));
        }
        return rows;
    }

    /**
     * The rows of the log that end with a newline (every row is written with one), decoded as strict UTF-8: a
     * last row cut short by a kill, possibly inside a multi-byte character, is left out rather than misread.
     */
    private static java.util.List<String> completeLines(Path path) throws IOException {
        byte[] b = Files.readAllBytes(path);
        int end = b.length;
        while (end > 0 && b[end - 1] != '\n') {
            end--;
        }
        return org.spinformer.core.io.Utf8Lines.read(new java.io.ByteArrayInputStream(b, 0, end), path.toString());
    }

    /** Whether the file's last byte is not a newline: a row was cut short (appending to it would corrupt it). */
    private static boolean endsMidRow(Path path) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(path)) {
            if (ch.size() == 0) {
                return false;
            }
            java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
            ch.read(last, ch.size() - 1);
            return last.get(0) != '\n';
        }
    }

    /** One row, or null when the line is not a JSON object (e.g. cut short by a kill). */
    private static JsonObject parse(String line) {
        try {
            JsonElement e = JsonParser.parseString(line);
            return e.isJsonObject() ? e.getAsJsonObject() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** An ordered row from alternating keys and values: {@code row("step", 1, "loss", 0.5)}. */
    public static Map<String, Object> row(Object... kv) {
        if (kv.length % 2 != 0) {
            throw new IllegalArgumentException("row needs key/value pairs, got " + kv.length + " items");
        }
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(String.valueOf(kv[i]), kv[i + 1]);
        }
        return m;
    }

    /** Writes one line and flushes. */
    public synchronized void write(Map<String, ?> values) {
        JsonObject o = new JsonObject();
        for (Map.Entry<String, ?> e : values.entrySet()) {
            Object v = e.getValue();
            if (v == null) {
                o.add(e.getKey(), JsonNull.INSTANCE);
            } else if (v instanceof Number) {
                Number n = (Number) v;
                boolean bad = (n instanceof Double || n instanceof Float) && !Double.isFinite(n.doubleValue());
                o.add(e.getKey(), bad ? JsonNull.INSTANCE : new JsonPrimitive(n));
            } else if (v instanceof Boolean) {
                o.add(e.getKey(), new JsonPrimitive((Boolean) v));
            } else if (v instanceof CharSequence) {
                o.add(e.getKey(), new JsonPrimitive(v.toString()));
            } else {
                throw new IllegalArgumentException("metric '" + e.getKey() + "' has unsupported type "
                        + v.getClass().getName() + " (use a number, boolean or string)");
            }
        }
        try {
            out.write(GSON.toJson(o));
            out.write('\n');
            out.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write metrics to " + path + ": " + ex.getMessage(), ex);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
