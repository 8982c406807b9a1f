package org.spinformer.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code repr spread}, {@code repr pastfuture}, {@code repr cross} end to end on small samples. */
class ReprTokenCommandsTest {
    /** Identical sides (KJV against itself): Δ = 2/N at every token count and both modes (layer 6, no ties). */
    @Test
    void spreadOfIdenticalSidesIsTwoOverN(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("spread");
        CliRun r = CliRun.of("repr", "spread", "--pairs", "bible:en_kjv,en_kjv", "--n", "24", "--tokens", "1,3",
                "--layers", "6", "--device", "cpu", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject j = r.lastJson();
        for (String key : new String[] {"mean_a_to_b", "mean_b_to_a", "concat_a_to_b", "concat_b_to_a"}) {
            JsonArray rows = j.getAsJsonArray(key);
            assertEquals(1, rows.size());
            for (var v : rows.get(0).getAsJsonArray()) {
                assertEquals(2.0 / 24, v.getAsDouble(), 1e-12, key);
            }
        }
        JsonObject file = JsonParser.parseString(Files.readString(out.resolve("spread.json"))).getAsJsonObject();
        assertEquals(1, file.get("dropped_trailing_tokens").getAsInt(), "MiniLM's [SEP] is left out");
        assertEquals("dadapy", file.get("normalisation").getAsString());
        for (String f : new String[] {"spread.csv", "spread-mean.png", "spread-mean.svg", "spread-concat.png",
                "spread-concat-heatmap.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertTrue(r.out().contains("mean    layer"), r.out());
    }

    @Test
    void pastFutureWritesItsTableAndControl(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("pf");
        CliRun r = CliRun.of("repr", "pastfuture", "--n", "30", "--layers", "0,6", "--device", "cpu", "--out",
                out.toString(), "--json", "--normalisation", "paper");
        assertEquals(0, r.code(), r.err());
        JsonObject file = JsonParser.parseString(Files.readString(out.resolve("pastfuture.json"))).getAsJsonObject();
        assertEquals("paper", file.get("normalisation").getAsString());
        assertEquals("separate", file.get("passes").getAsString(), "the halves run alone by default");
        assertEquals(30, file.get("n").getAsInt());
        JsonObject j = r.lastJson();
        assertEquals(file.getAsJsonArray("past_to_future"), j.getAsJsonArray("past_to_future"));
        for (var v : file.getAsJsonArray("past_to_future")) {
            assertTrue(v.getAsDouble() >= 0 && v.getAsDouble() < 1.5, v.toString());
        }
        assertEquals(3, Files.readAllLines(out.resolve("pastfuture.csv")).size());
        assertTrue(Files.size(out.resolve("pastfuture.png")) > 0);
        assertTrue(r.err().contains("candidate texts long enough"), "progress on stderr: " + r.err());
    }

    /** A model crossed with itself: the diagonal is 2/N. */
    @Test
    void crossOfAModelWithItself(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("cross");
        CliRun r = CliRun.of("repr", "cross", "--model-a", "minilm", "--model-b", "minilm", "--n", "20", "--device",
                "cpu", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonArray a2b = r.lastJson().getAsJsonArray("a_to_b");
        assertEquals(7, a2b.size());
        for (int i = 0; i < 7; i++) {
            assertEquals(2.0 / 20, a2b.get(i).getAsJsonArray().get(i).getAsDouble(), 1e-12);
            assertEquals(i, r.lastJson().getAsJsonArray("closest_b_layer").get(i).getAsInt());
        }
        assertEquals(1 + 49, Files.readAllLines(out.resolve("cross.csv")).size());
        assertTrue(Files.size(out.resolve("cross-a-to-b.png")) > 0);
        assertTrue(Files.size(out.resolve("cross-b-to-a.png")) > 0);
    }
}
