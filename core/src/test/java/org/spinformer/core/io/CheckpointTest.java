package org.spinformer.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spinformer.core.nn.Parameters;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints: exact round trip; a save interrupted after any file (or between the two renames) never replaces
 * the last good checkpoint and leaves no temporary directory; tampered, truncated or missing files fail the
 * SHA-256 / size verification with a message naming the file.
 */
class CheckpointTest extends CpuManagerTest {

    @TempDir
    Path tmp;

    private static Parameters weights(NDManager m, double v) {
        Parameters p = new Parameters();
        p.put("encoder.layer.0.attention.self.query.weight", m.full(new Shape(3, 4), (float) v));
        p.put("encoder.layer.0.attention.self.query.bias", m.create(new double[] {v, -v}));
        p.put("step_ids", m.create(new long[] {1, 2, 3}));
        return p;
    }

    private static Map<String, NDArray> opt(NDManager m, double v) {
        Map<String, NDArray> o = new LinkedHashMap<>();
        o.put("adamw.m.encoder.layer.0.attention.self.query.weight", m.full(new Shape(3, 4), (float) (v / 10)));
        o.put("adamw.v.encoder.layer.0.attention.self.query.weight", m.full(new Shape(3, 4), (float) (v / 100)));
        return o;
    }

    private static JsonObject json(String k, String v) {
        JsonObject o = new JsonObject();
        o.addProperty(k, v);
        return o;
    }

    private void saveGood(Path dir, NDManager m, long step) throws IOException {
        Checkpoint.save(dir, weights(m, step), opt(m, step), step, json("lr", "3e-4"), json("state", "abc" + step));
    }

    private static void assertHolds(Path dir, NDManager m, long step) throws IOException {
        Checkpoint.Data d = Checkpoint.load(dir, m);
        assertEquals(step, d.step());
        assertEquals("abc" + step, d.rngState().get("state").getAsString());
        assertEquals("3e-4", d.config().get("lr").getAsString());
        Parameters want = weights(m, step);
        assertEquals(want.names(), d.weights().names());
        for (String n : want.names()) {
            assertEquals(want.get(n).getDataType(), d.weights().get(n).getDataType());
            assertEquals(want.get(n).toByteBuffer(), d.weights().get(n).toByteBuffer(), n);
        }
        Map<String, NDArray> o = opt(m, step);
        assertEquals(List.copyOf(o.keySet()), List.copyOf(d.optimizerState().keySet()));
        for (String n : o.keySet()) {
            assertEquals(o.get(n).toByteBuffer(), d.optimizerState().get(n).toByteBuffer(), n);
        }
    }

