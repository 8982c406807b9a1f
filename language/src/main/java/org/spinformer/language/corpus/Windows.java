package org.spinformer.language.corpus;

import java.util.Arrays;

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
}
