package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Affine map y = x Wᵀ + b with the PyTorch weight layout W [out,in] ({@code nn.Linear}), or, with
 * {@link Builder#optConv1D}, y = x W + b with W [in,out] (Hugging Face {@code Conv1D}, GPT-2).
 * x [..., in] → y [..., out]. Parameters {@code weight}, {@code bias}.
 */
public final class Linear extends Block<Linear.Config> {
    /** What the block was built with: W [out,in] (or [in,out] with {@code conv1d}), b [out] when {@code bias}. */
    public record Config(long in, long out, boolean bias, boolean conv1d) {}

    private Linear(Builder b, Config config) {
        super(b, config);
        param("weight", config.conv1d() ? new Shape(config.in(), config.out()) : new Shape(config.out(), config.in()),
                Init.NORMAL);
        if (config.bias()) {
            param("bias", new Shape(config.out()), Init.ZEROS);
        }
    }

    /** Static twin: y = x Wᵀ + b, W [out,in]. */
    public static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return Functional.linear(x, w, b);
    }

    /** x [..., in] → [..., out], with the block's own parameters. */
    public NDArray forward(NDArray x) {
        return forward(x, params);
    }

    /**
     * x [..., in] → [..., out] with the parameters from {@code w}: shared W [out,in], or per sample W [B,out,in]
     * (x [B,...,in]); the output goes through {@link Weights#tap} ({@link Weights.Tap#LINEAR}).
     */
    public NDArray forward(NDArray x, Weights w) {
        checkInput(x, 0);
        return apply(x, w, prefix, config.bias(), config.conv1d());
    }

    /** A linear map with parameters {@code prefix weight}, {@code prefix bias} (if {@code bias}) from {@code w}. */
    static NDArray apply(NDArray x, Weights w, String prefix, boolean bias, boolean conv1d) {
        NDArray wt = w.get(prefix + "weight");
        NDArray b = bias ? w.get(prefix + "bias") : null;
        NDArray y;
        if (w.perSample()) {
            y = conv1d ? Functional.conv1dPerSample(x, wt, b) : Functional.linearPerSample(x, wt, b);
        } else {
            y = conv1d ? Functional.conv1d(x, wt, b) : Functional.linear(x, wt, b);
        }
        return w.taps() ? w.tap(Weights.Tap.LINEAR, prefix, x, y) : y;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder: setIn, setOut required. */
    public static final class Builder extends BaseBuilder<Builder> {
        private long in = -1;
        private long out = -1;
        private boolean conv1d;

        public Builder setIn(long in) {
            this.in = in;
            return this;
        }

        public Builder setOut(long out) {
            this.out = out;
            return this;
        }

        /** Hugging Face Conv1D weight layout [in,out] (default false: [out,in]). */
        public Builder optConv1D(boolean conv1d) {
            this.conv1d = conv1d;
            return this;
        }

        public Linear build() {
            require(in > 0 && out > 0, "Linear needs positive in and out (setIn, setOut), got " + in + ", " + out);
            return new Linear(this, new Config(in, out, bias, conv1d));
        }
    }
}