    /** Nothing but the checkpoint directory itself is left beside it. */
    private void assertNoLeftovers(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir.getParent())) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of(dir.getFileName().toString()), names);
        }
    }

    @Test
    void roundTripIsExact() throws IOException {
        Path dir = tmp.resolve("run/ckpt");
        try (NDManager m = manager.newSubManager()) {
            saveGood(dir, m, 7);
            assertTrue(Checkpoint.exists(dir));
            assertHolds(dir, m, 7);
            saveGood(dir, m, 8); // replaces
            assertHolds(dir, m, 8);
            assertNoLeftovers(dir);
            for (String f : List.of(Checkpoint.WEIGHTS, Checkpoint.OPTIMIZER, Checkpoint.STATE, Checkpoint.CONFIG,
                    Checkpoint.MANIFEST)) {
                assertTrue(Files.isRegularFile(dir.resolve(f)), f);
            }
            assertEquals(64, Checkpoint.sha256(dir.resolve(Checkpoint.WEIGHTS)).length());
        }
    }

    @ParameterizedTest(name = "crash after {0}")
    @ValueSource(strings = {"weights.safetensors", "optimizer.safetensors", "state.json", "config.json",
        "manifest.json"})
    void interruptedSaveNeverReplacesTheLastGoodCheckpoint(String crashAfter) throws IOException {
        Path dir = tmp.resolve("ckpt");
        try (NDManager m = manager.newSubManager()) {
            saveGood(dir, m, 10);
            IOException crash = assertThrows(IOException.class, () -> Checkpoint.save(dir, weights(m, 11), opt(m, 11),
                    11, json("lr", "3e-4"), json("state", "abc11"), name -> {
                        if (name.equals(crashAfter)) {
                            throw new IOException("simulated crash after " + name);
                        }
                    }));
            assertTrue(crash.getMessage().contains(crashAfter));
            assertHolds(dir, m, 10);
            assertNoLeftovers(dir);
            // and the next save goes through
            saveGood(dir, m, 12);
            assertHolds(dir, m, 12);
        }
    }

    @Test
    void interruptedWriteOfOneFileLeavesNoPartialFile() throws IOException {
        Path f = tmp.resolve("w.safetensors");
        try (NDManager m = manager.newSubManager()) {
            SafeTensors.write(f, weights(m, 1).asMap());
            byte[] good = Files.readAllBytes(f);
            assertThrows(IOException.class, () -> AtomicFiles.write(f, ch -> {
                AtomicFiles.writeFully(ch, java.nio.ByteBuffer.wrap(new byte[100]));
                throw new IOException("disk full");
            }));
            assertArrayEquals(good, Files.readAllBytes(f));
            assertNoLeftovers(f);
        }
    }

    @Test
    void crashBetweenTheTwoRenamesIsRecoveredFromTheOldCopy() throws IOException {
        Path dir = tmp.resolve("ckpt");
        try (NDManager m = manager.newSubManager()) {
            saveGood(dir, m, 5);
            // the state a crash leaves after "old -> .ckpt.old" and before "new -> ckpt"
            Files.move(dir, tmp.resolve(".ckpt.old"));
            assertTrue(Checkpoint.exists(dir));
            assertHolds(dir, m, 5);
            saveGood(dir, m, 6);
            assertHolds(dir, m, 6);
            assertNoLeftovers(dir);
        }
    }

    private static void flipOneByte(Path f, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x01));
            b.rewind();
            ch.write(b, at);
        }
    }

    @Test
    void tamperedTruncatedOrMissingFilesFailVerification() throws IOException {
        Path dir = tmp.resolve("ckpt");
        try (NDManager m = manager.newSubManager()) {
            saveGood(dir, m, 3);
            Path w = dir.resolve(Checkpoint.WEIGHTS);
            flipOneByte(w, Files.size(w) - 3); // one bit of one weight
            MalformedFileException e = assertThrows(MalformedFileException.class, () -> Checkpoint.load(dir, m));
            assertTrue(e.getMessage().startsWith(w.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("SHA-256") && e.getMessage().contains("corrupted"), e.getMessage());
            assertThrows(MalformedFileException.class, () -> Checkpoint.verify(dir));

            saveGood(dir, m, 4);
            Path s = dir.resolve(Checkpoint.STATE);
            Files.writeString(s, Files.readString(s).replace("\"step\": 4", "\"step\": 9"));
            e = assertThrows(MalformedFileException.class, () -> Checkpoint.load(dir, m));
            assertTrue(e.getMessage().startsWith(s.toString()), e.getMessage());

            saveGood(dir, m, 5);
            Path o = dir.resolve(Checkpoint.OPTIMIZER);
            try (FileChannel ch = FileChannel.open(o, StandardOpenOption.WRITE)) {
                ch.truncate(Files.size(o) - 4);
            }
            e = assertThrows(MalformedFileException.class, () -> Checkpoint.load(dir, m));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());

            saveGood(dir, m, 6);
            Files.delete(dir.resolve(Checkpoint.CONFIG));
            e = assertThrows(MalformedFileException.class, () -> Checkpoint.load(dir, m));
            assertTrue(e.getMessage().contains(Checkpoint.CONFIG) && e.getMessage().contains("missing"),
                    e.getMessage());

            saveGood(dir, m, 7);
            Path man = dir.resolve(Checkpoint.MANIFEST);
            Files.writeString(man, "{\"format\": \"spinformer-checkpoint\", \"files\": ", StandardCharsets.UTF_8);
            e = assertThrows(MalformedFileException.class, () -> Checkpoint.load(dir, m));
            assertTrue(e.getMessage().contains("invalid JSON"), e.getMessage());

            Path none = tmp.resolve("nothing");
            Files.createDirectories(none);
            assertFalse(Checkpoint.exists(none));
            IOException n = assertThrows(IOException.class, () -> Checkpoint.load(none, m));
            assertTrue(n.getMessage().contains("not a checkpoint"), n.getMessage());
        }
    }

    /**
     * A state.json whose step is not a count (its manifest entry updated, as a hostile editor would): refused,
     * naming the file and the key, instead of resuming at a wrapped-around or negative step.
     */
    @ParameterizedTest
    @ValueSource(strings = {"1e30", "-5", "2.5", "\"7\"", "9007199254740993"})
    void stepMustBeACount(String bad) throws IOException {
        Path dir = tmp.resolve("ckpt");
        try (NDManager m = manager.newSubManager()) {
            saveGood(dir, m, 4);
            Path s = dir.resolve(Checkpoint.STATE);
            Files.writeString(s, Files.readString(s).replace("\"step\": 4", "\"step\": " + bad));
            Path man = dir.resolve(Checkpoint.MANIFEST);
            JsonObject mj = com.google.gson.JsonParser.parseString(Files.readString(man)).getAsJsonObject();
            JsonObject entry = mj.getAsJsonObject("files").getAsJsonObject(Checkpoint.STATE);
            entry.addProperty("sha256", Checkpoint.sha256(s));
            entry.addProperty("bytes", Files.size(s));
            Files.writeString(man, mj.toString());
            MalformedFileException e = assertThrows(MalformedFileException.class, () -> Checkpoint.load(dir, m));
            assertTrue(e.getMessage().startsWith(s.toString()) && e.getMessage().contains("step")
                    && e.getMessage().contains("integer"), e.getMessage());
        }
        try (NDManager m = manager.newSubManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.save(tmp.resolve("neg"), weights(m, 1), opt(m, 1), -5, null, null));
            assertTrue(e.getMessage().contains("-5"), e.getMessage());
        }
    }

    @Test
    void restoreWeightsChecksNamesShapesAndTypesFirst() throws IOException {
        Path dir = tmp.resolve("ckpt");
        try (NDManager m = manager.newSubManager()) {
            saveGood(dir, m, 2);
            Checkpoint.Data d = Checkpoint.load(dir, m);
            Parameters target = weights(m, 0);
            NDArray before = target.get("step_ids");
            d.restoreWeights(target);
            assertTrue(before == target.get("step_ids"), "copied in place, same array");
            assertArrayEquals(new double[] {2, -2},
                    target.get("encoder.layer.0.attention.self.query.bias").toDoubleArray());
            Parameters wrong = weights(m, 0);
            wrong.put("encoder.layer.0.attention.self.query.bias", m.zeros(new Shape(2), DataType.FLOAT32));
            wrong.put("encoder.layer.0.attention.self.query.weight", m.zeros(new Shape(3, 4), DataType.FLOAT32));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.restoreWeights(wrong));
            assertTrue(e.getMessage().contains("query.bias") && e.getMessage().contains("float64"), e.getMessage());
            assertEquals(0f, wrong.get("encoder.layer.0.attention.self.query.weight").getFloat(0, 0),
                    "nothing copied before the check failed");
            Parameters extra = weights(m, 0);
            extra.put("pooler.dense.weight", m.zeros(new Shape(2)));
            e = assertThrows(IllegalArgumentException.class, () -> d.restoreWeights(extra));
            assertTrue(e.getMessage().contains("pooler.dense.weight"), e.getMessage());
        }
    }
}
