package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Multi-head self-attention block with optional grouped-query attention, rotary embeddings, causal mask and
 * q/k/v biases; the maths is {@link Attention#selfAttention}.
 *
 * <pre>
 *   Q = x W_qᵀ + b_q  [B,H,T,dh],  K = x W_kᵀ + b_k,  V = x W_vᵀ + b_v  [B,H_kv,T,dh]
 *   (RoPE on Q, K)    O = softmax(Q Kᵀ/√dh + mask) V      y = O W_oᵀ + b_o   [B,T,D]
 * </pre>
 * Parameter names relative to the prefix come from {@link Names}: {@link Names#BERT}
 * ({@code self.query.weight}, …, {@code output.dense.weight}, prefix {@code encoder.layer.0.attention.}),
 * {@link Names#VIT} ({@code attention.query.weight}, …), {@link Names#LLAMA} ({@code q_proj.weight}, …,
 * {@code o_proj.weight}, prefix {@code model.layers.0.self_attn.}).
 */
public final class MultiHeadAttention extends Block<MultiHeadAttention.Config> implements AttentionBlock {
    /** Sub-prefixes of the four projections. */
    public record Names(String q, String k, String v, String o) {
        /** BERT / RoBERTa / MiniLM: {@code self.query.}, {@code self.key.}, {@code self.value.}, {@code output.dense.}. */
        public static final Names BERT = new Names("self.query.", "self.key.", "self.value.", "output.dense.");
        /** ViT: {@code attention.query.}, {@code attention.key.}, {@code attention.value.}, {@code output.dense.}. */
        public static final Names VIT = new Names("attention.query.", "attention.key.", "attention.value.",
                "output.dense.");
        /** Llama / Qwen2 / Mistral: {@code q_proj.}, {@code k_proj.}, {@code v_proj.}, {@code o_proj.}. */
        public static final Names LLAMA = new Names("q_proj.", "k_proj.", "v_proj.", "o_proj.");
    }

    /**
     * What the block was built with: width D, H query heads and H_kv key/value heads of width dh (W_q [H·dh,D],
     * W_k and W_v [H_kv·dh,D], W_o [D,H·dh]), biases, causal mask, RoPE (or null) and names.
     */
    public record Config(long dim, int heads, int kvHeads, long headDim, boolean qkvBias, boolean outBias,
                         boolean causal, Rope rope, Names names) {}

    private MultiHeadAttention(Builder b, Config c) {
        super(b, c);
        long d = c.dim();
        long dh = c.headDim();
        lin(c.names().q(), d, c.heads() * dh, c.qkvBias());
        lin(c.names().k(), d, c.kvHeads() * dh, c.qkvBias());
        lin(c.names().v(), d, c.kvHeads() * dh, c.qkvBias());
        lin(c.names().o(), c.heads() * dh, d, c.outBias());
    }

    private void lin(String sub, long in, long out, boolean bias) {
        param(sub + "weight", new Shape(out, in), Init.NORMAL);
        if (bias) {
            param(sub + "bias", new Shape(out), Init.ZEROS);
        }
    }

    @Override
    public NDArray forward(NDArray x, NDArray padMask) {
        checkInput(x, 3);
        Config c = config;
        Names n = c.names();
        NDArray[] tables = c.rope() == null ? null : c.rope().tables(x.getManager(), x.getShape().get(1), dtype);
        return Attention.selfAttention(x,
                p(n.q() + "weight"), c.qkvBias() ? p(n.q() + "bias") : null,
                p(n.k() + "weight"), c.qkvBias() ? p(n.k() + "bias") : null,
                p(n.v() + "weight"), c.qkvBias() ? p(n.v() + "bias") : null,
                p(n.o() + "weight"), c.outBias() ? p(n.o() + "bias") : null,
                c.heads(), c.kvHeads(), tables, padMask, c.causal());
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builder: setDim (D), setHeads (H) required; optKvHeads (H_kv, default H), optHeadDim (default D/H),
     * optQkvBias / optOutputBias (default true: BERT; Llama false/false, Qwen2 true/false), optNames (default
     * BERT), optCausal, optRope (default none).
     */
    public static final class Builder extends GqaBuilder<Builder> {
        private boolean outBias = true;
        private boolean causal;
        private Names names = Names.BERT;

        Builder() {
            super(true);
        }

        public Builder optOutputBias(boolean outBias) {
            this.outBias = outBias;
            return this;
        }

        public Builder optCausal(boolean causal) {
            this.causal = causal;
            return this;
        }

        public Builder optNames(Names names) {
            this.names = names;
            return this;
        }

        public MultiHeadAttention build() {
            require(dim > 0 && heads > 0, "MultiHeadAttention needs positive dim and heads, got " + dim + ", "
                    + heads);
            int kv = kvHeads < 0 ? heads : kvHeads;
            require(kv > 0 && heads % kv == 0, "heads " + heads + " must be a positive multiple of"
                    + " key/value heads " + kv);
            if (headDim < 0) {
                require(dim % heads == 0, "dim " + dim + " not divisible by heads " + heads + " (set optHeadDim)");
            }
            long dh = headDim < 0 ? dim / heads : headDim;
            require(rope == null || rope.headDim() == dh, "rope head dim " + (rope == null ? 0
                    : rope.headDim()) + " differs from the attention head dim " + dh);
            require(names != null, "names must not be null");
            return new MultiHeadAttention(this, new Config(dim, heads, kv, dh, qkvBias, outBias, causal, rope, names));
        }
    }
}
