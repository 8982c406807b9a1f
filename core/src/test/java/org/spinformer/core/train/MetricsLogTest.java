package org.spinformer.core.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsLogTest {
    @Test
    void writesFlushedJsonLinesWithNumbersAsNumbers(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sub/metrics.jsonl");
        try (MetricsLog log = MetricsLog.create(f)) {
            log.write(MetricsLog.row("step", 1, "loss", 0.5, "lr", 1e-3, "phase", "warmup"));
            log.write(MetricsLog.row("step", 2L, "loss", Double.NaN, "ok", true, "big", 1.5e300));
            // flushed: readable before close
            List<String> lines = Files.readAllLines(f);
            assertEquals(2, lines.size());
            JsonObject a = JsonParser.parseString(lines.get(0)).getAsJsonObject();
            assertTrue(a.get("step").getAsJsonPrimitive().isNumber());
            assertEquals(1, a.get("step").getAsInt());
            assertEquals(0.5, a.get("loss").getAsDouble(), 0.0);
            assertEquals(1e-3, a.get("lr").getAsDouble(), 0.0);
            assertEquals("warmup", a.get("phase").getAsString());
            assertEquals(List.of("step", "loss", "lr", "phase"), List.copyOf(a.keySet()));
            JsonObject b = JsonParser.parseString(lines.get(1)).getAsJsonObject();
            assertTrue(b.get("loss").isJsonNull());
            assertTrue(b.get("ok").getAsBoolean());
            assertEquals(1.5e300, b.get("big").getAsDouble(), 0.0);
            assertFalse(lines.get(0).contains("\""  + "0.5"), "numbers must not be quoted");
            assertThrows(IllegalArgumentException.class, () -> log.write(MetricsLog.row("x", new Object())));
        }
        try (MetricsLog log = MetricsLog.append(f)) {
            log.write(MetricsLog.row("step", 3));
        }
        List<String> lines = Files.readAllLines(f);
        assertEquals(3, lines.size());
        for (String l : lines) {
            assertTrue(JsonParser.parseString(l).isJsonObject());
        }
        assertThrows(IllegalArgumentException.class, () -> MetricsLog.row("odd"));
    }

    /** Resuming at step 2 drops the rows a killed run wrote after its checkpoint, and a line cut short. */
    @Test
    void resumeDropsRowsAfterTheCheckpoint(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("log.jsonl");
        Files.writeString(f, "{\"step\":1,\"e\":0.5}\n{\"step\":2,\"e\":0.4}\n{\"step\":3,\"e\":0.3}\n{\"step\":4,\"e");
        try (MetricsLog log = MetricsLog.resume(f, "step", 2)) {
            log.write(MetricsLog.row("step", 3, "e", 0.25));
        }
        assertEquals(List.of("{\"step\":1,\"e\":0.5}", "{\"step\":2,\"e\":0.4}", "{\"step\":3,\"e\":0.25}"),
                Files.readAllLines(f));
        try (MetricsLog log = MetricsLog.resume(dir.resolve("new.jsonl"), "step", 0)) {
            log.write(MetricsLog.row("step", 1));
        }
        assertEquals(1, Files.readAllLines(dir.resolve("new.jsonl")).size());
        Files.writeString(f, "{\"loss\":1}\n");
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> MetricsLog.resume(f, "step", 1));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("'step'"), e.getMessage());
    }

    /** A kill inside a multi-byte character of the last row: that row is left out, the rest resumes. */
    @Test
    void resumeAfterAKillInsideAMultiByteCharacter(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("log.jsonl");
        byte[] row1 = "{\"step\":1,\"task\":\"caf\u00e9\"}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] cut = "{\"step\":2,\"task\":\"caf".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] all = java.util.Arrays.copyOf(row1, row1.length + cut.length + 1);
        System.arraycopy(cut, 0, all, row1.length, cut.length);
        all[all.length - 1] = (byte) 0xC3; // the first byte of é, the second never written
        Files.write(f, all);
        assertEquals(1, MetricsLog.read(f).size());
        try (MetricsLog log = MetricsLog.resume(f, "step", 1)) {
            log.write(MetricsLog.row("step", 2, "task", "caf\u00e9"));
        }
        assertEquals(List.of("{\"step\":1,\"task\":\"caf\u00e9\"}", "{\"step\":2,\"task\":\"caf\u00e9\"}"),
                Files.readAllLines(f));
    }

    @Test
    void progressLogLine() {
        try (Progress p = Progress.start("train", 200, false, Duration.ofHours(1))) {
            assertFalse(p.isTerminal());
            p.step(50);
            p.setMessage("loss=0.1");
            String line = p.line(System.nanoTime());
            assertTrue(line.startsWith("train 50/200 (25.0%) "), line);
            assertTrue(line.contains("it/s, ETA "), line);
            assertTrue(line.endsWith(" loss=0.1"), line);
            assertEquals(50, p.done());
        }
        assertEquals("42 s", Progress.formatSeconds(42));
        assertEquals("2.5 min", Progress.formatSeconds(150));
        assertEquals("2.0 h", Progress.formatSeconds(7200));
    }
}
