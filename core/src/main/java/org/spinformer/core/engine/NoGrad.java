package org.spinformer.core.engine;

import ai.djl.pytorch.jni.JniUtils;

/**
 * A no-grad scope on this thread (PyTorch's grad mode is per thread): {@code try (NoGrad ng = NoGrad.enter())
 * { ... }} switches autograd recording off and restores the previous mode on close, also when the body throws.
 * Scopes nest: an inner scope restores "off", the outer one the caller's mode.
 */
public final class NoGrad implements AutoCloseable {
    private final boolean previous;
    private boolean closed;

    private NoGrad(boolean previous) {
        this.previous = previous;
    }

    /** Turns grad mode off on this thread and remembers the mode it found. */
    public static NoGrad enter() {
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        return new NoGrad(was);
    }

    /** Restores the grad mode found on entry (once; a second close does nothing). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            JniUtils.setGradMode(previous);
        }
    }
}
