package org.spinformer.representations.pooling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.Locale;

/**
 * One vector per text from token states h [..., B, T, D] and the padding mask [B,T] (right padding, length
 * n_b = Σ_t mask_bt):
 * <pre>
 *   mean           v_b = Σ_t mask_bt h_bt / n_b
 *   first          v_b = h_b0
 *   last           v_b = h_b,n_b−1
 *   last-n:N[:K]   v_b = [h_b,n_b−K−N ; … ; h_b,n_b−K−1]   (N·D wide; the last N tokens after dropping the
 *                                                           final K; positions below 0 are clamped to 0)
 *   +sign          v ← sign(v) ∈ {−1, 0, 1}               (binarisation, e.g. for the Hamming metric)
 * </pre>
 * Acevedo et al. (2025) concatenate the last tokens of decoder LLMs; mean pooling suits encoders.
 *
 * @param kind   the pooling
 * @param n      N for last-n
 * @param drop   K for last-n
 * @param sign   sign binarisation
 */
public record Pooling(Kind kind, int n, int drop, boolean sign) implements TokenPooler {
    /** Pooling kinds. */
    public enum Kind {
        MEAN, FIRST, LAST, LAST_N
    }

    public Pooling {
        if (kind == Kind.LAST_N && n < 1) {
            throw new IllegalArgumentException("last-n needs N >= 1, got " + n);
        }
        if (drop < 0) {
            throw new IllegalArgumentException("drop must be >= 0, got " + drop);
        }
    }

    /** Parses {@code mean|first|last|last-n:N[:K]}, optionally followed by {@code +sign}. */
    public static Pooling parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        boolean sign = false;
        if (s.endsWith("+sign")) {
            sign = true;
            s = s.substring(0, s.length() - 5);
        }
        switch (s) {
            case "mean": return new Pooling(Kind.MEAN, 0, 0, sign);
            case "first": return new Pooling(Kind.FIRST, 0, 0, sign);
            case "last": return new Pooling(Kind.LAST, 0, 0, sign);
            default:
        }
        if (s.startsWith("last-n:")) {
            String[] parts = s.substring(7).split(":");
            try {
                int n = Integer.parseInt(parts[0]);
                int drop = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
                if (parts.length <= 2) {
                    return new Pooling(Kind.LAST_N, n, drop, sign);
                }
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new IllegalArgumentException("bad pooling '" + spec + "': use mean, first, last or last-n:N[:K], "
                + "optionally with +sign");
    }

    /** Output width for model width D. */
    public long width(long d) {
        return kind == Kind.LAST_N ? n * d : d;
    }

    /**
     * Pools h [S,B,T,D] (S stacked layers) with mask [B,T] → [S,B,width].
     */
    @Override
    public NDArray apply(NDArray h, NDArray mask) {
        long s = h.getShape().get(0);
        long b = h.getShape().get(1);
        long t = h.getShape().get(2);
        long d = h.getShape().get(3);
        NDManager m = h.getManager();
        NDArray maskF = mask.toType(h.getDataType(), false); // [B,T]
        NDArray len = mask.toType(DataType.INT64, false).sum(new int[] {1}); // [B]
        NDArray v;
        switch (kind) {
            case MEAN: {
                NDArray w = maskF.reshape(1, b, t, 1);
                v = h.mul(w).sum(new int[] {2}).div(maskF.sum(new int[] {1}).reshape(1, b, 1));
                break;
            }
            case FIRST:
                v = h.get(":, :, 0, :");
                break;
            case LAST:
                v = tokensAt(h, len.sub(1).reshape(b, 1)).reshape(s, b, d);
                break;
            default: {
                NDArray offs = m.arange(-(long) drop - n, -(long) drop, 1L, DataType.INT64).reshape(1, n); // [1,N]
                NDArray pos = len.reshape(b, 1).add(offs).maximum(0L); // [B,N]
                v = tokensAt(h, pos).reshape(s, b, n * d);
            }
        }
        return sign ? v.sign() : v;
    }

    /** h [S,B,T,D], positions [B,N] int64 → [S,B,N,D]. */
    private static NDArray tokensAt(NDArray h, NDArray pos) {
        long s = h.getShape().get(0);
        long b = h.getShape().get(1);
        long d = h.getShape().get(3);
        long n = pos.getShape().get(1);
        NDArray idx = pos.reshape(1, b, n, 1).broadcast(s, b, n, d);
        return h.gather(idx, 2);
    }

    /** Stacks L+1 arrays [B,T,D] into [L+1,B,T,D]. */
    public static NDArray stack(NDList states) {
        return NDArrays.stack(states, 0);
    }

    @Override
    public String toString() {
        String base = switch (kind) {
            case MEAN -> "mean";
            case FIRST -> "first";
            case LAST -> "last";
            case LAST_N -> "last-n:" + n + (drop > 0 ? ":" + drop : "");
        };
        return sign ? base + "+sign" : base;
    }
}
