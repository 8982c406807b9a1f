package org.spinformer.representations.imbalance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The Information Imbalance (Glielmo et al., PNAS Nexus 1, pgac039, 2022), exact for every N.
 *
 * <pre>
 *   Δ(A→B) = (2/N) · (1/(N_q k)) Σ_i Σ_{j ∈ nn_A^k(i)} r^B(i, j)
 *   r^B(i,j) = 1 + #{l ≠ i : d^B(i,l) &lt; d^B(i,j)}                         (ties "min")
 *   r^B(i,j) = 1 + #{l ≠ i : d^B(i,l) &lt; d^B(i,j)} + #{l &lt; j, l ≠ i : d^B(i,l) = d^B(i,j)}   (ties "first")
 * </pre>
 * nn_A^k(i) are i's k nearest neighbours in space A (i excluded; ties broken by the lower index), N the number
 * of reference points, N_q the number of query points (both N by default). Δ(X→X) = (k+1)/N (= 2/N for
 * k = 1); Δ ≈ 1 when A says nothing about B. The sum over k neighbours with the 2/N normalisation follows
 * DADApy ({@code return_inf_imb_two_selected_coords}), but nothing is truncated: DADApy's default
 * {@code maxk = 100} gives random ranks beyond the 100th neighbour and biases Δ upwards.
 *
 * <p>Ties: "min" (the rank of a tied group is its lowest, as in the code of Acevedo et al. 2025) or "first"
 * (a stable sort by distance then index, as {@code np.argsort(kind="stable")}; DADApy's quicksort argsort
 * breaks ties arbitrarily).
 *
 * <p>Computation on the tensor engine, query rows in blocks so memory is O(block × N): for each block and
 * each space s, squared distances D_s = q·(−2r)ᵀ + |r|² (one GEMM and one in-place add; the row constant |q|²
 * cannot change a row's order and is left out), i's own column set to +∞; the neighbours by argmin (k = 1) or by an exact top-k with
 * index tie-break (k &gt; 1); then for every ordered pair (s, t) the rank of the s-neighbours in t by counting
 * (one comparison of the block's t-distances against the gathered value, and a count): no sort. All pairs of
 * spaces share the same distance blocks, so both directions, or the full layer × layer matrix, cost one GEMM
 * per space.
 *
 * <p>Precision: distances are computed in {@link Options#dtype()} (default float64). With float64 and
 * integer-valued or generic data the ranks equal those of exact distances; float32 is about twice as fast
 * on CPU but a near-tie (relative gap below ~1e-6) may be ordered differently than in exact arithmetic.
 */
public final class InformationImbalance {
    private InformationImbalance() {}

    /** How equal distances are ranked. */
    public enum Ties {
        /** A tied group gets its lowest rank (scipy {@code rankdata(method="min")}). */
        MIN,
        /** Ties broken by index, as a stable sort. */
        FIRST;

        /** Parses {@code min|first}. */
        public static Ties parse(String s) {
            switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
                case "min": return MIN;
                case "first": return FIRST;
                default: throw new IllegalArgumentException("unknown ties rule '" + s + "': use min or first");
            }
        }
    }

    /**
     * Settings.
     *
     * @param k          neighbours per point in the source space (≥ 1)
     * @param ties       tie rule for ranks in the target space
     * @param metric     distance
     * @param dtype      precision of the distances (FLOAT64 or FLOAT32)
     * @param blockRows  query rows per block (0 = automatic: about 2²¹ distances per block per space, so that
     *                   temporaries stay below glibc's 32 MB mmap threshold and are reused without page faults)
     * @param queries    indices of the query points, or null for all
     * @param references indices of the reference points (candidates for neighbours), or null for all
     */
    public record Options(int k, Ties ties, Metric metric, DataType dtype, int blockRows, int[] queries,
            int[] references) {
        public Options {
            if (k < 1) {
                throw new IllegalArgumentException("k must be >= 1, got " + k);
            }
            if (dtype != DataType.FLOAT64 && dtype != DataType.FLOAT32) {
                throw new IllegalArgumentException("distance precision must be float32 or float64, got " + dtype);
            }
            if (blockRows < 0) {
                throw new IllegalArgumentException("blockRows must be >= 0, got " + blockRows);
            }
        }

        /** k = 1, ties min, Euclidean, float64, automatic blocks, all points. */
        public static Options defaults() {
            return new Options(1, Ties.MIN, Metric.EUCLIDEAN, DataType.FLOAT64, 0, null, null);
        }

        public Options withK(int v) {
            return new Options(v, ties, metric, dtype, blockRows, queries, references);
        }

        public Options withTies(Ties v) {
            return new Options(k, v, metric, dtype, blockRows, queries, references);
        }

        public Options withMetric(Metric v) {
            return new Options(k, ties, v, dtype, blockRows, queries, references);
        }

        public Options withDType(DataType v) {
            return new Options(k, ties, metric, v, blockRows, queries, references);
        }

        public Options withBlockRows(int v) {
            return new Options(k, ties, metric, dtype, v, queries, references);
        }

        /** Query and reference index sets (null = all points). */
        public Options withSplit(int[] q, int[] r) {
            return new Options(k, ties, metric, dtype, blockRows, q, r);
        }
    }

    /**
     * Δ between every ordered pair of spaces.
     *
     * @param delta      Δ(s→t) [S][S]
     * @param stdError   standard error of Δ(s→t) over query points (jackknife over queries with the references
     *                   fixed, which for a mean equals the standard error of the mean) [S][S]
     * @param meanRanks  per query point, the mean rank in t of its k nearest neighbours in s [S][S][N_q]
     * @param queries    N_q
     * @param references N
     * @param k          neighbours per point
     */
    public record Matrix(double[][] delta, double[][] stdError, double[][][] meanRanks, int queries, int references,
            int k) {
    }

    /**
     * Δ in both directions between two spaces.
     *
     * @param aToB Δ(A→B)
     * @param bToA Δ(B→A)
     * @param aToBErr standard error of Δ(A→B) over queries
     * @param bToAErr standard error of Δ(B→A) over queries
     * @param n number of reference points
     * @param k neighbours per point
     */
    public record Pair(double aToB, double bToA, double aToBErr, double bToAErr, int n, int k) {
    }

    /** Δ(A→B) and Δ(B→A) from the same distance blocks. a [N,Da], b [N,Db]. */
    public static Pair pair(NDArray a, NDArray b, Options o) {
        Matrix m = matrix(List.of(a, b), o);
        return new Pair(m.delta[0][1], m.delta[1][0], m.stdError[0][1], m.stdError[1][0], m.references, m.k);
    }

    /** Δ between every ordered pair of the given spaces (each [N, D_s], same N). */
    public static Matrix matrix(List<NDArray> spaces, Options o) {
        int s = spaces.size();
        if (s < 1) {
            throw new IllegalArgumentException("need at least one space");
        }
        long n = spaces.get(0).getShape().get(0);
        for (NDArray x : spaces) {
            if (x.getShape().dimension() != 2 || x.getShape().get(0) != n) {
                throw new IllegalArgumentException("every space must be [N,D] with the same N = " + n + ", got "
                        + x.getShape());
            }
        }
        int[] q = o.queries() == null ? range((int) n) : o.queries();
        int[] r = o.references() == null ? range((int) n) : o.references();
        checkIndices(q, n, "query");
        checkIndices(r, n, "reference");
        int nr = r.length;
        int nq = q.length;
        if (nr - 1 < o.k()) {
            throw new IllegalArgumentException("k = " + o.k() + " needs more than " + o.k() + " reference points, got "
                    + nr);
        }
        NDManager parent = spaces.get(0).getManager();
        double[][][] ranks = new double[s][s][nq];
        // self pairs (query row, reference column) where a query is also a reference
        Map<Integer, Integer> refPosOf = new HashMap<>();
        for (int j = 0; j < nr; j++) {
            refPosOf.put(r[j], j);
        }
        boolean allQueries = o.queries() == null;
        try (NDManager m = parent.newSubManager()) {
            NDArray refIdx = m.create(toLong(r));
            NDArray[] points = new NDArray[s];
            NDArray[] refT = new NDArray[s];
            NDArray[] sqRef = new NDArray[s];
            for (int i = 0; i < s; i++) {
                NDArray x = spaces.get(i);
                NDArray p;
                if (o.metric() == Metric.EUCLIDEAN && x.getDataType() == o.dtype()) {
                    p = x; // used as is: no copy (never modified, never attached here)
                } else {
                    NDArray xm = x.toType(o.dtype(), true); // a copy owned by this computation
                    xm.attach(m);
                    p = own(o.metric().prepare(xm), m);
                }
                NDArray ref = o.references() == null ? p : own(p.get(new NDIndex("{}", refIdx)), m);
                // d(q, r) = |r|² − 2 q·r = q·(−2r)ᵀ + |r|²: one GEMM, then one in-place add on the block
                refT[i] = own(ref.mul(-2.0), m).transpose();
                NDArray sq = own(own(ref.expandDims(1), m).matMul(own(ref.expandDims(2), m)), m); // [N,1,1], no N×D temp
                sqRef[i] = sq.reshape(1, nr);
                points[i] = p;
            }
            NDArray refPos = m.arange(0L, (long) nr, 1L, DataType.INT64).reshape(1, nr);
            int block = o.blockRows() > 0 ? o.blockRows()
                    : (int) Math.max(16, Math.min(nq, (1L << 21) / Math.max(1, nr) / Math.max(1, o.k())));
            for (int b0 = 0; b0 < nq; b0 += block) {
                int b1 = Math.min(nq, b0 + block);
                try (NDManager bm = m.newSubManager()) {
                    NDArray qi = allQueries ? null : bm.create(toLong(Arrays.copyOfRange(q, b0, b1)));
                    List<Long> selfRows = new ArrayList<>();
                    List<Long> selfCols = new ArrayList<>();
                    for (int row = b0; row < b1; row++) {
                        Integer col = refPosOf.get(q[row]);
                        if (col != null) {
                            selfRows.add((long) (row - b0));
                            selfCols.add((long) col);
                        }
                    }
                    NDIndex selfIdx = selfRows.isEmpty() ? null : new NDIndex("{}, {}",
                            bm.create(selfRows.stream().mapToLong(Long::longValue).toArray()),
                            bm.create(selfCols.stream().mapToLong(Long::longValue).toArray()));
                    NDArray inf = selfRows.isEmpty() ? null
                            : bm.full(new Shape(selfRows.size()), Float.POSITIVE_INFINITY, o.dtype());
                    NDArray[] d = new NDArray[s];
                    NDArray[] nn = new NDArray[s];
                    for (int i = 0; i < s; i++) {
                        NDArray xq = own(allQueries ? points[i].get(new NDIndex(b0 + ":" + b1))
                                : points[i].get(new NDIndex("{}", qi)), bm);
                        d[i] = xq.matMul(refT[i]).addi(sqRef[i]); // [b,N]
                        if (selfIdx != null) {
                            d[i].set(selfIdx, inf);
                        }
                        nn[i] = neighbours(d[i], o.k(), refPos);
                    }
                    for (int i = 0; i < s; i++) {
                        for (int j = 0; j < s; j++) {
                            if (i == j && o.k() == 1) {
                                // the nearest neighbour (first minimum) has rank 1 in its own space, either tie rule
                                Arrays.fill(ranks[i][j], b0, b1, 1.0);
                                continue;
                            }
                            double[] v = meanRank(d[j], nn[i], o.ties(), refPos).toDoubleArray();
                            System.arraycopy(v, 0, ranks[i][j], b0, b1 - b0);
                        }
                    }
                }
            }
        }
        double[][] delta = new double[s][s];
        double[][] err = new double[s][s];
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < s; j++) {
                double[] v = ranks[i][j];
                double mean = 0;
                for (double x : v) {
                    mean += x;
                }
                mean /= nq;
                double var = 0;
                for (double x : v) {
                    var += (x - mean) * (x - mean);
                }
                var = nq > 1 ? var / (nq - 1) : 0;
                delta[i][j] = 2.0 * mean / nr;
                err[i][j] = 2.0 / nr * Math.sqrt(var / nq);
            }
        }
        return new Matrix(delta, err, ranks, nq, nr, o.k());
    }

    /** Attaches a result computed from a caller's array to manager {@code m}. */
    private static NDArray own(NDArray a, NDManager m) {
        if (a.getManager() != m) {
            a.attach(m);
        }
        return a;
    }

    /**
     * Indices [b,k] (int64, positions among the references) of the k smallest entries of each row of d [b,N],
     * ties broken by the lower index; k = 1 uses argmin (first minimum).
     */
    static NDArray neighbours(NDArray d, int k, NDArray refPos) {
        long b = d.getShape().get(0);
        long nr = d.getShape().get(1);
        if (k == 1) {
            return d.argMin(1).toType(DataType.INT64, false).reshape(b, 1);
        }
        // threshold t = the k-th smallest value (a value, so independent of how topK orders ties)
        NDArray t = d.topK(k, 1, false, true).get(0).get(new NDIndex(":, {}", k - 1)).reshape(b, 1);
        NDArray less = d.lt(t);
        NDArray cntLess = less.sum(new int[] {1}).reshape(b, 1);
        NDArray eq = d.eq(t);
        NDArray pos = eq.toType(DataType.INT64, false).cumSum(1); // 1-based position among the ties
        NDArray keepEq = eq.logicalAnd(pos.lte(cntLess.neg().add(k)));
        NDArray sel = less.logicalOr(keepEq); // exactly k per row
        // selected columns get key N − index > 0, the others 0: the k largest keys are the selection
        NDArray key = sel.toType(DataType.INT64, false).mul(refPos.neg().add(nr));
        return key.topK(k, 1, true, true).get(1).toType(DataType.INT64, false);
    }

    /** Mean over k of r^t(i, nn[i,·]) for each row: d [b,N] in the target space, nn [b,k] → float64 [b]. */
    static NDArray meanRank(NDArray d, NDArray nn, Ties ties, NDArray refPos) {
        long b = d.getShape().get(0);
        long k = nn.getShape().get(1);
        NDArray v = d.gather(nn, 1); // [b,k]
        NDArray cnt;
        if (k == 1) {
            cnt = d.lt(v).sum(new int[] {1}).reshape(b, 1); // bool sum → int64, one pass
            if (ties == Ties.FIRST) {
                cnt = cnt.add(d.eq(v).logicalAnd(refPos.lt(nn)).sum(new int[] {1}).reshape(b, 1));
            }
        } else {
            NDArray d3 = d.expandDims(1); // [b,1,N]
            NDArray v3 = v.expandDims(2); // [b,k,1]
            cnt = d3.lt(v3).sum(new int[] {2}); // [b,k]
            if (ties == Ties.FIRST) {
                NDArray before = refPos.expandDims(0).lt(nn.expandDims(2)); // [b,k,N]
                cnt = cnt.add(d3.eq(v3).logicalAnd(before).sum(new int[] {2}));
            }
        }
        return cnt.toType(DataType.FLOAT64, false).add(1.0).mean(new int[] {1});
    }

    /**
     * Δ with errors from m disjoint random subsets of the points (each subset a dataset of its own): the mean of
     * the subsets' Δ and its standard error std/√m. Returns {delta, error} as [S][S] each.
     */
    public static double[][][] disjointSubsets(List<NDArray> spaces, Options o, int subsets, long seed) {
        int n = (int) spaces.get(0).getShape().get(0);
        if (subsets < 2 || n / subsets < o.k() + 2) {
            throw new IllegalArgumentException("cannot split " + n + " points into " + subsets + " subsets");
        }
        int[] perm = permutation(n, seed);
        int s = spaces.size();
        double[][] sum = new double[s][s];
        double[][] sum2 = new double[s][s];
        int size = n / subsets;
        for (int g = 0; g < subsets; g++) {
            int[] idx = Arrays.copyOfRange(perm, g * size, (g + 1) * size);
            Arrays.sort(idx);
            Matrix mm = matrix(spaces, o.withSplit(idx, idx));
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    sum[i][j] += mm.delta[i][j];
                    sum2[i][j] += mm.delta[i][j] * mm.delta[i][j];
                }
            }
        }
        double[][] mean = new double[s][s];
        double[][] err = new double[s][s];
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < s; j++) {
                mean[i][j] = sum[i][j] / subsets;
                double var = (sum2[i][j] - subsets * mean[i][j] * mean[i][j]) / (subsets - 1);
                err[i][j] = Math.sqrt(Math.max(0, var) / subsets);
            }
        }
        return new double[][][] {mean, err};
    }

    /** The rows of x permuted by a seeded random permutation (the shuffled-pair control, Δ ≈ 1). */
    public static NDArray shuffleRows(NDArray x, long seed) {
        int n = (int) x.getShape().get(0);
        NDArray idx = x.getManager().create(toLong(permutation(n, seed)));
        return x.get(new NDIndex("{}", idx));
    }

    /** A seeded random permutation of 0 … n−1 (Fisher-Yates). */
    public static int[] permutation(int n, long seed) {
        int[] p = range(n);
        Random rnd = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static int[] range(int n) {
        int[] r = new int[n];
        Arrays.setAll(r, i -> i);
        return r;
    }

    private static long[] toLong(int[] a) {
        long[] l = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            l[i] = a[i];
        }
        return l;
    }

    private static void checkIndices(int[] idx, long n, String what) {
        if (idx.length == 0) {
            throw new IllegalArgumentException("empty " + what + " set");
        }
        for (int i : idx) {
            if (i < 0 || i >= n) {
                throw new IllegalArgumentException(what + " index " + i + " out of range [0, " + n + ")");
            }
        }
    }
}
