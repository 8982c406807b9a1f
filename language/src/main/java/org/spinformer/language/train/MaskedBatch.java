package org.spinformer.language.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

/**
 * A batch of B windows of T tokens with some positions replaced by {@code <mask>}.
 *
 * @param ids     masked ids, row-major [B·T]
 * @param rows    the K masked flat positions b·T + t
 * @param targets the K original tokens at those positions
 */
public record MaskedBatch(long[] ids, long[] rows, long[] targets, int batch, int length) {
    /**
     * Masks {@code windows[pick[b]]}: with {@code fraction <= 0} exactly one uniformly chosen position per window
     * (the single-site conditional: exact pseudo-likelihood), otherwise k = max(1, round(fraction·T)) distinct
     * positions per window. The masked tokens are really replaced, so no information about them reaches the model.
     */
    public static MaskedBatch of(int[][] windows, int[] pick, int maskId, double fraction, Random r) {
        int b = pick.length;
        int t = windows[pick[0]].length;
        int k = fraction <= 0 ? 1 : Math.max(1, (int) Math.round(fraction * t));
        long[] ids = new long[b * t];
        long[] rows = new long[b * k];
        long[] targets = new long[b * k];
        int[] perm = new int[t];
        for (int i = 0; i < b; i++) {
            int[] w = windows[pick[i]];
            for (int j = 0; j < t; j++) {
                ids[i * t + j] = w[j];
                perm[j] = j;
            }
            for (int j = 0; j < k; j++) { // partial Fisher-Yates: k distinct positions
                int s = j + r.nextInt(t - j);
                int tmp = perm[j];
                perm[j] = perm[s];
                perm[s] = tmp;
                int p = perm[j];
                rows[i * k + j] = (long) i * t + p;
                targets[i * k + j] = w[p];
                ids[i * t + p] = maskId;
            }
        }
        return new MaskedBatch(ids, rows, targets, b, t);
    }

    /** Every position of every window masked in turn: B·T sequences with one mask each (full pseudo-likelihood). */
    public static MaskedBatch allPositions(int[][] windows, int from, int to, int maskId) {
        int t = windows[from].length;
        int b = (to - from) * t;
        long[] ids = new long[b * t];
        long[] rows = new long[b];
        long[] targets = new long[b];
        int s = 0;
        for (int w = from; w < to; w++) {
            for (int p = 0; p < t; p++, s++) {
                for (int j = 0; j < t; j++) {
                    ids[s * t + j] = j == p ? maskId : windows[w][j];
                }
                rows[s] = (long) s * t + p;
                targets[s] = windows[w][p];
            }
        }
        return new MaskedBatch(ids, rows, targets, b, t);
    }

    public NDArray idsArray(NDManager m) {
        return m.create(ids, new Shape(batch, length));
    }

    public NDArray rowsArray(NDManager m) {
        return m.create(rows);
    }

    public NDArray targetsArray(NDManager m) {
        return m.create(targets);
    }

    /** Number of masked positions K. */
    public int masked() {
        return rows.length;
    }
}
