package org.spinformer.cli;

import ai.djl.Device;
import org.spinformer.representations.models.HiddenStateModel;
import org.spinformer.representations.models.Models;
import org.spinformer.representations.pooling.Pooling;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;

/**
 * How hidden states are extracted, shared by {@code repr hidden} and {@code repr layers}: the model, the pooling,
 * the compute type and the batch size in tokens, each parsed in one place.
 */
final class HiddenStateOptions {
    @Mixin
    ModelOption model = new ModelOption();

    @Option(names = "--pooling", defaultValue = "mean",
            description = "mean|first|last|last-n:N[:K] (last N tokens, dropping the final K), optional +sign "
                    + "(default: ${DEFAULT-VALUE}).")
    String pooling;

    @Mixin
    ComputeOptions compute = new ComputeOptions();

    /** The pooling, or an IllegalArgumentException (exit 2) naming {@code --pooling}. */
    Pooling pooling() {
        return CommonOptions.option("--pooling", () -> Pooling.parse(pooling));
    }

    /** Refuses a {@code --model} that is neither {@code minilm} nor a directory, before anything is loaded. */
    void checkModel() {
        model.checked();
    }

    /** The model on {@code dev} in {@code --dtype}. */
    HiddenStateModel load(Device dev) throws IOException {
        return Models.load(model.name, dev, compute.dataType());
    }
}
