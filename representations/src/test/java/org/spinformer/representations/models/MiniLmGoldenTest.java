package org.spinformer.representations.models;

import org.spinformer.core.io.Npy;
import org.spinformer.core.testing.CpuTest;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every hidden state of the built-in MiniLM (embeddings and six layers, like Hugging Face's
 * {@code output_hidden_states=True}) against committed golden values from an independent numpy BERT that reads
 * the same ONNX file with its own protobuf reader ({@code representations/src/test/python/minilm_golden.py},
 * computed in float64): two sequences in one batch, one padded. The check the PyTorch peer
 * ({@code benchmarks/peers/minilm_torch.py}) makes, without PyTorch.
 */
class MiniLmGoldenTest extends CpuTest {

    static Path golden(String name) throws Exception {
        return Path.of(MiniLmGoldenTest.class.getResource("/golden/minilm/" + name).toURI());
    }

    /**
     * Error |ours − golden| / max(1, |golden|): in float64 only the golden's float32 storage (half an ulp, 6e-8)
     * remains; in float32, the rounding of a six-layer forward (observed 3e-6); in float16 (weights and activations
     * half), the rounding of half precision (2⁻¹¹ ≈ 4.9e-4 relative per op; observed 4.4e-3 after six layers).
     */
    @ParameterizedTest
    @CsvSource({"FLOAT32, 2e-5", "FLOAT64, 2e-7", "FLOAT16, 1e-2"})
    void everyHiddenStateMatchesTheNumpyGolden(DataType dtype, double tol) throws Exception {
        try (BertEncoder model = Models.miniLm(Device.cpu(), dtype); NDManager s = m.newSubManager()) {
            NDArray ids = Npy.read(golden("input_ids.npy"), s);
            NDArray mask = Npy.read(golden("attention_mask.npy"), s);
            NDArray want = Npy.read(golden("hidden.npy"), s).toType(DataType.FLOAT64, false); // [L+1,R,D]
            List<NDArray> states = model.hiddenStates(ids, mask);
            assertEquals(want.getShape().get(0), states.size(), "hidden states (embeddings + layers)");
            long[] lengths = mask.sum(new int[] {1}).toLongArray();
            double worst = 0;
            for (int l = 0; l < states.size(); l++) {
                int row = 0;
                for (int b = 0; b < lengths.length; b++) {
                    NDArray got = states.get(l).get(new NDIndex("{}, 0:{}", b, lengths[b])).toType(DataType.FLOAT64,
                            false);
                    NDArray ref = want.get(new NDIndex("{}, {}:{}", l, row, row + lengths[b]));
                    worst = Math.max(worst, got.sub(ref).abs().div(ref.abs().maximum(1)).max().getDouble());
                    row += (int) lengths[b];
                }
                assertEquals(want.getShape().get(1), row, "token rows");
            }
            System.out.printf(java.util.Locale.ROOT, "MiniLM %s vs numpy golden: max error %.2e%n", dtype, worst);
            assertTrue(worst <= tol, dtype + ": max error " + worst + " > " + tol);
        }
    }
}
