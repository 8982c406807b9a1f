package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Layer normalisation (Ba, Kiros, Hinton 2016) over the last axis:
 * y = (x − μ)/√(σ² + eps) · γ + β, μ and σ² (biased) over D. x [..., D]. Parameters {@code weight} (γ) and
 * {@code bias} (β), the Hugging Face names ({@code LayerNorm.weight}, {@code ln_1.weight}). eps default 1e-5
 * (PyTorch, GPT-2); BERT uses 1e-12.
 */
public final class LayerNorm extends Block {
    private final long dim;
    private final double eps;
    private final boolean bias;

    private LayerNorm(Builder b) {
        super(b);
        this.dim = b.dim;
        this.eps = b.eps;
        this.bias = b.bias;
        param("weight", new Shape(dim), Init.ONES);
        if (bias) {
            param("bias", new Shape(dim), Init.ZEROS);
        }
    }

    /** Static twin. */
    public static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, double eps) {
        return Functional.layerNorm(x, gamma, beta, eps);
    }

    /** x [..., D] → [..., D], with the block's own parameters. */
    public NDArray forward(NDArray x) {
        return forward(x, params);
    }

    /**
     * x [..., D] → [..., D] with γ, β from {@code w}: shared [D] (PyTorch's fused kernel), or per sample [B,D]
     * broadcast over the inner axes of x [B,...,D]. A tapping source gets n and y = n γ + β
     * ({@link Weights.Tap#LAYER_NORM}).
     */
    public NDArray forward(NDArray x, Weights w) {
        checkInput(x, 0);
        NDArray g = w.get(prefix + "weight");
        NDArray b = bias ? w.get(prefix + "bias") : null;
        if (w.perSample()) {
            return Functional.layerNormPerSample(x, g, b, eps);
        }
        if (w.taps()) {
            NDArray n = Functional.layerNorm(x, null, null, eps);
            NDArray y = n.mul(g);
            return w.tap(Weights.Tap.LAYER_NORM, prefix, n, b == null ? y : y.add(b));
        }
        return Functional.layerNorm(x, g, b, eps);
    }

    public double eps() {
        return eps;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder: setDim required; optEps (default 1e-5), optBias (default true). */
    public static final class Builder extends WidthBuilder<Builder> {
        private double eps = 1e-5;

        public Builder optEps(double eps) {
            this.eps = eps;
            return this;
        }

        public LayerNorm build() {
            require(dim > 0, "LayerNorm needs a positive dim, got " + dim);
            require(eps >= 0, "LayerNorm eps must be >= 0, got " + eps);
            return new LayerNorm(this);
        }
    }
}
