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
        new CoreDemoPart().run(dir, ai.djl.Device.cpu());
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
}
