package org.spinformer.representations.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spinformer.core.testing.CpuTest;

import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built-in bge-small-en-v1.5: 12 layers + embeddings at D = 384, deterministic, and its last hidden state equal
 * to ONNX Runtime's forward of the same ONNX file (the reference), sentence by sentence, while ours runs one padded
 * batch.
 */
class BgeSmallTest extends CpuTest {
    static final List<String> SENTENCES = List.of(
            "In the beginning God created the heaven and the earth.",
            "EN el principio crió Dios los cielos y la tierra.",
            "Jesus wept.",
            "Information imbalance compares two distance spaces.");

    static BertEncoder model;

    @BeforeAll
    static void load() throws Exception {
        model = Models.bgeSmall(Device.cpu(), DataType.FLOAT32);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void nameAndShapes() throws Exception {
        assertSame(Models.BUILT_IN.get("bge-small"), Models.builtIn(" BGE-Small "));
        assertEquals("bge-small", model.name());
        assertEquals(12, model.layers());
        assertEquals(384, model.dim());
        // the published bert-base-uncased ids (bge-small shares BERT's WordPiece vocabulary)
        assertArrayEquals(new long[] {101, 7592, 1010, 2088, 999, 102}, model.tokenizer().encode("Hello, world!"));
        long[][] ids = model.tokenizer().encode(SENTENCES);
        TinyDecoderTest.Padded pb = TinyDecoderTest.Padded.of(ids, 0);
        try (NDManager bm = m.newSubManager()) {
            NDList s = model.hiddenStates(bm.create(pb.ids()).reshape(ids.length, pb.t()),
                    bm.create(pb.mask()).reshape(ids.length, pb.t()));
            assertEquals(13, s.size());
            for (NDArray a : s) {
                assertEquals(new Shape(ids.length, pb.t(), 384), a.getShape());
            }
        }
    }

    @Test
    void deterministic() throws Exception {
        long[][] ids = model.tokenizer().encode(SENTENCES);
        TinyDecoderTest.Padded pb = TinyDecoderTest.Padded.of(ids, 0);
        try (NDManager bm = m.newSubManager()) {
            NDArray idArr = bm.create(pb.ids()).reshape(ids.length, pb.t());
            NDArray maskArr = bm.create(pb.mask()).reshape(ids.length, pb.t());
            float[] first = model.hiddenStates(idArr, maskArr).get(12).toFloatArray();
            try (BertEncoder again = Models.bgeSmall(Device.cpu(), DataType.FLOAT32)) {
                float[] second = again.hiddenStates(idArr, maskArr).get(12).toFloatArray();
                assertArrayEquals(first, second, 0f, "a second load and forward gives the same bits");
            }
        }
    }

    @Test
    void lastHiddenStateMatchesOnnxRuntime() throws Exception {
        byte[] onnx;
        try (InputStream in = Models.class.getResourceAsStream(Models.BGE_SMALL_ONNX)) {
            onnx = in.readAllBytes();
        }
        long[][] ids = model.tokenizer().encode(SENTENCES);
        int n = ids.length;
        TinyDecoderTest.Padded pb = TinyDecoderTest.Padded.of(ids, 0);
        double maxErr = 0;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(onnx, so);
             NDManager bm = m.newSubManager()) {
            NDArray last = model.hiddenStates(bm.create(pb.ids()).reshape(n, pb.t()),
                    bm.create(pb.mask()).reshape(n, pb.t())).get(12);
            for (int i = 0; i < n; i++) {
                long[] row = ids[i];
                long[][] ones = {new long[row.length]};
                java.util.Arrays.fill(ones[0], 1L);
                Map<String, OnnxTensor> inputs = new HashMap<>();
                for (String name : session.getInputNames()) {
                    long[][] v = name.contains("mask") ? ones : name.contains("type") ? new long[][] {new long[row.length]}
                            : new long[][] {row};
                    inputs.put(name, OnnxTensor.createTensor(env, v));
                }
                try (OrtSession.Result r = session.run(inputs)) {
                    float[][] ref = ((float[][][]) r.get(0).getValue())[0];
                    float[] ours = last.get(new NDIndex("{}, 0:{}", i, row.length)).toFloatArray();
                    assertEquals(ref.length * ref[0].length, ours.length);
                    for (int j = 0; j < ref.length; j++) {
                        for (int d = 0; d < ref[j].length; d++) {
                            maxErr = Math.max(maxErr, Math.abs(ref[j][d] - ours[j * ref[j].length + d]));
                        }
                    }
                }
                inputs.values().forEach(OnnxTensor::close);
            }
        }
        System.out.println("bge-small vs ONNX Runtime: " + n + " sentences, max abs error " + maxErr);
        assertTrue(maxErr <= 1e-4, "max abs error " + maxErr);
    }
}
