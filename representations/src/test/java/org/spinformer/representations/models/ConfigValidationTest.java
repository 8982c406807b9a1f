package org.spinformer.representations.models;

import org.spinformer.core.testing.CpuTest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spinformer.core.io.SafeTensors;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** config.json values of the wrong type or out of range, and integer weights, fail naming file, key or tensor. */
class ConfigValidationTest extends CpuTest {

    @BeforeAll
    static void init() {
        TinyDecoderTest.m = m;
    }

    static String llamaWith(Path dir, String from, String to) throws Exception {
        TinyDecoderTest.llama(dir, true);
        StrictLoadingTest.config(dir, from, to);
        return StrictLoadingTest.loadFails(dir);
    }

    /** A Llama config.json with {@code from} replaced by {@code to} fails with "config.json: {@code message}". */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            "hidden_size": 16         | "hidden_size": "abc"        | 'hidden_size' must be an integer, got "abc"
            "num_attention_heads": 4  | "num_attention_heads": 3.5  | 'num_attention_heads' must be an integer, got 3.5
            "rms_norm_eps": 1e-6      | "rms_norm_eps": "tiny"      | 'rms_norm_eps' must be a number, got "tiny"
            "num_hidden_layers": 2    | "num_hidden_layers": -1     | num_hidden_layers must be ≥ 1, got -1
            "num_hidden_layers": 2    | "num_hidden_layers": 0      | num_hidden_layers must be ≥ 1, got 0
            "vocab_size": 12          | "vocab_size": -12           | vocab_size must be ≥ 1, got -12
            """)
    void aWrongTypeOrRangeIsNamedWithFileAndKey(String from, String to, String message, @TempDir Path dir)
            throws Exception {
        assertEquals(dir.resolve("config.json") + ": " + message, llamaWith(dir, from, to));
    }

    @Test
    void gpt2HeadsMustBePositive(@TempDir Path dir) throws Exception {
        TinyDecoderTest.gpt2(dir);
        StrictLoadingTest.config(dir, "\"n_head\": 4", "\"n_head\": -4");
        assertEquals(dir.resolve("config.json") + ": n_head must be ≥ 1, got -4", StrictLoadingTest.loadFails(dir));
    }

    /**
     * A GPT-2 checkpoint whose tensor {@code tensor} is stored as an integer {@code type} is refused, naming the
     * tensor (without the {@code transformer.} prefix) and its type, not cast to floating point.
     */
    @ParameterizedTest
    @CsvSource({
        "transformer.h.0.ln_1.weight, INT32, h.0.ln_1.weight, int32", // a weight
        "transformer.wte.weight,      INT64, wte.weight,      int64", // the embedding table
    })
    void anIntegerTensorIsRefusedNotCast(String tensor, DataType type, String named, String typeName,
                                         @TempDir Path dir) throws Exception {
        TinyDecoderTest.W w = TinyDecoderTest.gpt2(dir);
        Map<String, NDArray> a = w.arrays();
        a.put(tensor, a.get(tensor).toType(type, false));
        SafeTensors.write(dir.resolve("model.safetensors"), a, Map.of("format", "pt"));
        String msg = StrictLoadingTest.loadFails(dir);
        assertTrue(msg.startsWith("model " + dir + ": tensor '" + named + "' is " + typeName + " but a weight must be "
                + "floating point"), msg);
    }
}
