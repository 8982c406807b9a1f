package org.spinformer.representations.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.core.plot.Heatmap;
import org.spinformer.core.plot.LineChart;
import org.spinformer.core.plot.Series;
import org.spinformer.representations.data.Pairs;
import org.spinformer.representations.imbalance.InformationImbalance;
import org.spinformer.representations.models.HiddenStateModel;
import org.spinformer.representations.models.HiddenStates;
import org.spinformer.representations.pooling.Pooling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * How semantic information spreads over tokens (Acevedo, Mascaretti, Rende et al. 2025, arXiv:2505.17101): for
 * translation pairs, Δ between the two sides as a function of the number n of last tokens that represent a text,
 * either averaged or concatenated:
 * <pre>
 *   mean     v_i = (1/n) Σ_{t = T_i−K−n}^{T_i−K−1} h_it        [D]
 *   concat   v_i = [h_i,T_i−K−n ; … ; h_i,T_i−K−1]             [n·D]
 * </pre>
 * T_i the text's token count, K the trailing special tokens left out (BERT's [SEP]: K = 1; decoders K = 0). Every
 * text must have at least n_max + K + (leading special tokens) tokens, so no window reaches a special token or
 * repeats one ({@link #longEnough} keeps such pairs). The states of the last n_max tokens are extracted once
 * ({@link Pooling} last-n:n_max:K) and every n is cut from them on the tensor engine.
 */
public final class TokenSpread {
    private static final Logger LOG = LoggerFactory.getLogger(TokenSpread.class);

    private TokenSpread() {}

    /**
     * Settings.
     *
     * @param ns          the numbers of last tokens, increasing, ≥ 1
     * @param layers      states to analyse (0 = embeddings … L), or null for all
     * @param drop        trailing tokens left out (K), or −1 for the tokenizer's trailing special tokens
     * @param imbalance   the Information Imbalance options for a given number of points
     * @param tokenBudget tokens per batch
     */
    public record Settings(int[] ns, int[] layers, int drop, IntFunction<InformationImbalance.Options> imbalance,
            int tokenBudget) {
        public Settings {
            if (ns == null || ns.length == 0) {
                throw new IllegalArgumentException("give at least one number of tokens");
            }
            for (int i = 0; i < ns.length; i++) {
                if (ns[i] < 1 || (i > 0 && ns[i] <= ns[i - 1])) {
                    throw new IllegalArgumentException("token counts must be increasing and >= 1, got "
                            + java.util.Arrays.toString(ns));
                }
            }
        }

        int nMax() {
            return ns[ns.length - 1];
        }
    }

    /**
     * Δ per state and token count, [layers][ns] each; index 0 of the mode arrays is "mean", 1 is "concat".
     *
     * @param aToB     Δ(A→B) [mode][layer][n]
     * @param aToBErr  its standard error over queries
     * @param bToA     Δ(B→A) [mode][layer][n]
     * @param bToAErr  its standard error
     */
    public record Result(String model, String nameA, String nameB, int n, int drop, int[] layers, int[] ns, int k,
            String normalisation, double[][][] aToB, double[][][] aToBErr, double[][][] bToA, double[][][] bToAErr,
            double extractSeconds, double imbalanceSeconds) {
    }

    /** The two ways of combining the last n token states. */
    public static final String[] MODES = {"mean", "concat"};

    /** Trailing tokens left out: {@code drop} itself, or the tokenizer's trailing special tokens when −1. */
    public static int drop(HiddenStateModel model, int drop) {
        return drop >= 0 ? drop : model.tokenizer().specialTokens()[1];
    }

    /** The pairs whose two sides both have at least {@code nMax} tokens besides the special and dropped ones. */
    public static Pairs longEnough(HiddenStateModel model, Pairs pairs, int nMax, int drop) {
        int lead = model.tokenizer().specialTokens()[0];
        int need = lead + drop(model, drop) + nMax;
        long[][] a = model.tokenizer().encode(pairs.a());
        long[][] b = model.tokenizer().encode(pairs.b());
        List<String> ids = new ArrayList<>();
        List<String> xa = new ArrayList<>();
        List<String> xb = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            if (a[i].length >= need && b[i].length >= need) {
                ids.add(pairs.ids().get(i));
                xa.add(pairs.a().get(i));
                xb.add(pairs.b().get(i));
            }
        }
        if (xa.isEmpty()) {
            throw new IllegalArgumentException("no pair has " + need + " tokens on both sides (" + nMax
                    + " analysed + " + (need - nMax) + " special/dropped)");
        }
        return new Pairs(pairs.nameA(), pairs.nameB(), ids, xa, xb);
    }

    /** Runs the analysis; every text must be long enough (see {@link #longEnough}). */
    public static Result run(HiddenStateModel model, Pairs pairs, Settings s, NDManager m) {
        return run(model, pairs, s, m, Pieces.none());
    }

    /**
     * As {@link #run(HiddenStateModel, Pairs, Settings, NDManager)}, keeping each side's states and each layer's Δ
     * in {@code pieces} (a resumed run reads those already done).
     */
    public static Result run(HiddenStateModel model, Pairs pairs, Settings s, NDManager m, Pieces pieces) {
        int drop = drop(model, s.drop());
        int lead = model.tokenizer().specialTokens()[0];
        int nMax = s.nMax();
        int[] layers = s.layers() != null ? s.layers() : range(model.layers() + 1);
        long[][] ia = model.tokenizer().encode(pairs.a());
        long[][] ib = model.tokenizer().encode(pairs.b());
        for (int i = 0; i < ia.length; i++) {
            int shortest = Math.min(ia[i].length, ib[i].length);
            if (shortest < lead + drop + nMax) {
                throw new IllegalArgumentException("pair " + pairs.ids().get(i) + " has only " + shortest
                        + " tokens on one side; " + nMax + " last tokens need " + (lead + drop + nMax));
            }
        }
        int n = pairs.size();
        InformationImbalance.Options o = s.imbalance().apply(n);
        Pooling window = new Pooling(Pooling.Kind.LAST_N, nMax, drop, false);
        try (NDManager w = m.newSubManager()) {
            long t0 = System.nanoTime();
            NDArray ha = pieces.array("a", w, () -> HiddenStates.extractIds(model, ia, window, w, s.tokenBudget(), layers));
            NDArray hb = pieces.array("b", w, () -> HiddenStates.extractIds(model, ib, window, w, s.tokenBudget(), layers));
            long t1 = System.nanoTime();
            long d = model.dim();
            int nl = layers.length;
            int nn = s.ns().length;
            double[][][] a2b = new double[2][nl][nn];
            double[][][] a2bE = new double[2][nl][nn];
            double[][][] b2a = new double[2][nl][nn];
            double[][][] b2aE = new double[2][nl][nn];
            for (int li = 0; li < nl; li++) {
                int l = li;
                // [mode][n][Δ(A→B), its error, Δ(B→A), its error], flattened
                double[] v = pieces.numbers("layer-" + layers[li], w, () -> {
                    try (NDManager lm = w.newSubManager()) {
                        return layer(own(ha.get(l), lm), own(hb.get(l), lm), n, nMax, d, s.ns(), o, lm);
                    }
                });
                for (int ni = 0; ni < nn; ni++) {
                    for (int mode = 0; mode < 2; mode++) {
                        int at = (mode * nn + ni) * 4;
                        a2b[mode][li][ni] = v[at];
                        a2bE[mode][li][ni] = v[at + 1];
                        b2a[mode][li][ni] = v[at + 2];
                        b2aE[mode][li][ni] = v[at + 3];
                    }
                    LOG.info("layer {} n {}: mean Δ {} / {}, concat Δ {} / {}", layers[li], s.ns()[ni],
                            fmt(a2b[0][li][ni]), fmt(b2a[0][li][ni]), fmt(a2b[1][li][ni]), fmt(b2a[1][li][ni]));
                }
            }
            long t2 = System.nanoTime();
            return new Result(model.name(), pairs.nameA(), pairs.nameB(), n, drop, layers, s.ns(), o.k(),
                    o.normalisation().toString().toLowerCase(Locale.ROOT), a2b, a2bE, b2a, b2aE, (t1 - t0) / 1e9,
                    (t2 - t1) / 1e9);
        }
    }

    /**
     * One state's Δ for every token count and mode: la, lb [N, n_max·D] → [mode][n][Δ(A→B), its error, Δ(B→A), its
     * error] flattened. For n = 1 the mean and the concatenation are the same vectors (the state of the last token),
     * so that imbalance is computed once and given to both modes.
     */
    static double[] layer(NDArray la, NDArray lb, int n, int nMax, long d, int[] ns, InformationImbalance.Options o,
            NDManager lm) {
        double[] v = new double[2 * ns.length * 4];
        for (int ni = 0; ni < ns.length; ni++) {
            for (int mode = 0; mode < 2; mode++) {
                if (mode == 1 && ns[ni] == 1) {
                    System.arraycopy(v, ni * 4, v, (ns.length + ni) * 4, 4); // concat of one token = its mean
                    continue;
                }
                try (NDManager bm = lm.newSubManager()) {
                    NDArray xa = window(la, n, nMax, d, ns[ni], mode == 0, bm);
                    NDArray xb = window(lb, n, nMax, d, ns[ni], mode == 0, bm);
                    InformationImbalance.Pair p = InformationImbalance.pair(xa, xb, o);
                    int at = (mode * ns.length + ni) * 4;
                    v[at] = p.aToB();
                    v[at + 1] = p.aToBErr();
                    v[at + 2] = p.bToA();
                    v[at + 3] = p.bToAErr();
                }
            }
        }
        return v;
    }

    /**
     * The last k of the n_max token states x [N, n_max·D] (oldest first): their mean [N, D] or their concatenation
     * [N, k·D].
     */
    static NDArray window(NDArray x, int n, int nMax, long d, int k, boolean mean, NDManager bm) {
        NDArray last = own(own(x.reshape(n, nMax, d), bm).get(new NDIndex(":, " + (nMax - k) + ":, :")), bm);
        return own(mean ? last.mean(new int[] {1}) : last.reshape(n, k * d), bm);
    }

    /** Attaches {@code a} to {@code m} (results of ops on a caller's array land in the caller's manager). */
    static NDArray own(NDArray a, NDManager m) {
        if (a.getManager() != m) {
            a.attach(m);
        }
        return a;
    }

    /** Writes {@code spread.json}, {@code spread.csv}, {@code spread-mean.png/svg}, {@code spread-concat.png/svg}. */
    public static void write(Result r, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("analysis", "token spread: Δ between the two sides vs the number n of last tokens, mean or concat");
        json.put("model", r.model());
        json.put("a", r.nameA());
        json.put("b", r.nameB());
        json.put("n", r.n());
        json.put("k", r.k());
        json.put("normalisation", r.normalisation());
        json.put("dropped_trailing_tokens", r.drop());
        json.put("layers", r.layers());
        json.put("tokens", r.ns());
        for (int mode = 0; mode < 2; mode++) {
            Map<String, Object> mj = new LinkedHashMap<>();
            mj.put("a_to_b", r.aToB()[mode]);
            mj.put("a_to_b_err", r.aToBErr()[mode]);
            mj.put("b_to_a", r.bToA()[mode]);
            mj.put("b_to_a_err", r.bToAErr()[mode]);
            json.put(MODES[mode], mj);
        }
        json.put("extract_seconds", r.extractSeconds());
        json.put("imbalance_seconds", r.imbalanceSeconds());
        JsonFiles.write(dir.resolve("spread.json"), json);
        StringBuilder csv = new StringBuilder("mode,layer,tokens,a_to_b,a_to_b_err,b_to_a,b_to_a_err\n");
        for (int mode = 0; mode < 2; mode++) {
            for (int li = 0; li < r.layers().length; li++) {
                for (int ni = 0; ni < r.ns().length; ni++) {
                    csv.append(String.format(Locale.ROOT, "%s,%d,%d,%.6f,%.6f,%.6f,%.6f%n", MODES[mode], r.layers()[li],
                            r.ns()[ni], r.aToB()[mode][li][ni], r.aToBErr()[mode][li][ni], r.bToA()[mode][li][ni],
                            r.bToAErr()[mode][li][ni]));
                }
            }
        }
        AtomicFiles.write(dir.resolve("spread.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        double[] x = new double[r.ns().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.ns()[i];
        }
        for (int mode = 0; mode < 2; mode++) {
            LineChart.Builder b = LineChart.builder()
                    .optTitle("Δ̄ = (Δ(" + r.nameA() + "→" + r.nameB() + ") + Δ(" + r.nameB() + "→" + r.nameA() + "))/2 vs last "
                            + "tokens (" + MODES[mode] + "), " + r.model() + ", N = " + r.n())
                    .optXLabel("n last tokens").optYLabel("Δ̄").optLogX(x.length > 2 && x[x.length - 1] / x[0] >= 8)
                    .optReference(1.0, "chance");
            double[][] heat = new double[r.layers().length][r.ns().length];
            for (int li = 0; li < r.layers().length; li++) {
                double[] y = new double[x.length];
                for (int ni = 0; ni < x.length; ni++) {
                    y[ni] = (r.aToB()[mode][li][ni] + r.bToA()[mode][li][ni]) / 2;
                    heat[li][ni] = Math.round(y[ni] * 1000) / 1000.0; // printed in the cells: 3 decimals
                }
                b.addSeries(new Series("layer " + r.layers()[li], x, y));
            }
            b.build().save(dir.resolve("spread-" + MODES[mode]));
            List<String> cols = new ArrayList<>();
            for (int t : r.ns()) {
                cols.add(Integer.toString(t));
            }
            List<String> rows = new ArrayList<>();
            for (int l : r.layers()) {
                rows.add(Integer.toString(l));
            }
            Heatmap.builder().setValues(heat).optXLabels(cols).optYLabels(rows).optShowValues(true)
                    .optTitle("Δ̄ by layer and last tokens (" + MODES[mode] + "), " + r.model())
                    .optXLabel("n last tokens").optYLabel("layer").optValueName("Δ̄").optRange(0, 1).build()
                    .save(dir.resolve("spread-" + MODES[mode] + "-heatmap"));
        }
    }

    static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
