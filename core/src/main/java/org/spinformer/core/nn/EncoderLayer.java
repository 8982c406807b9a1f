package org.spinformer.core.nn;

import org.spinformer.core.engine.Scopes;
import ai.djl.ndarray.NDArray;

/**
 * Transformer encoder layer (Vaswani et al. 2017) in two forms, x [B,T,D] → y [B,T,D]:
 * <pre>
 *   post-LN (BERT, Devlin et al. 2019):  h = LN₁(x + Attn(x)),      y = LN₂(h + MLP(h))
 *   pre-LN  (ViT, Dosovitskiy et al. 2021; Xiong et al. 2020):
 *                                        h = x + Attn(LN₁(x)),      y = h + MLP(LN₂(h))
 * </pre>
 * MLP(x) = W₂ act(W₁ x + b₁) + b₂ (act = exact GELU by default). Hugging Face names relative to the prefix
 * (e.g. {@code encoder.layer.0.}):
 * <ul>
 *   <li>post-LN (BERT): {@code attention.self.{query,key,value}.*}, {@code attention.output.dense.*},
 *       {@code attention.output.LayerNorm.*}, {@code intermediate.dense.*}, {@code output.dense.*},
 *       {@code output.LayerNorm.*};</li>
 *   <li>pre-LN (ViT): {@code layernorm_before.*}, {@code attention.attention.{query,key,value}.*},
 *       {@code attention.output.dense.*}, {@code layernorm_after.*}, {@code intermediate.dense.*},
 *       {@code output.dense.*}.</li>
 * </ul>
 * Any {@link AttentionBlock} (e.g. {@link FactoredAttentionBlock}) can replace multi-head attention through
 * {@link Builder#optAttention}; it receives the prefix {@code <layer prefix>attention.} (other names:
 * {@link Builder#optNames}). {@link #forward(NDArray, NDArray, Weights)} runs on shared, per-sample or tapped
 * parameters ({@link Weights}): the NQS ViT's blocks.
 */
public final class EncoderLayer extends Block<EncoderLayer.Config> {
    /** Creates the attention block of a layer; {@code layer} carries the shared parameters, dtype and seed. */
    @FunctionalInterface
    public interface AttentionFactory {
        AttentionBlock create(Block<?> layer, String attentionPrefix);
    }

    /**
     * What the layer was built with: width D, H heads (of the default attention), MLP hidden width F and activation,
     * pre- or post-LN and the LayerNorms' eps.
     */
    public record Config(long dim, int heads, long hidden, Functional.Activation act, boolean preNorm, double eps) {}

    private final AttentionBlock attention;
    private final LayerNorm ln1;
    private final LayerNorm ln2;
    private final Mlp mlp;

    private EncoderLayer(Builder b, Config c) {
        super(b, c);
        boolean preNorm = c.preNorm();
        String ap = prefix + (b.attentionName != null ? b.attentionName : "attention.");
        if (b.attention != null) {
            this.attention = b.attention.create(this, ap);
        } else {
            this.attention = MultiHeadAttention.builder().like(this).optPrefix(ap).setDim(c.dim()).setHeads(c.heads())
                    .optNames(preNorm ? MultiHeadAttention.Names.VIT : MultiHeadAttention.Names.BERT).build();
        }
        String n1 = b.ln1 != null ? b.ln1 : preNorm ? "layernorm_before." : "attention.output.LayerNorm.";
        String n2 = b.ln2 != null ? b.ln2 : preNorm ? "layernorm_after." : "output.LayerNorm.";
        this.ln1 = LayerNorm.builder().like(this).optPrefix(prefix + n1).setDim(c.dim()).optEps(c.eps()).build();
        Mlp.Builder mb = Mlp.builder().like(this).optPrefix(prefix).setDim(c.dim()).setHidden(c.hidden())
                .optActivation(c.act());
        if (b.fc1 != null) {
            mb.optNames(b.fc1, b.fc2);
        }
        this.mlp = mb.build();
        this.ln2 = LayerNorm.builder().like(this).optPrefix(prefix + n2).setDim(c.dim()).optEps(c.eps()).build();
    }

