package org.spinformer.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Partial reads for layer streaming: {@code forEach} with a name filter hands over only the chosen tensors, and
 * {@code readRows} gives exactly the rows of the whole table (gathered after a full load), for F32, F16 and BF16
 * storage, single and sharded files.
 */
class PartialReadTest extends CpuManagerTest {
    @TempDir
    Path tmp;

    private static Map<String, NDArray> tensors(NDManager m) {
        Map<String, NDArray> t = new LinkedHashMap<>();
        t.put("embed", m.randomNormal(new Shape(7, 5)));
        t.put("layers.0.w", m.randomNormal(new Shape(5, 5)));
        t.put("layers.1.w", m.randomNormal(new Shape(5, 5)));
        t.put("norm", m.randomNormal(new Shape(5)));
        return t;
    }

    @Test
    void filteredForEachHandsOverOnlyTheChosenTensors() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Path f = tmp.resolve("f.safetensors");
            Map<String, NDArray> t = tensors(m);
            SafeTensors.write(f, t);
            List<String> seen = new ArrayList<>();
            SafeTensors.forEach(f, m, DataType.FLOAT32, n -> n.startsWith("layers.1."), (n, a) -> {
                seen.add(n);
                assertArrayEquals(t.get(n).toFloatArray(), a.toFloatArray(), 0f);
            });
            assertEquals(List.of("layers.1.w"), seen);
            List<Path> shards = ShardedSafeTensors.write(tmp.resolve("sharded"), t, 150);
            assertTrue(shards.size() > 2, "several shards");
            seen.clear();
            ShardedSafeTensors.forEach(tmp.resolve("sharded").resolve(ShardedSafeTensors.INDEX_FILE), m,
                    DataType.FLOAT32, n -> !n.startsWith("layers."), (n, a) -> seen.add(n));
            assertEquals(List.of("embed", "norm"), seen.stream().sorted().toList());
        }
    }

    @Test
    void rowsEqualTheGatheredRowsOfTheWholeTable() throws IOException {
        long[] rows = {6, 0, 3, 3};
        try (NDManager m = manager.newSubManager()) {
            NDArray table = m.randomNormal(new Shape(7, 5));
            for (SafeDType store : new SafeDType[] {SafeDType.F32, SafeDType.F16, SafeDType.BF16}) {
                Path f = tmp.resolve("t-" + store + ".safetensors");
                SafeTensors.write(f, Map.of("embed", table), Map.of(), n -> store);
                NDArray whole = SafeTensors.load(f, m, DataType.FLOAT64).get("embed");
                NDArray want = whole.get(new NDIndex("{}", m.create(rows)));
                NDArray got = SafeTensors.readRows(f, "embed", rows, m, DataType.FLOAT64);
                assertEquals(new Shape(4, 5), got.getShape());
                assertArrayEquals(want.toDoubleArray(), got.toDoubleArray(), 0.0, store.toString());
            }
            Path f = tmp.resolve("t-F32.safetensors");
            assertThrows(IllegalArgumentException.class,
                    () -> SafeTensors.readRows(f, "embed", new long[] {7}, m, DataType.FLOAT32));
            assertThrows(MalformedFileException.class,
                    () -> SafeTensors.readRows(f, "nope", new long[] {0}, m, DataType.FLOAT32));
            ShardedSafeTensors.write(tmp.resolve("sh"), tensors(m), 150);
            Path index = tmp.resolve("sh").resolve(ShardedSafeTensors.INDEX_FILE);
            NDArray whole = ShardedSafeTensors.load(index, m, DataType.FLOAT32).get("embed");
            assertArrayEquals(whole.get(new NDIndex("{}", m.create(rows))).toFloatArray(),
                    ShardedSafeTensors.readRows(index, "embed", rows, m, DataType.FLOAT32).toFloatArray(), 0f);
        }
    }
}
