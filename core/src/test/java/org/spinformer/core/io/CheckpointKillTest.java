package org.spinformer.core.io;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real crash: a child JVM saves checkpoints in a loop and is killed with SIGKILL at arbitrary moments (most
 * land inside a save, which takes several file writes, fsyncs and two renames). Whatever moment it dies, the
 * directory loads, passes SHA-256 verification, and holds one consistent step (every weight equals its step).
 * Each child resumes from what the previous one left, so the step must grow from kill to kill.
 */
class CheckpointKillTest {
    @TempDir
    Path tmp;

    @Test
    void sigkillDuringSavesAlwaysLeavesAConsistentCheckpoint() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path dir = tmp.resolve("ckpt");
        long lastStep = 0;
        java.util.Random delays = new java.util.Random(17);
        int kills = 3; // each child costs a JVM and engine start (~3 s)
        for (int kill = 0; kill < kills; kill++) {
            Path ready = tmp.resolve("ready" + kill);
            List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx256m", "-Dai.djl.offline=true",
                    "-cp", System.getProperty("java.class.path"), CheckpointWriterMain.class.getName(),
                    dir.toString(), ready.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("child" + kill + ".log").toFile());
            pb.environment().put("OPT_OUT_TRACKING", "true");
            Path log = tmp.resolve("child" + kill + ".log");
            Process p = pb.start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.exists(ready)) {
                    assertTrue(p.isAlive(), () -> "child died: " + read(log));
                    assertTrue(System.nanoTime() < deadline, "child did not start saving within 60 s");
                    Thread.sleep(20);
                }
                Thread.sleep(5 + delays.nextInt(120)); // somewhere inside the save loop
            } finally {
                p.destroyForcibly();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            }
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                Checkpoint.Data d = Checkpoint.load(dir, m);
                long step = d.step();
                assertTrue(step >= lastStep + 3, "kill " + kill + ": step " + step + " after " + lastStep
                        + " (the child resumed and saved at least 3 times before the kill)");
                assertEquals(step, d.rngState().get("step").getAsLong());
                assertEquals(step, d.weights().get("a.weight").min().getFloat(), 0f);
                assertEquals(step, d.weights().get("a.weight").max().getFloat(), 0f);
                assertEquals(step, d.weights().get("b.weight").max().getDouble(), 0.0);
                assertEquals(-step, d.optimizerState().get("adamw.m.a.weight").max().getFloat(), 0f);
                lastStep = step;
            }
            // a later save in this process clears what the killed one left behind (a .ckpt.tmp-* directory
            // when the kill landed inside a save)
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                org.spinformer.core.nn.Parameters w = new org.spinformer.core.nn.Parameters();
                w.put("a.weight", m.zeros(new ai.djl.ndarray.types.Shape(2)));
                Checkpoint.save(dir, w, java.util.Map.of(), lastStep + 1, null, null);
            }
            try (java.util.stream.Stream<Path> s = Files.list(tmp)) {
                assertEquals(List.of(), s.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(".ckpt"))
                        .toList(), "leftovers");
            }
        }
        assertTrue(lastStep >= 4L * kills - 1, "steps after " + kills + " kills: " + lastStep);
    }

    private static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "(no log)";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
