package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;

/**
 * Two-layer feed-forward block: y = W₂ act(W₁ x + b₁) + b₂. x [..., D], hidden F, y [..., D].
 *
 * <p>Names relative to the prefix: {@link Names} {@code fc1} and {@code fc2} sub-prefixes, default
 * {@link Names#BERT} ({@code intermediate.dense.}, {@code output.dense.}); GPT-2 uses {@link Names#GPT2}
 * ({@code mlp.c_fc.}, {@code mlp.c_proj.}) with the Conv1D layout ({@link Builder#optConv1D}).
 */
public final class Mlp extends Block<Mlp.Config> {
    /** Sub-prefixes of the two linear maps. */
    public record Names(String fc1, String fc2) {
        /** BERT / ViT: {@code intermediate.dense.}, {@code output.dense.}. */
        public static final Names BERT = new Names("intermediate.dense.", "output.dense.");
        /** GPT-2: {@code mlp.c_fc.}, {@code mlp.c_proj.}. */
        public static final Names GPT2 = new Names("mlp.c_fc.", "mlp.c_proj.");
    }

    /** What the block was built with: W₁ [F,D], W₂ [D,F] (transposed with {@code conv1d}), biases, activation. */
    public record Config(long dim, long hidden, Functional.Activation act, boolean bias, boolean conv1d,
                         Names names) {}

    private final Linear fc1;
    private final Linear fc2;

    private Mlp(Builder b, Config c) {
        super(b, c);
        this.fc1 = Linear.builder().like(this).optPrefix(prefix + c.names().fc1()).setIn(c.dim()).setOut(c.hidden())
                .optBias(c.bias()).optConv1D(c.conv1d()).build();
        this.fc2 = Linear.builder().like(this).optPrefix(prefix + c.names().fc2()).setIn(c.hidden()).setOut(c.dim())
                .optBias(c.bias()).optConv1D(c.conv1d()).build();
    }

    /** x [..., D] → [..., D], with the block's own parameters. */
    public NDArray forward(NDArray x) {
        return forward(x, params);
    }

    /** x [..., D] → [..., D] with the parameters from {@code w} (shared, per sample or tapped: {@link Weights}). */
    public NDArray forward(NDArray x, Weights w) {
        return fc2.forward(config.act().apply(fc1.forward(x, w)), w);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder: setDim (D), setHidden (F) required. */
    public static final class Builder extends MlpBuilder<Builder> {
        Builder() {
            super(Functional.Activation.GELU);
        }
        private Names names = Names.BERT;
        private boolean conv1d;

        /** Sub-prefixes of the two linear maps (default {@link Names#BERT}). */
        public Builder optNames(Names names) {
            this.names = names;
            return this;
        }

        /** Hugging Face Conv1D weight layout [in,out] (GPT-2). */
        public Builder optConv1D(boolean conv1d) {
            this.conv1d = conv1d;
            return this;
        }

        public Mlp build() {
            requireDimAndHidden("Mlp");
            require(act != null && names != null, "Mlp needs an activation and names");
            return new Mlp(this, new Config(dim, hidden, act, bias, conv1d, names));
        }
    }
}
