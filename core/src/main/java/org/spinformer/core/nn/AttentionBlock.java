package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;

/**
 * A token-mixing block: x [B,T,D] and an optional padding mask [B,T] (non-zero = real token) → [B,T,D].
 * Implemented by {@link MultiHeadAttention}, {@link Gpt2Attention} and {@link FactoredAttentionBlock}, so an
 * {@link EncoderLayer} can hold any of them. {@link FactoredAttentionBlock} also runs on any {@link Weights} source.
 */
public interface AttentionBlock {
    /** x [B,T,D], padMask [B,T] or null → [B,T,D]. */
    NDArray forward(NDArray x, NDArray padMask);

    /**
     * As {@link #forward(NDArray, NDArray)} with the parameters from {@code w} (shared, per sample or tapped:
     * {@link Weights}). Blocks without this form accept only their own parameters.
     */
    default NDArray forward(NDArray x, NDArray padMask, Weights w) {
        if (this instanceof Block<?> b && w == b.parameters()) {
            return forward(x, padMask);
        }
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " reads only its own parameters (no shared/per-sample weight source)");
    }
}
