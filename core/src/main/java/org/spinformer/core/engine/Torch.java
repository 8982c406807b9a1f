package org.spinformer.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's fused kernels that DJL's {@code NDArray} API does not expose, and the profiler. Each takes engine
 * arrays ({@code PtNDArray}); callers check {@link #isTorch} first and fall back to a composition of portable ops.
 * Dimension letters: B batch, T tokens, D width.
 */
public final class Torch {
    private Torch() {}

    /** Whether every array is a PyTorch-engine array (so the fused kernels below apply). */
    public static boolean isTorch(NDArray... arrays) {
        for (NDArray a : arrays) {
            if (!(a instanceof PtNDArray)) {
                return false;
            }
        }
        return true;
    }

    /** {@code torch.nn.functional.linear}: y = x Wᵀ + b in one addmm. x [..., in], w [out, in], b [out]. */
    public static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return JniUtils.linear((PtNDArray) x, (PtNDArray) w, (PtNDArray) b);
    }

    /** {@code torch.nn.functional.embedding}: one fused gather. ids int64 (any shape S), weight [V, D] → S + [D]. */
    public static NDArray embedding(NDArray ids, NDArray weight) {
        return JniUtils.embedding((PtNDArray) ids, (PtNDArray) weight, false);
    }

    /** {@code torch.nn.functional.layer_norm} over the last axis of width {@code d}; γ, β [D]. */
    public static NDArray layerNorm(NDArray x, long d, NDArray gamma, NDArray beta, double eps) {
        return JniUtils.layerNorm((PtNDArray) x, new Shape(d), (PtNDArray) gamma, (PtNDArray) beta, eps);
    }

    /**
     * A 0-d tensor holding {@code c} whose memory PyTorch allocates ({@code torch.full}), on {@code like}'s manager,
     * dtype and device; null when {@code like} is not an engine array.
     */
    public static NDArray scalar(NDArray like, double c) {
        if (like.getManager() instanceof PtNDManager pm) {
            return JniUtils.full(pm, new Shape(), c, like.getDataType(), like.getDevice(), SparseFormat.DENSE);
        }
        return null;
    }

    /** {@code tensor.grad.zero_()} in place, without allocating a new gradient array. */
    public static void zeroGrad(NDArray parameter) {
        JniUtils.zeroGrad((PtNDArray) parameter);
    }

    /** Starts PyTorch's autograd profiler on this thread (CPU timings with shapes, no memory). */
    public static void startProfile() {
        JniUtils.startProfile(false, true, false);
    }

    /** Stops the profiler and writes its Chrome trace to {@code trace}. */
    public static void stopProfile(String trace) {
        JniUtils.stopProfile(trace);
    }

    /** PyTorch's intra-op thread count in this process. */
    public static int threads() {
        return JniUtils.getNumThreads();
    }

    /** Sets PyTorch's intra-op thread count (e.g. 1 for bit-reproducible tests); returns the previous count. */
    public static int setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        }
        int old = JniUtils.getNumThreads();
        JniUtils.setNumThreads(n);
        return old;
    }
}
