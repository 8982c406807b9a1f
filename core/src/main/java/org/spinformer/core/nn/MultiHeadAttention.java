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
public final class MultiHeadAttention extends Block implements AttentionBlock {
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

    private final int heads;
    private final int kvHeads;
    private final boolean qkvBias;
    private final boolean outBias;
    private final boolean causal;
    private final Rope rope;
    private final Names names;

    private MultiHeadAttention(Builder b) {
        super(b);
        this.heads = b.heads;
        this.kvHeads = b.kvHeads;
        this.qkvBias = b.qkvBias;
        this.outBias = b.outBias;
        this.causal = b.causal;
        this.rope = b.rope;
        this.names = b.names;
        long d = b.dim;
        long dh = b.headDim;
        lin(names.q(), d, heads * dh, qkvBias);
        lin(names.k(), d, kvHeads * dh, qkvBias);
        lin(names.v(), d, kvHeads * dh, qkvBias);
        lin(names.o(), heads * dh, d, outBias);
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
        NDArray[] tables = rope == null ? null : rope.tables(x.getManager(), x.getShape().get(1), dtype);
        return Attention.selfAttention(x,
                p(names.q() + "weight"), qkvBias ? p(names.q() + "bias") : null,
                p(names.k() + "weight"), qkvBias ? p(names.k() + "bias") : null,
                p(names.v() + "weight"), qkvBias ? p(names.v() + "bias") : null,
                p(names.o() + "weight"), outBias ? p(names.o() + "bias") : null,
                heads, kvHeads, tables, padMask, causal);
    }

    public int heads() {
        return heads;
    }

    public int kvHeads() {
        return kvHeads;
    }

    public boolean causal() {
        return causal;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builder: setDim (D), setHeads (H) required; optKvHeads (H_kv, default H), optHeadDim (default D/H),
     * optQkvBias / optOutputBias (default true: BERT; Llama false/false, Qwen2 true/false), optNames (default
     * BERT), optCausal, optRope.
     */
    public static final class Builder extends HeadsBuilder<Builder> {
        private int kvHeads = -1;
        private long headDim = -1;
        private boolean qkvBias = true;
        private boolean outBias = true;
        private boolean causal;
        private Rope rope;
        private Names names = Names.BERT;

        /** Key/value heads H_kv (grouped-query attention); H must be a multiple. Default H. */
        public Builder optKvHeads(int kvHeads) {
            this.kvHeads = kvHeads;
            return this;
        }

        /** Head width dh (default D/H). */
        public Builder optHeadDim(long headDim) {
            this.headDim = headDim;
            return this;
        }

        public Builder optQkvBias(boolean qkvBias) {
            this.qkvBias = qkvBias;
            return this;
        }

        public Builder optOutputBias(boolean outBias) {
            this.outBias = outBias;
            return this;
        }

        public Builder optCausal(boolean causal) {
            this.causal = causal;
            return this;
        }

        /** Rotary embeddings of Q and K (null: none). */
        public Builder optRope(Rope rope) {
            this.rope = rope;
            return this;
        }

        public Builder optNames(Names names) {
            this.names = names;
            return this;
        }

        public MultiHeadAttention build() {
            require(dim > 0 && heads > 0, "MultiHeadAttention needs positive dim and heads, got " + dim + ", "
                    + heads);
            if (kvHeads < 0) {
                kvHeads = heads;
            }
            require(kvHeads > 0 && heads % kvHeads == 0, "heads " + heads + " must be a positive multiple of"
                    + " key/value heads " + kvHeads);
            if (headDim < 0) {
                require(dim % heads == 0, "dim " + dim + " not divisible by heads " + heads + " (set optHeadDim)");
                headDim = dim / heads;
            }
            require(rope == null || rope.headDim() == headDim, "rope head dim " + (rope == null ? 0
                    : rope.headDim()) + " differs from the attention head dim " + headDim);
            require(names != null, "names must not be null");
            return new MultiHeadAttention(this);
        }
    }
}
