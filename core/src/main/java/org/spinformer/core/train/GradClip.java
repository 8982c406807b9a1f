package org.spinformer.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import org.spinformer.core.engine.NoGrad;

import java.util.Collection;
import java.util.Map;

/**
 * Global-norm gradient clipping (Pascanu, Mikolov, Bengio, ICML 2013), as PyTorch's
 * {@code clip_grad_norm_}: with ‖g‖ = √(Σ_k ‖g_k‖²) over all P gradient entries,
 * <pre>   g_k ← g_k · min(1, c / (‖g‖ + 10⁻⁶))</pre>
 * Everything stays on the device (no scalar read): the scaling is one in-place multiply per gradient.
 */
public final class GradClip {
    private GradClip() {}

    /** Clips the gradients in place to global norm {@code maxNorm}; returns the norm before clipping (0-d). */
    public static NDArray clipGlobalNorm(Map<String, NDArray> grads, double maxNorm) {
        return clipGlobalNorm(grads.values(), maxNorm);
    }

    /** As {@link #clipGlobalNorm(Map, double)} for a collection of gradients. */
    public static NDArray clipGlobalNorm(Collection<NDArray> grads, double maxNorm) {
        if (!(maxNorm > 0) || !Double.isFinite(maxNorm)) {
            throw new IllegalArgumentException("max norm must be finite and > 0, got " + maxNorm);
        }
        NDArray total = globalNorm(grads);
        try (NoGrad noGrad = NoGrad.enter();
                NDArray coef = total.add(1e-6).pow(-1).muli(maxNorm).minimum(1.0)) {
            for (NDArray g : grads) {
                g.muli(coef);
            }
        }
        return total;
    }

    /** √(Σ_k ‖g_k‖²), a 0-d array in the first gradient's manager. */
    public static NDArray globalNorm(Collection<NDArray> grads) {
        if (grads.isEmpty()) {
            throw new IllegalArgumentException("no gradients to clip");
        }
        NDList squares = new NDList(grads.size());
        for (NDArray g : grads) {
            squares.add(g.square().sum());
        }
        try (NDArray stacked = NDArrays.stack(squares)) {
            NDArray norm = stacked.sum().sqrt();
            squares.close();
            return norm;
        }
    }
}
