package org.spinformer.core.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.io.CpuManagerTest;
import org.spinformer.core.io.MalformedFileException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run harness: a job killed after step 7 (checkpoints every 3 steps, so the last is step 6) and resumed
 * ends bit-identical to an uninterrupted 10-step run, with steps 1..10 logged once each; the optimizer and a
 * random stream travel in named sections. A checkpoint without manifest is refused; a NaN stops the job with a
 * summary naming the last good checkpoint.
 */
class RunHarnessTest extends CpuManagerTest {
    @TempDir
    Path tmp;

    /** Trains until {@code steps} or, when {@code killAfter} > 0, "dies" after that step without saving. */
    private double[] run(Path dir, boolean resume, int steps, int killAfter, double poison) throws Exception {
        try (NDManager m = manager.newSubManager()) {
            ToyMlp toy = new ToyMlp(m, 8, 16, 5, DataType.FLOAT64);
            Rng data = new Rng(11);
            try (AdamW opt = AdamW.builder().setParameters(toy.params).setLearningRate(1e-2).build();
                 RunHarness h = RunHarness.builder(dir).resume(resume).weights(toy.params).manager(m)
                         .section(RunHarness.optimizer(opt)).section(RunHarness.rng("data", data))
                         .checkpointEvery(3).config(new JsonObject()).build()) {
                double[] last = {Double.NaN};
                TrainLoop loop = TrainLoop.builder().setParameters(toy.params).setOptimizer(opt).setManager(m)
                        .setLoss((sm, s) -> toy.loss(sm, s).mul(1 + data.nextDouble() + (s == 4 ? poison : 0)))
                        .optListener((s, l, g, lr) -> last[0] = l).build();
                try {
                    for (long s = h.start(); s < steps; s++) {
                        loop.run(1);
                        h.check(s + 1, "loss", last[0]);
                        h.log(MetricsLog.row("step", s + 1, "loss", last[0]));
                        if (s + 1 == killAfter) {
                            return null;
                        }
                        if (h.due(s + 1) || s + 1 == steps) {
                            h.save(s + 1);
                        }
                    }
                } catch (NonFiniteException e) {
                    throw h.stopped(e);
                }
                return toy.params.get("fc1.weight").toDoubleArray();
            }
        }
    }

    private static List<Long> steps(Path dir) throws Exception {
        List<Long> out = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve("log.jsonl"))) {
            out.add(JsonParser.parseString(l).getAsJsonObject().get("step").getAsLong());
        }
        return out;
    }

    @Test
    void killedAndResumedEqualsUninterrupted() throws Exception {
        double[] straight = run(tmp.resolve("a"), false, 10, 0, 0);
        Path b = tmp.resolve("b");
        run(b, false, 10, 7, 0);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), steps(b));
        double[] resumed = run(b, true, 10, 0, 0);
        assertArrayEquals(straight, resumed);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), steps(b));
        assertEquals(Files.readAllLines(tmp.resolve("a/log.jsonl")), Files.readAllLines(b.resolve("log.jsonl")));
        // the random stream is a section: without restoring it the resumed run would differ
        Path c = tmp.resolve("c");
        run(c, false, 10, 7, 0);
        String st = Files.readString(c.resolve("checkpoint/state.json"));
        assertTrue(st.contains("\"data\"") && st.contains("splitmix64"), st);
    }

    @Test
    void checkpointWithoutManifestIsRefused() throws Exception {
        Path d = tmp.resolve("d");
        run(d, false, 4, 0, 0);
        Files.delete(d.resolve("checkpoint/manifest.json"));
        String log = Files.readString(d.resolve("log.jsonl"));
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> run(d, true, 8, 0, 0));
        assertTrue(e.getMessage().contains("manifest.json"), e.getMessage());
        assertEquals(log, Files.readString(d.resolve("log.jsonl")));
    }

    @Test
    void nonFiniteLossStopsNamingTheLastGoodCheckpoint() throws Exception {
        Path d = tmp.resolve("nan");
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> run(d, false, 10, 0, Double.NaN));
        // TrainLoop's own guard stops it first (the harness check would say "loss is NaN")
        assertTrue(e.getMessage().startsWith("step 5: training loss is NaN") && e.getMessage().endsWith(
                "; the last good checkpoint (step 3) is kept in " + d.resolve("checkpoint")), e.getMessage());
        JsonObject s = JsonParser.parseString(Files.readString(d.resolve("summary.json"))).getAsJsonObject();
        assertEquals("stopped", s.get("status").getAsString());
        assertEquals(3, s.get("last_checkpoint_step").getAsLong());
        assertEquals(List.of(1L, 2L, 3L, 4L), steps(d));
    }
}
