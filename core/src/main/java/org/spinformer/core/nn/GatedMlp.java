package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;

/**
 * Gated feed-forward block, SwiGLU (Shazeer, arXiv:2002.05202; Llama, Qwen2):
 * y = W_down (SiLU(W_gate x) ⊙ W_up x). x [..., D], gate/up [F,D], down [D,F], no biases.
 * Names relative to the prefix (e.g. {@code model.layers.0.mlp.}): {@code gate_proj.weight},
 * {@code up_proj.weight}, {@code down_proj.weight}.
 */
public final class GatedMlp extends Block<GatedMlp.Config> {
    /** What the block was built with: W_gate, W_up [F,D], W_down [D,F], the gate's activation. */
    public record Config(long dim, long hidden, Functional.Activation act) {}

    private GatedMlp(Builder b, Config c) {
        super(b, c);
        Linear.builder().like(this).optPrefix(prefix + "gate_proj.").setIn(c.dim()).setOut(c.hidden()).optBias(false)
                .build();
        Linear.builder().like(this).optPrefix(prefix + "up_proj.").setIn(c.dim()).setOut(c.hidden()).optBias(false)
                .build();
        Linear.builder().like(this).optPrefix(prefix + "down_proj.").setIn(c.hidden()).setOut(c.dim()).optBias(false)
                .build();
    }

    public NDArray forward(NDArray x) {
        checkInput(x, 0);
        return Functional.gatedMlp(x, p("gate_proj.weight"), p("up_proj.weight"), p("down_proj.weight"),
                config.act());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder: setDim (D), setHidden (F, {@code intermediate_size}) required; optActivation (default SiLU). */
    public static final class Builder extends MlpBuilder<Builder> {
        Builder() {
            super(Functional.Activation.SILU);
        }

        public GatedMlp build() {
            requireDimAndHidden("GatedMlp");
            return new GatedMlp(this, new Config(dim, hidden, act));
        }
    }
}
