package org.spinformer.cli;

import ai.djl.ndarray.types.DataType;
import org.spinformer.core.device.Devices;
import picocli.CommandLine.Option;

/** How a model runs over many texts: its compute type and the batch size in tokens (repr hidden, layers, analyses). */
final class ComputeOptions {
    @Option(names = "--dtype", defaultValue = "float32", description = "Compute type float32|float64|float16 "
            + "(default: ${DEFAULT-VALUE}); weights in F32/F16/BF16 are converted on load. float16 halves the memory "
            + "(GPU); on the CPU it is ~80x slower than float32 without AVX512-FP16 and about as fast with it. "
            + "bfloat16 is refused (DJL 0.32 aborts on any bfloat16 array).")
    String dtype;

    @Option(names = "--batch-tokens", defaultValue = "2048",
            description = "Tokens per batch (B·T), texts sorted by length (default: ${DEFAULT-VALUE}).")
    int batchTokens;

    /** The compute type; exit 2 for anything but float32 or float64. */
    DataType dataType() {
        return Devices.parseDType(dtype);
    }
}
