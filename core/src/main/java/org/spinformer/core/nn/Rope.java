package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings (Su et al., RoFormer, arXiv:2104.09864) in the Llama / Hugging Face convention:
 * the head vector is split into two halves rather than interleaved pairs.
 *
 * <pre>
 *   ω_k   = θ^(−2k/dh),  k = 0 … dh/2 − 1            (optionally rescaled, Llama 3: see {@link Llama3Scaling})
 *   φ_tk  = p_t ω_k;     cos_t = [cos φ_t, cos φ_t],  sin_t = [sin φ_t, sin φ_t]     [T,dh]
 *   x'    = x ⊙ cos + rotate_half(x) ⊙ sin,   rotate_half([x1, x2]) = [−x2, x1]
 * </pre>
 * x [B,H,T,dh], positions p_t (default 0 … T−1).
 *
 * @param headDim dh (even)
 * @param theta base θ (Hugging Face {@code rope_theta}: 10000 for Llama 2, 500000 for Llama 3)
 * @param scaling Llama 3 frequency scaling or null
 */
public record Rope(int headDim, double theta, Llama3Scaling scaling) {

    public Rope {
        if (headDim <= 0 || headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary head dimension must be even and positive, got " + headDim);
        }
        if (!(theta > 0)) {
            throw new IllegalArgumentException("rope theta must be positive, got " + theta);
        }
    }

    /** Plain RoPE with base θ. */
    public static Rope of(int headDim, double theta) {
        return new Rope(headDim, theta, null);
    }

    /**
     * Llama 3 frequency scaling (Hugging Face {@code rope_type="llama3"}), with λ_k = 2π/ω_k,
     * λ_lo = L₀/low_freq_factor, λ_hi = L₀/high_freq_factor (L₀ = original_max_position_embeddings):
     * <pre>
     *   λ_k &lt; λ_hi:        ω'_k = ω_k
     *   λ_k &gt; λ_lo:        ω'_k = ω_k / factor
     *   otherwise:          s = (L₀/λ_k − low_freq_factor)/(high_freq_factor − low_freq_factor),
     *                       ω'_k = (1 − s) ω_k / factor + s ω_k
     * </pre>
     * Llama 3.1: factor 8, low_freq_factor 1, high_freq_factor 4, original_max_position_embeddings 8192.
     */
    public record Llama3Scaling(double factor, double lowFreqFactor, double highFreqFactor,
            int originalMaxPositionEmbeddings) {
        public Llama3Scaling {
            if (!(factor > 0) || !(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor)
                    || originalMaxPositionEmbeddings <= 0) {
                throw new IllegalArgumentException("bad llama3 rope scaling: factor " + factor + ", low_freq_factor "
                        + lowFreqFactor + ", high_freq_factor " + highFreqFactor
                        + ", original_max_position_embeddings " + originalMaxPositionEmbeddings);
            }
        }

        /** The Llama 3.1 / 3.2 defaults (8, 1, 4, 8192). */
        public static Llama3Scaling llama31() {
            return new Llama3Scaling(8.0, 1.0, 4.0, 8192);
        }
    }

    /** The inverse frequencies ω_k (after scaling), length dh/2, in double precision. */
    public double[] inverseFrequencies() {
        int half = headDim / 2;
        double[] w = new double[half];
        for (int k = 0; k < half; k++) {
            w[k] = 1.0 / Math.pow(theta, (2.0 * k) / headDim);
        }
        if (scaling != null) {
            double l0 = scaling.originalMaxPositionEmbeddings();
            double lowWave = l0 / scaling.lowFreqFactor();
            double highWave = l0 / scaling.highFreqFactor();
            for (int k = 0; k < half; k++) {
                double wave = 2 * Math.PI / w[k];
                if (wave > lowWave) {
                    w[k] = w[k] / scaling.factor();
                } else if (wave >= highWave) {
                    double s = (l0 / wave - scaling.lowFreqFactor())
                            / (scaling.highFreqFactor() - scaling.lowFreqFactor());
                    w[k] = (1 - s) * w[k] / scaling.factor() + s * w[k];
                }
            }
        }
        return w;
    }

    /** cos and sin tables [T,dh] for positions 0 … T−1, in {@code dtype}, owned by {@code m}. */
    public NDArray[] tables(NDManager m, long t, DataType dtype) {
        return tables(m.arange(0L, t, 1L, DataType.INT64), dtype);
    }

    /** cos and sin tables [T,dh] for the given positions (int or float [T]), owned by their manager. */
    public NDArray[] tables(NDArray positions, DataType dtype) {
        NDManager m = positions.getManager();
        long t = positions.getShape().get(0);
        NDArray w = m.create(inverseFrequencies()).reshape(1, headDim / 2);
        NDArray phi = positions.toType(DataType.FLOAT64, false).reshape(t, 1).matMul(w); // [T,dh/2]
        NDArray emb = NDArrays.concat(new NDList(phi, phi), 1); // [T,dh]
        return new NDArray[] {emb.cos().toType(dtype, false), emb.sin().toType(dtype, false)};
    }

    /** x' = x ⊙ cos + rotate_half(x) ⊙ sin. x [B,H,T,dh] (or any [..., T, dh]), cos and sin [T,dh]. */
    public static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        Shape s = x.getShape();
        if (s.get(s.dimension() - 1) != cos.getShape().get(1) || s.get(s.dimension() - 2) != cos.getShape().get(0)) {
            throw new IllegalArgumentException("rotary tables " + cos.getShape() + " do not fit input " + s);
        }
        return x.mul(cos).add(Functional.rotateHalf(x).mul(sin));
    }
}
