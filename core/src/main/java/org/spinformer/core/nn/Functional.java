package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.core.engine.Scopes;
import org.spinformer.core.engine.Torch;

/**
 * Pure static tensor functions shared by the blocks. Dimension letters: B batch, T tokens, D model width,
 * H heads, N sites, M samples, P params.
 */
public final class Functional {
    private Functional() {}

    /**
     * y = x Wᵀ + b. x [..., in], w [out, in] (PyTorch layout), b [out] or null.
     *
     * <p>Every intermediate is owned by {@code x}'s manager (never by the parameter's), so a step
     * sub-manager frees it.
     */
    public static NDArray linear(NDArray x, NDArray w, NDArray b) {
        if (b != null && Torch.isTorch(x, w, b)
                && w.getDataType() == x.getDataType() && b.getDataType() == x.getDataType()) {
            // torch.nn.functional.linear: the bias is the GEMM's initial value (addmm), one op and one output
            return local(Torch.linear(x, w, b), x);
        }
        NDArray y = x.matMul(local(w.transpose(), x));
        return b == null ? y : y.add(b);
    }

    /**
     * Per-sample linear map: y_b = x_b W_bᵀ + b_b, one batched product. x [B,...,in], w [B,out,in], b [B,out] or null →
     * [B,...,out] (inner axes of x flattened for the product).
     */
    public static NDArray linearPerSample(NDArray x, NDArray w, NDArray b) {
        Shape s = x.getShape();
        NDArray y;
        if (s.dimension() == 3) {
            y = x.matMul(w.transpose(0, 2, 1));
        } else {
            long bs = s.get(0);
            long in = s.get(s.dimension() - 1);
            long out = w.getShape().get(1);
            y = x.reshape(bs, -1, in).matMul(w.transpose(0, 2, 1)).reshape(s.slice(0, s.dimension() - 1).add(out));
        }
        return b == null ? y : y.add(perSampleBroadcast(b, y.getShape().dimension()));
    }

    /** Per-sample Conv1D layout: y_b = x_b W_b + b_b. x [B,T,in], w [B,in,out], b [B,out] or null → [B,T,out]. */
    public static NDArray conv1dPerSample(NDArray x, NDArray w, NDArray b) {
        NDArray y = x.matMul(w);
        return b == null ? y : y.add(perSampleBroadcast(b, y.getShape().dimension()));
    }

    /**
     * LayerNorm with per-sample gain and bias: (x_b − μ)/√(σ² + eps)·γ_b + β_b, γ_b and β_b broadcast over the inner
     * axes. x [B,...,D], γ, β [B,D] or null.
     */
    public static NDArray layerNormPerSample(NDArray x, NDArray gamma, NDArray beta, double eps) {
        int r = x.getShape().dimension();
        return layerNorm(x, gamma == null ? null : perSampleBroadcast(gamma, r),
                beta == null ? null : perSampleBroadcast(beta, r), eps);
    }

    /** [B,D] → [B,1,...,1,D] of the given rank (a view). */
    static NDArray perSampleBroadcast(NDArray p, int rank) {
        NDArray v = p;
        for (int i = p.getShape().dimension(); i < rank; i++) {
            v = v.expandDims(1);
        }
        return v;
    }

    /**
     * Hugging Face {@code Conv1D} (GPT-2): y = x W + b with the weight stored [in, out]. x [..., in], b [out] or
     * null.
     */
    public static NDArray conv1d(NDArray x, NDArray w, NDArray b) {
        NDArray y = x.matMul(w);
        return b == null ? y : y.add(b);
    }

    /**
     * Embedding lookup: y[b,t,:] = W[ids[b,t], :]. ids int64 [B,T] (any shape S), weight [V,D] → [B,T,D]
     * (S + [D]). Differentiable in the weight; the result is owned by {@code ids}'s manager.
     */
    public static NDArray embedding(NDArray ids, NDArray weight) {
        NDArray idx = ids.getDataType() == DataType.INT64 ? ids : ids.toType(DataType.INT64, false);
        if (Torch.isTorch(idx, weight)) {
            // torch.nn.functional.embedding: one fused gather (and a dense scatter-add backward), ~20x faster
            // than the flat take below
            return local(Torch.embedding(idx, weight), ids);
        }
        long d = weight.getShape().get(1);
        NDManager m = ids.getManager();
        NDArray flat = idx.mul(d).expandDims(-1).add(m.arange(0L, d, 1L, DataType.INT64)); // [S,D]
        return weight.take(m, flat);
    }

    /**
     * RMSNorm over the last axis (Zhang and Sennrich 2019; Llama): x / √(mean(x²) + eps) · γ. γ [D] or null.
     */
    public static NDArray rmsNorm(NDArray x, NDArray gamma, double eps) {
        NDArray ms = x.square().mean(new int[] {-1}, true);
        NDArray y = x.div(ms.add(eps).sqrt());
        return gamma == null ? y : y.mul(gamma);
    }

