package org.spinformer.nqs;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.nqs.driver.TrainSpec;
import org.spinformer.nqs.driver.Training;
import org.spinformer.nqs.driver.Vmc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end on the 8-site triangular lattice: a few SR steps lower the energy, write every output, and a resumed
 * run continues from the checkpoint to the same parameters as an uninterrupted one (Metropolis with persistent
 * chains, so the sampler state travels in the checkpoint too).
 */
class TrainingTest {
    private static TrainSpec spec(String sampler, int steps) {
        return spec(sampler, steps, 0);
    }

    private static TrainSpec spec(String sampler, int steps, double maxMinutes) {
        return spec(sampler, steps, maxMinutes, 0);
    }

    private static TrainSpec spec(String sampler, int steps, double maxMinutes, double momentum) {
        return spec(sampler, steps, maxMinutes, momentum, 0.05, 0.5);
    }

    private static TrainSpec spec(String sampler, int steps, double maxMinutes, double momentum, double lr,
                                  double j2) {
        return TrainSpec.defaults().with("lattice", "triangular", "size", "4x2", "j2", j2, "layers", 1, "dim", 4,
                "heads", 2, "patch", 2, "mlpDim", 8, "sampler", sampler, "samples", 64, "chains", 16, "steps", steps,
                "lr", lr, "schedule", "constant", "diagShift", 1e-2, "diagShiftFinal", 1e-2, "seed", 3L,
                "chunk", 256, "checkpointEvery", 2, "thermalize", 5, "discard", 1, "maxMinutes", maxMinutes,
                "momentum", momentum);
    }

