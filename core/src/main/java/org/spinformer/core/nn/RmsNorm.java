package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * RMS normalisation (Zhang and Sennrich, NeurIPS 2019; Llama): y = x / √(mean_D(x²) + eps) · γ. x [..., D].
 * Parameter {@code weight} (γ), Hugging Face {@code input_layernorm.weight}. eps default 1e-6
 * ({@code rms_norm_eps}: 1e-5 in Llama 3, 1e-6 in Qwen2).
 */
public final class RmsNorm extends Block {
    private final long dim;
    private final double eps;

    private RmsNorm(Builder b) {
        super(b);
        this.dim = b.dim;
        this.eps = b.eps;
        param("weight", new Shape(dim), Init.ONES);
    }

    /** Static twin. */
    public static NDArray rmsNorm(NDArray x, NDArray gamma, double eps) {
        return Functional.rmsNorm(x, gamma, eps);
    }

    public NDArray forward(NDArray x) {
        checkInput(x, 0);
        return Functional.rmsNorm(x, p("weight"), eps);
    }

    public double eps() {
        return eps;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder: setDim required; optEps (default 1e-6). */
    public static final class Builder extends WidthBuilder<Builder> {
        private double eps = 1e-6;

        public Builder optEps(double eps) {
            this.eps = eps;
            return this;
        }

        public RmsNorm build() {
            require(dim > 0, "RmsNorm needs a positive dim, got " + dim);
            require(eps >= 0, "RmsNorm eps must be >= 0, got " + eps);
            return new RmsNorm(this);
        }
    }
}
