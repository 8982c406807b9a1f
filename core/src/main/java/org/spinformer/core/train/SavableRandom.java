package org.spinformer.core.train;

import com.google.gson.JsonObject;

import java.util.Random;

/**
 * A {@link Random} whose state a checkpoint can save: the very sequence of {@code new Random(seed)} (the same
 * 48-bit linear congruential generator, Knuth TAOCP 3.2.1, with the same constants and the same Gaussian pairs),
 * with {@link #toJson()} / {@link #restore} added. For code that already draws from {@code java.util.Random},
 * so that making it resumable does not change its numbers; new code uses {@link Rng}.
 */
public final class SavableRandom extends Random {
    private static final long MULTIPLIER = 0x5DEECE66DL;
    private static final long ADDEND = 0xBL;
    private static final long MASK = (1L << 48) - 1;
    private static final long serialVersionUID = 1L;

    private long state;
    private double spare;
    private boolean haveSpare;

    /** The sequence of {@code new Random(seed)}. */
    public SavableRandom(long seed) {
        super(seed);
        this.state = (seed ^ MULTIPLIER) & MASK;
    }

    @Override
    public synchronized void setSeed(long seed) {
        // called by Random's constructor before our fields exist; state is set right after in ours
        this.state = (seed ^ MULTIPLIER) & MASK;
        this.haveSpare = false;
    }

    @Override
    protected int next(int bits) {
        state = (state * MULTIPLIER + ADDEND) & MASK;
        return (int) (state >>> (48 - bits));
    }

    /** As {@link Random#nextGaussian()} (polar method, the second value kept for the next call). */
    @Override
    public synchronized double nextGaussian() {
        if (haveSpare) {
            haveSpare = false;
            return spare;
        }
        double v1;
        double v2;
        double s;
        do {
            v1 = 2 * nextDouble() - 1;
            v2 = 2 * nextDouble() - 1;
            s = v1 * v1 + v2 * v2;
        } while (s >= 1 || s == 0);
        double multiplier = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        spare = v2 * multiplier;
        haveSpare = true;
        return v1 * multiplier;
    }

    /** The state as {@code {"type": "lcg48", "state": "<hex>", "spare": x or null}}. */
    public synchronized JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("type", "lcg48");
        o.addProperty("state", Long.toHexString(state));
        if (haveSpare) {
            o.addProperty("spare_bits", Long.toHexString(Double.doubleToRawLongBits(spare)));
        }
        return o;
    }

    /** Continues from a state saved by {@link #toJson()}. */
    public synchronized void restore(JsonObject o) {
        if (o == null || !o.has("type") || !"lcg48".equals(o.get("type").getAsString()) || !o.has("state")) {
            throw new IllegalArgumentException("not a saved lcg48 random state: " + o);
        }
        try {
            long s = Long.parseUnsignedLong(o.get("state").getAsString(), 16);
            if ((s & ~MASK) != 0) {
                throw new IllegalArgumentException("lcg48 state out of range: " + o.get("state").getAsString());
            }
            state = s;
            haveSpare = o.has("spare_bits");
            spare = haveSpare ? Double.longBitsToDouble(Long.parseUnsignedLong(o.get("spare_bits").getAsString(), 16))
                    : 0;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad lcg48 random state " + o, e);
        }
    }
}
