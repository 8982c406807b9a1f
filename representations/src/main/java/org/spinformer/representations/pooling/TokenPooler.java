package org.spinformer.representations.pooling;

import ai.djl.ndarray.NDArray;

/**
 * Turns the token states of a batch into vectors: h [S,B,T,D] (S stacked states, right-padded) and the padding mask
 * [B,T] → [S,B,W]. {@link Pooling} is the standard one; the token analyses of
 * {@code org.spinformer.representations.experiment} add their own (e.g. the prefix and the suffix of each text).
 */
@FunctionalInterface
public interface TokenPooler {
    /** Pools h [S,B,T,D] with mask [B,T] → [S,B,W] (in h's manager). */
    NDArray apply(NDArray h, NDArray mask);
}
