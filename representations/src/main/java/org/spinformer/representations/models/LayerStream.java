package org.spinformer.representations.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.core.engine.NativeMemory;
import org.spinformer.core.nn.DecoderLayer;
import org.spinformer.core.nn.Parameters;
import org.spinformer.core.train.Progress;
import org.spinformer.representations.pooling.Pooling;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Hidden states of a decoder model (GPT-2, Llama, Qwen2, Mistral) computed one layer at a time, for models larger
 * than memory. Layer-major instead of batch-major:
 * <pre>
 *   h₀(b) = E[ids_b] (+ W_pe)          E read row by row from the mapped file: only the tokens present
 *   for l = 1..L':  load layer l's tensors;  h_l(b) = DecoderLayer_l(h_{l−1}(b)) for every batch b;  free layer l
 *   pool and keep h_l(b) only for the requested states;  L' = the deepest requested state
 * </pre>
 * Peak memory: one layer's weights + the activations of all texts at one depth (N·T̄·D values) + the pooled
 * outputs (|layers|·N·W), instead of the whole model. The same core {@link DecoderLayer}s, batches
 * ({@link HiddenStates#plan}) and pooling as {@link HiddenStates#extractIds}, so the results are identical to
 * the whole-model path ({@code LayerStreamTest}).
 */
public final class LayerStream {
    private LayerStream() {}

    /** The tokenizer of the decoder directory {@code dir} (its {@code tokenizer.json}, the config's length limit). */
    public static TextTokenizer tokenizer(Path dir) throws IOException {
        Models.DecoderSpec spec = Models.decoderSpec(dir);
        Path tok = dir.resolve("tokenizer.json");
        if (!java.nio.file.Files.isRegularFile(tok)) {
            throw new org.spinformer.core.io.BadFileException(dir + ": no tokenizer.json", null);
        }
        return TextTokenizer.of(tok, spec.maxLength());
    }

    /**
     * Pooled states [S, N, W] float32 (owned by {@code out}) of the texts' token ids through the model in
     * {@code dir}, for the states {@code layers} (0 = embeddings .. L; null: all), computing in {@code dtype} on
     * {@code out}'s device.
     */
    public static NDArray extract(Path dir, DataType dtype, long[][] ids, Pooling pooling, NDManager out,
            int tokenBudget, int[] layers) throws IOException {
        Models.DecoderSpec spec = Models.decoderSpec(dir);
        DecoderModel.Config cfg = spec.cfg();
        HiddenStates.checkLayers(cfg.layers(), layers);
        int[] keep = layers != null ? layers : java.util.stream.IntStream.rangeClosed(0, cfg.layers()).toArray();
        int deepest = Arrays.stream(keep).max().orElse(0);
        List<HiddenStates.Batch> batches = HiddenStates.plan(ids, tokenBudget);
        // batches' temporaries of 256 KiB and more get their own mappings, freed at once: in the heap they fragment
        // around the kept states and the peak grows by a third (README, layer streaming)
        NativeMemory.mapLargeAllocations(256 << 10);
        NDArray[][] pooled = new NDArray[batches.size()][keep.length]; // [k][s]: state keep[s] of batch k, [B_k,W]
        try (NDManager work = out.newSubManager();
             Progress progress = Progress.start("layer stream", (long) (deepest + 1) * ids.length)) {
            Parameters outer = new Parameters(); // everything outside the layers but the token table
            String table = DecoderModel.embeddingName(cfg);
            Models.forEachWeight(dir, work, dtype, spec.type(),
                    n -> !n.equals(table) && !n.startsWith(DecoderModel.layersPrefix(cfg)),
                    outer::put);
            outer.freeze("model " + dir);
            List<NDArray> x = embed(dir, spec, ids, batches, outer, work, dtype);
            List<NDArray> masks = new ArrayList<>();
            for (HiddenStates.Batch b : batches) {
                masks.add(b.mask(work));
            }
            keepPooled(0, keep, x, masks, pooling, pooled, work);
            progress.step(ids.length);
            for (int l = 0; l < deepest; l++) {
                // a layer's tensors are read in blocks straight into libtorch's memory (SafeTensors, MappedFile), so
                // closing lm frees the layer at once; malloc_trim then hands the freed memory back, or the next
                // layer's tensors would land beside it (without: the peak grew by ~120 MB per 243 MB layer)
                NativeMemory.trim();
                try (NDManager lm = work.newSubManager()) {
                    Parameters p = new Parameters();
                    String prefix = DecoderModel.layerPrefix(cfg, l);
                    Models.forEachWeight(dir, lm, dtype, spec.type(), n -> n.startsWith(prefix), p::put);
                    p.freeze("layer " + l + " of " + dir);
                    DecoderLayer layer = DecoderModel.layer(cfg, l, lm, p);
                    p.requireComplete();
                    for (int k = 0; k < x.size(); k++) {
                        NDArray h;
                        try (NDManager bm = work.newSubManager()) {
                            x.get(k).tempAttach(bm); // the forward's intermediates land in bm, freed with it
                            h = layer.forward(x.get(k), masks.get(k));
                            if (l == cfg.layers() - 1) {
                                h = DecoderModel.finalNorm(cfg, h, outer);
                            }
                            h.attach(work);
                        }
                        x.get(k).close();
                        x.set(k, h);
                    }
                }
                keepPooled(l + 1, keep, x, masks, pooling, pooled, work);
                progress.step(ids.length);
            }
            List<NDArray> parts = new ArrayList<>();
            for (NDArray[] states : pooled) {
                parts.add(NDArrays.stack(new NDList(states), 0)); // [S,B_k,W]
            }
            return HiddenStates.unsort(parts, batches, out, work);
        }
    }

    /** h₀ per batch, with the token table's rows read only for the ids present (id 0 pads). */
    private static List<NDArray> embed(Path dir, Models.DecoderSpec spec, long[][] ids,
            List<HiddenStates.Batch> batches, Parameters outer, NDManager work, DataType dtype) throws IOException {
        TreeSet<Long> present = new TreeSet<>();
        present.add(0L);
        for (long[] row : ids) {
            for (long id : row) {
                present.add(id);
            }
        }
        long[] used = present.stream().mapToLong(Long::longValue).toArray();
        long vocab = spec.cfg().vocab();
        if (used[0] < 0 || used[used.length - 1] >= vocab) {
            throw new IllegalArgumentException("token id " + (used[0] < 0 ? used[0] : used[used.length - 1])
                    + " outside the vocabulary [0, " + vocab + ")");
        }
        List<NDArray> x = new ArrayList<>();
        try (NDManager em = work.newSubManager()) {
            NDArray rows = Models.weightRows(dir, spec.type(), DecoderModel.embeddingName(spec.cfg()), used, em,
                    dtype);
            for (HiddenStates.Batch b : batches) {
                long[] local = new long[b.flat().length];
                for (int i = 0; i < local.length; i++) {
                    local[i] = Arrays.binarySearch(used, b.flat()[i]);
                }
                NDArray localIds = em.create(local, new Shape(b.rows().length, b.length()));
                NDArray h = DecoderModel.embed(spec.cfg(), localIds, rows, outer);
                h.attach(work);
                x.add(h);
            }
        }
        return x;
    }

    /** Pools state {@code state} of every batch (once) into {@code pooled} at each position of {@code keep} holding it. */
    private static void keepPooled(int state, int[] keep, List<NDArray> x, List<NDArray> masks, Pooling pooling,
            NDArray[][] pooled, NDManager work) {
        if (Arrays.stream(keep).noneMatch(s -> s == state)) {
            return;
        }
        for (int k = 0; k < x.size(); k++) {
            NDArray p;
            try (NDManager bm = work.newSubManager()) {
                x.get(k).tempAttach(bm);
                p = HiddenStates.pool(pooling, new NDList(x.get(k)), masks.get(k), null).squeeze(0);
                p.attach(work);
            }
            for (int s = 0; s < keep.length; s++) {
                if (keep[s] == state) {
                    pooled[k][s] = p;
                }
            }
        }
    }
}
