package org.spinformer.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.io.Checkpoint;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoTest {
    @Test
    void unknownPartIsRejectedBeforeAnythingRuns(@TempDir Path dir) {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("demo", "--only", "nope", "--device", "cpu", "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown demo part 'nope'"), r.err());
        assertTrue(Files.notExists(out), "nothing written for a rejected command");
    }

    /** The whole core stack (factored attention, encoder layer, AdamW, train loop, plots, checkpoint) end to end. */
    @Test
    void coreDemoFitsTheTeacher(@TempDir Path dir) throws Exception {
        // run as `demo --only core`, under the egress guard of NoEgressTest
        java.net.ProxySelector before = java.net.ProxySelector.getDefault();
        NoEgressTest.Recorder guard = new NoEgressTest.Recorder();
        java.net.ProxySelector.setDefault(guard);
        try {
            CliRun r = CliRun.of("demo", "--only", "core", "--device", "cpu", "--out", dir.toString());
            assertEquals(0, r.code(), r.err());
        } finally {
            java.net.ProxySelector.setDefault(before);
        }
        assertEquals(java.util.List.of(), guard.attempts, "outside connections attempted by the core demo");
        dir = dir.resolve("core");
        JsonObject s = JsonParser.parseString(Files.readString(dir.resolve("summary.json"))).getAsJsonObject();
        double first = s.get("first_loss").getAsDouble();
        double last = s.get("final_loss").getAsDouble();
        // A random student starts at relative error ~1; a working stack gets below 1% of that.
        assertTrue(first > 0.5, "start " + first);
        assertTrue(last < 0.01 * first, "final " + last + " vs start " + first);
        assertTrue(Files.size(dir.resolve("loss.png")) > 1000);
        assertTrue(Files.exists(dir.resolve("loss.svg")));
        Checkpoint.verify(dir.resolve("checkpoint"));
        assertEquals(CoreDemoPart.STEPS, Files.readAllLines(dir.resolve("metrics.jsonl")).size() * 10L);
    }

    /** --resume skips the parts already done (their part.json), and only those. */
    @Test
    void resumeSkipsFinishedParts(@TempDir Path dir) throws Exception {
        String out = dir.resolve("out").toString();
        assertEquals(0, CliRun.of("demo", "--only", "info", "--device", "cpu", "--out", out).code());
        Path info = dir.resolve("out/info/info.json");
        assertTrue(DemoCommand.finished(info.getParent()));
        Files.writeString(info, "left alone");
        assertEquals(0, CliRun.of("demo", "--only", "info", "--device", "cpu", "--out", out, "--resume").code());
        assertEquals("left alone", Files.readString(info), "a finished part is not run again");
        Files.delete(info.resolveSibling(DemoCommand.DONE));
        assertEquals(0, CliRun.of("demo", "--only", "info", "--device", "cpu", "--out", out, "--resume").code());
        assertTrue(JsonParser.parseString(Files.readString(info)).isJsonObject(), "an unfinished part runs again");
    }
}
