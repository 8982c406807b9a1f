package org.spinformer.language.corpus;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.core.engine.NoGrad;
import org.spinformer.core.train.TrainLoop;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Non-overlapping windows of T consecutive tokens of one token stream, split by position. {@link #split}: the
 * first {@code 1 − testFraction} of the stream gives training windows, the rest test windows (no window crosses
 * the boundary, so train and test share no token). {@link #splitBlocks}: the stream is cut into blocks of
 * {@code block} windows and the last {@code round(testFraction·block)} windows of every block are test windows,
 * so train and test come from the same parts of a corpus whose style drifts (State of the Union 1790-2021).
 *
 * @param train [N_train][T]
 * @param test  [N_test][T]
 */
public record Windows(int[][] train, int[][] test, int length) {
    /** Cuts {@code ids} into windows of {@code t} tokens. */
    public static Windows split(int[] ids, int t, double testFraction) {
        if (t < 2) {
            throw new IllegalArgumentException("window length must be >= 2, got " + t);
        }
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in (0,1), got " + testFraction);
        }
        int cut = (int) Math.round(ids.length * (1 - testFraction));
        int[][] train = cut(ids, 0, cut, t);
        int[][] test = cut(ids, cut, ids.length, t);
        if (train.length == 0 || test.length == 0) {
            throw new IllegalArgumentException("corpus too short for windows of " + t + " tokens (" + ids.length
                    + " tokens)");
        }
        return new Windows(train, test, t);
    }

    /** Block-interleaved split (see the class doc); windows never overlap. */
    public static Windows splitBlocks(int[] ids, int t, double testFraction, int block) {
        if (t < 2 || block < 2 || !(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("need T >= 2, block >= 2 and 0 < test fraction < 1");
        }
        int[][] all = cut(ids, 0, ids.length, t);
        int inTest = Math.max(1, (int) Math.round(testFraction * block));
        java.util.List<int[]> train = new java.util.ArrayList<>();
        java.util.List<int[]> test = new java.util.ArrayList<>();
        for (int i = 0; i < all.length; i++) {
            (i % block >= block - inTest ? test : train).add(all[i]);
        }
        if (train.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException("corpus too short for blocks of " + block + " windows of " + t
                    + " tokens (" + ids.length + " tokens)");
        }
        return new Windows(train.toArray(new int[0][]), test.toArray(new int[0][]), t);
    }

    private static int[][] cut(int[] ids, int from, int to, int t) {
        int n = (to - from) / t;
        int[][] w = new int[n][];
        for (int i = 0; i < n; i++) {
            w[i] = Arrays.copyOfRange(ids, from + i * t, from + (i + 1) * t);
        }
        return w;
    }

    /** At most {@code n} rows of {@code w} (the first ones). */
    public static int[][] head(int[][] w, int n) {
        return Arrays.copyOf(w, Math.min(n, w.length));
    }

    /** The windows {@code pick} of {@code data} as int64 [B,T] on {@code m}. */
    public static NDArray ids(NDManager m, int[][] data, int[] pick) {
        int t = data[0].length;
        long[] ids = new long[pick.length * t];
        for (int i = 0; i < pick.length; i++) {
            for (int j = 0; j < t; j++) {
                ids[i * t + j] = data[pick[i]][j];
            }
        }
        return m.create(ids, new Shape(pick.length, t));
    }

    /**
     * Σ over batches of {@code batch} consecutive windows of {@code data} of {@code f}(ids [B,T]) (a scalar), without
     * gradients, each batch on its own sub-manager of {@code base}: the evaluation loop of the next-token models.
     */
    public static double sumOverBatches(int[][] data, int batch, NDManager base, Function<NDArray, NDArray> f) {
        try (NoGrad noGrad = NoGrad.enter()) {
            double sum = 0;
            for (int from = 0; from < data.length; from += batch) {
                int[] pick = new int[Math.min(batch, data.length - from)];
                for (int i = 0; i < pick.length; i++) {
                    pick[i] = from + i;
                }
                sum += TrainLoop.inStep(base, sm -> f.apply(ids(sm, data, pick)).toType(DataType.FLOAT64, false)
                        .getDouble());
            }
            return sum;
        }
    }
}
