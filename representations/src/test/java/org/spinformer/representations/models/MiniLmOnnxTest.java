package org.spinformer.representations.models;

import org.spinformer.core.testing.CpuTest;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.spinformer.representations.pooling.Pooling;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built-in MiniLM against ONNX Runtime running the same ONNX file (the reference forward), one sentence at
 * a time, while our model runs all sentences as one padded batch.
 */
class MiniLmOnnxTest extends CpuTest {
    static final List<String> SENTENCES = List.of(
            "Hello, world!",
            "In the beginning God created the heaven and the earth.",
            "EN el principio crió Dios los cielos y la tierra.",
            "The quick brown fox jumps over the lazy dog.",
            "A man is playing a guitar.",
            "Transformers learn representations layer by layer.",
            "¿Dónde está la biblioteca?",
            "Information imbalance compares two distance spaces.",
            "Jesus wept.",
            "And God said, Let there be light: and there was light.",
            "Y dijo Dios: Sea la luz: y fué la luz.",
            "The cat sat on the mat while the dog slept by the fire.",
            "Numbers like 3.14159 and 2026 are tokenised into pieces.",
            "Unbelievably, the antidisestablishmentarianism debate continues.",
            "Blessed are the meek: for they shall inherit the earth.",
            "Bienaventurados los mansos: porque ellos recibirán la tierra por heredad.",
            "She sells sea shells by the sea shore.",
            "x",
            "Frustrated magnets host exotic quantum spin liquids at low temperature.",
            "For God so loved the world, that he gave his only begotten Son, that whosoever believeth in him "
                    + "should not perish, but have everlasting life.",
            "Ünïcödé àccents and emoji 🙂 are normalised by the BERT tokenizer.",
            "The end.");

    @RegisterExtension
    static final Loaded<BertEncoder> MODEL = new Loaded<>(() -> Models.miniLm(Device.cpu(), DataType.FLOAT32));

    @Test
    void tokenIdsMatchTheVocabulary() throws Exception {
        JsonObject vocab;
        try (InputStream in = Models.class.getResourceAsStream(Models.MINILM_TOKENIZER)) {
            vocab = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject()
                    .getAsJsonObject("model").getAsJsonObject("vocab");
        }
        String[] words = {"the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog"};
        long[] expected = new long[words.length + 2];
        expected[0] = vocab.get("[CLS]").getAsLong();
        for (int i = 0; i < words.length; i++) {
            expected[i + 1] = vocab.get(words[i]).getAsLong();
        }
        expected[words.length + 1] = vocab.get("[SEP]").getAsLong();
        assertArrayEquals(expected, MODEL.get().tokenizer().encode("The quick brown fox jumps over the LAZY dog"));
        // the published bert-base-uncased ids
        assertArrayEquals(new long[] {101, 7592, 1010, 2088, 999, 102},
                MODEL.get().tokenizer().encode("Hello, world!"));
    }

    @Test
    void lastHiddenStateMatchesOnnxRuntime() throws Exception {
        assertTrue(SENTENCES.size() >= 20);
        long[][] ids = MODEL.get().tokenizer().encode(SENTENCES);
        int n = ids.length;
        assertEquals(7, MODEL.get().layers() + 1, "MiniLM's seven states");
        double maxErr = OnnxRuntimeReference.maxLastStateError(MODEL.get(), Models.MINILM_ONNX, ids, m);
        System.out.println("MiniLM vs ONNX Runtime: " + n + " sentences, max abs error " + maxErr);
        assertTrue(maxErr <= 1e-4, "max abs error " + maxErr);
    }

    @Test
    void huggingFaceBertDirectoryLoadsTheSameModel(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // MiniLM's weights written as a BertModel checkpoint ("bert." prefix, F16 storage is not used: exact F32)
        java.util.Map<String, NDArray> tensors = new java.util.LinkedHashMap<>();
        org.spinformer.core.io.OnnxModel om;
        try (InputStream in = Models.class.getResourceAsStream(Models.MINILM_ONNX)) {
            om = org.spinformer.core.io.OnnxModel.parse(java.nio.file.Path.of("m.onnx"),
                    java.nio.ByteBuffer.wrap(in.readAllBytes()));
        }
        for (var e : om.huggingFaceParameters(m)) {
            tensors.put("bert." + e.getKey(), e.getValue());
        }
        org.spinformer.core.io.SafeTensors.write(dir.resolve("model.safetensors"), tensors);
        java.nio.file.Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"bert\", \"vocab_size\": 30522, "
                + "\"hidden_size\": 384, \"num_attention_heads\": 12, \"num_hidden_layers\": 6, "
                + "\"intermediate_size\": 1536, \"layer_norm_eps\": 1e-12, \"hidden_act\": \"gelu\", "
                + "\"max_position_embeddings\": 512}");
        try (InputStream in = Models.class.getResourceAsStream(Models.MINILM_TOKENIZER)) {
            java.nio.file.Files.write(dir.resolve("tokenizer.json"), in.readAllBytes());
        }
        try (HiddenStateModel hf = Models.load(dir.toString(), Device.cpu(), DataType.FLOAT32)) {
            assertEquals(6, hf.layers());
            List<String> texts = SENTENCES.subList(0, 5);
            NDArray a = HiddenStates.extract(MODEL.get(), texts, Pooling.parse("mean"), m, 4096);
            NDArray b = HiddenStates.extract(hf, texts, Pooling.parse("mean"), m, 4096);
            assertEquals(0f, a.sub(b).abs().max().getFloat(), 0f);
        }
    }

    @Test
    void extractionIsIndependentOfBatching() {
        List<String> texts = SENTENCES.subList(0, 8);
        NDArray big = HiddenStates.extract(MODEL.get(), texts, Pooling.parse("mean"), m, 100000);
        NDArray small = HiddenStates.extract(MODEL.get(), texts, Pooling.parse("mean"), m, 1);
        assertEquals(List.of(7L, 8L, 384L), List.of(big.getShape().get(0), big.getShape().get(1),
                big.getShape().get(2)));
        assertTrue(big.sub(small).abs().max().getFloat() < 1e-5f);
    }
}
