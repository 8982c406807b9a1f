package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Factored self-attention block (Rende et al., PRR 6, 023057, 2024; Viteritti, Rende, Becca, PRL 130, 236401,
 * 2023): the attention matrix depends on positions only; the maths is {@link FactoredAttention}.
 *
 * <pre>
 *   V = x W_vᵀ + b_v [B,H,T,dh],   y_i = W_o concat_h(Σ_j α_hij V_hj) + b_o     x, y [B,T,D]
 *   (a) FREE:                    α_hij free parameters, no softmax              {@code alpha} [H,T,T]
 *   (b) SOFTMAX:                 α_h = softmax_j(s_hij)                         {@code score} [H,T,T]
 *   (c) TRANSLATION_INVARIANT:   α_hij = a_h[(r_j − r_i) mod L]  (ring or torus) {@code alpha} [H,n]
 * </pre>
 * Other names relative to the prefix: {@code value.weight} [D,D], {@code value.bias}, {@code output.weight}
 * [D,D], {@code output.bias} (no output projection with {@code optOutput(false)}). A padding mask zeroes the
 * padded keys' columns (forms a, c) or removes them from the softmax (b). Form (c) on a ring of L sites has
 * n = L, on an Lx×Ly torus n = Lx·Ly; sites numbered i = x·Ly + y.
 */
public final class FactoredAttentionBlock extends Block<FactoredAttentionBlock.Config> implements AttentionBlock {
    /** The three forms of the positional attention matrix. */
    public enum Form {
        /** (a) free real α[H,T,T], no softmax. */
        FREE,
        /** (b) softmax over a learned positional score [H,T,T]. */
        SOFTMAX,
        /** (c) translation invariant α[H,n] on a ring or torus. */
        TRANSLATION_INVARIANT
    }

    /**
     * What the block was built with: the form, width D, H heads, T tokens (form c: on an Lx×Ly torus, or a ring
     * when lx = ly = −1), value/output biases, the output projection, σ of α (or score) at initialisation.
     */
    public record Config(Form form, long dim, int heads, long tokens, int lx, int ly, boolean bias, boolean output,
                         double alphaStd) {}

    private final NDArray index; // int64 [T,T] for form (c)

    private FactoredAttentionBlock(Builder b, Config c, NDManager indexManager) {
        super(b, c);
        long d = c.dim();
        long t = c.tokens();
        switch (c.form()) {
            case FREE:
                param("alpha", new Shape(c.heads(), t, t), Init.NORMAL, c.alphaStd());
                this.index = null;
                break;
            case SOFTMAX:
                param("score", new Shape(c.heads(), t, t), Init.NORMAL, c.alphaStd());
                this.index = null;
                break;
            default:
                NDManager im = indexManager != null ? indexManager : params.get(prefix + "alpha").getManager();
                this.index = c.lx() > 0 ? FactoredAttention.torusIndex(im, c.lx(), c.ly())
                        : FactoredAttention.ringIndex(im, (int) t);
                param("alpha", new Shape(c.heads(), t), Init.NORMAL, c.alphaStd());
        }
        param("value.weight", new Shape(d, d), Init.NORMAL);
        if (c.bias()) {
            param("value.bias", new Shape(d), Init.ZEROS);
        }
        if (c.output()) {
            param("output.weight", new Shape(d, d), Init.NORMAL);
            if (c.bias()) {
                param("output.bias", new Shape(d), Init.ZEROS);
            }
        }
    }

    /** The attention matrix α [H,T,T] (no mask), owned by {@code m}. */
    public NDArray alpha(NDManager m) {
        return alpha(params, m);
    }

    /** The attention matrix from {@code w}: α [H,T,T] (shared) or [B,H,T,T] (per sample), owned by {@code m}. */
    public NDArray alpha(Weights w, NDManager m) {
        switch (config.form()) {
            case FREE:
                return w.get(prefix + "alpha");
            case SOFTMAX:
                return Functional.local(w.get(prefix + "score").softmax(-1), m);
            default:
                return FactoredAttention.translationInvariantAlpha(w.get(prefix + "alpha"), index, m);
        }
    }

    @Override
    public NDArray forward(NDArray x, NDArray padMask) {
        return forward(x, padMask, params);
    }