    /** x [B,T,D], padMask [B,T] or null → [B,T,D]. */
    public NDArray forward(NDArray x, NDArray padMask) {
        return forward(x, padMask, params);
    }

    /**
     * x [B,T,D], padMask [B,T] or null → [B,T,D] with the parameters from {@code w} (shared, per sample or tapped:
     * {@link Weights}; the attention block must support it, e.g. {@link FactoredAttentionBlock}). A tapping source
     * must keep what it holds out of the sub-blocks' scopes ({@code NDScope.unregister}).
     */
    public NDArray forward(NDArray x, NDArray padMask, Weights w) {
        checkInput(x, 3);
        // each sub-block's intermediates (q, k, v, scores, the MLP's hidden layer) are freed when it returns
        if (config.preNorm()) {
            NDArray h = x.add(Scopes.keep(() -> attention.forward(ln1.forward(x, w), padMask, w)));
            return h.add(Scopes.keep(() -> mlp.forward(ln2.forward(h, w), w)));
        }
        NDArray h = ln1.forward(x.add(Scopes.keep(() -> attention.forward(x, padMask, w))), w);
        return ln2.forward(h.add(Scopes.keep(() -> mlp.forward(h, w))), w);
    }

    public AttentionBlock attention() {
        return attention;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builder: setDim (D), setHeads (H), setHidden (F, {@code intermediate_size}) required; optPreNorm (default
     * false = BERT post-LN), optEps (default 1e-12, BERT/ViT {@code layer_norm_eps}), optActivation (default
     * GELU), optAttention.
     */
    public static final class Builder extends HeadsBuilder<Builder> {
        private long hidden = -1;
        private boolean preNorm;
        private double eps = 1e-12;
        private Functional.Activation act = Functional.Activation.GELU;
        private AttentionFactory attention;
        private String ln1;
        private String attentionName;
        private String ln2;
        private String fc1;
        private String fc2;

        public Builder setHidden(long hidden) {
            this.hidden = hidden;
            return this;
        }

        public Builder optPreNorm(boolean preNorm) {
            this.preNorm = preNorm;
            return this;
        }

        public Builder optEps(double eps) {
            this.eps = eps;
            return this;
        }

        public Builder optActivation(Functional.Activation act) {
            this.act = act;
            return this;
        }

        /**
         * Sub-prefixes (relative to the layer prefix, each ending in '.') of the first LayerNorm, the attention block,
         * the second LayerNorm and the MLP's two linear maps; default the Hugging Face names above (e.g. the NQS ViT:
         * {@code ln1.}, {@code attn.}, {@code ln2.}, {@code mlp.fc1.}, {@code mlp.fc2.}).
         */
        public Builder optNames(String ln1, String attention, String ln2, String fc1, String fc2) {
            this.ln1 = ln1;
            this.attentionName = attention;
            this.ln2 = ln2;
            this.fc1 = fc1;
            this.fc2 = fc2;
            return this;
        }

        /** A replacement attention block (default: multi-head attention with BERT or ViT names). */
        public Builder optAttention(AttentionFactory attention) {
            this.attention = attention;
            return this;
        }

        public EncoderLayer build() {
            require(dim > 0 && hidden > 0, "EncoderLayer needs positive dim and hidden, got " + dim + ", " + hidden);
            require(ln1 == null || (attentionName != null && ln2 != null && fc1 != null && fc2 != null),
                    "EncoderLayer names must all be given");
            require(attention != null || (heads > 0 && dim % heads == 0),
                    "EncoderLayer needs dim divisible by heads, got " + dim + ", " + heads);
            return new EncoderLayer(this, new Config(dim, heads, hidden, act, preNorm, eps));
        }
    }
}
