package org.spinformer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.device.Devices;
import org.spinformer.core.io.Npy;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --normalisation dadapy|paper} on {@code repr imbalance}: the hand-computed example of NormalisationTest. */
class ReprNormalisationCommandTest {
    @Test
    void paperAndDadapyOnTheHandExample(@TempDir Path dir) throws Exception {
        try (NDManager m = Devices.manager(Device.cpu())) {
            Npy.write(dir.resolve("a.npy"), m.create(new double[] {0, 10, 20, 30, 1, 11, 21, 31}).reshape(8, 1));
            Npy.write(dir.resolve("b.npy"), m.create(new double[] {-50, 2.2, 2.6, 4, 5, 1, 2, 3}).reshape(8, 1));
        }
        String a = dir.resolve("a.npy").toString();
        String b = dir.resolve("b.npy").toString();
        CliRun paper = CliRun.of("repr", "imbalance", "--a", a, "--b", b, "--device", "cpu", "--normalisation", "paper",
                "--halves", "ordered", "--json");
        assertEquals(0, paper.code(), paper.err());
        JsonObject j = paper.lastJson();
        assertEquals(1.5, j.get("a_to_b").getAsDouble(), 1e-15);
        assertEquals(2.0, j.get("b_to_a").getAsDouble(), 1e-15);
        assertEquals("paper", j.get("normalisation").getAsString());
        assertEquals(4, j.get("queries").getAsInt());
        assertEquals(4, j.get("references").getAsInt());
        assertEquals(8, j.get("n").getAsInt());
        // identical spaces: 0 (paper, random halves) vs 2/N (dadapy, every point)
        CliRun self = CliRun.of("repr", "imbalance", "--a", a, "--b", a, "--device", "cpu", "--normalisation", "paper",
                "--json");
        assertEquals(0.0, self.lastJson().get("a_to_b").getAsDouble(), 0.0);
        CliRun dadapy = CliRun.of("repr", "imbalance", "--a", a, "--b", a, "--device", "cpu", "--json");
        assertEquals(2.0 / 8, dadapy.lastJson().get("a_to_b").getAsDouble(), 0.0);
        assertEquals("dadapy", dadapy.lastJson().get("normalisation").getAsString());
    }

    /** repr layers on KJV against itself: Δ = 0 at every layer with paper, 2/N with dadapy. */
    @Test
    void layersWithThePaperNormalisation(@TempDir Path dir) throws Exception {
        CliRun r = CliRun.of("repr", "layers", "--pairs", "bible:en_kjv,en_kjv", "--n", "20", "--device", "cpu",
                "--normalisation", "paper", "--out", dir.resolve("p").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        for (var v : r.lastJson().getAsJsonArray("a_to_b")) {
            assertEquals(0.0, v.getAsDouble(), 0.0);
        }
        String json = java.nio.file.Files.readString(dir.resolve("p").resolve("layers.json"));
        assertTrue(json.contains("\"normalisation\": \"paper\""), json);
    }

    @Test
    void badValuesAreOneLineErrors(@TempDir Path dir) throws Exception {
        try (NDManager m = Devices.manager(Device.cpu())) {
            Npy.write(dir.resolve("a.npy"), m.create(new double[] {0, 1, 2, 3, 4, 5, 6, 7}).reshape(8, 1));
        }
        String a = dir.resolve("a.npy").toString();
        CliRun bad = CliRun.of("repr", "imbalance", "--a", a, "--b", a, "--normalisation", "glielmo");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("error: --normalisation: unknown normalisation 'glielmo'"), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        CliRun halves = CliRun.of("repr", "imbalance", "--a", a, "--b", a, "--normalisation", "paper", "--halves", "x");
        assertEquals(2, halves.code());
        assertTrue(halves.err().contains("--halves must be random or ordered"), halves.err());
        CliRun queries = CliRun.of("repr", "imbalance", "--a", a, "--b", a, "--normalisation", "paper", "--queries", "3");
        assertEquals(2, queries.code());
        assertTrue(queries.err().contains("--queries does not combine"), queries.err());
    }
}
