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
 *       {@code output.dense.*};</li>
 *   <li>pre-LN with layer scale (DINOv2, Oquab et al. 2023; CaiT, Touvron et al. 2021):
 *       h = x + λ₁ ⊙ Attn(LN₁(x)), y = h + λ₂ ⊙ MLP(LN₂(h)), λ [D]: {@code norm1.*}, {@code attention.attention.*},
 *       {@code attention.output.dense.*}, {@code layer_scale1.lambda1}, {@code norm2.*}, {@code mlp.fc1.*},
 *       {@code mlp.fc2.*}, {@code layer_scale2.lambda1}.</li>
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
     * Sub-prefixes (relative to the layer prefix, each ending in '.') of the first LayerNorm, the attention block,
     * the second LayerNorm and the MLP's two linear maps.
     */
    public record Names(String ln1, String attention, String ln2, String fc1, String fc2) {
        /** Post-LN BERT: {@code attention.output.LayerNorm.}, {@code attention.}, {@code output.LayerNorm.}, … */
        public static final Names BERT = new Names("attention.output.LayerNorm.", "attention.", "output.LayerNorm.",
                "intermediate.dense.", "output.dense.");
        /** Pre-LN ViT: {@code layernorm_before.}, {@code attention.}, {@code layernorm_after.}, … */
        public static final Names VIT = new Names("layernorm_before.", "attention.", "layernorm_after.",
                "intermediate.dense.", "output.dense.");
        /** Pre-LN DINOv2: {@code norm1.}, {@code attention.}, {@code norm2.}, {@code mlp.fc1.}, {@code mlp.fc2.}. */
        public static final Names DINOV2 = new Names("norm1.", "attention.", "norm2.", "mlp.fc1.", "mlp.fc2.");

        public Names {
            if (ln1 == null || attention == null || ln2 == null || fc1 == null || fc2 == null) {
                throw new IllegalArgumentException("EncoderLayer names must all be given");
            }
        }

        /** The MLP's two sub-prefixes. */
        public Mlp.Names mlp() {
            return new Mlp.Names(fc1, fc2);
        }
    }

    /**
     * What the layer was built with: width D, H heads (of the default attention), MLP hidden width F and activation,
     * pre- or post-LN, the LayerNorms' eps, the names and whether the residual branches are scaled by λ (pre-LN).
     */
    public record Config(long dim, int heads, long hidden, Functional.Activation act, boolean preNorm, double eps,
                         Names names, boolean layerScale) {}

    private final AttentionBlock attention;
    private final LayerNorm ln1;
    private final LayerNorm ln2;
    private final Mlp mlp;

    private EncoderLayer(Builder b, Config c) {
        super(b, c);
        Names n = c.names();
        String ap = prefix + n.attention();
        if (b.attention != null) {
            this.attention = b.attention.create(this, ap);
        } else {
            this.attention = MultiHeadAttention.builder().like(this).optPrefix(ap).setDim(c.dim()).setHeads(c.heads())
                    .optNames(c.preNorm() ? MultiHeadAttention.Names.VIT : MultiHeadAttention.Names.BERT).build();
        }
        this.ln1 = LayerNorm.builder().like(this).optPrefix(prefix + n.ln1()).setDim(c.dim()).optEps(c.eps()).build();
        this.mlp = Mlp.builder().like(this).optPrefix(prefix).setDim(c.dim()).setHidden(c.hidden())
                .optActivation(c.act()).optNames(n.mlp()).build();
        this.ln2 = LayerNorm.builder().like(this).optPrefix(prefix + n.ln2()).setDim(c.dim()).optEps(c.eps()).build();
        if (c.layerScale()) {
            param("layer_scale1.lambda1", new ai.djl.ndarray.types.Shape(c.dim()), Init.ONES);
            param("layer_scale2.lambda1", new ai.djl.ndarray.types.Shape(c.dim()), Init.ONES);
        }
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
            NDArray h = x.add(scaled(1, Scopes.keep(() -> attention.forward(ln1.forward(x, w), padMask, w)), w));
            return h.add(scaled(2, Scopes.keep(() -> mlp.forward(ln2.forward(h, w), w)), w));
        }
        NDArray h = ln1.forward(x.add(Scopes.keep(() -> attention.forward(x, padMask, w))), w);
        return ln2.forward(h.add(Scopes.keep(() -> mlp.forward(h, w))), w);
    }

    /** λ_k ⊙ branch with layer scale, else the branch. */
    private NDArray scaled(int k, NDArray branch, Weights w) {
        if (!config.layerScale()) {
            return branch;
        }
        NDArray lambda = w.get(prefix + "layer_scale" + k + ".lambda1");
        return branch.mul(w.perSample() ? Functional.perSampleBroadcast(lambda, branch.getShape().dimension())
                : lambda);
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
     * GELU), optNames (default {@link Names#BERT} or, pre-LN, {@link Names#VIT}), optAttention. The MLP settings
     * are those of {@link Mlp}'s builder.
     */
    public static final class Builder extends MlpBuilder<Builder> {
        private int heads = -1;
        private boolean preNorm;
        private double eps = 1e-12;
        private AttentionFactory attention;
        private Names names;
        private boolean layerScale;

        Builder() {
            super(Functional.Activation.GELU);
        }

        /** Number of heads H of the default multi-head attention (required without optAttention). */
        public Builder setHeads(int heads) {
            this.heads = heads;
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

        /** Names of the sub-blocks, e.g. the NQS ViT's {@code ("ln1.", "attn.", "ln2.", "mlp.fc1.", "mlp.fc2.")}. */
        public Builder optNames(Names names) {
            this.names = names;
            return this;
        }

        /** Pre-LN only: scale each residual branch by its own λ [D] ({@code layer_scale1/2.lambda1}; DINOv2). */
        public Builder optLayerScale(boolean layerScale) {
            this.layerScale = layerScale;
            return this;
        }

        /** A replacement attention block (default: multi-head attention with BERT or ViT names). */
        public Builder optAttention(AttentionFactory attention) {
            this.attention = attention;
            return this;
        }

        public EncoderLayer build() {
            requireDimAndHidden("EncoderLayer");
            require(attention != null || (heads > 0 && dim % heads == 0),
                    "EncoderLayer needs dim divisible by heads, got " + dim + ", " + heads);
            require(!layerScale || preNorm, "EncoderLayer layer scale needs pre-LN");
            Names n = names != null ? names : preNorm ? Names.VIT : Names.BERT;
            return new EncoderLayer(this, new Config(dim, heads, hidden, act, preNorm, eps, n, layerScale));
        }
    }
}
