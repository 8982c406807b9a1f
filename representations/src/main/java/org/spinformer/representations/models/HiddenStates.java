package org.spinformer.representations.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.core.train.Progress;
import org.spinformer.representations.pooling.Pooling;
import org.spinformer.representations.pooling.TokenPooler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Pooled hidden states of every layer for a list of texts: [L+1, N, W] float32, row i = text i.
 *
 * <p>Texts are tokenised, sorted by token count (so a batch holds sequences of similar length and padding is
 * small), cut into batches of at most {@code tokenBudget} tokens (B·T) and at most 2¹⁹ attention scores per
 * head (B·T²), right-padded, run through the model (no gradient is recorded: parameters do not require one),
 * pooled, and put back in the input order. Each batch runs in its own NDManager sub-manager.
 */
public final class HiddenStates {
    private HiddenStates() {}

    /** Default batch size in tokens. */
    public static final int DEFAULT_TOKEN_BUDGET = 2048;

    /** Pooled states [L+1, N, W] (float32, owned by {@code out}). */
    public static NDArray extract(HiddenStateModel model, List<String> texts, TokenPooler pooling, NDManager out,
            int tokenBudget) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("no texts");
        }
        long[][] ids = model.tokenizer().encode(texts);
        return extractIds(model, ids, pooling, out, tokenBudget);
    }

    /** As {@link #extract} from token ids. */
    public static NDArray extractIds(HiddenStateModel model, long[][] ids, TokenPooler pooling, NDManager out,
            int tokenBudget) {
        return extractIds(model, ids, pooling, out, tokenBudget, null);
    }

    /**
     * As {@link #extractIds(HiddenStateModel, long[][], TokenPooler, NDManager, int)}, keeping only the states
     * {@code layers} (indices into embeddings = 0, layer 1..L; null: all): each batch's other states are dropped as
     * soon as it is pooled, so the result is [layers.length, N, W].
     */
    public static NDArray extractIds(HiddenStateModel model, long[][] ids, TokenPooler pooling, NDManager out,
            int tokenBudget, int[] layers) {
        checkLayers(model.layers(), layers);
        List<Batch> batches = plan(ids, tokenBudget);
        List<NDArray> parts = new ArrayList<>();
        try (NDManager work = out.newSubManager(); Progress progress = Progress.start("hidden states", ids.length)) {
            for (Batch bt : batches) {
                try (NDManager bm = work.newSubManager()) {
                    NDArray idArr = bt.ids(bm);
                    NDArray maskArr = bt.mask(bm);
                    NDArray pooled = pool(pooling, model.hiddenStates(idArr, maskArr), maskArr, layers);
                    pooled.attach(work);
                    parts.add(pooled);
                }
                progress.step(bt.rows().length);
            }
            return unsort(parts, batches, out, work);
        }
    }

    /** The states [S,B,T,D] pooled over tokens under {@code mask} [B,T], float32 [S,B,W], only {@code layers} (null: all). */
    static NDArray pool(TokenPooler pooling, NDList states, NDArray mask, int[] layers) {
        NDArray pooled = pooling.apply(Pooling.stack(states), mask).toType(DataType.FLOAT32, false);
        return layers == null ? pooled : pooled.get(new NDIndex("{}", mask.getManager().create(
                java.util.Arrays.stream(layers).asLongStream().toArray())));
    }

    /** Every index of {@code layers} (null: all) must be a state of a model of {@code modelLayers} layers. */
    public static void checkLayers(int modelLayers, int[] layers) {
        if (layers != null) {
            for (int l : layers) {
                if (l < 0 || l > modelLayers) {
                    throw new IllegalArgumentException("--layers: " + l + " is not a state of the model (0 = "
                            + "embeddings .. " + modelLayers + ")");
                }
            }
        }
    }

    /**
     * One batch: {@code rows} are the input positions of its texts (in length order), {@code flat} their ids
     * right-padded with 0 to {@code length}, {@code maskFlat} 1 on real tokens.
     */
    record Batch(int[] rows, int length, long[] flat, long[] maskFlat) {
        /** ids [B,T] int64 on {@code m}. */
        NDArray ids(NDManager m) {
            return m.create(flat, new Shape(rows.length, length));
        }

        /** mask [B,T] int64 on {@code m}. */
        NDArray mask(NDManager m) {
            return m.create(maskFlat, new Shape(rows.length, length));
        }
    }

    /**
     * The batches of {@code ids}: sorted by token count, at most {@code tokenBudget} tokens (B·T) and 2¹⁹
     * attention scores per head (B·T²) each.
     */
    static List<Batch> plan(long[][] ids, int tokenBudget) {
        int n = ids.length;
        for (int i = 0; i < n; i++) {
            if (ids[i].length == 0) {
                throw new IllegalArgumentException("text " + (i + 1) + " has no tokens");
            }
        }
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingInt(i -> ids[i].length));
        List<Batch> batches = new ArrayList<>();
        int start = 0;
        while (start < n) {
            int end = start;
            int maxLen = 0;
            while (end < n) {
                int len = Math.max(maxLen, ids[order[end]].length);
                long count = end - start + 1L;
                if (end > start && (count * len > tokenBudget || count * len * len > (1L << 19))) {
                    break;
                }
                maxLen = len;
                end++;
            }
            int b = end - start;
            int[] rows = new int[b];
            long[] flat = new long[b * maxLen];
            long[] mask = new long[b * maxLen];
            for (int r = 0; r < b; r++) {
                rows[r] = order[start + r];
                long[] row = ids[rows[r]];
                System.arraycopy(row, 0, flat, r * maxLen, row.length);
                Arrays.fill(mask, r * maxLen, r * maxLen + row.length, 1L);
            }
            batches.add(new Batch(rows, maxLen, flat, mask));
            start = end;
        }
        return batches;
    }

    /** Pooled parts [S,B_k,W] of {@code batches} (in their order) → [S,N,W] in the input order, owned by {@code out}. */
    static NDArray unsort(List<NDArray> parts, List<Batch> batches, NDManager out, NDManager work) {
        NDArray all = NDArrays.concat(new NDList(parts), 1); // [S,N,W] in sorted order
        int n = batches.stream().mapToInt(b -> b.rows().length).sum();
        long[] inverse = new long[n];
        int i = 0;
        for (Batch b : batches) {
            for (int r : b.rows()) {
                inverse[r] = i++;
            }
        }
        NDArray result = all.get(new NDIndex(":, {}", work.create(inverse)));
        result.attach(out);
        return result;
    }
}
