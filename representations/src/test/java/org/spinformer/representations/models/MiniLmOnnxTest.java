package org.spinformer.representations.models;

import org.spinformer.core.testing.CpuTest;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spinformer.representations.pooling.Pooling;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
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

    static BertEncoder model;

    @BeforeAll
    static void load() throws Exception {
        model = Models.miniLm(Device.cpu(), DataType.FLOAT32);
    }

    @AfterAll
    static void close() {
        model.close();
    }

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
        assertArrayEquals(expected, model.tokenizer().encode("The quick brown fox jumps over the LAZY dog"));
        // the published bert-base-uncased ids
        assertArrayEquals(new long[] {101, 7592, 1010, 2088, 999, 102}, model.tokenizer().encode("Hello, world!"));
    }

    @Test
    void lastHiddenStateMatchesOnnxRuntime() throws Exception {
        assertTrue(SENTENCES.size() >= 20);
        byte[] onnx;
        try (InputStream in = Models.class.getResourceAsStream(Models.MINILM_ONNX)) {
            onnx = in.readAllBytes();
        }
        long[][] ids = model.tokenizer().encode(SENTENCES);
        // ours: one padded batch of all sentences, token states of the last layer
        int n = ids.length;
        TinyDecoderTest.Padded pb = TinyDecoderTest.Padded.of(ids, 0);
        int t = pb.t();
        long[] flat = pb.ids();
        long[] mask = pb.mask();
        double maxErr = 0;
        List<float[][]> reference = new ArrayList<>();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(onnx, so)) {
            for (long[] row : ids) {
                long[][] in = {row};
                long[][] ones = {new long[row.length]};
                java.util.Arrays.fill(ones[0], 1L);
                long[][] zeros = {new long[row.length]};
                Map<String, OnnxTensor> inputs = new HashMap<>();
                for (String name : session.getInputNames()) {
                    long[][] v = name.contains("mask") ? ones : name.contains("type") ? zeros : in;
                    inputs.put(name, OnnxTensor.createTensor(env, v));
                }
                try (OrtSession.Result r = session.run(inputs)) {
                    float[][][] out = (float[][][]) r.get(0).getValue();
                    reference.add(out[0]);
                }
                inputs.values().forEach(OnnxTensor::close);
            }
        }
        try (NDManager bm = m.newSubManager()) {
            NDArray idArr = bm.create(flat).reshape(n, t);
            NDArray maskArr = bm.create(mask).reshape(n, t);
            var states = model.hiddenStates(idArr, maskArr);
            assertEquals(7, states.size());
            NDArray last = states.get(6);
            for (int i = 0; i < n; i++) {
                float[][] ref = reference.get(i);
                float[] ours = last.get(new NDIndex("{}, 0:{}", i, ids[i].length)).toFloatArray();
                assertEquals(ref.length * ref[0].length, ours.length);
                for (int j = 0; j < ref.length; j++) {
                    for (int d = 0; d < ref[j].length; d++) {
                        maxErr = Math.max(maxErr, Math.abs(ref[j][d] - ours[j * ref[j].length + d]));
                    }
                }
            }
        }
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
            NDArray a = HiddenStates.extract(model, texts, Pooling.parse("mean"), m, 4096);
            NDArray b = HiddenStates.extract(hf, texts, Pooling.parse("mean"), m, 4096);
            assertEquals(0f, a.sub(b).abs().max().getFloat(), 0f);
        }
    }

    @Test
    void extractionIsIndependentOfBatching() {
        List<String> texts = SENTENCES.subList(0, 8);
        NDArray big = HiddenStates.extract(model, texts, Pooling.parse("mean"), m, 100000);
        NDArray small = HiddenStates.extract(model, texts, Pooling.parse("mean"), m, 1);
        assertEquals(List.of(7L, 8L, 384L), List.of(big.getShape().get(0), big.getShape().get(1),
                big.getShape().get(2)));
        assertTrue(big.sub(small).abs().max().getFloat() < 1e-5f);
    }
}
