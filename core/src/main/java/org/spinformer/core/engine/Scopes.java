package org.spinformer.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

import java.util.function.Supplier;

/**
 * Frees a computation's intermediates as soon as it returns. DJL keeps every array until its manager closes, so a
 * forward pass otherwise writes each intermediate to fresh, never-touched memory (slow first-touch page faults on
 * the build VM: ~25 µs per 4 KiB page) and holds all of them at once; freed per block, the next block reuses the
 * same touched memory, as PyTorch's reference counting does.
 *
 * <p>The results survive and are handed to the enclosing {@link NDScope}, if any (so a caller's scope still frees
 * them). Autograd keeps what backward needs on its own: freeing the arrays' handles never breaks a backward pass.
 * Only for code that creates no array meant to outlive the call other than its results (no lazily filled caches).
 */
public final class Scopes {
    private Scopes() {}

    /** Runs {@code f}, closes every array it created except its result, and returns the result. */
    public static NDArray keep(Supplier<NDArray> f) {
        NDArray r;
        try (NDScope scope = new NDScope()) {
            r = f.get();
            NDScope.unregister(r);
        }
        NDScope.register(r);
        return r;
    }

    /** As {@link #keep} for several results. */
    public static NDArray[] keepAll(Supplier<NDArray[]> f) {
        NDArray[] r;
        try (NDScope scope = new NDScope()) {
            r = f.get();
            NDScope.unregister(r);
        }
        for (NDArray a : r) {
            NDScope.register(a);
        }
        return r;
    }
}
