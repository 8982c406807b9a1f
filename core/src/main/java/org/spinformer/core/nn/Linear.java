package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Affine map y = x Wᵀ + b with the PyTorch weight layout W [out,in] ({@code nn.Linear}), or, with
 * {@link Builder#optConv1D}, y = x W + b with W [in,out] (Hugging Face {@code Conv1D}, GPT-2).
 * x [..., in] → y [..., out]. Parameters {@code weight}, {@code bias}.
 */
public final class Linear extends Block {
    private final long in;
    private final long out;
    private final boolean bias;
    private final boolean conv1d;

    private Linear(Builder b) {
        super(b);
        this.in = b.in;
        this.out = b.out;
        this.bias = b.bias;
        this.conv1d = b.conv1d;
        param("weight", conv1d ? new Shape(in, out) : new Shape(out, in), Init.NORMAL);
        if (bias) {
            param("bias", new Shape(out), Init.ZEROS);
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
        return apply(x, w, prefix, bias, conv1d);
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

    public long in() {
        return in;
    }

    public long out() {
        return out;
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
            return new Linear(this);
        }
    }
}
