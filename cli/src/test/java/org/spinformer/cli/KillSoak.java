package org.spinformer.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.spinformer.core.io.Checkpoint;
import org.spinformer.core.io.SafeTensors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Kill-and-resume soak of one CLI command: runs it (with {@code --resume}) in child JVMs and SIGKILLs each at a random
 * moment, either after a random number of new log rows or the instant a checkpoint save is under way (a
 * {@code .tmp-} path exists in the output), checks after every kill that no finished file is half-written, and
 * finally lets it complete (every run in a child JVM with the same intra-op thread count). {@link #assertSameRun} then holds the output to an uninterrupted run's: every JSON and
 * JSON-lines file equal but for wall-clock fields, every safetensors file byte for byte.
 *
 * <p>{@code -Dspinformer.soak.kills=N} sets the number of kills (the default build uses a few; {@code -Pslow}, 20).
 */
final class KillSoak {
    private KillSoak() {
    }

    /** Kills wanted: {@code spinformer.soak.kills}, else {@code fallback}. */
    static int kills(int fallback) {
        return Integer.getInteger("spinformer.soak.kills", fallback);
    }

    /** What a soak did. */
    record Report(int kills, int inSave, int children) {
    }

    /**
     * Runs {@code args} (which must write to {@code out} and contain {@code --resume}) until {@code kills} children
     * were killed, then once more to completion.
     */
    static Report run(Path tmp, List<String> args, Path out, int kills, long seed) throws Exception {
        Random rnd = new Random(seed);
        int killed = 0;
        int inSave = 0;
        int children = 0;
        while (killed < kills) {
            if (children > 3 * kills + 3) {
                fail("only " + killed + " of " + kills + " kills in " + children + " children: the job is too short");
            }
            Path log = tmp.resolve("child" + children + ".log");
            ProcessBuilder pb = child(args, log);
            boolean duringSave = children % 3 == 2; // every third child dies inside a checkpoint save
            int target = rows(out) + 1 + rnd.nextInt(6);
            Process p = pb.start();
            children++;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            boolean sawSave = false;
            while (p.isAlive() && System.nanoTime() < deadline) {
                if (duringSave ? (sawSave = saving(out)) : rows(out) >= target) {
                    break;
                }
                Thread.sleep(duringSave ? 0 : 5);
            }
            if (p.isAlive()) {
                p.destroyForcibly(); // SIGKILL
                killed++;
                inSave += sawSave ? 1 : 0;
            } else if (p.exitValue() == 0) {
                fail("the job finished after " + killed + " of " + kills + " kills: make it longer");
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child did not die");
            if (p.exitValue() != 137 && p.exitValue() != 0) {
                fail("child " + children + " failed with exit " + p.exitValue() + ": " + read(log));
            }
            assertNothingHalfWritten(out);
        }
        Path last = tmp.resolve("child" + children + ".log");
        Process p = child(args, last).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the final resumed run did not finish");
        assertEquals(0, p.exitValue(), () -> "the final resumed run failed: " + read(last));
        try (Stream<Path> s = Files.walk(out)) {
            assertEquals(List.of(), s.map(f -> f.getFileName().toString()).filter(n -> n.contains(".tmp")).toList(),
                    "temporary files left");
        }
        return new Report(killed, inSave, children + 1);
    }

    /**
     * Runs {@code args} once, uninterrupted, in a child JVM like the soak's (the same intra-op thread count: a
     * different one changes the order of floating-point reductions, and with it the last bits).
     */
    static void runStraight(Path tmp, List<String> args) throws Exception {
        Path log = tmp.resolve("straight.log");
        Process p = child(args, log).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "uninterrupted run did not finish");
        assertEquals(0, p.exitValue(), () -> "uninterrupted run failed: " + read(log));
    }

    private static ProcessBuilder child(List<String> args, Path log) {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx768m", "-Dai.djl.offline=true",
                "-Dspinformer.device=cpu", "-Dai.djl.pytorch.num_threads=" + THREADS, "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        return pb;
    }

    /** Intra-op threads of every child: the test JVM's setting, else 1. */
    private static final String THREADS = System.getProperty("ai.djl.pytorch.num_threads", "1");

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /**
     * Every file of {@code ref} and {@code run} is the same: JSON and JSON lines equal without wall-clock fields,
     * safetensors and everything else byte for byte (checkpoints excluded: a resumed run's are the same step).
     */
    static void assertSameRun(Path ref, Path run) throws IOException {
        Map<String, Path> a = files(ref);
        Map<String, Path> b = files(run);
        assertEquals(a.keySet(), b.keySet(), "the files written");
        for (String name : a.keySet()) {
            Path x = a.get(name);
            Path y = b.get(name);
            if (name.endsWith(".json") || name.endsWith(".jsonl")) {
                assertEquals(untimed(x), untimed(y), name);
            } else if (name.endsWith(".csv")) {
                assertEquals(untimedCsv(x), untimedCsv(y), name);
            } else if (!name.endsWith(".png") && !name.endsWith(".svg")) {
                assertTrue(java.util.Arrays.equals(Files.readAllBytes(x), Files.readAllBytes(y)), name
                        + " differs");
            }
        }
    }

    /** The files under {@code dir} by relative path, checkpoints and child logs left out. */
    private static Map<String, Path> files(Path dir) throws IOException {
        Map<String, Path> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).forEach(f -> {
                String rel = dir.relativize(f).toString();
                if (!rel.startsWith("checkpoint") && !rel.contains("/checkpoint")) {
                    m.put(rel, f);
                }
            });
        }
        return m;
    }

    /** A JSON file, or a JSON-lines file's rows, with wall-clock fields (…_s, t_…, seconds, time, date) removed. */
    private static List<String> untimed(Path f) throws IOException {
        if (f.toString().endsWith(".json")) {
            return List.of(strip(JsonParser.parseString(Files.readString(f, StandardCharsets.UTF_8))).toString());
        }
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                rows.add(strip(JsonParser.parseString(line)).toString());
            }
        }
        return rows;
    }

    /** A CSV file's rows without its wall-clock columns. */
    private static List<List<String>> untimedCsv(Path f) throws IOException {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return List.of();
        }
        String[] head = lines.get(0).split(",", -1);
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines) {
            String[] cells = line.split(",", -1);
            List<String> kept = new ArrayList<>();
            for (int i = 0; i < cells.length; i++) {
                if (i >= head.length || !timed(head[i])) {
                    kept.add(cells[i]);
                }
            }
            rows.add(kept);
        }
        return rows;
    }

    private static boolean timed(String key) {
        return key.endsWith("_s") || key.startsWith("t_") || key.contains("seconds") || key.contains("time")
                || key.contains("date") || key.equals("elapsed");
    }

    private static JsonElement strip(JsonElement e) {
        if (e.isJsonObject()) {
            JsonObject o = new JsonObject();
            for (Map.Entry<String, JsonElement> en : e.getAsJsonObject().entrySet()) {
                String k = en.getKey();
                if (!timed(k)) {
                    o.add(k, strip(en.getValue()));
                }
            }
            return o;
        }
        if (e.isJsonArray()) {
            com.google.gson.JsonArray a = new com.google.gson.JsonArray();
            e.getAsJsonArray().forEach(x -> a.add(strip(x)));
            return a;
        }
        return e;
    }

    /** Rows in all JSON-lines files under {@code out} (complete lines only). */
    private static int rows(Path out) {
        if (!Files.isDirectory(out)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(out)) {
            return s.filter(f -> f.toString().endsWith(".jsonl")).mapToInt(f -> {
                try {
                    return (int) Files.readAllLines(f).stream().filter(l -> l.endsWith("}")).count();
                } catch (IOException | java.io.UncheckedIOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0; // a file vanished while walking (a rename in progress)
        }
    }

    /** Whether a checkpoint or atomic write is in progress (a temporary exists). */
    private static boolean saving(Path out) {
        if (!Files.isDirectory(out)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(out)) {
            return s.anyMatch(f -> f.getFileName().toString().contains(".tmp-"));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /**
     * After a kill: every JSON file parses, every JSON-lines row but a last one cut short parses, every safetensors
     * file outside a temporary has a valid header, every checkpoint verifies (hashes of all its files).
     */
    static void assertNothingHalfWritten(Path out) throws IOException {
        if (!Files.isDirectory(out)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> s = Files.walk(out)) {
            all = s.filter(f -> !f.toString().contains(".tmp-")).toList();
        }
        for (Path f : all) {
            String n = f.getFileName().toString();
            if (!Files.isRegularFile(f)) {
                continue;
            }
            if (n.endsWith(".json")) {
                JsonParser.parseString(Files.readString(f)); // throws on a half-written file
                if (n.equals(Checkpoint.MANIFEST)) {
                    Checkpoint.verify(f.getParent());
                }
            } else if (n.endsWith(".jsonl")) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size() - 1; i++) {
                    if (!lines.get(i).isBlank()) {
                        JsonParser.parseString(lines.get(i));
                    }
                }
            } else if (n.endsWith(".safetensors")) {
                SafeTensors.readHeader(f);
            }
        }
    }
}
