package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * RMS normalisation (Zhang and Sennrich, NeurIPS 2019; Llama): y = x / √(mean_D(x²) + eps) · γ. x [..., D].
 * Parameter {@code weight} (γ), Hugging Face {@code input_layernorm.weight}. eps default 1e-6
 * ({@code rms_norm_eps}: 1e-5 in Llama 3, 1e-6 in Qwen2).
 */
public final class RmsNorm extends Block<RmsNorm.Config> {
    /** What the block was built with: γ [D]. */
    public record Config(long dim, double eps) {}

    private RmsNorm(Builder b, Config config) {
        super(b, config);
        param("weight", new Shape(config.dim()), Init.ONES);
    }

    /** Static twin. */
    public static NDArray rmsNorm(NDArray x, NDArray gamma, double eps) {
        return Functional.rmsNorm(x, gamma, eps);
    }

    public NDArray forward(NDArray x) {
        checkInput(x, 0);
        return Functional.rmsNorm(x, p("weight"), config.eps());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder: setDim required; optEps (default 1e-6). */
    public static final class Builder extends NormBuilder<Builder> {
        Builder() {
            super(1e-6);
        }

        public RmsNorm build() {
            requireDimAndEps("RmsNorm");
            return new RmsNorm(this, new Config(dim, eps));
        }
    }
}
