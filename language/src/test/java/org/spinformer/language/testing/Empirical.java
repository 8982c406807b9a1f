package org.spinformer.language.testing;

import java.util.function.ToLongFunction;

/** The empirical distribution of sampled configurations over numbered states, and total-variation distances. */
public final class Empirical {
    private Empirical() {}

    /** Frequencies over states 0 … states − 1 of the samples, each numbered by {@code state}. */
    public static double[] frequencies(int[][] samples, ToLongFunction<int[]> state, int states) {
        double[] f = new double[states];
        for (int[] x : samples) {
            f[(int) state.applyAsLong(x)] += 1.0 / samples.length;
        }
        return f;
    }

    /** TV(p, q) = ½ Σ_s |p_s − q_s|. */
    public static double tv(double[] p, double[] q) {
        double tv = 0;
        for (int s = 0; s < p.length; s++) {
            tv += 0.5 * Math.abs(p[s] - q[s]);
        }
        return tv;
    }
}
