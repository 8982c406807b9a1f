package org.spinformer.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;

/**
 * A small random stream whose whole state is one 64-bit word, so a checkpoint can save it
 * ({@link #toJson()}) and a resumed run continue the very same sequence ({@link #fromJson}). SplitMix64
 * (Steele, Lea, Flood, OOPSLA 2014): state ← state + 0x9E3779B97F4A7C15, output = mix(state). Not for
 * cryptography; not thread-safe (one stream per thread or per chain, each seeded from the run seed with
 * {@link #split()}).
 *
 * <p>Use it for host-side randomness that must survive a restart (data order, Monte Carlo proposals); bulk
 * tensors are drawn with {@link #normal} / {@link #uniform} (one Java loop per tensor, then one copy to the
 * device: for data batches and initialisation, not for per-element work inside a model).
 */
public final class Rng {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private long state;

    /** A stream started from {@code seed}. */
    public Rng(long seed) {
        this.state = seed;
    }

    /** The raw state (the seed before the first draw). */
    public long state() {
        return state;
    }

    /** Next 64 random bits. */
    public long nextLong() {
        state += GOLDEN;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform integer in [0, n), n &gt; 0 (rejection sampling: no modulo bias). */
    public int nextInt(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + n);
        }
        long limit = (1L << 31) - ((1L << 31) % n);
        while (true) {
            long r = nextLong() >>> 33;
            if (r < limit) {
                return (int) (r % n);
            }
        }
    }

    /** Standard normal by Box-Muller (two uniforms per value, no cached spare: the state stays one word). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** An independent child stream seeded from this one (advances this stream by one draw). */
    public Rng split() {
        return new Rng(nextLong());
    }

    /** An array of 𝒩(0, std²) entries of {@code dtype} on {@code m}. */
    public NDArray normal(NDManager m, Shape shape, double std, DataType dtype) {
        double[] v = new double[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = std * nextGaussian();
        }
        return create(m, v, shape, dtype);
    }

    /** An array of U[lo, hi) entries of {@code dtype} on {@code m}. */
    public NDArray uniform(NDManager m, Shape shape, double lo, double hi, DataType dtype) {
        double[] v = new double[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * nextDouble();
        }
        return create(m, v, shape, dtype);
    }

    private static NDArray create(NDManager m, double[] v, Shape shape, DataType dtype) {
        if (dtype == DataType.FLOAT64) {
            return m.create(v, shape);
        }
        if (dtype != DataType.FLOAT32) {
            throw new IllegalArgumentException("float32 or float64 expected, got " + dtype);
        }
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return m.create(f, shape);
    }

    /** The state as {@code {"type": "splitmix64", "state": "<hex>"}} (a string: JSON numbers lose 64-bit ints). */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("type", "splitmix64");
        o.addProperty("state", Long.toHexString(state));
        return o;
    }

    /** Sets this stream to a state saved by {@link #toJson()} (it continues that very sequence). */
    public void restore(JsonObject o) {
        this.state = fromJson(o).state;
    }

    /** Restores a stream saved by {@link #toJson()}. */
    public static Rng fromJson(JsonObject o) {
        if (o == null || !o.has("type") || !"splitmix64".equals(o.get("type").getAsString()) || !o.has("state")) {
            throw new IllegalArgumentException("not a saved splitmix64 random state: " + o);
        }
        try {
            return new Rng(Long.parseUnsignedLong(o.get("state").getAsString(), 16));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad random state '" + o.get("state").getAsString() + "'", e);
        }
    }
}
