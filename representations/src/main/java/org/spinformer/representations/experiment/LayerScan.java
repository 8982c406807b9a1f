package org.spinformer.representations.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.core.plot.Heatmap;
import org.spinformer.core.plot.LineChart;
import org.spinformer.core.plot.Series;
import org.spinformer.representations.data.Pairs;
import org.spinformer.representations.imbalance.InformationImbalance;
import org.spinformer.representations.imbalance.TwoNN;
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

/**
 * The layer-by-layer experiment of Acevedo, Mascaretti, Rende et al. (2025, arXiv:2505.17101): both sides of N
 * aligned pairs through the model, Δ(A_l→B_l) and Δ(B_l→A_l) at every layer l = 0 … L (0 = embeddings), the
 * shuffled-pair control, TwoNN intrinsic dimension of each side, and optionally the full (2L+2)² matrix of Δ
 * between every layer of either side.
 *
 * <p><b>Semantic layers</b> (the rule used here): with Δ̄_l = (Δ(A_l→B_l) + Δ(B_l→A_l))/2, its standard error
 * σ̄_l = (σ(A_l→B_l) + σ(B_l→A_l))/2 (over query points) and the minimum Δ̄* = Δ̄_{l*} over l ≥ 1 (layer 0 holds
 * token embeddings: shared tokens such as names make it lexical, not semantic), the semantic layers are the
 * l ≥ 1 statistically indistinguishable from the best: Δ̄_l − Δ̄* ≤ 2·√(σ̄_l² + σ̄_{l*}²).
 */
public final class LayerScan {
    private static final Logger LOG = LoggerFactory.getLogger(LayerScan.class);

    private LayerScan() {}

    /**
     * Results, per layer l = 0 … L.
     *
     * @param matrix Δ between the 2(L+1) spaces [A_0 … A_L, B_0 … B_L], or null when not computed
     */
    public record Result(String model, String pooling, String nameA, String nameB, int n, int k, int layers,
            double[] aToB, double[] bToA, double[] aToBErr, double[] bToAErr, double[] shuffledAToB,
            double[] shuffledBToA, double[] idA, double[] idB, int[] semanticLayers, double[][] matrix,
            double extractSeconds, double imbalanceSeconds, String normalisation) {
    }

    /** Settings: k neighbours, ties, metric, full matrix, shuffle seed, token budget of the batches. */
    public record Settings(InformationImbalance.Options imbalance, boolean matrix, long seed, int tokenBudget) {
        public static Settings defaults() {
            return new Settings(InformationImbalance.Options.defaults(), false, 1, HiddenStates.DEFAULT_TOKEN_BUDGET);
        }
    }

