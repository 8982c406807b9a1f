package org.spinformer.representations.imbalance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.util.Locale;

/**
 * Distances between representations. Each metric is reduced to the squared Euclidean distance of a
 * transformed copy of the points, which has the same neighbour order:
 * <pre>
 *   euclidean:  d(x,y) = |x − y|                      (x unchanged)
 *   cosine:     d(x,y) = 1 − x·y/(|x||y|) = |x̂ − ŷ|²/2   (x̂ = x/|x|, a zero row stays zero)
 *   hamming:    d(x,y) = #{c : [x_c &gt; 0] ≠ [y_c &gt; 0]} = |b(x) − b(y)|²   (b = sign binarisation to {0,1})
 * </pre>
 * Ranks depend only on the order of distances, so {@link InformationImbalance} works on |x − y|² of the
 * transformed points. Hamming distances of 0/1 vectors are exact integers in float32 up to 2²⁴ coordinates.
 */
public enum Metric {
    /** Euclidean distance. */
    EUCLIDEAN,
    /** Cosine distance. */
    COSINE,
    /** Hamming distance of the sign-binarised coordinates. */
    HAMMING;

    /** Parses {@code euclidean|cosine|hamming}. */
    public static Metric parse(String s) {
        switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
            case "euclidean": case "l2": return EUCLIDEAN;
            case "cosine": case "cos": return COSINE;
            case "hamming": return HAMMING;
            default: throw new IllegalArgumentException("unknown metric '" + s + "': use euclidean, cosine or hamming");
        }
    }

    /**
     * The points transformed so that squared Euclidean distance orders pairs as this metric does.
     * x [N,D] (float32 or float64; other types become float32) → [N,D] of the same float type, owned by x's
     * manager.
     */
    public NDArray prepare(NDArray x) {
        if (x.getShape().dimension() != 2) {
            throw new IllegalArgumentException("representations must be a 2-D array [N,D], got " + x.getShape());
        }
        DataType t = x.getDataType() == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
        NDArray f = x.getDataType() == t ? x : x.toType(t, false);
        switch (this) {
            case COSINE: {
                NDArray norm = f.square().sum(new int[] {1}, true).sqrt();
                NDArray safe = norm.add(norm.eq(0).toType(t, false)); // zero rows: divide by 1
                return f.div(safe);
            }
            case HAMMING:
                return f.gt(0).toType(t, false);
            default:
                return f;
        }
    }
}
