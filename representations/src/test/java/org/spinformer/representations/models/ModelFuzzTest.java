package org.spinformer.representations.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.spinformer.core.fuzz.FuzzContract;
import org.spinformer.representations.data.Pairs;

/**
 * Fuzzes the representations readers under core's {@link FuzzContract}: a model directory's {@code config.json}
 * (next to valid GPT-2 weights and tokenizer; the model is loaded and run on three tokens, so a config that
 * disagrees with its weights must be caught before PyTorch sees the shapes) and the pairs TSV. Seeds in
 * {@code ModelFuzzTestInputs/<target>/}.
 */
class ModelFuzzTest {
    private static Path modelDir;

    @FuzzTest
    void configJson(byte[] data) {
        Path dir = modelDir();
        FuzzContract.write(dir, "config.json", data);
        FuzzContract.check(m -> {
            try (HiddenStateModel model = Models.fromDirectory(dir, Device.cpu(), DataType.FLOAT32)) {
                NDArray ids = m.create(new long[][] {{1, 2, 3}});
                NDList states = model.hiddenStates(ids, ids.onesLike());
                if (states.size() != model.layers() + 1) {
                    throw new AssertionError(states.size() + " hidden states for " + model.layers() + " layers");
                }
                states.close();
            }
        });
    }

    @FuzzTest
    void pairsTsv(byte[] data) {
        Path f = FuzzContract.write(FuzzContract.dir("pairs"), "pairs.tsv", data);
        FuzzContract.check(m -> Pairs.parse(f.toString()));
        FuzzContract.check(m -> Pairs.parse(f + ":a,b"));
    }

    /** A valid tiny GPT-2 directory, made once; each input replaces its config.json. */
    private static synchronized Path modelDir() {
        if (modelDir == null) {
            Path dir = FuzzContract.dir("model").resolve("gpt2");
            FuzzContract.check(m -> {
                Files.createDirectories(dir);
                TinyDecoderTest.m = m; // the fixture writes its weights through the test's manager
                try {
                    TinyDecoderTest.gpt2(dir);
                } finally {
                    TinyDecoderTest.m = null;
                }
            });
            modelDir = dir;
        }
        return modelDir;
    }
}
