package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Layer normalisation (Ba, Kiros, Hinton 2016) over the last axis:
 * y = (x − μ)/√(σ² + eps) · γ + β, μ and σ² (biased) over D. x [..., D]. Parameters {@code weight} (γ) and
 * {@code bias} (β), the Hugging Face names ({@code LayerNorm.weight}, {@code ln_1.weight}). eps default 1e-5
 * (PyTorch, GPT-2); BERT uses 1e-12.
 */
public final class LayerNorm extends Block<LayerNorm.Config> {
    /** What the block was built with: γ [D], β [D] when {@code bias}. */
    public record Config(long dim, double eps, boolean bias) {}

    private LayerNorm(Builder b, Config config) {
        super(b, config);
        param("weight", new Shape(config.dim()), Init.ONES);
        if (config.bias()) {
            param("bias", new Shape(config.dim()), Init.ZEROS);
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
        NDArray b = config.bias() ? w.get(prefix + "bias") : null;
        double eps = config.eps();
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

    public static Builder builder() {
        return new Builder();
    }

    /** Builder: setDim required; optEps (default 1e-5), optBias (default true). */
    public static final class Builder extends NormBuilder<Builder> {
        Builder() {
            super(1e-5);
        }

        public LayerNorm build() {
            requireDimAndEps("LayerNorm");
            return new LayerNorm(this, new Config(dim, eps, bias));
        }
    }
}
