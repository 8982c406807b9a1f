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
 *   Δ(A→B) = (2/N) · (1/(N_q k)) Σ_i Σ_{j ∈ nn_A^k(i)} r^B(i, j)          (normalisation DADAPY, default)
 *   Δ(A→B) = 2 (⟨r⟩ − 1) / (N − 2)                                          (normalisation PAPER, see {@link Normalisation})
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
 * <p>Computation on the tensor engine. Squared distances by GEMM, |x|² + |y|² − 2 x·y: when all points are
 * both queries and references and the N×N matrices of all spaces fit in 1 GiB, each space's whole matrix is
 * built once from the Gram blocks on and above the diagonal (half the GEMM work; the blocks below are
 * transposed copies); otherwise query rows go in blocks (memory O(block × N), one GEMM per block and space,
 * the row constant |q|² left out as it cannot change a row's order). i's own column is +∞. Neighbours by
 * argmin (k = 1) or an exact top-k with index tie-break (k &gt; 1); then for every ordered pair (s, t) the rank
 * of the s-neighbours in t by counting (one comparison of the block's t-distances against the gathered value,
 * and a count): no sort. All pairs of spaces share the same distance blocks, so both directions, or the full
 * layer × layer matrix, cost one GEMM per space.
 *
 * <p>Precision ({@link Precision}): the default EXACT gives the ranks of exact distances at float32 speed.
 * Points are shifted by a common vector (distances unchanged) and rounded to float32; each computed distance
 * then differs from the exact one by at most τ = c·(|q| + max|r|)², c = 1.1·(D + 32)·2⁻²⁴ (the dot-product
 * bound γ_D = D·u holds for any summation order, the rest covers the norms, the additions and the shift).
 * Candidates for neighbours are all references within 2τ of the k-th smallest computed distance; they get
 * float64 distances Σ(x − y)² from the original points and the neighbours are chosen from those. A reference
 * more than 2τ below the neighbour's computed distance is surely closer and is counted as such; one within
 * 2τ is compared in float64. The refinement touches a handful of pairs per row on real data, so EXACT costs
 * little more than FLOAT32 and about half of FLOAT64 (which recomputes nothing but runs float64 GEMMs). The bound
 * assumes IEEE float32 products and sums (true on CPU, and on CUDA while TF32 matmul stays off, PyTorch's
 * default).
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
     * How the mean rank becomes Δ. With r the 1-based rank in the target space (1 = nearest), N_r the number of
     * references and ⟨r⟩ the mean over queries and their k neighbours:
     * <pre>
     *   DADAPY  Δ = 2⟨r⟩ / N_r             DADApy's {@code _return_imbalance}: mean(rank) / (N/2), rank 1-based;
     *                                      Δ(X→X) = 2/N (k = 1)
     *   PAPER   Δ = 2(⟨r⟩ − 1) / (N_r − 2)  the code of Acevedo et al.: 0-based ranks over the references,
     *                                      2·mean / (max_rank − 2), max_rank = N_r; Δ(X→X) = 0 (k = 1)
     * </pre>
     * The authors' code ranks a random half of the points (queries) against the other half (references), so
     * PAPER is meant with such a split ({@link #halves}); their code also counts as neighbours every reference
     * tied at the k-th distance, where this class takes exactly k (lower index first): the same on tie-free data.
     */
    public enum Normalisation {
        /** Δ = 2⟨r⟩/N_r (DADApy). */
        DADAPY,
        /** Δ = 2(⟨r⟩ − 1)/(N_r − 2) (Acevedo et al. 2025, with a half/half query/reference split). */
        PAPER;

        /** Parses {@code dadapy|paper}. */
        public static Normalisation parse(String s) {
            switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
                case "dadapy": return DADAPY;
                case "paper": return PAPER;
                default: throw new IllegalArgumentException("unknown normalisation '" + s + "': use dadapy or paper");
            }
        }

        /** Δ of a mean 1-based rank over {@code nr} references. */
        public double delta(double meanRank, int nr) {
            return this == DADAPY ? 2.0 * meanRank / nr : 2.0 * (meanRank - 1) / (nr - 2);
        }

        /** The factor from rank units to Δ units (for standard errors). */
        public double scale(int nr) {
            return this == DADAPY ? 2.0 / nr : 2.0 / (nr - 2);
        }
    }

    /**
     * The paper's split of {@code n} points: the points of a seeded random permutation, its first ⌊n/2⌋ as queries and
     * the other ⌈n/2⌉ as references (as the authors' code draws them); with {@code seed} null, the first ⌊n/2⌋ points
     * in order as queries and the rest as references. Each returned index array is sorted. Returns {queries, refs}.
     */
    public static int[][] halves(int n, Long seed) {
        if (n < 4) {
            throw new IllegalArgumentException("a half/half split needs at least 4 points, got " + n);
        }
        int[] p = seed == null ? range(n) : permutation(n, seed);
        int[] q = Arrays.copyOfRange(p, 0, n / 2);
        int[] r = Arrays.copyOfRange(p, n / 2, n);
        Arrays.sort(q);
        Arrays.sort(r);
        return new int[][] {q, r};
    }

    /** Precision of the distances. */
    public enum Precision {
        /**
         * Ranks of the exact distances at float32 speed (default): float32 distances, and every comparison
         * that float32 rounding could decide wrongly (a rigorous error bound, γ_D = D·u of the dot products plus
         * a few roundings) is redone with float64 distances of the two points. Hamming distances are exact
         * integers in float32 and need no refinement.
         */
        EXACT,
        /** float64 distances throughout (about twice the cost of EXACT on CPU). */
        FLOAT64,
        /** float32 distances without refinement: a near-tie (relative gap below ~1e-6) may be misordered. */
        FLOAT32;

        /** Parses {@code exact|float64|float32} (also {@code f64}, {@code f32}). */
        public static Precision parse(String s) {
            switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
                case "exact": return EXACT;
                case "float64": case "f64": case "double": return FLOAT64;
                case "float32": case "f32": case "float": return FLOAT32;
                default: throw new IllegalArgumentException("unknown precision '" + s + "': use exact, float64 or float32");
            }
        }
    }

    /**
     * Settings.
     *
     * @param k          neighbours per point in the source space (≥ 1)
     * @param ties       tie rule for ranks in the target space
     * @param metric     distance
     * @param precision  precision of the distances (see {@link Precision})
     * @param blockRows  query rows per block (0 = automatic: about 2²¹ distances per block per space, so that
     *                   temporaries stay below glibc's 32 MB mmap threshold and are reused without page faults)
     * @param queries    indices of the query points, or null for all
     * @param references indices of the reference points (candidates for neighbours), or null for all
     * @param normalisation how the mean rank becomes Δ (see {@link Normalisation})
     */
    public record Options(int k, Ties ties, Metric metric, Precision precision, int blockRows, int[] queries,
            int[] references, Normalisation normalisation) {
        public Options {
            if (normalisation == null) {
                throw new IllegalArgumentException("normalisation must be dadapy or paper");
            }
            if (k < 1) {
                throw new IllegalArgumentException("k must be >= 1, got " + k);
            }
            if (precision == null) {
                throw new IllegalArgumentException("precision must be exact, float64 or float32");
            }
            if (blockRows < 0) {
                throw new IllegalArgumentException("blockRows must be >= 0, got " + blockRows);
            }
        }

        /** k = 1, ties min, Euclidean, exact ranks (certified float32), automatic blocks, all points. */
        public static Options defaults() {
            return new Options(1, Ties.MIN, Metric.EUCLIDEAN, Precision.EXACT, 0, null, null, Normalisation.DADAPY);
        }

        public Options withK(int v) {
            return new Options(v, ties, metric, precision, blockRows, queries, references, normalisation);
        }

        public Options withTies(Ties v) {
            return new Options(k, v, metric, precision, blockRows, queries, references, normalisation);
        }

        public Options withMetric(Metric v) {
            return new Options(k, ties, v, precision, blockRows, queries, references, normalisation);
        }

        public Options withPrecision(Precision v) {
            return new Options(k, ties, metric, v, blockRows, queries, references, normalisation);
        }

        /** FLOAT64 or FLOAT32 distances without refinement. */
        public Options withDType(DataType v) {
            if (v != DataType.FLOAT64 && v != DataType.FLOAT32) {
                throw new IllegalArgumentException("distance precision must be float32 or float64, got " + v);
            }
            return withPrecision(v == DataType.FLOAT64 ? Precision.FLOAT64 : Precision.FLOAT32);
        }

        public Options withBlockRows(int v) {
            return new Options(k, ties, metric, precision, v, queries, references, normalisation);
        }

        /** The normalisation of Δ. */
        public Options withNormalisation(Normalisation v) {
            return new Options(k, ties, metric, precision, blockRows, queries, references, v);
        }

        /** Query and reference index sets (null = all points). */
        public Options withSplit(int[] q, int[] r) {
            return new Options(k, ties, metric, precision, blockRows, q, r, normalisation);
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

    /**
     * Δ between every ordered pair of the given spaces (each [N, D_s], same N).
     *
     * @throws IllegalArgumentException if a space holds a NaN or infinite value (names space, row and column)
     */
    public static Matrix matrix(List<NDArray> spaces, Options o) {
        if (spaces.isEmpty()) {
            throw new IllegalArgumentException("need at least one space");
        }
        try (NDManager sm = spaces.get(0).getManager().newSubManager()) {
            List<NDArray> prepared = new ArrayList<>();
            for (int i = 0; i < spaces.size(); i++) {
                prepared.add(finiteScaled(spaces.get(i), i, o, sm));
            }
            return matrixOfFinite(prepared, o);
        }
    }

    /**
     * Rejects non-finite values and, for Euclidean and cosine distances, rescales a space by a power of two so
     * that its largest magnitude is near 1: Δ depends only on distance ranks, which a power-of-two scale keeps
     * exactly, while float32 squared distances of data near 1e±19 and beyond would overflow or underflow.
     */
    static NDArray finiteScaled(NDArray x, int index, Options o, NDManager sm) {
        DataType t = x.getDataType();
        if (!t.isFloating()) {
            return x;
        }
        NDArray bad = own(own(x.isNaN(), sm).logicalOr(own(x.isInfinite(), sm)), sm);
        if (bad.any().getBoolean()) {
            long flat = own(own(bad.reshape(-1), sm).toType(DataType.INT32, false), sm).argMax().getLong();
            long cols = x.getShape().dimension() == 2 ? x.getShape().get(1) : 1;
            double v = own(own(own(x.reshape(-1), sm).get(flat), sm).toType(DataType.FLOAT64, false), sm)
                    .getDouble();
            throw new IllegalArgumentException("space " + index + " has a non-finite value (" + v + ") at row "
                    + (flat / cols) + ", column " + (flat % cols) + " (0-based)");
        }
        if (o.metric() == Metric.HAMMING || x.size() == 0) {
            return x;
        }
        NDArray x64 = t == DataType.FLOAT64 ? x : own(x.toType(DataType.FLOAT64, true), sm);
        double maxAbs = own(own(x64.abs(), sm).max(), sm).getDouble();
        int e = maxAbs > 0 ? Math.getExponent(maxAbs) : 0;
        if (Math.abs(e) <= 16) {
            return x; // already in range: no copy
        }
        NDArray y = own(x64.mul(Math.scalb(1.0, -e)), sm);
        return t == DataType.FLOAT64 ? y : own(y.toType(t, true), sm);
    }

    private static Matrix matrixOfFinite(List<NDArray> spaces, Options o) {
        int s = spaces.size();
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
        if (o.normalisation() == Normalisation.PAPER && nr < 3) {
            throw new IllegalArgumentException("the paper normalisation 2(<r> - 1)/(N_r - 2) needs at least 3 "
                    + "references, got " + nr);
        }
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
        boolean allRefs = o.references() == null;
        // certified float32: only where float32 is not already exact (Hamming's 0/1 distances are exact integers)
        boolean certify = o.precision() == Precision.EXACT && o.metric() != Metric.HAMMING;
        DataType work = o.precision() == Precision.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
        long bytes = work == DataType.FLOAT64 ? 8 : 4;
        // whole N×N distance matrices (Gram by symmetric blocks: half the GEMM work) when they fit
        boolean whole = allQueries && allRefs && o.blockRows() == 0 && (long) s * n * n * bytes <= WHOLE_MATRIX_BYTES;
        try (NDManager m = parent.newSubManager()) {
            NDArray refIdx = allRefs ? null : m.create(toLong(r));
            Space[] sp = new Space[s];
            for (int i = 0; i < s; i++) {
                sp[i] = Space.prepare(spaces.get(i), o, work, certify, refIdx, whole, m);
            }
            NDArray refPos = m.arange(0L, (long) nr, 1L, DataType.INT64).reshape(1, nr);
            int block = o.blockRows() > 0 ? o.blockRows()
                    : (int) Math.max(16, Math.min(nq, (1L << 21) / Math.max(1, nr) / Math.max(1, o.k())));
            for (int b0 = 0; b0 < nq; b0 += block) {
                int b1 = Math.min(nq, b0 + block);
                try (NDManager bm = m.newSubManager()) {
                    NDArray qi = allQueries ? null : bm.create(toLong(Arrays.copyOfRange(q, b0, b1)));
                    NDArray qRows = allQueries ? bm.arange((long) b0, (long) b1, 1L, DataType.INT64) : qi;
                    List<Long> selfRows = new ArrayList<>();
                    List<Long> selfCols = new ArrayList<>();
                    for (int row = b0; row < b1; row++) {
                        Integer col = refPosOf.get(q[row]);
                        if (col != null) {
                            selfRows.add((long) (row - b0));
                            selfCols.add((long) col);
                        }
                    }
                    NDIndex selfIdx = whole || selfRows.isEmpty() ? null : new NDIndex("{}, {}",
                            bm.create(selfRows.stream().mapToLong(Long::longValue).toArray()),
                            bm.create(selfCols.stream().mapToLong(Long::longValue).toArray()));
                    NDArray inf = selfIdx == null ? null
                            : bm.full(new Shape(selfRows.size()), Float.POSITIVE_INFINITY, work);
                    Block[] blk = new Block[s];
                    for (int i = 0; i < s; i++) {
                        NDArray d = sp[i].distances(b0, b1, qi, bm);
                        if (selfIdx != null) {
                            d.set(selfIdx, inf);
                        }
                        blk[i] = certify ? sp[i].certifiedBlock(d, qRows, o.k(), refPos, bm)
                                : new Block(d, neighbours(d, o.k(), refPos), null);
                    }
                    for (int i = 0; i < s; i++) {
                        for (int j = 0; j < s; j++) {
                            if (i == j && o.k() == 1) {
                                // the nearest neighbour (first minimum) has rank 1 in its own space, either tie rule
                                Arrays.fill(ranks[i][j], b0, b1, 1.0);
                                continue;
                            }
                            NDArray mr = certify ? sp[j].certifiedMeanRank(blk[j], blk[i].nn, qRows, o.ties(), refPos, bm)
                                    : meanRank(blk[j].d, blk[i].nn, o.ties(), refPos);
                            System.arraycopy(mr.toDoubleArray(), 0, ranks[i][j], b0, b1 - b0);
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
                delta[i][j] = o.normalisation().delta(mean, nr);
                err[i][j] = o.normalisation().scale(nr) * Math.sqrt(var / nq);
            }
        }
        return new Matrix(delta, err, ranks, nq, nr, o.k());
    }

    /** Largest total size of whole distance matrices (all spaces together) kept instead of row blocks. */
    static final long WHOLE_MATRIX_BYTES = 1L << 30;

    /** Row block of the Gram products when a whole distance matrix is built. */
    private static final int GRAM_BLOCK = 1024;

    /** float32 unit roundoff. */
    private static final double U32 = 0x1p-24;

    /**
     * One block's distances in one space: d [b,N] (working precision, self at +∞), the neighbours nn [b,k], and
     * in certified mode the per-row half-width {@code tau2} [b,1] of the interval that surely holds the exact
     * difference of two computed distances.
     */
    private record Block(NDArray d, NDArray nn, NDArray tau2) {
    }

    /**
     * One space prepared for distance blocks. Working points {@code w} (references: {@code ref}) in the working
     * precision; in certified mode {@code w} is float32 after subtracting a common vector (distances do not
     * change; smaller norms tighten the error bound), and {@code exact} holds the points for float64 recomputation.
     */
    private static final class Space {
        NDArray w;
        NDArray ref;
        NDArray refT;
        NDArray sqRef;
        NDArray whole;
        NDArray exact;
        NDArray exactRef;
        NDArray normW;
        double maxRefNorm;
        double c;
        NDArray refIdx;

        static Space prepare(NDArray x, Options o, DataType work, boolean certify, NDArray refIdx, boolean whole,
                NDManager m) {
            Space sp = new Space();
            sp.refIdx = refIdx;
            NDArray p;
            if (o.metric() == Metric.EUCLIDEAN && x.getDataType() == work && !certify
                    && o.precision() == Precision.FLOAT64) {
                p = x; // used as is: no copy (never modified, never attached here)
            } else if (certify) {
                NDArray src = o.metric() == Metric.EUCLIDEAN && (x.getDataType() == DataType.FLOAT32
                        || x.getDataType() == DataType.FLOAT64) ? x : own(o.metric().prepare(own(x.toType(DataType.FLOAT64, true), m)), m);
                sp.exact = src;
                sp.exactRef = refIdx == null ? src : own(src.get(new NDIndex("{}", refIdx)), m);
                // any common vector keeps distances; the float32 rounding of x − μ is covered by the bound below
                NDArray mu = own(converted(sp.exactRef, DataType.FLOAT32, m).mean(new int[] {0}, true), m);
                p = own(converted(src, DataType.FLOAT32, m).sub(mu), m);
            } else {
                NDArray xm = x.toType(work, true); // a copy owned by this computation
                xm.attach(m);
                p = own(o.metric().prepare(xm), m);
                if (work == DataType.FLOAT32 && o.metric() != Metric.HAMMING) {
                    p = own(p.sub(own(p.mean(new int[] {0}, true), m)), m); // centred: smaller rounding errors
                }
            }
            sp.w = p;
            sp.ref = refIdx == null ? p : own(p.get(new NDIndex("{}", refIdx)), m);
            long nr = sp.ref.getShape().get(0);
            long dim = sp.ref.getShape().get(1);
            NDArray sq = own(own(own(sp.ref.expandDims(1), m).matMul(own(sp.ref.expandDims(2), m)), m).reshape(1, nr), m);
            sp.sqRef = sq; // [1,N], no N×D temporary
            if (certify) {
                // every computed distance differs from the exact one by at most c·(|q| + |r|)², c from γ_D = D·u
                // (any summation order) plus a few roundings and the centring; norms inflated to upper bounds
                sp.c = (dim + 32) * U32 * 1.1;
                double grow = 1 + 2 * (dim + 2) * U32;
                NDArray sqAll = refIdx == null ? sq.reshape(nr)
                        : own(own(own(p.expandDims(1), m).matMul(own(p.expandDims(2), m)), m).reshape(-1), m);
                sp.normW = own(own(sqAll.toType(DataType.FLOAT64, false), m).mul(grow).sqrt(), m);
                sp.maxRefNorm = own(own(sq.toType(DataType.FLOAT64, false), m).mul(grow).sqrt(), m).max().getDouble();
            }
            if (whole) {
                sp.whole = gram(p, m);
                // d = |x_i|² + |x_j|² − 2 x_i·x_j, in place, self at +∞
                sp.whole.muli(-2.0).addi(sq).addi(sq.reshape(nr, 1));
                NDArray diag = m.arange(0L, nr, 1L, DataType.INT64);
                sp.whole.set(new NDIndex("{}, {}", diag, diag), m.full(new Shape(nr), Float.POSITIVE_INFINITY, work));
            } else {
                // d(q, r) = |r|² − 2 q·r = q·(−2r)ᵀ + |r|²: one GEMM, then one in-place add on the block
                sp.refT = own(sp.ref.mul(-2.0), m).transpose();
            }
            return sp;
        }

        /** Squared distances (up to a per-row constant in block mode) of queries b0…b1 to every reference [b,N]. */
        NDArray distances(int b0, int b1, NDArray qi, NDManager bm) {
            if (whole != null) {
                return own(whole.get(new NDIndex(b0 + ":" + b1)), bm);
            }
            NDArray xq = own(qi == null ? w.get(new NDIndex(b0 + ":" + b1)) : w.get(new NDIndex("{}", qi)), bm);
            return own(xq.matMul(refT).addi(sqRef), bm);
        }

        /** Exact (float64) squared distances of point pairs (rows of the points, positions among the references). */
        NDArray exactPairs(NDArray rows, NDArray refCols, NDManager bm) {
            long p = rows.getShape().get(0);
            NDArray out = bm.zeros(new Shape(p), DataType.FLOAT64);
            // chunks of ≤ 2¹⁹ float64 (4 MiB) per temporary: below glibc's mmap threshold, reused without page faults
            long chunk = Math.max(1, (1L << 19) / Math.max(1, exact.getShape().get(1)));
            for (long c0 = 0; c0 < p; c0 += chunk) {
                long c1 = Math.min(p, c0 + chunk);
                try (NDManager cm = bm.newSubManager()) {
                    NDArray ri = own(rows.get(new NDIndex(c0 + ":" + c1)), cm);
                    NDArray ci = own(refCols.get(new NDIndex(c0 + ":" + c1)), cm);
                    NDArray a = own(own(exact.get(new NDIndex("{}", ri)), cm).toType(DataType.FLOAT64, false), cm);
                    NDArray b = own(own(exactRef.get(new NDIndex("{}", ci)), cm).toType(DataType.FLOAT64, false), cm);
                    a.subi(b);
                    NDArray d = own(a.muli(a).sum(new int[] {1}), cm);
                    out.set(new NDIndex(c0 + ":" + c1), d);
                }
            }
            return out;
        }

        /**
         * Exact float64 distances where mask [a,N] is true (rows: the points qA [a], columns: reference positions),
         * {@code fill} elsewhere → [a,N].
         */
        NDArray exactWhere(NDArray mask, NDArray qA, float fill, NDManager bm) {
            NDArray idx = own(mask.nonzero(), bm); // [P,2]: row of the mask, reference position
            NDArray rows = own(idx.get(new NDIndex(":, 0")), bm);
            NDArray cols = own(idx.get(new NDIndex(":, 1")), bm);
            NDArray ex = exactPairs(own(qA.get(new NDIndex("{}", rows)), bm), cols, bm);
            NDArray e = bm.full(mask.getShape(), fill, DataType.FLOAT64);
            e.set(new NDIndex("{}, {}", rows, cols), ex);
            return e;
        }

        /**
         * The certified neighbours of a block. The float32 k nearest are certain unless another reference lies
         * within the error band 2τ above the k-th smallest computed distance; in such rows every reference within
         * the band is a candidate (the exact k nearest are among them), candidates get exact float64 distances and
         * the k nearest are taken from those (ties by index).
         */
        Block certifiedBlock(NDArray d, NDArray qRows, int k, NDArray refPos, NDManager bm) {
            long b = d.getShape().get(0);
            NDArray qn = own(normW.get(new NDIndex("{}", qRows)), bm);
            NDArray tau2 = own(own(own(qn.add(maxRefNorm), bm).square().mul(2 * c), bm).toType(DataType.FLOAT32, false)
                    .reshape(b, 1), bm);
            NDArray nn = own(neighbours(d, k, refPos), bm);
            NDArray sel = own(d.gather(nn, 1), bm);
            NDArray t = k == 1 ? sel : own(sel.max(new int[] {1}, true), bm); // the k-th smallest [b,1]
            NDArray close = own(own(d.lte(own(t.add(tau2), bm)), bm).sum(new int[] {1}), bm); // ≥ k
            NDArray amb = own(own(close.gt(k), bm).nonzero(), bm).reshape(-1);
            long na = amb.getShape().get(0);
            if (na > 0) {
                NDIndex rowsA = new NDIndex("{}", amb);
                NDArray dA = own(d.get(rowsA), bm);
                NDArray cand = own(dA.lte(own(own(t.get(rowsA), bm).add(own(tau2.get(rowsA), bm)), bm)), bm);
                NDArray e = exactWhere(cand, own(qRows.get(rowsA), bm), Float.POSITIVE_INFINITY, bm);
                nn.set(rowsA, own(neighbours(e, k, refPos), bm));
            }
            return new Block(d, nn, tau2);
        }

        /**
         * Certified mean rank in this space of the neighbours nn [b,k] found in a source space. References more
         * than 2τ below the neighbour's computed distance are surely closer and counted from float32; in rows where
         * another reference lies within 2τ of it, those references are compared with exact float64 distances.
         */
        NDArray certifiedMeanRank(Block tb, NDArray nn, NDArray qRows, Ties ties, NDArray refPos, NDManager bm) {
            NDArray d = tb.d;
            long b = d.getShape().get(0);
            long nr = d.getShape().get(1);
            long k = nn.getShape().get(1);
            NDArray v = own(d.gather(nn, 1), bm); // [b,k] float32
            // the band [v − 2τ, v + 2τ] with its two ends computed once: every reference is below it (counted),
            // in it (compared in float64) or above it, with the same rounded thresholds in all three tests
            NDArray lower = own(v.sub(tb.tau2), bm); // [b,k]
            NDArray upper = own(v.add(tb.tau2), bm);
            NDArray lo;
            NDArray hi;
            if (k == 1) {
                lo = own(own(d.lt(lower), bm).sum(new int[] {1}, true), bm); // [b,1]
                hi = own(own(d.lte(upper), bm).sum(new int[] {1}, true), bm);
            } else {
                NDArray d3 = d.expandDims(1); // [b,1,N]
                lo = own(own(d3.lt(lower.expandDims(2)), bm).sum(new int[] {2}), bm); // [b,k]
                hi = own(own(d3.lte(upper.expandDims(2)), bm).sum(new int[] {2}), bm);
            }
            NDArray cnt = own(lo.toType(DataType.FLOAT64, false), bm);
            // the band always holds the neighbour itself; a row needs float64 only if it holds another reference
            NDArray amb = own(own(own(own(hi.sub(lo), bm).gt(1), bm).sum(new int[] {1}), bm).gt(0), bm);
            NDArray rowsAmb = own(amb.nonzero(), bm).reshape(-1);
            long na = rowsAmb.getShape().get(0);
            if (na > 0) {
                NDIndex rowsA = new NDIndex("{}", rowsAmb);
                NDArray dA = own(d.get(rowsA), bm);
                NDArray nnA = own(nn.get(rowsA), bm);
                NDArray qA = own(qRows.get(rowsA), bm);
                NDArray d3 = dA.expandDims(1); // [a,1,N]
                NDArray band = own(own(d3.gte(own(lower.get(rowsA), bm).expandDims(2)), bm)
                        .logicalAnd(own(d3.lte(own(upper.get(rowsA), bm).expandDims(2)), bm)), bm); // [a,k,N]
                // exact distances once per (row, reference) in any neighbour's band, compared only inside that band
                NDArray union = k == 1 ? own(band.reshape(na, nr), bm)
                        : own(own(band.sum(new int[] {1}), bm).gt(0), bm); // [a,N]
                NDArray e = exactWhere(union, qA, Float.NaN, bm);
                // exact distances to the neighbours
                NDArray rowsK = own(own(own(bm.arange(0L, na, 1L, DataType.INT64).reshape(na, 1), bm).repeat(1, k), bm)
                        .reshape(-1), bm);
                NDArray vx3 = own(exactPairs(own(qA.get(new NDIndex("{}", rowsK)), bm), own(nnA.reshape(-1), bm), bm)
                        .reshape(na, k, 1), bm);
                NDArray e3 = e.expandDims(1); // [a,1,N]
                NDArray hit = own(own(e3.lt(vx3), bm).logicalAnd(band), bm);
                if (ties == Ties.FIRST) {
                    NDArray before = own(refPos.expandDims(0).lt(nnA.expandDims(2)), bm); // [a,k,N]
                    hit = own(hit.logicalOr(own(own(own(e3.eq(vx3), bm).logicalAnd(before), bm).logicalAnd(band), bm)), bm);
                }
                NDArray extra = own(own(hit.sum(new int[] {2}), bm).toType(DataType.FLOAT64, false), bm);
                cnt.set(rowsA, own(own(cnt.get(rowsA), bm).add(extra), bm));
            }
            return own(own(cnt.add(1.0), bm).mean(new int[] {1}), bm);
        }
    }

    /** X·Xᵀ [N,N] from GEMMs on the blocks on and above the diagonal; the blocks below are their transposes. */
    static NDArray gram(NDArray x, NDManager m) {
        long n = x.getShape().get(0);
        NDArray g = m.create(new Shape(n, n), x.getDataType());
        for (long i0 = 0; i0 < n; i0 += GRAM_BLOCK) {
            long i1 = Math.min(n, i0 + GRAM_BLOCK);
            try (NDManager bm = m.newSubManager()) {
                NDArray xi = own(x.get(new NDIndex(i0 + ":" + i1)), bm);
                NDArray rest = own(x.get(new NDIndex(i0 + ":")), bm);
                NDArray row = own(xi.matMul(own(rest.transpose(), bm)), bm); // [bi, n − i0]
                g.set(new NDIndex(i0 + ":" + i1 + ", " + i0 + ":"), row);
                if (i1 < n) {
                    g.set(new NDIndex(i1 + ":, " + i0 + ":" + i1),
                            own(own(row.get(new NDIndex(":, " + (i1 - i0) + ":")), bm).transpose(), bm));
                }
            }
        }
        return g;
    }

    /**
     * x in type t: x itself when it already is (never attached: it may be the caller's), else a copy owned by m.
     */
    private static NDArray converted(NDArray x, DataType t, NDManager m) {
        return x.getDataType() == t ? x : own(x.toType(t, true), m);
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
        int minSize = o.normalisation() == Normalisation.PAPER ? 2 * o.k() + 4 : o.k() + 2;
        if (subsets < 2 || n / subsets < minSize) {
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
            Options os;
            if (o.normalisation() == Normalisation.PAPER) {
                // each subset split as the paper splits the whole set: a random half queries, the rest references
                int[] qs = Arrays.copyOfRange(perm, g * size, g * size + size / 2);
                int[] rs = Arrays.copyOfRange(perm, g * size + size / 2, (g + 1) * size);
                Arrays.sort(qs);
                Arrays.sort(rs);
                os = o.withSplit(qs, rs);
            } else {
                os = o.withSplit(idx, idx);
            }
            Matrix mm = matrix(spaces, os);
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
