package org.spinformer.nqs.scaling;

import org.spinformer.core.testing.CpuTest;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.core.train.MetricsLog;
import org.spinformer.nqs.driver.TrainSpec;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.model.ViT;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweep: runs stop at the compute budget, the manifest resumes, and the compute of a step counts every pass. */
class ScalingStudyTest extends CpuTest {
    static final int SAMPLES = 64;
    static final int CHAINS = 16;
    static final int THERMALIZE = 2;
    static final int DISCARD = 1;

    static TrainSpec base() {
        return TrainSpec.defaults().with("sampler", "metropolis", "samples", SAMPLES, "chains", CHAINS,
                "thermalize", THERMALIZE, "discard", DISCARD, "steps", 50, "checkpointEvery", 1, "chunk", 64);
    }

    static ScalingStudy.Plan plan(double flops) {
        return new ScalingStudy.Plan("square", List.of("4x4"), List.of(0.5), List.of(new ScalingStudy.ModelSize(4, 1, 2)),
                List.of(1L, 2L), new ScalingStudy.Budget(flops, 0), base());
    }

    static JsonObject manifest(Path dir) throws Exception {
        return JsonParser.parseString(Files.readString(dir.resolve("sweep.json"))).getAsJsonObject();
    }

    @Test
    void runsStopAtTheBudgetAndTheSweepResumes(@TempDir Path dir) throws Exception {
        ScalingStudy.Plan p = plan(1.2e8);
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        ScalingStudy.run(p, dir, false, Device.cpu(), new PrintStream(table, true, StandardCharsets.UTF_8));
        JsonObject m = manifest(dir);
        assertEquals(2, m.getAsJsonArray("runs").size());
        for (var e : m.getAsJsonArray("runs")) {
            JsonObject r = e.getAsJsonObject();
            assertEquals("done", r.get("status").getAsString(), r.toString());
            List<Map<String, Object>> log = MetricsLog.read(dir.resolve(r.get("dir").getAsString()).resolve("log.jsonl"));
            assertTrue(log.size() >= 2 && log.size() < 50, "steps " + log.size());
            double last = ((Number) log.get(log.size() - 1).get("cumulative_flops")).doubleValue();
            double before = ((Number) log.get(log.size() - 2).get("cumulative_flops")).doubleValue();
            assertTrue(before < 1.2e8 && last >= 1.2e8, before + " then " + last);
        }
        assertTrue(table.toString(StandardCharsets.UTF_8).contains("square-4x4-j2_0.5-D4L1H2-s2"));
        assertTrue(Files.readAllLines(dir.resolve("runs.csv")).size() == 3);

        IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
                () -> ScalingStudy.run(p, dir, false, Device.cpu(), System.out));
        assertTrue(again.getMessage().contains("--resume"), again.getMessage());

        // a sweep killed during its second run: the manifest says running, the run has no summary yet
        Path second = dir.resolve("runs/square-4x4-j2_0.5-D4L1H2-s2");
        byte[] finished = Files.readAllBytes(second.resolve("log.jsonl"));
        JsonObject killed = manifest(dir);
        JsonObject row = killed.getAsJsonArray("runs").get(1).getAsJsonObject();
        row.addProperty("status", "running");
        row.remove("result");
        JsonFiles.write(dir.resolve("sweep.json"), killed);
        Files.delete(second.resolve("summary.json"));
        byte[] first = Files.readAllBytes(dir.resolve("runs/square-4x4-j2_0.5-D4L1H2-s1/log.jsonl"));
        ScalingStudy.run(p, dir, true, Device.cpu(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        assertArrayEquals(first, Files.readAllBytes(dir.resolve("runs/square-4x4-j2_0.5-D4L1H2-s1/log.jsonl")),
                "a finished run is not redone");
        assertEquals("done", manifest(dir).getAsJsonArray("runs").get(1).getAsJsonObject().get("status")
                .getAsString());
        assertTrue(Files.isRegularFile(second.resolve("summary.json")));
        assertArrayEquals(finished, Files.readAllBytes(second.resolve("log.jsonl")),
                "resumed at its budget, the run takes no further step");
    }

    @Test
    void aStepsComputeCountsEveryForwardItMade(@TempDir Path dir) throws Exception {
        ScalingStudy.Plan p = plan(1e30);
        TrainSpec s = p.spec(p.runs().get(0)).with("steps", 2);
        org.spinformer.nqs.driver.Training.run(s, dir, false, Device.cpu());
        List<Map<String, Object>> log = MetricsLog.read(dir.resolve("log.jsonl"));
        Lattice l = Lattice.square(4); // 16 sites: patch 1 (auto), MLP 2D
        long f = new ViT(l, new ViT.Config(4, 1, 2, 1, 8), ai.djl.ndarray.types.DataType.FLOAT64, m, 1).forwardFlops();
        int n = l.n();
        for (int step = 0; step < 2; step++) {
            Map<String, Object> row = log.get(step);
            assertEquals((double) f, ((Number) row.get("flops_per_sample")).doubleValue());
            // Metropolis: the C chains' amplitudes, then one proposal per chain for each of N moves per sweep;
            // thermalisation sweeps on the first step, discarded sweeps after, then one sweep per kept sample
            int sweeps = (step == 0 ? THERMALIZE : DISCARD) + SAMPLES / CHAINS;
            double sampling = ((double) CHAINS + (double) sweeps * n * CHAINS) * f;
            assertEquals(sampling, ((Number) row.get("flops_sampling")).doubleValue(), 1e-9 * sampling);
            assertEquals(6.0 * SAMPLES * f, ((Number) row.get("flops_jacobian")).doubleValue(), 1e-6);
            double le = ((Number) row.get("flops_local_energy")).doubleValue();
            // every sample has at least one and at most 4N (its bonds) acting exchanges at J2 = 0.5
            assertTrue(le >= SAMPLES * f && le <= 4.0 * n * SAMPLES * f, "local energy FLOPs " + le);
            double total = sampling + le + ((Number) row.get("flops_jacobian")).doubleValue()
                    + ((Number) row.get("flops_solve")).doubleValue();
            assertEquals(total, ((Number) row.get("flops_step")).doubleValue(), 1e-9 * total);
        }
        double c1 = ((Number) log.get(1).get("cumulative_flops")).doubleValue();
        double s0 = ((Number) log.get(0).get("flops_step")).doubleValue();
        double s1 = ((Number) log.get(1).get("flops_step")).doubleValue();
        assertEquals(s0 + s1, c1, 1e-9 * c1);
    }

    @Test
    void badSweepSettingsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> ScalingStudy.ModelSize.parse("16:2"));
        assertThrows(IllegalArgumentException.class, () -> ScalingStudy.ModelSize.parse("15:2:4"));
        assertThrows(IllegalArgumentException.class, () -> ScalingStudy.Budget.parse("-3m"));
        assertThrows(IllegalArgumentException.class, () -> ScalingStudy.Budget.parse("lots"));
        assertEquals(90.0, ScalingStudy.Budget.parse("1.5h").minutes());
        assertEquals(5e12, ScalingStudy.Budget.parse("5e12flops").flops());
        assertThrows(IllegalArgumentException.class, () -> new ScalingStudy.Plan("square", List.of("5x"),
                List.of(0.0), List.of(new ScalingStudy.ModelSize(4, 1, 2)), List.of(1L), ScalingStudy.Budget.parse("1m"),
                base()));
    }
}
