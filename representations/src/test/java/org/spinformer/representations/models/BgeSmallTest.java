package org.spinformer.representations.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.spinformer.core.testing.CpuTest;

import java.util.List;

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

    @RegisterExtension
    static final Loaded<BertEncoder> MODEL = new Loaded<>(() -> Models.bgeSmall(Device.cpu(), DataType.FLOAT32));

    @Test
    void nameAndShapes() throws Exception {
        assertSame(Models.BUILT_IN.get("bge-small"), Models.builtIn(" BGE-Small "));
        assertEquals("bge-small", MODEL.get().name());
        assertEquals(12, MODEL.get().layers());
        assertEquals(384, MODEL.get().dim());
        // the published bert-base-uncased ids (bge-small shares BERT's WordPiece vocabulary)
        assertArrayEquals(new long[] {101, 7592, 1010, 2088, 999, 102},
                MODEL.get().tokenizer().encode("Hello, world!"));
        long[][] ids = MODEL.get().tokenizer().encode(SENTENCES);
        TinyDecoderTest.Padded pb = TinyDecoderTest.Padded.of(ids, 0);
        try (NDManager bm = m.newSubManager()) {
            NDList s = MODEL.get().hiddenStates(bm.create(pb.ids()).reshape(ids.length, pb.t()),
                    bm.create(pb.mask()).reshape(ids.length, pb.t()));
            assertEquals(13, s.size());
            for (NDArray a : s) {
                assertEquals(new Shape(ids.length, pb.t(), 384), a.getShape());
            }
        }
    }

    @Test
    void deterministic() throws Exception {
        long[][] ids = MODEL.get().tokenizer().encode(SENTENCES);
        TinyDecoderTest.Padded pb = TinyDecoderTest.Padded.of(ids, 0);
        try (NDManager bm = m.newSubManager()) {
            NDArray idArr = bm.create(pb.ids()).reshape(ids.length, pb.t());
            NDArray maskArr = bm.create(pb.mask()).reshape(ids.length, pb.t());
            float[] first = MODEL.get().hiddenStates(idArr, maskArr).get(12).toFloatArray();
            try (BertEncoder again = Models.bgeSmall(Device.cpu(), DataType.FLOAT32)) {
                float[] second = again.hiddenStates(idArr, maskArr).get(12).toFloatArray();
                assertArrayEquals(first, second, 0f, "a second load and forward gives the same bits");
            }
        }
    }

    @Test
    void lastHiddenStateMatchesOnnxRuntime() throws Exception {
        long[][] ids = MODEL.get().tokenizer().encode(SENTENCES);
        int n = ids.length;
        double maxErr = OnnxRuntimeReference.maxLastStateError(MODEL.get(), Models.BGE_SMALL_ONNX, ids, m);
        System.out.println("bge-small vs ONNX Runtime: " + n + " sentences, max abs error " + maxErr);
        assertTrue(maxErr <= 1e-4, "max abs error " + maxErr);
    }
}