    private static List<Long> loggedSteps(Path dir) throws Exception {
        return Files.readAllLines(dir.resolve("log.jsonl")).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject().get("step").getAsLong()).toList();
    }

    @Test
    void exactTrainingLowersEnergyAndWritesOutputs(@TempDir Path dir) throws Exception {
        Vmc.Result r = Training.run(spec("exact", 6), dir, false, Device.cpu());
        List<String> log = Files.readAllLines(dir.resolve("log.jsonl"));
        assertEquals(6, log.size());
        double first = JsonParser.parseString(log.get(0)).getAsJsonObject().get("energy").getAsDouble();
        assertTrue(r.energy() < first, "energy " + r.energy() + " not below the first step's " + first);
        assertTrue(r.energy() >= r.exactEnergy() - 1e-9, "variational bound violated");
        for (String f : new String[] {"config.json", "summary.json", "energy.png", "energy.svg", "relative_error.png",
            "vscore_vs_compute.png", "checkpoint/manifest.json"}) {
            assertTrue(Files.exists(dir.resolve(f)), f);
        }
        JsonObject s = JsonParser.parseString(Files.readString(dir.resolve("summary.json"))).getAsJsonObject();
        for (String k : new String[] {"energy", "energy_per_site", "error", "variance", "v_score", "exact_energy"}) {
            assertTrue(s.has(k), k);
        }
    }

    /**
     * --energy-dtype float32: the same float32-drawn samples at the first step (same seed, same twin), so the first
     * logged energy differs from the float64 local energies' only by the twin's rounding of log ψ (~1e-7 relative;
     * bound 1e-5, far below the Monte Carlo error); and it is refused without the float32 sampler twin.
     */
    @Test
    void float32LocalEnergiesAgreeWithFloat64OnTheSameSamples(@TempDir Path dir) throws Exception {
        TrainSpec f64 = spec("metropolis", 2).with("sampleDtype", "float32");
        Training.run(f64, dir.resolve("f64"), false, Device.cpu());
        Training.run(f64.with("energyDtype", "float32"), dir.resolve("f32"), false, Device.cpu());
        double a = JsonParser.parseString(Files.readAllLines(dir.resolve("f64").resolve("log.jsonl")).get(0))
                .getAsJsonObject().get("energy").getAsDouble();
        double b = JsonParser.parseString(Files.readAllLines(dir.resolve("f32").resolve("log.jsonl")).get(0))
                .getAsJsonObject().get("energy").getAsDouble();
        assertEquals(a, b, 1e-5 * Math.abs(a), "first-step energy, float64 vs float32 local energies");
        // and the float32 forwards were really used: their rounding shows
        org.junit.jupiter.api.Assertions.assertNotEquals(a, b, "float32 local energies not taken");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> spec("metropolis", 2).with("energyDtype", "float32"));
        assertTrue(e.getMessage().contains("--energy-dtype float32 needs"), e.getMessage());
    }

    /** Metropolis chains and the SR momentum's previous direction both travel in the checkpoint. */
    @Test
    void resumeContinuesExactly(@TempDir Path dir) throws Exception {
        Vmc.Result full = Training.run(spec("metropolis", 4, 0, 0.5), dir.resolve("full"), false, Device.cpu());
        Training.run(spec("metropolis", 2, 0, 0.5), dir.resolve("split"), false, Device.cpu());
        Vmc.Result resumed = Training.run(spec("metropolis", 4, 0, 0.5), dir.resolve("split"), true, Device.cpu());
        assertEquals(full.energy(), resumed.energy(), 1e-10);
        assertEquals(4, Files.readAllLines(dir.resolve("split/log.jsonl")).size());
        // without the momentum state the resumed run would differ: plain SR from step 3 on
        Vmc.Result plain = Training.run(spec("metropolis", 4, 0, 0), dir.resolve("plain"), false, Device.cpu());
        assertTrue(Math.abs(plain.energy() - full.energy()) > 1e-8, "momentum had no effect");
    }

    @Test
    void wallClockBudgetStopsAfterTheStepThatExceedsIt(@TempDir Path dir) throws Exception {
        Vmc.Result r = Training.run(spec("exact", 50, 1e-9), dir, false, Device.cpu());
        assertEquals(1, r.steps());
        assertEquals(1, Files.readAllLines(dir.resolve("log.jsonl")).size());
        assertTrue(Files.exists(dir.resolve("summary.json")) && Files.exists(dir.resolve("energy.png")));
        // resume continues from the saved step (a budget applies to each invocation)
        Vmc.Result more = Training.run(spec("exact", 3), dir, true, Device.cpu());
        assertEquals(3, more.steps());
        assertEquals(3, Files.readAllLines(dir.resolve("log.jsonl")).size());
    }

    /**
     * The state a kill leaves: a checkpoint at step 2 and a log that ran on to step 3 (plus a line cut short).
     * Resuming logs steps 3 and 4 once each and ends where an uninterrupted run ends.
     */
    @Test
    void resumeAfterAKillLogsEachStepOnce(@TempDir Path dir) throws Exception {
        Vmc.Result full = Training.run(spec("metropolis", 4), dir.resolve("full"), false, Device.cpu());
        Path killed = dir.resolve("killed");
        Training.run(spec("metropolis", 3), killed, false, Device.cpu());
        Training.run(spec("metropolis", 2), dir.resolve("at2"), false, Device.cpu());
        org.spinformer.core.io.AtomicFiles.deleteRecursively(killed.resolve("checkpoint"));
        Files.move(dir.resolve("at2/checkpoint"), killed.resolve("checkpoint"));
        Files.writeString(killed.resolve("log.jsonl"), "{\"step\":4,\"ener", java.nio.file.StandardOpenOption.APPEND);

        Vmc.Result resumed = Training.run(spec("metropolis", 4), killed, true, Device.cpu());
        assertEquals(List.of(1L, 2L, 3L, 4L), loggedSteps(killed));
        assertEquals(full.energy(), resumed.energy(), 1e-10);
        assertEquals(Files.readAllLines(dir.resolve("full/log.jsonl")).get(3).replaceAll("_s\":[^,]*,", ""),
                Files.readAllLines(killed.resolve("log.jsonl")).get(3).replaceAll("_s\":[^,]*,", ""));
    }

    /** An absurd learning rate: the run stops naming the step and the quantity, and writes no NaN anywhere. */
    @Test
    void divergenceStopsWithAClearMessage(@TempDir Path dir) throws Exception {
        org.spinformer.core.train.NonFiniteException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.spinformer.core.train.NonFiniteException.class,
                () -> Training.run(spec("exact", 20, 0, 0, 1e6, 0.5), dir, false, Device.cpu()));
        assertTrue(e.getMessage().matches("step \\d+: .* is (NaN|-?Infinity).*"), e.getMessage());
        assertTrue(e.getMessage().contains("--lr"), e.getMessage());
        for (String f : new String[] {"summary.json", "log.jsonl", "config.json"}) {
            String text = Files.readString(dir.resolve(f));
            assertTrue(!text.matches("(?s).*[:\\[,]\\s*-?(NaN|Infinity).*"), f + " has a bare non-finite number: " + text);
        }
        JsonObject s = JsonParser.parseString(Files.readString(dir.resolve("summary.json"))).getAsJsonObject();
        assertEquals("stopped", s.get("status").getAsString());
        assertEquals(e.step(), s.get("stopped_at_step").getAsLong());
        assertEquals(e.step() - 1, loggedSteps(dir).size());
        // a checkpoint, when one was written, holds parameters whose energy was finite: it resumes at a sane lr
        if (s.has("last_checkpoint_step")) {
            Vmc.Result r = Training.run(spec("exact", (int) s.get("last_checkpoint_step").getAsLong() + 1, 0, 0,
                    1e-3, 0.5), dir, true, Device.cpu());
            assertTrue(Double.isFinite(r.energy()));
        }
    }

    @Test
    void checkpointWithoutManifestIsNotResumed(@TempDir Path dir) throws Exception {
        Training.run(spec("exact", 2), dir, false, Device.cpu());
        Files.delete(dir.resolve("checkpoint/manifest.json"));
        String log = Files.readString(dir.resolve("log.jsonl"));
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> Training.run(spec("exact", 4), dir, true, Device.cpu()));
        assertTrue(e.getMessage().contains("manifest.json") && e.getMessage().contains("checkpoint"), e.getMessage());
        assertEquals(log, Files.readString(dir.resolve("log.jsonl")));
    }

    @Test
    void resumeWithAnotherJ2NeedsTheOverride(@TempDir Path dir) throws Exception {
        Training.run(spec("exact", 2), dir, false, Device.cpu());
        String cfg = Files.readString(dir.resolve("config.json"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Training.run(spec("exact", 3, 0, 0, 0.05, 0.0), dir, true, Device.cpu()));
        assertTrue(e.getMessage().contains("j2 (checkpoint 0.5, now 0.0)"), e.getMessage());
        assertEquals(cfg, Files.readString(dir.resolve("config.json")));
        Vmc.Result r = Training.run(spec("exact", 3, 0, 0, 0.05, 0.0), dir, true, true, Device.cpu());
        assertEquals(3, r.steps());
        assertEquals(List.of(1L, 2L, 3L), loggedSteps(dir));
        assertEquals(0.0, JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject()
                .get("j2").getAsDouble());
    }
}
