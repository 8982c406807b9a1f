package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Scaled dot-product attention (Vaswani et al., NeurIPS 2017) with padding and causal masks and grouped-query
 * attention (Ainslie et al., EMNLP 2023; Llama 3, Qwen2), as pure functions.
 *
 * <pre>
 *   s_hij = q_hi · k_gj / √dh           g = ⌊h / (H / H_kv)⌋ (the key/value head shared by query head h)
 *   s_hij = −∞   where mask_bj = 0 or (causal and j > i + S − T)
 *   p_hij = softmax_j(s_hij)
 *   o_hi  = Σ_j p_hij v_gj
 * </pre>
 * Shapes: q [B,H,T,dh], k and v [B,H_kv,S,dh] with H a multiple of H_kv, padding mask [B,S] (non-zero = a real
 * token, Hugging Face {@code attention_mask} convention), output [B,H,T,dh]. Masked scores get a large
 * negative finite bias ({@link #MASKED}): their weight is exactly 0 in float64 and float32, and a row with every
 * key masked gives an average instead of NaN.
 * Query head h uses key/value head h / (H/H_kv), the layout of Hugging Face {@code repeat_kv}.
 */
public final class Attention {
    private Attention() {}

    /** The fill value for masked scores (finite: no NaN for a fully masked row). */
    public static final double MASKED = -1e9;

    /**
     * Attention probabilities p [B,H,T,S].
     *
     * @param q queries [B,H,T,dh]
     * @param k keys [B,H_kv,S,dh]
     * @param padMask [B,S] (non-zero keeps the key) or null
     * @param causal whether query i may only see keys j ≤ i + S − T
     */
    public static NDArray probabilities(NDArray q, NDArray k, NDArray padMask, boolean causal) {
        Shape qs = q.getShape();
        long b = qs.get(0);
        long h = qs.get(1);
        long t = qs.get(2);
        long dh = qs.get(3);
        long hkv = k.getShape().get(1);
        long s = k.getShape().get(2);
        if (h % hkv != 0) {
            throw new IllegalArgumentException("query heads " + h + " not a multiple of key/value heads " + hkv);
        }
        long rep = h / hkv;
        NDArray q5 = q.reshape(b, hkv, rep, t, dh);
        NDArray k5 = k.expandDims(2).transpose(0, 1, 2, 4, 3); // [B,Hkv,1,dh,S]
        NDArray scores = Functional.scale(q5.matMul(k5).reshape(b, h, t, s), 1.0 / Math.sqrt(dh));
        NDArray keep = keepMask(q.getManager(), padMask, causal, t, s); // [B|1,1,T|1,S] bool or null
        if (keep != null) {
            scores = scores.add(maskBias(keep, scores.getDataType()));
        }
        return scores.softmax(-1);
    }

    /**
     * Scaled dot-product attention, output [B,H,T,dh].
     *
     * @param q queries [B,H,T,dh]
     * @param k keys [B,H_kv,S,dh]
     * @param v values [B,H_kv,S,dh]
     * @param padMask [B,S] (non-zero keeps the key) or null
     * @param causal causal mask
     */
    public static NDArray scaledDotProduct(NDArray q, NDArray k, NDArray v, NDArray padMask, boolean causal) {
        Shape qs = q.getShape();
        long b = qs.get(0);
        long h = qs.get(1);
        long t = qs.get(2);
        long hkv = k.getShape().get(1);
        long s = k.getShape().get(2);
        long dv = v.getShape().get(3);
        NDArray p = probabilities(q, k, padMask, causal).reshape(b, hkv, h / hkv, t, s);
        return p.matMul(v.expandDims(2)).reshape(b, h, t, dv);
    }

    /** Additive mask: 0 where {@code keep} is true, {@link #MASKED} where false (exact: adding 0 keeps a score). */
    public static NDArray maskBias(NDArray keep, DataType dtype) {
        return keep.toType(dtype, false).sub(1.0).mul(-MASKED);
    }

    /**
     * The boolean keep mask, broadcastable to [B,1,T,S]: padding [B,1,1,S] and/or causal [1,1,T,S]; null
     * when neither applies.
     */
    public static NDArray keepMask(NDManager m, NDArray padMask, boolean causal, long t, long s) {
        NDArray keep = null;
        if (causal) {
            NDArray i = m.arange(0L, t, 1L, DataType.INT64).add(s - t).reshape(t, 1);
            NDArray j = m.arange(0L, s, 1L, DataType.INT64).reshape(1, s);
            keep = i.gte(j).reshape(1, 1, t, s);
        }
        if (padMask != null) {
            NDArray pad = Functional.local(padMask.neq(0), m).reshape(padMask.getShape().get(0), 1, 1, s);
            keep = keep == null ? pad : keep.logicalAnd(pad);
        }
        return keep;
    }

    /**
     * Multi-head self-attention with separate projections (BERT, ViT, Llama, Qwen2 layouts):
     * Q = x W_qᵀ + b_q, K = x W_kᵀ + b_k, V = x W_vᵀ + b_v, split into H (queries) and H_kv (keys, values)
     * heads of width dh, optional rotary embedding of Q and K, attention, merge, y = O W_oᵀ + b_o.
     *
     * @param x input [B,T,D]
     * @param wq [H·dh, D]; wk, wv [H_kv·dh, D]; wo [D, H·dh]; biases or null
     * @param heads H; kvHeads H_kv
     * @param rope rotary cos/sin tables [T,dh] as {cos, sin}, or null
     * @param padMask [B,T] or null
     * @param causal causal mask
     * @return [B,T,D]
     */
    public static NDArray selfAttention(NDArray x, NDArray wq, NDArray bq, NDArray wk, NDArray bk, NDArray wv,
            NDArray bv, NDArray wo, NDArray bo, int heads, int kvHeads, NDArray[] rope, NDArray padMask,
            boolean causal) {
        NDArray q = Functional.splitHeads(Functional.linear(x, wq, bq), heads);
        NDArray k = Functional.splitHeads(Functional.linear(x, wk, bk), kvHeads);
        NDArray v = Functional.splitHeads(Functional.linear(x, wv, bv), kvHeads);
        if (rope != null) {
            q = Rope.apply(q, rope[0], rope[1]);
            k = Rope.apply(k, rope[0], rope[1]);
        }
        NDArray o = Functional.mergeHeads(scaledDotProduct(q, k, v, padMask, causal));
        return Functional.linear(o, wo, bo);
    }
}
