package org.spinformer.representations.models;

import org.spinformer.core.testing.CpuTest;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.io.SafeDType;
import org.spinformer.core.io.SafeTensors;
import org.spinformer.core.nn.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hugging Face directories whose weights do not match config.json fail at load, naming the tensors, instead of
 * loading with random stand-ins (tiny GPT-2 and Llama fixtures of {@link TinyDecoderTest}).
 */
class StrictLoadingTest extends CpuTest {

    @BeforeAll
    static void init() {
        TinyDecoderTest.m = m;
    }

    /** Rewrites the single-file GPT-2 fixture without {@code drop}, or with it renamed to {@code rename}. */
    static void rewrite(Path dir, TinyDecoderTest.W w, String drop, String rename) throws Exception {
        if (rename != null) {
            w.v.put(rename, w.v.get(drop));
            w.shape.put(rename, w.shape.get(drop));
        }
        w.v.remove(drop);
        w.shape.remove(drop);
        SafeTensors.write(dir.resolve("model.safetensors"), w.arrays(), Map.of("format", "pt"), n -> SafeDType.F32);
    }

    static void config(Path dir, String from, String to) throws Exception {
        Path c = dir.resolve("config.json");
        String s = Files.readString(c);
        assertTrue(s.contains(from), s);
        Files.writeString(c, s.replace(from, to));
    }

    static String loadFails(Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Models.load(dir.toString(), Device.cpu(), DataType.FLOAT32).close());
        System.out.println(e.getMessage());
        return e.getMessage();
    }

    @Test
    void aDeletedTensorIsNamed(@TempDir Path dir) throws Exception {
        rewrite(dir, TinyDecoderTest.gpt2(dir), "transformer.h.1.attn.c_proj.weight", null);
        String msg = loadFails(dir);
        assertTrue(msg.startsWith("model " + dir + ": 1 tensor missing from the weights: 'h.1.attn.c_proj.weight' "
                + "(16, 16)"), msg);
    }

    @Test
    void moreLayersInConfigThanInTheFileNamesTheMissingLayer(@TempDir Path dir) throws Exception {
        TinyDecoderTest.llama(dir, false); // sharded
        config(dir, "\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3");
        String msg = loadFails(dir);
        // refused before any layer is built (a config claiming 1.6e8 layers once ran out of memory here)
        assertTrue(msg.endsWith("config.json: num_hidden_layers = 3 but the weights hold 2 layers (model.layers.0.* … "
                + "model.layers.1.*; no model.layers.2.*)"), msg);
    }

    @Test
    void aMisspelledTensorIsNamedAsExpectedAndAsFound(@TempDir Path dir) throws Exception {
        rewrite(dir, TinyDecoderTest.gpt2(dir), "transformer.h.0.ln_1.weight", "transformer.h.0.ln1.weight");
        String msg = loadFails(dir);
        assertTrue(msg.contains("missing from the weights: 'h.0.ln_1.weight' (16)"), msg);
        assertTrue(msg.contains("present but unused: h.0.ln1.weight"), msg);
    }

    @Test
    void fewerLayersInConfigThanInTheFileLoadsAndReportsTheRestAsUnused(@TempDir Path dir) throws Exception {
        TinyDecoderTest.gpt2(dir);
        config(dir, "\"n_layer\": 2", "\"n_layer\": 1");
        try (HiddenStateModel model = Models.load(dir.toString(), Device.cpu(), DataType.FLOAT32)) {
            assertEquals(1, model.layers());
        }
        NDManager mm = m.newSubManager();
        Parameters p = Models.loadWeights(dir, mm, DataType.FLOAT32, "gpt2");
        int d = TinyDecoderTest.D;
        int h = TinyDecoderTest.H;
        try (DecoderModel model = new DecoderModel("x", new DecoderModel.Config(DecoderModel.Family.GPT2,
                TinyDecoderTest.V, d, h, h, d / h, 1, TinyDecoderTest.F, 1e-5, null), p, mm,
                TextTokenizer.of(dir.resolve("tokenizer.json"), 16))) {
            List<String> unused = p.requireComplete();
            assertEquals(12, unused.size(), unused.toString());
            assertTrue(unused.stream().allMatch(n -> n.startsWith("h.1.")), unused.toString());
        }
    }

    @Test
    void aVocabularyLargerThanTheEmbeddingTableIsRefused(@TempDir Path dir) throws Exception {
        TinyDecoderTest.gpt2(dir);
        config(dir, "\"vocab_size\": 12", "\"vocab_size\": 20");
        assertEquals("model " + dir + ": tensor 'wte.weight' has shape (12, 16) but the model needs (20, 16)",
                loadFails(dir));
    }

    @Test
    void tokenizerIdsBeyondTheEmbeddingTableAreRefused(@TempDir Path dir) throws Exception {
        TinyDecoderTest.W w = TinyDecoderTest.gpt2(dir);
        w.add("transformer.wte.weight", 0.5, 0, 8, TinyDecoderTest.D); // 8 rows, the tokenizer has ids 0 … 11
        rewrite(dir, w, "lm_head.weight", null);
        config(dir, "\"vocab_size\": 12", "\"vocab_size\": 8");
        assertEquals("model " + dir + ": tokenizer.json has token ids up to 11 but the embedding table 'wte.weight' "
                + "has only 8 rows", loadFails(dir));
    }

    @Test
    void aTruncationLengthBeyondThePositionTableIsRefused(@TempDir Path dir) throws Exception {
        TinyDecoderTest.gpt2(dir);
        config(dir, "\"n_positions\": 16", "\"n_positions\": 32");
        assertEquals("model " + dir + ": config.json n_positions is 32 but the position table 'wpe.weight' has only "
                + "16 rows", loadFails(dir));
    }
}