    /** Runs the scan; arrays are owned by a sub-manager of {@code m} and released. */
    public static Result run(HiddenStateModel model, Pairs pairs, Pooling pooling, Settings s, NDManager m) {
        try (NDManager w = m.newSubManager()) {
            long t0 = System.nanoTime();
            NDArray ha = HiddenStates.extract(model, pairs.a(), pooling, w, s.tokenBudget());
            NDArray hb = HiddenStates.extract(model, pairs.b(), pooling, w, s.tokenBudget());
            long t1 = System.nanoTime();
            int layers = model.layers();
            int ls = layers + 1;
            double[] a2b = new double[ls];
            double[] b2a = new double[ls];
            double[] ea = new double[ls];
            double[] eb = new double[ls];
            double[] sa = new double[ls];
            double[] sb = new double[ls];
            double[] ida = new double[ls];
            double[] idb = new double[ls];
            double[][] matrix = null;
            List<NDArray> as = new ArrayList<>();
            List<NDArray> bs = new ArrayList<>();
            for (int l = 0; l < ls; l++) {
                as.add(ha.get(l));
                bs.add(hb.get(l));
            }
            if (s.matrix()) {
                List<NDArray> all = new ArrayList<>(as);
                all.addAll(bs);
                InformationImbalance.Matrix mm = InformationImbalance.matrix(all, s.imbalance());
                matrix = mm.delta();
                for (int l = 0; l < ls; l++) {
                    a2b[l] = mm.delta()[l][ls + l];
                    b2a[l] = mm.delta()[ls + l][l];
                    ea[l] = mm.stdError()[l][ls + l];
                    eb[l] = mm.stdError()[ls + l][l];
                }
            }
            for (int l = 0; l < ls; l++) {
                if (!s.matrix()) {
                    InformationImbalance.Pair p = InformationImbalance.pair(as.get(l), bs.get(l), s.imbalance());
                    a2b[l] = p.aToB();
                    b2a[l] = p.bToA();
                    ea[l] = p.aToBErr();
                    eb[l] = p.bToAErr();
                }
                InformationImbalance.Pair sh = InformationImbalance.pair(as.get(l),
                        InformationImbalance.shuffleRows(bs.get(l), s.seed() + l), s.imbalance());
                sa[l] = sh.aToB();
                sb[l] = sh.bToA();
                ida[l] = TwoNN.estimate(as.get(l));
                idb[l] = TwoNN.estimate(bs.get(l));
                LOG.info("layer {}: Δ(A→B) {} Δ(B→A) {} shuffled {} {} ID {} {}", l, fmt(a2b[l]), fmt(b2a[l]),
                        fmt(sa[l]), fmt(sb[l]), fmt(ida[l]), fmt(idb[l]));
            }
            long t2 = System.nanoTime();
            return new Result(model.name(), pooling.toString(), pairs.nameA(), pairs.nameB(), pairs.size(),
                    s.imbalance().k(), layers, a2b, b2a, ea, eb, sa, sb, ida, idb, semanticLayers(a2b, b2a, ea, eb), matrix,
                    (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                    s.imbalance().normalisation().toString().toLowerCase(Locale.ROOT));
        }
    }

    /** The documented rule: l ≥ 1 with Δ̄_l − Δ̄* ≤ 2·√(σ̄_l² + σ̄*²) (see the class comment). */
    public static int[] semanticLayers(double[] a2b, double[] b2a, double[] ea, double[] eb) {
        int ls = a2b.length;
        if (ls < 2) {
            return new int[] {0};
        }
        int best = 1;
        for (int l = 1; l < ls; l++) {
            if (a2b[l] + b2a[l] < a2b[best] + b2a[best]) {
                best = l;
            }
        }
        double bestMean = (a2b[best] + b2a[best]) / 2;
        double bestErr = (ea[best] + eb[best]) / 2;
        List<Integer> out = new ArrayList<>();
        for (int l = 1; l < ls; l++) {
            double mean = (a2b[l] + b2a[l]) / 2;
            double err = (ea[l] + eb[l]) / 2;
            if (mean - bestMean <= 2 * Math.sqrt(err * err + bestErr * bestErr)) {
                out.add(l);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Writes {@code layers.json}, {@code layers.csv}, {@code imbalance.png/svg}, {@code id.png/svg} and (with the
     * matrix) {@code matrix.csv}, {@code matrix.png/svg} into {@code dir}. Returns the main plot's PNG path. */
    public static Path write(Result r, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", r.model());
        json.put("pooling", r.pooling());
        json.put("a", r.nameA());
        json.put("b", r.nameB());
        json.put("n", r.n());
        json.put("k", r.k());
        json.put("normalisation", r.normalisation());
        json.put("layers", r.layers());
        json.put("a_to_b", r.aToB());
        json.put("b_to_a", r.bToA());
        json.put("a_to_b_err", r.aToBErr());
        json.put("b_to_a_err", r.bToAErr());
        json.put("shuffled_a_to_b", r.shuffledAToB());
        json.put("shuffled_b_to_a", r.shuffledBToA());
        json.put("id_a", r.idA());
        json.put("id_b", r.idB());
        json.put("semantic_layers", r.semanticLayers());
        json.put("semantic_rule", "l >= 1 with mean_l - mean_best <= 2*sqrt(err_l^2 + err_best^2), mean = (D(A->B)+D(B->A))/2, "
                + "err = (se(A->B)+se(B->A))/2");
        json.put("extract_seconds", r.extractSeconds());
        json.put("imbalance_seconds", r.imbalanceSeconds());
        if (r.matrix() != null) {
            json.put("matrix", r.matrix());
        }
        JsonFiles.write(dir.resolve("layers.json"), json);
        StringBuilder csv = new StringBuilder("layer,a_to_b,a_to_b_err,b_to_a,b_to_a_err,shuffled_a_to_b,"
                + "shuffled_b_to_a,id_a,id_b,semantic\n");
        List<Integer> sem = new ArrayList<>();
        for (int l : r.semanticLayers()) {
            sem.add(l);
        }
        for (int l = 0; l <= r.layers(); l++) {
            csv.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.3f,%.3f,%d%n", l, r.aToB()[l],
                    r.aToBErr()[l], r.bToA()[l], r.bToAErr()[l], r.shuffledAToB()[l], r.shuffledBToA()[l], r.idA()[l],
                    r.idB()[l], sem.contains(l) ? 1 : 0));
        }
        AtomicFiles.write(dir.resolve("layers.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        double[] x = new double[r.layers() + 1];
        for (int l = 0; l < x.length; l++) {
            x[l] = l;
        }
        // the plot library needs distinct series names: a text set against itself (bible:en_kjv,en_kjv) gets A/B marks
        boolean same = r.nameA().equals(r.nameB());
        String a = same ? r.nameA() + " (A)" : r.nameA();
        String b = same ? r.nameB() + " (B)" : r.nameB();
        LineChart.builder().optTitle("Information Imbalance, " + r.model() + " (" + r.pooling() + "), N = " + r.n())
                .optXLabel("layer (0 = embeddings)").optYLabel("Δ").optErrorBands(true)
                .addSeries(new Series("Δ(" + a + " → " + b + ")", x, r.aToB(), r.aToBErr()))
                .addSeries(new Series("Δ(" + b + " → " + a + ")", x, r.bToA(), r.bToAErr()))
                .addSeries(new Series("shuffled " + a + " → " + b, x, r.shuffledAToB()))
                .addSeries(new Series("shuffled " + b + " → " + a, x, r.shuffledBToA()))
                .optReference(1.0, "chance").build().save(dir.resolve("imbalance"));
        LineChart.builder().optTitle("TwoNN intrinsic dimension, " + r.model()).optXLabel("layer").optYLabel("ID")
                .addSeries(new Series(a, x, r.idA())).addSeries(new Series(b, x, r.idB())).build()
                .save(dir.resolve("id"));
        if (r.matrix() != null) {
            List<String> labels = new ArrayList<>(); // short tick labels: A0 … AL, B0 … BL
            for (int l = 0; l <= r.layers(); l++) {
                labels.add("A" + l);
            }
            for (int l = 0; l <= r.layers(); l++) {
                labels.add("B" + l);
            }
            StringBuilder mc = new StringBuilder("from\\to," + String.join(",", labels) + "\n");
            for (int i = 0; i < labels.size(); i++) {
                mc.append(labels.get(i));
                for (double v : r.matrix()[i]) {
                    mc.append(String.format(Locale.ROOT, ",%.6f", v));
                }
                mc.append('\n');
            }
            AtomicFiles.write(dir.resolve("matrix.csv"), mc.toString().getBytes(StandardCharsets.UTF_8));
            Heatmap.builder().setValues(r.matrix()).optXLabels(labels).optYLabels(labels)
                    .optTitle("Δ(row → column), " + r.model() + ", A = " + a + ", B = " + b).optXLabel("to").optYLabel("from").optValueName("Δ")
                    .optRange(0, 1).build().save(dir.resolve("matrix"));
        }
        return dir.resolve("imbalance.png");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
