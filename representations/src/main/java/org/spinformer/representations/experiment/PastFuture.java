package org.spinformer.representations.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.core.plot.LineChart;
import org.spinformer.core.plot.Series;
import org.spinformer.representations.imbalance.InformationImbalance;
import org.spinformer.representations.models.HiddenStateModel;
import org.spinformer.representations.models.HiddenStates;
import org.spinformer.representations.pooling.TokenPooler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.spinformer.core.config.Records;
import java.util.function.IntFunction;

/**
 * The past/future asymmetry of Acevedo, Mascaretti, Rende et al. (2025, arXiv:2505.17101): each text is cut in two
 * halves of its content tokens (special tokens left out), the prefix P and the suffix F, and at every layer the mean
 * state of P is compared with the mean state of F across texts, both ways:
 * <pre>
 *   c_i = T_i − lead − trail (content tokens),  s_i = lead + ⌊c_i/2⌋
 *   P_i = mean over the content tokens of a forward pass of [lead specials] x_i[lead, s_i) [trail specials]
 *   F_i = mean over the content tokens of a forward pass of [lead specials] x_i[s_i, T_i − trail) [trail specials]
 *   Δ(P→F) (how well the past predicts the future) and Δ(F→P), with the shuffled control Δ(P→F[π]).
 * </pre>
 * {@link Passes#SEPARATE} (the paper's and the default) runs the prefix alone and the suffix alone, each wrapped in
 * the tokenizer's special tokens, so neither half's states have seen the other half: the prefix states equal those
 * of the prefix text run by itself. {@link Passes#JOINT} pools both halves from one pass over the whole text (then,
 * in a causal decoder, the suffix has seen the prefix; in a bidirectional encoder both halves have seen everything).
 * The halves are cut in token space (the tokenisation of the whole text), so the two halves together are exactly the
 * text's content tokens, whichever the mode. Pooling is on the tensor engine ({@link #halves}, {@link #contentMean}).
 */
public final class PastFuture {
    private static final Logger LOG = LoggerFactory.getLogger(PastFuture.class);

    private PastFuture() {}

    /** How the prefix and suffix states are computed. */
    public enum Passes {
        /** Two forward passes per text: the prefix alone and the suffix alone (the default). */
        SEPARATE,
        /** One forward pass over the whole text, pooled over each half. */
        JOINT;

