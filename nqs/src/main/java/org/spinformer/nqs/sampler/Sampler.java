package org.spinformer.nqs.sampler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.Map;

/** Draws configurations from |ψ|² (NetKet's "sampler"). */
public interface Sampler {
    /** Samples for the current parameters; every array lives on {@code step} (the step's sub-manager). */
    Samples sample(VariationalState vs, NDManager step, long stepIndex);

    /** State to checkpoint (e.g. the Markov chains), by name; empty (the default) when stateless. */
    default Map<String, NDArray> state() {
        return Map.of();
    }

    /** Restores {@link #state()}; nothing to do for a stateless sampler (the default). */
    default void loadState(Map<String, NDArray> state) {
    }

    /** Short name for logs and config. */
    String name();
}