    /**
     * x [B,T,D], padMask [B,T] or null → [B,T,D] with the parameters from {@code w} (shared, per sample or tapped:
     * {@link Weights}); the mixing output goes through {@link Weights#tap} ({@link Weights.Tap#MIXING}, with the full
     * name of {@code alpha} or {@code score} and the values V).
     */
    @Override
    public NDArray forward(NDArray x, NDArray padMask, Weights w) {
        checkInput(x, 3);
        Form form = config.form();
        long tokens = config.tokens();
        if (x.getShape().get(1) != tokens) {
            throw new IllegalArgumentException("factored attention '" + prefix + "' was built for T = " + tokens
                    + " tokens, got input " + x.getShape());
        }
        NDArray alpha;
        if (padMask == null) {
            alpha = alpha(w, x.getManager());
        } else if (form == Form.SOFTMAX) {
            NDArray score = w.get(prefix + "score");
            alpha = w.perSample() ? Functional.local(Attention.maskBias(Functional.local(padMask.duplicate(), x)
                    .neq(0).reshape(x.getShape().get(0), 1, 1, tokens), score.getDataType()).add(score).softmax(-1), x)
                    : FactoredAttention.softmaxAlpha(score, Functional.local(padMask.duplicate(), x));
        } else {
            NDArray a = alpha(w, x.getManager());
            NDArray mask = Functional.local(padMask.duplicate(), x);
            alpha = w.perSample() ? mask.neq(0).toType(a.getDataType(), false)
                    .reshape(x.getShape().get(0), 1, 1, tokens).mul(a) : FactoredAttention.maskAlpha(a, mask);
        }
        NDArray v = Functional.splitHeads(Linear.apply(x, w, prefix + "value.", config.bias(), false),
                config.heads()); // [B,H,T,dh]
        NDArray o = FactoredAttention.mix(alpha, v);
        if (w.taps()) {
            o = w.tap(Weights.Tap.MIXING, prefix + (form == Form.SOFTMAX ? "score" : "alpha"), v, o);
        }
        return config.output() ? Linear.apply(o, w, prefix + "output.", config.bias(), false) : o;
    }

    /** The int64 [T,T] offset table of form (c), or null. */
    public NDArray index() {
        return index;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builder: setForm, setDim (D), setHeads (H), and setTokens (T) or optRing(L) / optTorus(Lx, Ly) required;
     * optBias (default true), optOutput (default true), optAlphaStd (σ of α or score, default 1/T).
     */
    public static final class Builder extends HeadsBuilder<Builder> {
        private Form form;
        private long tokens = -1;
        private int lx = -1;
        private int ly = -1;
        private boolean output = true;
        private double alphaStd = -1;

        public Builder setForm(Form form) {
            this.form = form;
            return this;
        }

        /** Sequence length T (forms a, b; for c: a ring of T sites). */
        public Builder setTokens(long tokens) {
            this.tokens = tokens;
            return this;
        }

        /** Form (c) on a ring of L sites (T = L). */
        public Builder optRing(int l) {
            this.tokens = l;
            this.lx = -1;
            return this;
        }

        /** Form (c) on an Lx×Ly torus (T = Lx·Ly). */
        public Builder optTorus(int lx, int ly) {
            this.lx = lx;
            this.ly = ly;
            this.tokens = (long) lx * ly;
            return this;
        }

        public Builder optOutput(boolean output) {
            this.output = output;
            return this;
        }

        public Builder optAlphaStd(double std) {
            this.alphaStd = std;
            return this;
        }

        public FactoredAttentionBlock build() {
            require(form != null, "FactoredAttentionBlock needs a form (setForm)");
            require(dim > 0 && heads > 0 && dim % heads == 0, "FactoredAttentionBlock needs dim divisible by heads,"
                    + " got " + dim + ", " + heads);
            require(tokens > 0, "FactoredAttentionBlock needs the number of tokens (setTokens, optRing or optTorus)");
            require(lx < 0 || (lx > 0 && ly > 0), "torus sides must be positive");
            require(lx < 0 || form == Form.TRANSLATION_INVARIANT, "optTorus applies to the translation-invariant form");
            return new FactoredAttentionBlock(this, new Config(form, dim, heads, tokens, lx, ly, bias, output,
                    alphaStd < 0 ? 1.0 / tokens : alphaStd), manager);
        }
    }
}
