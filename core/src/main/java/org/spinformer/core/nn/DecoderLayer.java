package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import org.spinformer.core.engine.Scopes;

import java.util.function.UnaryOperator;

/**
 * Causal pre-norm decoder layer, x [B,T,D] → y [B,T,D]: h = x + Attn(N₁(x)), y = h + MLP(N₂(h)), in two forms.
 * <ul>
 *   <li>{@link Style#GPT2} (Radford et al. 2019), prefix e.g. {@code h.0.}: N = LayerNorm ({@code ln_1},
 *       {@code ln_2}, eps 1e-5), {@link Gpt2Attention} ({@code attn.c_attn}, {@code attn.c_proj}, Conv1D
 *       layout [in,out]), MLP = c_proj(GELU_tanh(c_fc x)) ({@code mlp.c_fc}, {@code mlp.c_proj}, Conv1D).</li>
 *   <li>{@link Style#LLAMA} (Touvron et al. 2023; Llama 3, Qwen2), prefix e.g. {@code model.layers.0.}:
 *       N = RMSNorm ({@code input_layernorm}, {@code post_attention_layernorm}), {@link MultiHeadAttention}
 *       with RoPE and grouped-query attention ({@code self_attn.{q,k,v,o}_proj}, biases on q/k/v with
 *       {@code optQkvBias} as in Qwen2), {@link GatedMlp} ({@code mlp.{gate,up,down}_proj}).</li>
 * </ul>
 */
public final class DecoderLayer extends Block<DecoderLayer.Config> {
    /** The two decoder forms. */
    public enum Style {
        /** GPT-2: LayerNorm, fused Conv1D attention, GELU (tanh) MLP. */
        GPT2,
        /** Llama / Qwen2: RMSNorm, RoPE + GQA attention, SwiGLU MLP. */
        LLAMA
    }

    /**
     * What the layer was built with: width D, H heads, hidden width F, the norms' eps and, for {@link Style#LLAMA},
     * H_kv key/value heads of width dh, RoPE and q/k/v biases (GPT-2: H_kv = H, dh = D/H, no RoPE).
     */
    public record Config(Style style, long dim, int heads, int kvHeads, long headDim, long hidden, double eps,
                         Rope rope, boolean qkvBias) {}

    private final UnaryOperator<NDArray> norm1;
    private final UnaryOperator<NDArray> norm2;
    private final UnaryOperator<NDArray> mlp;
    private final AttentionBlock attention;

    private DecoderLayer(Builder b, Config c) {
        super(b, c);
        long d = c.dim();
        if (c.style() == Style.GPT2) {
            LayerNorm l1 = LayerNorm.builder().like(this).optPrefix(prefix + "ln_1.").setDim(d).optEps(c.eps()).build();
            this.attention = Gpt2Attention.builder().like(this).optPrefix(prefix + "attn.").setDim(d)
                    .setHeads(c.heads()).build();
            LayerNorm l2 = LayerNorm.builder().like(this).optPrefix(prefix + "ln_2.").setDim(d).optEps(c.eps()).build();
            Mlp m = Mlp.builder().like(this).optPrefix(prefix).setDim(d).setHidden(c.hidden())
                    .optNames(Mlp.Names.GPT2).optConv1D(true)
                    .optActivation(Functional.Activation.GELU_TANH).build();
            this.norm1 = l1::forward;
            this.norm2 = l2::forward;
            this.mlp = m::forward;
        } else {
            RmsNorm l1 = RmsNorm.builder().like(this).optPrefix(prefix + "input_layernorm.").setDim(d)
                    .optEps(c.eps()).build();
            this.attention = MultiHeadAttention.builder().like(this).optPrefix(prefix + "self_attn.").setDim(d)
                    .setHeads(c.heads()).optKvHeads(c.kvHeads()).optHeadDim(c.headDim()).optQkvBias(c.qkvBias())
                    .optOutputBias(false).optNames(MultiHeadAttention.Names.LLAMA).optCausal(true).optRope(c.rope())
                    .build();
            RmsNorm l2 = RmsNorm.builder().like(this).optPrefix(prefix + "post_attention_layernorm.").setDim(d)
                    .optEps(c.eps()).build();
            GatedMlp m = GatedMlp.builder().like(this).optPrefix(prefix + "mlp.").setDim(d).setHidden(c.hidden())
                    .build();
            this.norm1 = l1::forward;
            this.norm2 = l2::forward;
            this.mlp = m::forward;
        }
    }

    /** x [B,T,D], padMask [B,T] or null → [B,T,D] (causal). */
    public NDArray forward(NDArray x, NDArray padMask) {
        checkInput(x, 3);
        // each half's intermediates are freed as soon as it returns (as EncoderLayer does), so a layer holds one
        // half's at a time: what bounds the peak when streaming a large model layer by layer
        NDArray h = x.add(Scopes.keep(() -> attention.forward(norm1.apply(x), padMask)));
        NDArray y = h.add(Scopes.keep(() -> mlp.apply(norm2.apply(h))));
        h.close();
        return y;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builder: setStyle, setDim (D), setHeads (H), setHidden (F) required; optEps (default 1e-5), and for LLAMA
     * optKvHeads (default H), optHeadDim (default D/H), optRope (default θ = 10000, no scaling), optQkvBias
     * (default false; true for Qwen2).
     */
    public static final class Builder extends GqaBuilder<Builder> {
        private Style style;
        private long hidden = -1;
        private double eps = 1e-5;

        Builder() {
            super(false);
        }

        public Builder setStyle(Style style) {
            this.style = style;
            return this;
        }

        public Builder setHidden(long hidden) {
            this.hidden = hidden;
            return this;
        }

        public Builder optEps(double eps) {
            this.eps = eps;
            return this;
        }

        public DecoderLayer build() {
            require(style != null, "DecoderLayer needs a style (GPT2 or LLAMA)");
            require(dim > 0 && heads > 0 && hidden > 0, "DecoderLayer needs positive dim, heads and hidden");
            require(headDim > 0 || dim % heads == 0, "dim " + dim + " not divisible by heads " + heads);
            require(style == Style.LLAMA || (kvHeads < 0 && rope == null && !qkvBias && headDim < 0),
                    "kvHeads, headDim, rope and qkvBias apply to the LLAMA style only");
            long dh = headDim > 0 ? headDim : dim / heads;
            Rope r = style == Style.GPT2 ? null : rope != null ? rope : Rope.of((int) dh, 10000.0);
            return new DecoderLayer(this, new Config(style, dim, heads, kvHeads > 0 ? kvHeads : heads, dh, hidden, eps,
                    r, qkvBias));
        }
    }
}
