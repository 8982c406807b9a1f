package org.spinformer.core.train;

import java.util.Locale;

/**
 * A training loop met a NaN or ±∞ in a quantity it must not continue with (an energy, a variance, a loss, an
 * update). The message names the step, the quantity and its value; the loop stops without saving the state that
 * produced it, so the last checkpoint on disk is the last good one.
 */
public final class NonFiniteException extends IllegalStateException {
    private final long step;
    private final String quantity;

    /**
     * @param step the step (1-based, as logged) whose quantity is not finite
     * @param quantity what it is, e.g. "energy variance"
     * @param value its value
     * @param hint what to try (may be empty)
     */
    public NonFiniteException(long step, String quantity, double value, String hint) {
        super(String.format(Locale.ROOT, "step %d: %s is %s%s", step, quantity, value,
                hint == null || hint.isEmpty() ? "" : " (" + hint + ")"));
        this.step = step;
        this.quantity = quantity;
    }

    private NonFiniteException(long step, String quantity, String message, Throwable cause) {
        super(message, cause);
        this.step = step;
        this.quantity = quantity;
    }

    /** The same stop with {@code more} appended to the message (e.g. where the last good checkpoint is). */
    public NonFiniteException withDetail(String more) {
        return new NonFiniteException(step, quantity, getMessage() + more, this);
    }

    /** Throws when {@code value} is NaN or infinite. */
    public static void check(long step, String quantity, double value, String hint) {
        if (!Double.isFinite(value)) {
            throw new NonFiniteException(step, quantity, value, hint);
        }
    }

    public long step() {
        return step;
    }

    public String quantity() {
        return quantity;
    }
}
