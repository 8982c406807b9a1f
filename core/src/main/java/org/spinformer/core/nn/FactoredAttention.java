package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Factored self-attention (Rende et al., PRR 6, 023057, 2024; Viteritti, Rende, Becca, PRL 130, 236401, 2023):
 * no queries or keys, the attention matrix depends on positions only.
 *
 * <pre>
 *   V   = x W_vᵀ + b_v                 x [B,T,D] → V [B,H,T,dh]   (D = H·dh)
 *   O_h = α_h V_h                      α [H,T,T]
 *   y   = concat_h(O_h) W_oᵀ + b_o     y [B,T,D]
 * </pre>
 * Three forms of α: (a) a free real matrix per head (no softmax), (b) softmax over the last axis of a learned
 * positional score, (c) translation invariant α_ij = a_h[(r_j − r_i) mod L] on a ring or torus.
 */
public final class FactoredAttention {
    private FactoredAttention() {}

    /**
     * Applies factored attention with a given per-head matrix.
     *
     * @param x input [B,T,D]
     * @param alpha attention matrices [H,T,T] (or per-sample [B,H,T,T], e.g. from {@link #maskAlpha})
     * @param wv value weight [D,D], bv value bias [D] or null
     * @param wo output weight [D,D] or null for no output projection, bo output bias [D] or null
     * @return [B,T,D]
     */
    public static NDArray apply(NDArray x, NDArray alpha, NDArray wv, NDArray bv, NDArray wo, NDArray bo) {
        int heads = (int) alpha.getShape().get(alpha.getShape().dimension() - 3);
        NDArray v = Functional.splitHeads(Functional.linear(x, wv, bv), heads); // [B,H,T,dh]
        NDArray y = mix(alpha, v);
        return wo == null ? y : Functional.linear(y, wo, bo);
    }

    /**
     * The mixing O_h = α_h V_h, heads merged: α [H,T,T] (shared) or [B,H,T,T] (per sample), V [B,H,T,dh] → [B,T,D].
     * A shared α runs as H GEMMs [T,T]·[T,B·dh] (a broadcast batched product would run B·H tiny ones); the result is
     * owned by V's manager.
     */
    public static NDArray mix(NDArray alpha, NDArray v) {
        Shape s = v.getShape();
        long b = s.get(0);
        long h = s.get(1);
        long t = s.get(2);
        long dh = s.get(3);
        if (alpha.getShape().dimension() == 3) {
            NDArray vt = v.transpose(1, 2, 0, 3).reshape(h, t, b * dh); // [H,T,B·dh]
            return Functional.local(alpha.matMul(vt), v).reshape(h, t, b, dh).transpose(2, 1, 0, 3)
                    .reshape(b, t, h * dh);
        }
        return Functional.mergeHeads(Functional.local(alpha.matMul(v), v));
    }

    /**
     * Applies a padding mask to a form (a) or (c) matrix: α_bhij = α_hij · m_bj (padded keys contribute nothing).
     *
     * @param alpha [H,T,T]
     * @param padMask [B,T] (non-zero = real token)
     * @return [B,H,T,T], owned by the mask's manager
     */
    public static NDArray maskAlpha(NDArray alpha, NDArray padMask) {
        long b = padMask.getShape().get(0);
        long t = padMask.getShape().get(1);
        NDArray keep = padMask.neq(0).toType(alpha.getDataType(), false).reshape(b, 1, 1, t);
        return keep.mul(Functional.local(alpha.expandDims(0), padMask));
    }

    /**
     * Form (b) with padding: α_bh = softmax_j(score_hij, masked to −∞ where m_bj = 0). score [H,T,T],
     * padMask [B,T] → [B,H,T,T], owned by the mask's manager.
     */
    public static NDArray softmaxAlpha(NDArray score, NDArray padMask) {
        long b = padMask.getShape().get(0);
        long t = padMask.getShape().get(1);
        NDArray bias = Attention.maskBias(padMask.neq(0).reshape(b, 1, 1, t), score.getDataType()); // [B,1,1,T]
        return bias.add(score).softmax(-1); // [B,H,T,T]
    }

    /** Form (b): α = softmax(score, axis=-1). score [H,T,T]. */
    public static NDArray softmaxAlpha(NDArray score) {
        return score.softmax(-1);
    }

    /**
     * Form (c): expands translation-invariant parameters a [H,n] into α [H,T,T] with α_hij = a_h[index_ij].
     *
     * @param a parameters [H,n]
     * @param index int64 [T,T] table from {@link #ringIndex} or {@link #torusIndex}
     */
    public static NDArray translationInvariantAlpha(NDArray a, NDArray index) {
        return translationInvariantAlpha(a, index, index.getManager());
    }

    /**
     * As {@link #translationInvariantAlpha(NDArray, NDArray)}, every intermediate owned by {@code m}; a [H,n] → α
     * [H,T,T], or per sample a [B,H,n] → α [B,H,T,T].
     */
    public static NDArray translationInvariantAlpha(NDArray a, NDArray index, NDManager m) {
        long t = index.getShape().get(0);
        if (a.getShape().dimension() == 3) {
            long b = a.getShape().get(0);
            long h = a.getShape().get(1);
            NDArray ix = Functional.local(index.reshape(1, 1, t * t), m).broadcast(b, h, t * t); // int64 [B,H,T·T]
            return Functional.local(a.gather(ix, 2), m).reshape(b, h, t, t);
        }
        long h = a.getShape().get(0);
        // α[h, i·T + j] = a[h, index_ij] as one gather along axis 1 (forward and backward ~2x faster than a flat
        // take or an embedding lookup, measured on a 10x10 torus with 12 heads)
        NDArray ix = Functional.local(index.reshape(1, t * t), m).broadcast(h, t * t); // int64 [H,T·T]
        return Functional.local(a.gather(ix, 1), m).reshape(h, t, t);
    }

    /** Index table on a ring of L sites: index_ij = (j − i) mod L. int64 [L,L]. */
    public static NDArray ringIndex(NDManager manager, int l) {
        long[] idx = new long[l * l];
        for (int i = 0; i < l; i++) {
            for (int j = 0; j < l; j++) {
                idx[i * l + j] = Math.floorMod(j - i, l);
            }
        }
        return manager.create(idx, new Shape(l, l));
    }

    /**
     * Index table on an Lx×Ly torus with sites numbered i = x·Ly + y:
     * index_ij = ((xj − xi) mod Lx)·Ly + (yj − yi) mod Ly. int64 [T,T] with T = Lx·Ly, n = T.
     */
    public static NDArray torusIndex(NDManager manager, int lx, int ly) {
        int t = lx * ly;
        long[] idx = new long[t * t];
        for (int i = 0; i < t; i++) {
            int xi = i / ly;
            int yi = i % ly;
            for (int j = 0; j < t; j++) {
                int xj = j / ly;
                int yj = j % ly;
                idx[i * t + j] = (long) Math.floorMod(xj - xi, lx) * ly + Math.floorMod(yj - yi, ly);
            }
        }
        return manager.create(idx, new Shape(t, t));
    }
}
