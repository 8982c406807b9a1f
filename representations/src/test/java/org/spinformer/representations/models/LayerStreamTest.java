package org.spinformer.representations.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spinformer.core.device.Devices;
import org.spinformer.core.io.BadFileException;
import org.spinformer.representations.pooling.Pooling;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layer streaming against the whole-model path: the tiny random GPT-2 (F16, one file), Llama (F32, sharded,
 * Llama-3 RoPE scaling) and Qwen2 (BF16, q/k/v biases) of {@link TinyDecoderTest}, several batches, all or some
 * states, two poolings: the pooled states must be equal bit for bit.
 */
class LayerStreamTest {
    static NDManager m;

    @BeforeAll
    static void init() {
        m = Devices.manager(Device.cpu());
        TinyDecoderTest.m = m; // the fixtures' arrays
    }

    @AfterAll
    static void close() {
        m.close();
    }

    static Path fixture(String family, Path dir) throws Exception {
        switch (family) {
            case "gpt2" -> TinyDecoderTest.gpt2(dir);
            case "llama" -> TinyDecoderTest.llama(dir, false);
            default -> TinyDecoderTest.llama(dir, true);
        }
        return dir;
    }

    @ParameterizedTest
    @CsvSource({"gpt2, mean, ''", "llama, mean, ''", "qwen2, last, ''", "llama, last, '0,2'", "qwen2, mean, '1'",
        "gpt2, last, '2,0'", "llama, mean, '1,1'"})
    void streamedEqualsWholeModel(String family, String pooling, String layerList, @TempDir Path dir)
            throws Exception {
        fixture(family, dir);
        int[] layers = layerList.isEmpty() ? null
                : java.util.Arrays.stream(layerList.split(",")).mapToInt(Integer::parseInt).toArray();
        Pooling pool = Pooling.parse(pooling);
        List<String> texts = List.of("w3 w5 w1 w7 w2", "w4 w4", "w1 w2 w3 w4 w5 w6 w7 w8", "w9", "w2 w2 w9 w1",
                "w6 w5 w4 w3 w2 w1", "w11 w10");
        try (NDManager out = m.newSubManager();
             HiddenStateModel model = Models.fromDirectory(dir, Device.cpu(), DataType.FLOAT32)) {
            long[][] ids = model.tokenizer().encode(texts);
            int budget = 12; // several batches of different lengths
            NDArray whole = HiddenStates.extractIds(model, ids, pool, out, budget, layers);
            NDArray streamed = LayerStream.extract(dir, DataType.FLOAT32, ids, pool, out, budget, layers);
            assertArrayEquals(whole.getShape().getShape(), streamed.getShape().getShape());
            assertArrayEquals(whole.toFloatArray(), streamed.toFloatArray(), 0f, family + " " + pooling);
            assertTrue(whole.abs().sum().getFloat() > 0);
        }
    }

    @Test
    void encoderAndMissingLayersAreRefusedWithTheirNames(@TempDir Path dir) throws Exception {
        fixture("llama", dir);
        long[][] ids = {{1, 2, 3}};
        Pooling mean = Pooling.parse("mean");
        try (NDManager out = m.newSubManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LayerStream.extract(dir, DataType.FLOAT32, ids, mean, out, 64, new int[] {3}));
            assertTrue(e.getMessage().contains("--layers: 3"), e.getMessage());
            Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"bert\"}");
            BadFileException b = assertThrows(BadFileException.class,
                    () -> LayerStream.extract(dir, DataType.FLOAT32, ids, mean, out, 64, null));
            assertTrue(b.getMessage().contains("needs a decoder"), b.getMessage());
        }
    }
}