    /** SiLU (swish): x·σ(x). */
    public static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }

    /** ReLU: max(x, 0). */
    public static NDArray relu(NDArray x) {
        return x.getNDArrayInternal().relu(); // not maximum(0.0): see constant()
    }

    /**
     * Gated MLP (SwiGLU, Shazeer 2020; Llama): y = W_down (act(W_gate x) ⊙ W_up x). x [..., D], gate and up
     * [F,D], down [D,F] (PyTorch layout), no biases.
     */
    public static NDArray gatedMlp(NDArray x, NDArray wGate, NDArray wUp, NDArray wDown, Activation act) {
        // intermediates freed as soon as they are used: at most three [.., F] arrays alive at once instead of five
        NDArray g = Scopes.keep(() -> act.apply(linear(x, wGate, null)));
        NDArray gu = Scopes.keep(() -> g.mul(linear(x, wUp, null)));
        g.close();
        NDArray y = linear(gu, wDown, null);
        gu.close();
        return y;
    }

    /** Point-wise activations by name. */
    public enum Activation {
        /** Exact GELU x·Φ(x) (BERT, ViT). */
        GELU,
        /** tanh-approximated GELU ("gelu_new", "gelu_pytorch_tanh"; GPT-2). */
        GELU_TANH,
        /** x·σ(x) (Llama, Qwen2). */
        SILU,
        /** max(x, 0). */
        RELU;

        /** Applies this activation. */
        public NDArray apply(NDArray x) {
            switch (this) {
                case GELU: return gelu(x);
                case GELU_TANH: return geluTanh(x);
                case SILU: return silu(x);
                default: return relu(x);
            }
        }

        /** Parses Hugging Face {@code hidden_act} strings (gelu, gelu_new, gelu_pytorch_tanh, silu, swish, relu). */
        public static Activation parse(String hf) {
            switch (hf.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "gelu": return GELU;
                case "gelu_new": case "gelu_pytorch_tanh": case "gelu_fast": case "gelu_tanh": return GELU_TANH;
                case "silu": case "swish": return SILU;
                case "relu": return RELU;
                default: throw new IllegalArgumentException("unknown activation '" + hf
                        + "': use gelu, gelu_new, gelu_pytorch_tanh, silu or relu");
            }
        }
    }

    /** Rotates the two halves of the last axis: [x1, x2] → [−x2, x1] (Hugging Face {@code rotate_half}). */
    public static NDArray rotateHalf(NDArray x) {
        int last = x.getShape().dimension() - 1;
        long d = x.getShape().get(last);
        NDList halves = x.split(new long[] {d / 2}, last);
        return NDArrays.concat(new NDList(halves.get(1).neg(), halves.get(0)), last);
    }

    /**
     * Moves a result computed from a long-lived array (a parameter) into the manager of {@code like} (the
     * step's input), so per-step intermediates never pile up in the parameters' manager.
     */
    static NDArray local(NDArray result, NDArray like) {
        return local(result, like.getManager());
    }

    /** Moves {@code result} into manager {@code m} (no copy) unless it is there already. */
    static NDArray local(NDArray result, NDManager m) {
        if (result.getManager() != m) {
            result.attach(m);
        }
        return result;
    }

    /**
     * LayerNorm over the last axis: (x − mean)/√(var + eps)·γ + β (biased variance). γ, β [D], or any shape that
     * broadcasts against x (e.g. per-sample [M,1,D]), or null.
     *
     * <p>With both γ and β of shape [D] this is PyTorch's fused {@code layer_norm} (one kernel forward and backward,
     * ~3x faster than composing it; eps passed as a double, so float64 keeps full precision); otherwise the
     * composition of elementary ops.
     */
    public static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, double eps) {
        long d = x.getShape().get(x.getShape().dimension() - 1);
        if (gamma != null && beta != null && Torch.isTorch(x, gamma, beta) && gamma.getDataType() == x.getDataType()
                && beta.getDataType() == x.getDataType() && gamma.getShape().equals(new Shape(d))
                && beta.getShape().equals(new Shape(d))) {
            return local(Torch.layerNorm(x, d, gamma, beta, eps), x);
        }
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

    /**
     * GELU, exact form: x·Φ(x) = ½x(1 + erf(x/√2)) (Hendrycks and Gimpel 2016; BERT, ViT). PyTorch's fused
     * {@code gelu} (approximate='none': the erf form), ~3x faster than composing it.
     */
    public static NDArray gelu(NDArray x) {
        return x.getNDArrayInternal().gelu();
    }

    /** GELU, tanh approximation: ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
    public static NDArray geluTanh(NDArray x) {
        NDArray inner = scale(x.add(scale(x.mul(x).mul(x), 0.044715)), Math.sqrt(2.0 / Math.PI));
        return scale(x.mul(inner.tanh().add(1.0)), 0.5);
    }

    /**
     * A 0-d tensor holding {@code c}, with {@code like}'s dtype, device and manager, whose memory PyTorch allocates.
     *
     * <p>Why: DJL's {@code NDArray.mul(Number)} (likewise {@code div}, {@code pow}, {@code maximum}, ... with a
     * Number) wraps the number with {@code manager.create(n)}, which on the CPU is {@code torch::from_blob} over a
     * Java direct buffer, and closes that array as soon as the op returns. Autograd saves that scalar for the
     * backward pass (MulBackward saves the other operand), but the buffer now belongs to nobody: the next garbage
     * collection frees it, and a backward pass that runs after it reads freed memory. The gradient is then scaled by
     * whatever lies there (random, non-deterministic NaN or huge gradients that depend on GC timing). Never pass a
     * Number to a differentiable binary op on a tensor that may require gradients; use this or {@link #scale}.
     */
    public static NDArray constant(NDArray like, double c) {
        NDArray t = Torch.scalar(like, c);
        if (t != null) {
            return t;
        }
        return like.getManager().full(new Shape(), (float) c, like.getDataType());
    }

    /** x·c, safe under autograd (the scalar is a {@link #constant}, not a Java-buffer-backed array). */
    public static NDArray scale(NDArray x, double c) {
        return x.mul(constant(x, c));
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
