package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Pure static tensor functions shared by the blocks. Dimension letters: B batch, T tokens, D model width,
 * H heads, N sites, M samples, P params.
 */
public final class Functional {
    private Functional() {}

    /** y = x Wᵀ + b. x [..., in], w [out, in] (PyTorch layout), b [out] or null. */
    public static NDArray linear(NDArray x, NDArray w, NDArray b) {
        NDArray y = x.matMul(w.transpose());
        return b == null ? y : y.add(b);
    }

    /** LayerNorm over the last axis: (x − mean)/√(var + eps)·γ + β (biased variance). γ, β [D] or null. */
    public static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, double eps) {
        NDArray mean = x.mean(new int[] {-1}, true);
        NDArray xc = x.sub(mean);
        NDArray var = xc.square().mean(new int[] {-1}, true);
        NDArray y = xc.div(var.add(eps).sqrt());
        if (gamma != null) {
            y = y.mul(gamma);
        }
        if (beta != null) {
            y = y.add(beta);
        }
        return y;
    }

    /** GELU, exact form: x·Φ(x) = ½x(1 + erf(x/√2)). */
    public static NDArray gelu(NDArray x) {
        return x.mul(x.div(Math.sqrt(2.0)).erf().add(1.0)).mul(0.5);
    }

    /** GELU, tanh approximation: ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
    public static NDArray geluTanh(NDArray x) {
        NDArray inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2.0 / Math.PI));
        return x.mul(inner.tanh().add(1.0)).mul(0.5);
    }

    /** Splits the last axis into heads: [B, T, H·dh] → [B, H, T, dh]. */
    public static NDArray splitHeads(NDArray x, int heads) {
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        long d = s.get(2);
        return x.reshape(b, t, heads, d / heads).transpose(0, 2, 1, 3);
    }

    /** Inverse of {@link #splitHeads}: [B, H, T, dh] → [B, T, H·dh]. */
    public static NDArray mergeHeads(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
    }
}
