package org.spinformer.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code repr distance} end to end on small samples (its bad arguments are among {@link BadArgumentsTest}'s cases).
 */
class ReprDistanceCommandTest {
    @Test
    void writesItsFilesTableAndJson(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("dist");
        CliRun r = CliRun.of("repr", "distance", "--n", "40", "--distances", "0,1,4", "--anchors", "2", "--layers",
                "0,6", "--device", "cpu", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject j = r.lastJson();
        assertEquals(40, j.get("n").getAsInt());
        assertEquals("[0,1,4]", j.getAsJsonArray("distances").toString());
        JsonArray xy = j.getAsJsonArray("x_to_y");
        assertEquals(2, xy.size());
        for (var row : xy) {
            assertEquals(2.0 / 40, row.getAsJsonArray().get(0).getAsDouble(), 0.0, "d = 0: a token against itself");
        }
        JsonObject file = JsonParser.parseString(Files.readString(out.resolve("distance.json"))).getAsJsonObject();
        assertEquals(xy, file.getAsJsonArray("x_to_y"));
        assertEquals("[1,2]", file.getAsJsonArray("anchor_positions").toString(), "after [CLS]");
        assertEquals(1 + 2 + 4 + 1, file.get("min_tokens").getAsInt(), "[CLS] + 2 anchors + 4 + [SEP]");
        assertEquals("dadapy", file.get("normalisation").getAsString());
        assertEquals(1 + 2 * 3, Files.readAllLines(out.resolve("distance.csv")).size());
        for (String f : new String[] {"distance.png", "distance.svg", "distance-back.png", "distance-heatmap.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertTrue(r.out().contains("Δ(x_t → x_t+d)") && r.out().contains("shuffled control"), r.out());
        assertTrue(r.err().contains("candidate texts with >= 8 tokens"), r.err());
    }

    /** The default distances are capped by the texts' lengths; a given list that does not fit is refused. */
    @Test
    void defaultDistancesAreCappedByTheTexts(@TempDir Path dir) throws Exception {
        StringBuilder tsv = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            // 12 words + [CLS] + [SEP]: room for 4 anchors and d = 8, not 16
            tsv.append("word").append(i).append(" the quick brown fox jumps over the lazy dog and runs far\tx\n");
        }
        Path pairs = Files.writeString(dir.resolve("p.tsv"), tsv.toString());
        Path out = dir.resolve("d");
        CliRun r = CliRun.of("repr", "distance", "--pairs", pairs.toString(), "--n", "20", "--layers", "6",
                "--device", "cpu", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonArray ds = r.lastJson().getAsJsonArray("distances");
        assertTrue(ds.size() >= 2 && ds.size() < 6, ds.toString());
        assertTrue(r.err().contains("default distances capped at d = " + ds.get(ds.size() - 1)), r.err());
        CliRun bad = CliRun.of("repr", "distance", "--pairs", pairs.toString(), "--n", "20", "--distances", "1,32",
                "--device", "cpu", "--out", dir.resolve("bad").toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().startsWith("error: --distances"), bad.err());
        assertFalse(Files.exists(dir.resolve("bad")));
    }

    @Test
    void helpExplains() {
        CliRun r = CliRun.of("repr", "distance", "--help");
        assertEquals(0, r.code(), r.err());
        for (String s : new String[] {"--distances", "--anchors", "--layers", "--normalisation", "shuffled", "t + d"}) {
            assertTrue(r.out().contains(s), s + " in " + r.out());
        }
    }
}
