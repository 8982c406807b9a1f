package org.spinformer.representations.imbalance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

import java.util.Arrays;

/**
 * Intrinsic dimension by TwoNN (Facco, d'Errico, Rodriguez, Laio, Sci. Rep. 7, 12140, 2017).
 *
 * <p>With r₁, r₂ the distances of a point to its first and second neighbours, μ = r₂/r₁ is Pareto distributed,
 * F(μ) = 1 − μ^(−d), for a locally uniform density. The estimate ("base" algorithm, as DADApy's
 * {@code compute_id_2NN}): sort μ, keep the smallest fraction f (default 0.9) to drop outliers, and fit
 * −log(1 − F_emp(μ_(i))) = d · log μ_(i) through the origin by least squares, F_emp(μ_(i)) = i/N (i = 1 … N,
 * over all N points). The maximum-likelihood form d = N / Σ log μ is {@link #maximumLikelihood}. Points with
 * r₁ = 0 (duplicates) are dropped. Distances: Euclidean, in float64, in row blocks on the tensor engine.
 */
public final class TwoNN {
    private TwoNN() {}

    /** μ = r₂/r₁ for every point with r₁ &gt; 0. x [N,D]. */
    public static double[] mus(NDArray x) {
        long n = x.getShape().get(0);
        if (n < 3) {
            throw new IllegalArgumentException("TwoNN needs at least 3 points, got " + n);
        }
        double[] r1;
        double[] r2;
        try (NDManager m = x.getManager().newSubManager()) {
            NDArray a = x.toType(DataType.FLOAT64, true);
            a.attach(m);
            NDArray sq = a.square().sum(new int[] {1});
            int block = (int) Math.max(16, Math.min(n, (1L << 22) / n));
            r1 = new double[(int) n];
            r2 = new double[(int) n];
            for (long b0 = 0; b0 < n; b0 += block) {
                long b1 = Math.min(n, b0 + block);
                try (NDManager bm = m.newSubManager()) {
                    NDArray q = a.get(new NDIndex(b0 + ":" + b1));
                    NDArray d2 = sq.get(new NDIndex(b0 + ":" + b1)).reshape(b1 - b0, 1).add(sq.reshape(1, n))
                            .sub(q.matMul(a.transpose()).mul(2.0)).maximum(0.0);
                    NDArray rows = bm.arange(b0, b1, 1L, DataType.INT64).reshape(b1 - b0, 1);
                    NDArray self = rows.eq(bm.arange(0L, n, 1L, DataType.INT64).reshape(1, n));
                    d2.set(self, Double.POSITIVE_INFINITY);
                    NDList top = d2.topK(2, 1, false, true);
                    NDArray v = top.get(0).sqrt();
                    double[] both = v.toDoubleArray();
                    for (int i = 0; i < b1 - b0; i++) {
                        r1[(int) b0 + i] = both[2 * i];
                        r2[(int) b0 + i] = both[2 * i + 1];
                    }
                }
            }
        }
        return Arrays.stream(indices(r1.length)).filter(i -> r1[i] > 0).mapToDouble(i -> r2[i] / r1[i]).toArray();
    }

    /** The TwoNN estimate with the default fraction 0.9. */
    public static double estimate(NDArray x) {
        return fit(mus(x), 0.9);
    }

    /** Least-squares fit through the origin of −log(1 − i/N) against log μ_(i) over the smallest fraction of μ. */
    public static double fit(double[] mus, double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
        }
        double[] s = mus.clone();
        Arrays.sort(s);
        int n = s.length;
        int keep = (int) Math.floor(n * fraction);
        if (keep == n) {
            keep = n - 1; // F_emp = 1 would give log(0)
        }
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < keep; i++) {
            double xv = Math.log(s[i]);
            double yv = -Math.log(1.0 - (i + 1.0) / n);
            sxx += xv * xv;
            sxy += xv * yv;
        }
        return sxy / sxx;
    }

    /** Maximum likelihood: d = N / Σ log μ. */
    public static double maximumLikelihood(double[] mus) {
        double s = 0;
        for (double v : mus) {
            s += Math.log(v);
        }
        return mus.length / s;
    }

    private static int[] indices(int n) {
        int[] r = new int[n];
        Arrays.setAll(r, i -> i);
        return r;
    }
}
