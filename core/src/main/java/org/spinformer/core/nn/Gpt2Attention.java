package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * GPT-2 self-attention (Radford et al. 2019) with the fused Hugging Face {@code Conv1D} layout:
 * [Q | K | V] = x W_attn + b_attn with W_attn [D,3D] (stored [in,out]), causal softmax(Q Kᵀ/√dh) V,
 * y = O W_proj + b_proj with W_proj [D,D]. Names relative to the prefix (e.g. {@code h.0.attn.}):
 * {@code c_attn.weight}, {@code c_attn.bias}, {@code c_proj.weight}, {@code c_proj.bias}.
 */
public final class Gpt2Attention extends Block<Gpt2Attention.Config> implements AttentionBlock {
    /** What the block was built with: width D, H heads (dh = D/H), causal mask or not. */
    public record Config(long dim, int heads, boolean causal) {}

    private Gpt2Attention(Builder b, Config config) {
        super(b, config);
        long dim = config.dim();
        param("c_attn.weight", new Shape(dim, 3 * dim), Init.NORMAL);
        param("c_attn.bias", new Shape(3 * dim), Init.ZEROS);
        param("c_proj.weight", new Shape(dim, dim), Init.NORMAL);
        param("c_proj.bias", new Shape(dim), Init.ZEROS);
    }

    /** Static twin: x [B,T,D], wAttn [D,3D], bAttn [3D], wProj [D,D], bProj [D] → [B,T,D]. */
    public static NDArray gpt2Attention(NDArray x, NDArray wAttn, NDArray bAttn, NDArray wProj, NDArray bProj,
            int heads, NDArray padMask, boolean causal) {
        long d = wProj.getShape().get(0);
        NDList qkv = Functional.conv1d(x, wAttn, bAttn).split(new long[] {d, 2 * d}, x.getShape().dimension() - 1);
        NDArray q = Functional.splitHeads(qkv.get(0), heads);
        NDArray k = Functional.splitHeads(qkv.get(1), heads);
        NDArray v = Functional.splitHeads(qkv.get(2), heads);
        NDArray o = Functional.mergeHeads(Attention.scaledDotProduct(q, k, v, padMask, causal));
        return Functional.conv1d(o, wProj, bProj);
    }

    @Override
    public NDArray forward(NDArray x, NDArray padMask) {
        checkInput(x, 3);
        return gpt2Attention(x, p("c_attn.weight"), p("c_attn.bias"), p("c_proj.weight"), p("c_proj.bias"),
                config.heads(), padMask, config.causal());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder: setDim, setHeads required; optCausal (default true). */
    public static final class Builder extends HeadsBuilder<Builder> {
        private boolean causal = true;

        public Builder optCausal(boolean causal) {
            this.causal = causal;
            return this;
        }

        public Gpt2Attention build() {
            require(dim > 0 && heads > 0 && dim % heads == 0, "Gpt2Attention needs dim divisible by heads, got "
                    + dim + ", " + heads);
            return new Gpt2Attention(this, new Config(dim, heads, causal));
        }
    }
}
