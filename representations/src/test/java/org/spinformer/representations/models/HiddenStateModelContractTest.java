package org.spinformer.representations.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.spinformer.core.io.CpuManagerTest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spinformer.core.device.Devices;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every {@link HiddenStateModel} keeps, run against the built-in MiniLM and the tiny GPT-2, Llama
 * and Qwen2 directories of {@link TinyDecoderTest}: L + 1 states of shape [B,T,D] with D = {@code dim()}; and
 * {@code causal()} tells the truth: changing the last token changes no earlier position's state in a causal
 * model, and changes earlier states in a bidirectional one.
 */
class HiddenStateModelContractTest extends CpuManagerTest {
    @TempDir
    Path tmp;

    @BeforeAll
    void shareManager() {
        TinyDecoderTest.m = manager;
    }

    private HiddenStateModel load(String kind) throws Exception {
        return load(kind, DataType.FLOAT32);
    }

    private HiddenStateModel load(String kind, DataType dtype) throws Exception {
        if (kind.equals("minilm")) {
            return Models.load("minilm", Device.cpu(), dtype);
        }
        Path dir = tmp.resolve(kind + dtype);
        java.nio.file.Files.createDirectories(dir);
        switch (kind) {
            case "gpt2" -> TinyDecoderTest.gpt2(dir);
            case "llama" -> TinyDecoderTest.llama(dir, false);
            default -> TinyDecoderTest.llama(dir, true);
        }
        return Models.load(dir.toString(), Device.cpu(), dtype);
    }

    @ParameterizedTest
    @ValueSource(strings = {"minilm", "gpt2", "llama", "qwen2"})
    void shapesAndCausality(String kind) throws Exception {
        try (HiddenStateModel model = load(kind); NDManager sm = manager.newSubManager()) {
            long[] ids = model.tokenizer().encode(java.util.List.of(kind.equals("minilm") ? "the cat sat on a mat"
                    : "w3 w5 w1 w7 w2"))[0];
            int t = ids.length;
            long[] other = ids.clone();
            other[t - 1] = ids[t - 1] == 4 ? 5 : 4; // another real token in the last position
            NDArray mask = sm.ones(new Shape(2, t), DataType.INT64);
            long[] both = new long[2 * t];
            System.arraycopy(ids, 0, both, 0, t);
            System.arraycopy(other, 0, both, t, t);
            NDList states = model.hiddenStates(sm.create(both).reshape(2, t), mask);
            assertEquals(model.layers() + 1, states.size(), kind + ": L + 1 states");
            for (NDArray s : states) {
                assertEquals(new Shape(2, t, model.dim()), s.getShape(), kind + ": [B,T,D]");
            }
            NDArray last = states.get(model.layers()).toType(DataType.FLOAT64, false);
            double before = last.get(new NDIndex("0, 0:{}", t - 1)).sub(last.get(new NDIndex("1, 0:{}", t - 1)))
                    .abs().max().getDouble();
            double at = last.get(new NDIndex("0, {}", t - 1)).sub(last.get(new NDIndex("1, {}", t - 1))).abs()
                    .max().getDouble();
            assertTrue(at > 1e-4, kind + ": the changed token's own state must change (" + at + ")");
            if (model.causal()) {
                assertEquals(0.0, before, 0.0, kind + ": a causal model's earlier states must not see the last token");
            } else {
                assertTrue(before > 1e-4, kind + ": a bidirectional model's earlier states see the last token");
            }
        }
    }

    /** {@code --dtype float64} computes in float64 (the layers once stayed float32) and agrees with float32. */
    @ParameterizedTest
    @ValueSource(strings = {"minilm", "gpt2", "llama"})
    void float64AgreesWithFloat32(String kind) throws Exception {
        try (HiddenStateModel a = load(kind, DataType.FLOAT32); HiddenStateModel b = load(kind, DataType.FLOAT64);
             NDManager sm = manager.newSubManager()) {
            long[] ids = a.tokenizer().encode(kind.equals("minilm") ? "a sentence and its states" : "w3 w5 w1 w7");
            NDArray x = sm.create(ids).reshape(1, ids.length);
            NDArray mask = sm.ones(new Shape(1, ids.length), DataType.INT64);
            NDArray s32 = a.hiddenStates(x, mask).get(a.layers());
            NDArray s64 = b.hiddenStates(x, mask).get(b.layers());
            assertEquals(DataType.FLOAT64, s64.getDataType());
            double diff = s64.sub(s32.toType(DataType.FLOAT64, false)).abs().max().getDouble();
            assertTrue(diff < 1e-4, "float64 vs float32 states differ by " + diff);
        }
    }
}