        /** {@code separate} or {@code joint} (case-insensitive); anything else is refused naming {@code --passes}. */
        public static Passes parse(String s) {
            String v = s == null ? "" : s.trim().toUpperCase(Locale.ROOT);
            for (Passes p : values()) {
                if (p.name().equals(v)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("--passes must be separate or joint, got '" + s + "'");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Result per analysed state. */
    public record Result(String model, String texts, String passes, int n, int minTokens, int[] layers, int k,
            String normalisation,
            double[] pastToFuture, double[] pastToFutureErr, double[] futureToPast, double[] futureToPastErr,
            double[] shuffledPastToFuture, double[] shuffledFutureToPast, double meanTokens, double extractSeconds,
            double imbalanceSeconds) {
    }

    /**
     * The joint pooler: h [S,B,T,D], mask [B,T] → [S,B,2D] = [P ; F] with {@code lead}/{@code trail} special tokens left
     * out at the two ends (every text must have at least 2 content tokens).
     */
    public static TokenPooler halves(int lead, int trail) {
        return (h, mask) -> {
            long b = h.getShape().get(1);
            long t = h.getShape().get(2);
            NDManager m = h.getManager();
            NDArray len = mask.toType(DataType.INT64, false).sum(new int[] {1}).reshape(b, 1); // [B,1]
            NDArray end = len.sub(trail); // exclusive
            // s = lead + ⌊(end − lead)/2⌋ (integer arithmetic through float64, exact for any realistic length)
            NDArray mid = end.sub(lead).toType(DataType.FLOAT64, false).div(2.0).floor().toType(DataType.INT64, false)
                    .add(lead);
            NDArray pos = m.arange(0L, t, 1L, DataType.INT64).reshape(1, t);
            NDArray past = pos.gte(lead).logicalAnd(pos.lt(mid)).toType(h.getDataType(), false); // [B,T]
            NDArray future = pos.gte(mid).logicalAnd(pos.lt(end)).toType(h.getDataType(), false);
            NDArray p = h.mul(past.reshape(1, b, t, 1)).sum(new int[] {2}).div(past.sum(new int[] {1}).reshape(1, b, 1));
            NDArray f = h.mul(future.reshape(1, b, t, 1)).sum(new int[] {2})
                    .div(future.sum(new int[] {1}).reshape(1, b, 1));
            return NDArrays.concat(new NDList(p, f), 2);
        };
    }

    /**
     * The mean over the content tokens: h [S,B,T,D], mask [B,T] → [S,B,D], the first {@code lead} and the last
     * {@code trail} real tokens of each row left out (every row must have a content token).
     */
    public static TokenPooler contentMean(int lead, int trail) {
        return (h, mask) -> {
            long b = h.getShape().get(1);
            long t = h.getShape().get(2);
            NDArray end = mask.toType(DataType.INT64, false).sum(new int[] {1}).reshape(b, 1).sub(trail); // exclusive
            NDArray pos = h.getManager().arange(0L, t, 1L, DataType.INT64).reshape(1, t);
            NDArray keep = pos.gte(lead).logicalAnd(pos.lt(end)).toType(h.getDataType(), false); // [B,T]
            return h.mul(keep.reshape(1, b, t, 1)).sum(new int[] {2}).div(keep.sum(new int[] {1}).reshape(1, b, 1));
        };
    }

    /**
     * The token ids of each text's prefix ({@code suffix} false) or suffix: the content tokens before (from) the cut
     * s = lead + ⌊c/2⌋, with the text's own {@code lead} leading and {@code trail} trailing special tokens around
     * them.
     */
    public static long[][] half(long[][] ids, int lead, int trail, boolean suffix) {
        long[][] out = new long[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            long[] x = ids[i];
            int end = x.length - trail;
            int cut = lead + (end - lead) / 2;
            int from = suffix ? cut : lead;
            int to = suffix ? end : cut;
            long[] y = new long[lead + (to - from) + trail];
            System.arraycopy(x, 0, y, 0, lead);
            System.arraycopy(x, from, y, lead, to - from);
            System.arraycopy(x, end, y, lead + (to - from), trail);
            out[i] = y;
        }
        return out;
    }

    /**
     * The prefix and suffix states [S,N,2D] = [P ; F] of {@code ids} (each with ≥ 2 content tokens) for the states
     * {@code layers} (null: all), from separate passes or one joint pass, owned by {@code m}.
     */
    public static NDArray states(HiddenStateModel model, long[][] ids, int[] layers, Passes passes, int tokenBudget,
            NDManager m) {
        return states(model, ids, layers, passes, tokenBudget, m, Pieces.none());
    }

    /** As {@link #states(HiddenStateModel, long[][], int[], Passes, int, NDManager)}, each pass a kept piece. */
    static NDArray states(HiddenStateModel model, long[][] ids, int[] layers, Passes passes, int tokenBudget,
            NDManager m, Pieces pieces) {
        int[] sp = model.tokenizer().specialTokens();
        if (passes == Passes.JOINT) {
            return pieces.array("joint", m,
                    () -> HiddenStates.extractIds(model, ids, halves(sp[0], sp[1]), m, tokenBudget, layers));
        }
        try (NDManager w = m.newSubManager()) {
            TokenPooler mean = contentMean(sp[0], sp[1]);
            NDArray p = pieces.array("prefix", w,
                    () -> HiddenStates.extractIds(model, half(ids, sp[0], sp[1], false), mean, w, tokenBudget, layers));
            NDArray f = pieces.array("suffix", w,
                    () -> HiddenStates.extractIds(model, half(ids, sp[0], sp[1], true), mean, w, tokenBudget, layers));
            NDArray pf = NDArrays.concat(new NDList(p, f), 2);
            pf.attach(m);
            return pf;
        }
    }

    /** The texts with at least {@code minTokens} content tokens (≥ 2). */
    public static List<String> longEnough(HiddenStateModel model, List<String> texts, int minTokens) {
        int[] sp = model.tokenizer().specialTokens();
        long[][] ids = model.tokenizer().encode(texts);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            if (ids[i].length - sp[0] - sp[1] >= Math.max(2, minTokens)) {
                out.add(texts.get(i));
            }
        }
        return out;
    }

    /** Runs the analysis on {@code texts}, each with at least max(2, minTokens) content tokens. */
    public static Result run(HiddenStateModel model, String textsName, List<String> texts, int minTokens, int[] layers,
            Passes passes, IntFunction<InformationImbalance.Options> imbalance, long seed, int tokenBudget,
            NDManager m) {
        return run(model, textsName, texts, minTokens, layers, passes, imbalance, seed, tokenBudget, m, Pieces.none());
    }

    /**
     * As {@link #run(HiddenStateModel, String, List, int, int[], Passes, IntFunction, long, int, NDManager)}, keeping
     * each pass's states and each layer's Δ in {@code pieces} (a resumed run reads those already done).
     */
    public static Result run(HiddenStateModel model, String textsName, List<String> texts, int minTokens, int[] layers,
            Passes passes, IntFunction<InformationImbalance.Options> imbalance, long seed, int tokenBudget,
            NDManager m, Pieces pieces) {
        int[] sp = model.tokenizer().specialTokens();
        long[][] ids = model.tokenizer().encode(texts);
        double tokens = 0;
        for (int i = 0; i < ids.length; i++) {
            int c = ids[i].length - sp[0] - sp[1];
            if (c < Math.max(2, minTokens)) {
                throw new IllegalArgumentException("text " + (i + 1) + " has " + c + " content tokens, fewer than "
                        + Math.max(2, minTokens));
            }
            tokens += c;
        }
        int[] ls = layers != null ? layers : TokenSpread.range(model.layers() + 1);
        int n = texts.size();
        InformationImbalance.Options o = imbalance.apply(n);
        try (NDManager w = m.newSubManager()) {
            long t0 = System.nanoTime();
            NDArray h = states(model, ids, ls, passes, tokenBudget, w, pieces); // [S,N,2D]
            long t1 = System.nanoTime();
            long d = model.dim();
            double[] pf = new double[ls.length];
            double[] pfE = new double[ls.length];
            double[] fp = new double[ls.length];
            double[] fpE = new double[ls.length];
            double[] spf = new double[ls.length];
            double[] sfp = new double[ls.length];
            for (int li = 0; li < ls.length; li++) {
                int l = li;
                // Δ(P→F), its error, Δ(F→P), its error, and the shuffled pair
                double[] v = pieces.numbers("layer-" + ls[li], w, () -> {
                    try (NDManager bm = w.newSubManager()) {
                        NDArray hl = TokenSpread.own(h.get(l), bm);
                        NDArray past = TokenSpread.own(hl.get(new NDIndex(":, 0:" + d)), bm);
                        NDArray future = TokenSpread.own(hl.get(new NDIndex(":, " + d + ":")), bm);
                        InformationImbalance.Pair p = InformationImbalance.pair(past, future, o);
                        InformationImbalance.Pair sh = InformationImbalance.pair(past,
                                TokenSpread.own(InformationImbalance.shuffleRows(future, seed + l), bm), o);
                        return new double[] {p.aToB(), p.aToBErr(), p.bToA(), p.bToAErr(), sh.aToB(), sh.bToA()};
                    }
                });
                pf[li] = v[0];
                pfE[li] = v[1];
                fp[li] = v[2];
                fpE[li] = v[3];
                spf[li] = v[4];
                sfp[li] = v[5];
                LOG.info("layer {}: Δ(past→future) {} Δ(future→past) {} shuffled {} {}", ls[li],
                        TokenSpread.fmt(pf[li]), TokenSpread.fmt(fp[li]), TokenSpread.fmt(spf[li]), TokenSpread.fmt(sfp[li]));
            }
            long t2 = System.nanoTime();
            return new Result(model.name(), textsName, passes.toString(), n, Math.max(2, minTokens), ls, o.k(),
                    o.normalisation().toString().toLowerCase(Locale.ROOT), pf, pfE, fp, fpE, spf, sfp, tokens / n,
                    (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        }
    }

    /** Writes {@code pastfuture.json}, {@code pastfuture.csv} and {@code pastfuture.png/svg}. */
    public static void write(Result r, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("analysis", "past/future asymmetry: Δ between the mean state of the first and of the second half of "
                + "each text's content tokens (passes: separate = each half run alone, joint = one pass over the text)");
        Records.toJson(r, Map.of("minTokens", "min_content_tokens", "meanTokens", "mean_content_tokens")).entrySet()
                .forEach(e -> json.put(e.getKey(), e.getValue()));
        JsonFiles.write(dir.resolve("pastfuture.json"), json);
        StringBuilder csv = new StringBuilder("layer,past_to_future,past_to_future_err,future_to_past,"
                + "future_to_past_err,shuffled_past_to_future,shuffled_future_to_past\n");
        double[] x = new double[r.layers().length];
        for (int li = 0; li < x.length; li++) {
            x[li] = r.layers()[li];
            csv.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f%n", r.layers()[li],
                    r.pastToFuture()[li], r.pastToFutureErr()[li], r.futureToPast()[li], r.futureToPastErr()[li],
                    r.shuffledPastToFuture()[li], r.shuffledFutureToPast()[li]));
        }
        AtomicFiles.write(dir.resolve("pastfuture.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        LineChart.builder().optTitle("Past/future, " + r.model() + " (" + r.texts() + "), N = " + r.n())
                .optXLabel("layer (0 = embeddings)").optYLabel("Δ").optErrorBands(true)
                .addSeries(new Series("Δ(past → future)", x, r.pastToFuture(), r.pastToFutureErr()))
                .addSeries(new Series("Δ(future → past)", x, r.futureToPast(), r.futureToPastErr()))
                .addSeries(new Series("shuffled past → future", x, r.shuffledPastToFuture()))
                .addSeries(new Series("shuffled future → past", x, r.shuffledFutureToPast()))
                .optReference(1.0, "chance").build().save(dir.resolve("pastfuture"));
    }
}
