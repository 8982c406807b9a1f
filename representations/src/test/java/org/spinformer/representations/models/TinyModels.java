package org.spinformer.representations.models;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.spinformer.core.device.Devices;

import java.nio.file.Path;

/**
 * Test fixture for other packages: the tiny random Hugging Face model directories of {@link TinyDecoderTest}
 * (vocabulary w1 … w11 split on whitespace, no special tokens, at most 16 positions).
 */
public final class TinyModels {
    private TinyModels() {}

    /** Writes the tiny GPT-2 (2 layers, width 16, F16 weights) into {@code dir} and returns it. */
    public static synchronized Path gpt2(Path dir) throws Exception {
        NDManager before = TinyDecoderTest.m;
        try (NDManager own = Devices.manager(Device.cpu())) {
            TinyDecoderTest.m = own;
            TinyDecoderTest.gpt2(dir);
        } finally {
            TinyDecoderTest.m = before;
        }
        return dir;
    }
}
