package org.spinformer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nqs train} killed with SIGKILL at random moments (after a random number of logged steps past a
 * checkpoint, or inside a checkpoint save) and resumed each time ends with the same log and the same final
 * energy as an uninterrupted run, logs every step once, and leaves no temporary file.
 */
class NqsKillResumeTest {
    @TempDir
    Path tmp;

    private static final String[] RUN = {"nqs", "train", "--lattice", "triangular", "--size", "4x2", "--j2", "0.5",
        "--layers", "1", "--dim", "4", "--heads", "2", "--patch", "2", "--mlp-dim", "8", "--sampler", "metropolis",
        "--samples", "64", "--chains", "16", "--steps", "30", "--lr", "0.05", "--schedule", "constant",
        "--diag-shift", "1e-2", "--diag-shift-final", "1e-2", "--checkpoint-every", "3", "--seed", "3",
        "--device", "cpu", "--json"};

    private static String[] with(String... more) {
        String[] a = java.util.Arrays.copyOf(RUN, RUN.length + more.length);
        System.arraycopy(more, 0, a, RUN.length, more.length);
        return a;
    }

    private static List<String> rows(Path dir) throws Exception {
        // everything but the wall-clock fields
        return Files.readAllLines(dir.resolve("log.jsonl")).stream()
                .map(l -> l.replaceAll("\"(step_time_s|t_sample_s|t_local_energy_s|t_jacobian_s|t_update_s)\":[^,}]*,?", ""))
                .toList();
    }

    private static double energy(Path dir) throws Exception {
        return com.google.gson.JsonParser.parseString(Files.readString(dir.resolve("summary.json"))).getAsJsonObject()
                .get("energy").getAsDouble();
    }

    private static int lines(Path f) {
        try {
            return Files.isRegularFile(f) ? (int) Files.readAllLines(f).stream().filter(l -> l.endsWith("}")).count()
                    : 0;
        } catch (Exception e) {
            return 0;
        }
    }

    @Test
    void sigkillAndResumeEqualsAnUninterruptedRun() throws Exception {
        Path ref = tmp.resolve("ref");
        CliRun straight = CliRun.of(with("--out", ref.toString()));
        assertEquals(0, straight.code(), straight.err());

        Path dir = tmp.resolve("killed");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Random rnd = new Random(5);
        int kills = 0;
        for (int attempt = 0; attempt < 4; attempt++) {
            List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx512m", "-Dai.djl.offline=true",
                    "-Dspinformer.device=cpu", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
            cmd.addAll(List.of(with("--out", dir.toString(), "--resume")));
            Path log = tmp.resolve("child" + attempt + ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("OPT_OUT_TRACKING", "true");
            int before = lines(dir.resolve("log.jsonl"));
            int target = before + 1 + rnd.nextInt(5); // kill after 1..5 more logged steps
            Process p = pb.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (p.isAlive() && lines(dir.resolve("log.jsonl")) < target && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            if (p.isAlive()) {
                p.destroyForcibly(); // SIGKILL
                kills++;
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        CliRun rest = CliRun.of(with("--out", dir.toString(), "--resume"));
        assertEquals(0, rest.code(), rest.err());
        assertTrue(kills >= 3, "only " + kills + " of 4 children were killed before finishing");
        assertEquals(rows(ref), rows(dir), "log after " + kills + " kills");
        assertEquals(energy(ref), energy(dir), 0.0, "final energy");
        try (Stream<Path> s = Files.walk(dir)) {
            assertEquals(List.of(), s.map(f -> f.getFileName().toString()).filter(n -> n.contains(".tmp")).toList(),
                    "temporary files left");
        }
    }
}
