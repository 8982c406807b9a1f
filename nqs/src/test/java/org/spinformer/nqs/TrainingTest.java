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
        return new TrainSpec("triangular", "4x2", 0.5, "spin", "vit", 1, 4, 2, 2, 8, 0.1, sampler, 64, 16, steps,
                0.05, "constant", 1e-2, 1e-2, "sr", 3L, "float64", 256, false, 2, 5, 1, maxMinutes, momentum);
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
}
