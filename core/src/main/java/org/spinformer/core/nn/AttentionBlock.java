package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;

/**
 * A token-mixing block: x [B,T,D] and an optional padding mask [B,T] (non-zero = real token) → [B,T,D].
 * Implemented by {@link MultiHeadAttention}, {@link Gpt2Attention} and {@link FactoredAttentionBlock}, so an
 * {@link EncoderLayer} can hold any of them.
 */
public interface AttentionBlock {
    /** x [B,T,D], padMask [B,T] or null → [B,T,D]. */
    NDArray forward(NDArray x, NDArray padMask);
}
