package org.spinformer.representations.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spinformer.core.config.Records;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.core.plot.Heatmap;
import org.spinformer.core.plot.LineChart;
import org.spinformer.core.plot.Series;
import org.spinformer.representations.imbalance.InformationImbalance;
import org.spinformer.representations.models.HiddenStateModel;
import org.spinformer.representations.models.HiddenStates;
import org.spinformer.representations.pooling.Positions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * Long-distance correlations between token positions (the token-level view of Acevedo, Mascaretti, Rende et al.
 * 2025, arXiv:2505.17101): how much the state of one token says about the state of a token d positions later in the
 * same text, per layer, measured across N texts with the Information Imbalance:
 * <pre>
 *   anchors   t_a = lead + a,  a = 0 … A−1          (the first A content tokens; lead = leading special tokens)
 *   X_a = [h_i,t_a]_i,  Y_a = [h_i,t_a+d]_i          [N, D] each, one row per text, from the same forward pass
 *   Δ(X→Y)(d) = mean over a of Δ(X_a → Y_a),  Δ(Y→X)(d) likewise,
 *   control    Δ(X_a → Y_a[π]) (rows of Y shuffled: ≈ 1)
 * </pre>
 * Averaging over A anchors makes the curve less a property of the one word that happens to sit at a fixed position
 * (the first word of many KJV verses is "And": at the embedding layer a single anchor would give one state to all of
 * them); the anchors all sit at the start of the text, so one length requirement serves every d and every d is
 * measured on the same texts. Every text must have lead + A − 1 + d_max + 1 + trail tokens, so neither an anchor nor
 * a target reaches a special token or padding ({@link #longEnough}; {@link Positions} checks it again per batch).
 *
 * <p>The error of the averaged Δ is the standard error over query texts of each text's rank averaged over the
 * anchors (the anchors share the texts, so they are not independent samples): for a mean rank r̄_i per query,
 * Δ = norm(mean_i r̄_i) and err = scale·sd(r̄)/√N_q, with the same normalisation (dadapy or paper, with its
 * query/reference split) as every other analysis. All maths on the tensor engine: the union of anchor and target
 * positions is picked once per batch ({@link Positions}), and each (layer, d, anchor) is one
 * {@link InformationImbalance#matrix} call over the three spaces X, Y, Y[π] (their distances computed once).
 */
public final class TokenDistance {
    private static final Logger LOG = LoggerFactory.getLogger(TokenDistance.class);

    private TokenDistance() {}

    /** Default distances. */
    public static final int[] DEFAULT_DISTANCES = {1, 2, 4, 8, 16, 32};

    /**
     * Settings.
     *
     * @param distances   d, increasing, ≥ 0 (0 compares a token with itself: Δ = 2/N, a check)
     * @param anchors     A, the number of anchor positions (the first A content tokens), ≥ 1
     * @param layers      states to analyse (0 = embeddings … L), or null for all
     * @param imbalance   the Information Imbalance options for a given number of points
     * @param seed        seed of the shuffled control
     * @param tokenBudget tokens per batch
     */
    public record Settings(int[] distances, int anchors, int[] layers, IntFunction<InformationImbalance.Options> imbalance,
            long seed, int tokenBudget) {
        public Settings {
            checkDistances(distances);
            if (anchors < 1) {
                throw new IllegalArgumentException("--anchors must be >= 1, got " + anchors);
            }
        }

        int dMax() {
            return distances[distances.length - 1];
        }
    }

    /** Distances must be a non-empty increasing list of integers ≥ 0. */
    public static void checkDistances(int[] ds) {
        if (ds == null || ds.length == 0) {
            throw new IllegalArgumentException("--distances: give at least one distance");
        }
        for (int i = 0; i < ds.length; i++) {
            if (ds[i] < 0 || (i > 0 && ds[i] <= ds[i - 1])) {
                throw new IllegalArgumentException("--distances must be increasing and >= 0, got "
                        + Arrays.toString(ds));
            }
        }
    }

    /**
     * Per analysed state and distance ([layer][d]).
     *
     * @param anchorPositions the absolute anchor positions t_a (special tokens counted)
     * @param minTokens       least token count of a text (special tokens included)
     * @param xToY            Δ(x_t → x_{t+d}) averaged over anchors, {@code xToYErr} its standard error
     * @param yToX            Δ(x_{t+d} → x_t), {@code yToXErr} its standard error
     * @param shuffledXToY    control Δ(x_t → x_{t+d}[π]), averaged over anchors; {@code shuffledYToX} the reverse
     * @param xToYByAnchor    Δ(X_a → Y_a) per anchor [layer][d][a]; {@code yToXByAnchor} the reverse
     * @param meanTokens      the mean token count of the texts (special tokens included)
     */
    public record Result(String model, String texts, int n, int lead, int trail, int[] anchorPositions, int minTokens,
            int[] distances, int[] layers, int k, String normalisation, double[][] xToY, double[][] xToYErr,
            double[][] yToX, double[][] yToXErr, double[][] shuffledXToY, double[][] shuffledYToX,
            double[][][] xToYByAnchor, double[][][] yToXByAnchor, double meanTokens, long seed, double extractSeconds,
            double imbalanceSeconds) {
    }

    /** The least token count (special tokens included) for A anchors and the largest distance d_max. */
    public static int need(HiddenStateModel model, int anchors, int dMax) {
        int[] sp = model.tokenizer().specialTokens();
        return sp[0] + anchors - 1 + dMax + 1 + sp[1];
    }

    /** The token count of each text, special tokens included. */
    public static int[] lengths(HiddenStateModel model, List<String> texts) {
        long[][] ids = model.tokenizer().encode(texts);
        int[] len = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            len[i] = ids[i].length;
        }
        return len;
    }

    /**
     * The texts of {@code texts} long enough for A anchors and d_max (order kept); none is an
     * IllegalArgumentException naming {@code --distances} and the longest text. Refuses a requirement beyond the
     * tokenizer's maximum length (d ≥ the length any text can have).
     */
    public static List<String> longEnough(HiddenStateModel model, List<String> texts, int anchors, int dMax) {
        int need = checkFits(model, anchors, dMax);
        int[] len = lengths(model, texts);
        List<String> out = new ArrayList<>();
        int longest = 0;
        for (int i = 0; i < len.length; i++) {
            longest = Math.max(longest, len[i]);
            if (len[i] >= need) {
                out.add(texts.get(i));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--distances: no text has the " + need + " tokens that d = " + dMax
                    + " with " + anchors + " anchor(s) needs (the longest has " + longest + ")");
        }
        return out;
    }

    /** The token count needed, refused when it exceeds the tokenizer's maximum length. */
    public static int checkFits(HiddenStateModel model, int anchors, int dMax) {
        int need = need(model, anchors, dMax);
        int max = model.tokenizer().maxLength();
        if (max > 0 && need > max) {
            throw new IllegalArgumentException("--distances: d = " + dMax + " with " + anchors + " anchor(s) needs "
                    + need + " tokens, more than the " + max + " the model takes");
        }
        return need;
    }

    /** The anchor positions t_a = lead + a. */
    public static int[] anchorPositions(int lead, int anchors) {
        int[] a = new int[anchors];
        for (int i = 0; i < anchors; i++) {
            a[i] = lead + i;
        }
        return a;
    }

    /** The union of the anchors and of every anchor + d, increasing: the positions the pooler picks. */
    static int[] union(int[] anchors, int[] ds) {
        TreeSet<Integer> s = new TreeSet<>();
        for (int a : anchors) {
            s.add(a);
            for (int d : ds) {
                s.add(a + d);
            }
        }
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Runs the analysis on {@code texts}, each long enough (see {@link #longEnough}). */
    public static Result run(HiddenStateModel model, String textsName, List<String> texts, Settings s, NDManager m) {
        int[] sp = model.tokenizer().specialTokens();
        int need = checkFits(model, s.anchors(), s.dMax());
        long[][] ids = model.tokenizer().encode(texts);
        double tokens = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].length < need) {
                throw new IllegalArgumentException("--distances: text " + (i + 1) + " has " + ids[i].length
                        + " tokens; d = " + s.dMax() + " with " + s.anchors() + " anchor(s) needs " + need);
            }
            tokens += ids[i].length;
        }
        int[] ls = s.layers() != null ? s.layers() : TokenSpread.range(model.layers() + 1);
        int n = texts.size();
        InformationImbalance.Options o = s.imbalance().apply(n);
        int[] anchors = anchorPositions(sp[0], s.anchors());
        int[] pos = union(anchors, s.distances());
        Map<Integer, Integer> col = new LinkedHashMap<>();
        for (int i = 0; i < pos.length; i++) {
            col.put(pos[i], i);
        }
        int nd = s.distances().length;
        int na = anchors.length;
        try (NDManager w = m.newSubManager()) {
            long t0 = System.nanoTime();
            NDArray h = HiddenStates.extractIds(model, ids, new Positions(pos, sp[0], sp[1]), w, s.tokenBudget(), ls);
            long t1 = System.nanoTime();
            long dim = model.dim();
            double[][] xy = new double[ls.length][nd];
            double[][] xyE = new double[ls.length][nd];
            double[][] yx = new double[ls.length][nd];
            double[][] yxE = new double[ls.length][nd];
            double[][] sxy = new double[ls.length][nd];
            double[][] syx = new double[ls.length][nd];
            double[][][] xyA = new double[ls.length][nd][na];
            double[][][] yxA = new double[ls.length][nd][na];
            for (int li = 0; li < ls.length; li++) {
                try (NDManager lm = w.newSubManager()) {
                    NDArray hl = TokenSpread.own(TokenSpread.own(h.get(li), lm).reshape(n, pos.length, dim), lm);
                    for (int di = 0; di < nd; di++) {
                        int d = s.distances()[di];
                        Ranks r = new Ranks();
                        for (int a = 0; a < na; a++) {
                            try (NDManager bm = lm.newSubManager()) {
                                NDArray x = TokenSpread.own(hl.get(new NDIndex(":, " + col.get(anchors[a]) + ", :")), bm);
                                NDArray y = TokenSpread.own(hl.get(new NDIndex(":, " + col.get(anchors[a] + d) + ", :")), bm);
                                NDArray yp = TokenSpread.own(InformationImbalance.shuffleRows(y, s.seed()), bm);
                                InformationImbalance.Matrix mm = InformationImbalance.matrix(List.of(x, y, yp), o);
                                r.add(mm);
                                xyA[li][di][a] = mm.delta()[0][1];
                                yxA[li][di][a] = mm.delta()[1][0];
                            }
                        }
                        double[] v = r.delta(o.normalisation(), 0, 1);
                        xy[li][di] = v[0];
                        xyE[li][di] = v[1];
                        v = r.delta(o.normalisation(), 1, 0);
                        yx[li][di] = v[0];
                        yxE[li][di] = v[1];
                        sxy[li][di] = r.delta(o.normalisation(), 0, 2)[0];
                        syx[li][di] = r.delta(o.normalisation(), 2, 0)[0];
                        LOG.info("layer {} d {}: Δ(x_t→x_t+d) {} ± {}, Δ(x_t+d→x_t) {} ± {}, shuffled {} / {}", ls[li], d,
                                TokenSpread.fmt(xy[li][di]), TokenSpread.fmt(xyE[li][di]), TokenSpread.fmt(yx[li][di]),
                                TokenSpread.fmt(yxE[li][di]), TokenSpread.fmt(sxy[li][di]), TokenSpread.fmt(syx[li][di]));
                    }
                }
            }
            long t2 = System.nanoTime();
            return new Result(model.name(), textsName, n, sp[0], sp[1], anchors, need, s.distances().clone(), ls, o.k(),
                    o.normalisation().toString().toLowerCase(Locale.ROOT), xy, xyE, yx, yxE, sxy, syx, xyA, yxA,
                    tokens / n, s.seed(), (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        }
    }

    /** Per-query mean ranks of every ordered pair of the three spaces, summed over anchors. */
    private static final class Ranks {
        double[][][] sum;
        int count;
        int references;

        void add(InformationImbalance.Matrix mm) {
            double[][][] r = mm.meanRanks();
            if (sum == null) {
                sum = new double[r.length][r.length][r[0][0].length];
                references = mm.references();
            }
            for (int i = 0; i < r.length; i++) {
                for (int j = 0; j < r.length; j++) {
                    for (int q = 0; q < r[i][j].length; q++) {
                        sum[i][j][q] += r[i][j][q];
                    }
                }
            }
            count++;
        }

        /** {Δ, standard error} of the anchor-averaged ranks of pair (i → j). */
        double[] delta(InformationImbalance.Normalisation norm, int i, int j) {
            double[] v = sum[i][j];
            int nq = v.length;
            double mean = 0;
            for (double x : v) {
                mean += x / count;
            }
            mean /= nq;
            double var = 0;
            for (double x : v) {
                double e = x / count - mean;
                var += e * e;
            }
            var = nq > 1 ? var / (nq - 1) : 0;
            return new double[] {norm.delta(mean, references), norm.scale(references) * Math.sqrt(var / nq)};
        }
    }

    /**
     * Writes {@code distance.json}, {@code distance.csv}, {@code distance.png/svg} (Δ(x_t → x_{t+d}) vs d, one line
     * per layer), {@code distance-back.png/svg} (Δ(x_{t+d} → x_t)) and {@code distance-heatmap.png/svg} (layer × d,
     * the mean of both directions).
     */
    public static void write(Result r, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("analysis", "long-distance correlations between token positions: Δ between the state of the token at "
                + "anchor t and of the token at t + d in the same text, averaged over the anchors, per layer and d, "
                + "with the shuffled control Δ(x_t → x_{t+d}[π])");
        Records.toJson(r, Map.of("xToY", "x_to_y", "xToYErr", "x_to_y_err", "yToX", "y_to_x", "yToXErr", "y_to_x_err",
                "shuffledXToY", "shuffled_x_to_y", "shuffledYToX", "shuffled_y_to_x", "xToYByAnchor",
                "x_to_y_by_anchor", "yToXByAnchor", "y_to_x_by_anchor", "minTokens", "min_tokens", "meanTokens",
                "mean_tokens")).entrySet().forEach(e -> json.put(e.getKey(), e.getValue()));
        JsonFiles.write(dir.resolve("distance.json"), json);
        StringBuilder csv = new StringBuilder("layer,d,x_to_y,x_to_y_err,y_to_x,y_to_x_err,shuffled_x_to_y,"
                + "shuffled_y_to_x\n");
        for (int li = 0; li < r.layers().length; li++) {
            for (int di = 0; di < r.distances().length; di++) {
                csv.append(String.format(Locale.ROOT, "%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f%n", r.layers()[li],
                        r.distances()[di], r.xToY()[li][di], r.xToYErr()[li][di], r.yToX()[li][di],
                        r.yToXErr()[li][di], r.shuffledXToY()[li][di], r.shuffledYToX()[li][di]));
            }
        }
        AtomicFiles.write(dir.resolve("distance.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        double[] x = new double[r.distances().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.distances()[i];
        }
        boolean logX = x[0] >= 1 && x.length > 2 && x[x.length - 1] / x[0] >= 8;
        String anchors = r.anchorPositions().length == 1 ? "t = " + r.anchorPositions()[0]
                : r.anchorPositions().length + " anchors t";
        for (int dir2 = 0; dir2 < 2; dir2++) {
            double[][] v = dir2 == 0 ? r.xToY() : r.yToX();
            double[][] e = dir2 == 0 ? r.xToYErr() : r.yToXErr();
            LineChart.Builder b = LineChart.builder()
                    .optTitle((dir2 == 0 ? "Δ(x_t → x_t+d)" : "Δ(x_t+d → x_t)") + ", " + r.model() + " (" + r.texts()
                            + "), N = " + r.n() + ", " + anchors)
                    .optXLabel("distance d (tokens)").optYLabel("Δ").optLogX(logX).optErrorBands(true)
                    .optReference(1.0, "chance");
            for (int li = 0; li < r.layers().length; li++) {
                b.addSeries(new Series("layer " + r.layers()[li], x, v[li], e[li]));
            }
            b.build().save(dir.resolve(dir2 == 0 ? "distance" : "distance-back"));
        }
        double[][] heat = new double[r.layers().length][x.length];
        for (int li = 0; li < r.layers().length; li++) {
            for (int di = 0; di < x.length; di++) {
                heat[li][di] = Math.round((r.xToY()[li][di] + r.yToX()[li][di]) / 2 * 1000) / 1000.0;
            }
        }
        List<String> cols = new ArrayList<>();
        for (int d : r.distances()) {
            cols.add(Integer.toString(d));
        }
        List<String> rows = new ArrayList<>();
        for (int l : r.layers()) {
            rows.add(Integer.toString(l));
        }
        Heatmap.builder().setValues(heat).optXLabels(cols).optYLabels(rows).optShowValues(true)
                .optTitle("Δ̄ = (Δ(x_t→x_t+d) + Δ(x_t+d→x_t))/2 by layer and distance, " + r.model())
                .optXLabel("distance d (tokens)").optYLabel("layer").optValueName("Δ̄").optRange(0, 1).build()
                .save(dir.resolve("distance-heatmap"));
    }
}
