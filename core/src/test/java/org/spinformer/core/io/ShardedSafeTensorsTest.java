package org.spinformer.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.nn.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sharded checkpoints ({@code model.safetensors.index.json}): written shards follow the Hugging Face layout and
 * load back exactly in index order through every entry point; inconsistent indexes are rejected before anything
 * is loaded, naming the file and the tensor.
 */
class ShardedSafeTensorsTest extends CpuManagerTest {

    @TempDir
    Path tmp;

    private static Map<String, NDArray> tensors(NDManager m) {
        Map<String, NDArray> t = new LinkedHashMap<>();
        t.put("model.embed_tokens.weight", m.arange(0f, 40f).reshape(10, 4)); // 160 bytes
        t.put("model.layers.0.input_layernorm.weight", m.ones(new Shape(4), DataType.FLOAT64)); // 32
        t.put("model.layers.0.self_attn.q_proj.weight", m.arange(16f).toType(DataType.FLOAT64, false).reshape(4, 4)); // 128
        t.put("model.layers.0.mlp.up_proj.weight", m.arange(0f, 8f).reshape(2, 4)); // 32
        t.put("position_ids", m.create(new long[] {0, 1, 2, 3})); // 32
        return t;
    }

    private static void assertSame(Map<String, NDArray> want, Parameters got) {
        assertEquals(List.copyOf(want.keySet()), got.names());
        for (String n : want.keySet()) {
            assertEquals(want.get(n).getDataType(), got.get(n).getDataType(), n);
            assertEquals(want.get(n).getShape(), got.get(n).getShape(), n);
            assertEquals(want.get(n).toByteBuffer(), got.get(n).toByteBuffer(), n);
        }
    }

    @Test
    void writtenShardsLoadBackInIndexOrder() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Map<String, NDArray> t = tensors(m);
            List<Path> shards = ShardedSafeTensors.write(tmp, t, 170);
            assertEquals(List.of("model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                    "model-00003-of-00003.safetensors"), shards.stream().map(p -> p.getFileName().toString()).toList());
            Path index = tmp.resolve(ShardedSafeTensors.INDEX_FILE);
            JsonObject root = JsonParser.parseString(Files.readString(index)).getAsJsonObject();
            assertEquals(384, root.getAsJsonObject("metadata").get("total_size").getAsLong());
            assertEquals("model-00002-of-00003.safetensors",
                    root.getAsJsonObject("weight_map").get("model.layers.0.self_attn.q_proj.weight").getAsString());
            assertSame(t, ShardedSafeTensors.load(index, m, null));
            assertSame(t, ShardedSafeTensors.loadAny(tmp, m, null));
            assertSame(t, ShardedSafeTensors.loadAny(index, m, null));
            assertEquals(3, ShardedSafeTensors.readHeaders(index).size());
            // one tensor at a time, shard by shard
            List<String> seen = new java.util.ArrayList<>();
            ShardedSafeTensors.forEach(index, m, null, (name, a) -> {
                seen.add(name);
                a.close();
            });
            assertEquals(List.copyOf(t.keySet()), seen);
            // target dtype conversion for floats
            Parameters f64 = ShardedSafeTensors.load(index, m, DataType.FLOAT64);
            assertEquals(DataType.FLOAT64, f64.get("model.embed_tokens.weight").getDataType());
            // an unsharded directory
            Path single = tmp.resolve("single");
            SafeTensors.write(single.resolve(ShardedSafeTensors.SINGLE_FILE), t);
            assertSame(t, ShardedSafeTensors.loadAny(single, m, null));
            Path empty = Files.createDirectory(tmp.resolve("empty"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ShardedSafeTensors.loadAny(empty, m, null));
            assertTrue(e.getMessage().contains(ShardedSafeTensors.INDEX_FILE), e.getMessage());
        }
    }

    private Path writeIndex(Path dir, String weightMap) throws IOException {
        Path index = dir.resolve(ShardedSafeTensors.INDEX_FILE);
        Files.writeString(index, "{\"metadata\": {}, \"weight_map\": " + weightMap + "}", StandardCharsets.UTF_8);
        return index;
    }

    private void assertRejected(Path index, Path file, String tensor, String keyword) {
        try (NDManager m = manager.newSubManager()) {
            MalformedFileException e = assertThrows(MalformedFileException.class,
                    () -> ShardedSafeTensors.load(index, m, null));
            assertTrue(e.getMessage().startsWith(file.toString()), "names " + file + ": " + e.getMessage());
            assertTrue(e.getMessage().contains(keyword), keyword + ": " + e.getMessage());
            assertEquals(tensor, e.entry(), e.getMessage());
            assertEquals(0, m.getManagedArrays().size(), "nothing loaded");
        }
    }

    @Test
    void inconsistentIndexesAreRejectedBeforeLoading() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Map<String, NDArray> a = new LinkedHashMap<>();
            a.put("a.weight", m.ones(new Shape(2)));
            Map<String, NDArray> b = new LinkedHashMap<>();
            b.put("b.weight", m.ones(new Shape(3)));
            b.put("b.bias", m.ones(new Shape(3)));
            SafeTensors.write(tmp.resolve("s1.safetensors"), a);
            SafeTensors.write(tmp.resolve("s2.safetensors"), b);
        }
        Path ok = writeIndex(tmp, "{\"a.weight\": \"s1.safetensors\", \"b.weight\": \"s2.safetensors\","
                + " \"b.bias\": \"s2.safetensors\"}");
        try (NDManager m = manager.newSubManager()) {
            assertEquals(List.of("a.weight", "b.weight", "b.bias"), ShardedSafeTensors.load(ok, m, null).names());
        }
        Path s2 = tmp.resolve("s2.safetensors");
        assertRejected(writeIndex(tmp, "{\"a.weight\": \"s1.safetensors\", \"b.weight\": \"s2.safetensors\"}"),
                s2, "b.bias", "not listed");
        assertRejected(writeIndex(tmp, "{\"a.weight\": \"s1.safetensors\", \"b.weight\": \"s2.safetensors\","
                + " \"b.bias\": \"s2.safetensors\", \"c\": \"s2.safetensors\"}"), s2, "c", "absent from the shard");
        assertRejected(writeIndex(tmp, "{\"a.weight\": \"s1.safetensors\", \"b.weight\": \"s1.safetensors\","
                + " \"b.bias\": \"s2.safetensors\"}"), tmp.resolve("s1.safetensors"), "b.weight",
                "absent from the shard");
        Path index = tmp.resolve(ShardedSafeTensors.INDEX_FILE);
        assertRejected(writeIndex(tmp, "{\"a.weight\": \"missing.safetensors\"}"), index, null, "missing");
        assertRejected(writeIndex(tmp, "{\"a.weight\": \"../s1.safetensors\"}"), index, "a.weight",
                "plain file name");
        assertRejected(writeIndex(tmp, "{\"a.weight\": 3}"), index, "a.weight", "file name");
        assertRejected(writeIndex(tmp, "[]"), index, null, "'weight_map'");
        Files.writeString(index, "{\"weight_map\": {", StandardCharsets.UTF_8);
        assertRejected(index, index, null, "not valid JSON");
        // a corrupt shard is reported by the shard reader with the shard's name
        Files.write(tmp.resolve("s1.safetensors"), new byte[] {1, 2, 3});
        writeIndex(tmp, "{\"a.weight\": \"s1.safetensors\", \"b.weight\": \"s2.safetensors\","
                + " \"b.bias\": \"s2.safetensors\"}");
        assertRejected(index, tmp.resolve("s1.safetensors"), null, "");
    }
}
