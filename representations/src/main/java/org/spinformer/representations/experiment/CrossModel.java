package org.spinformer.representations.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.core.plot.Heatmap;
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
import com.google.gson.JsonObject;
import org.spinformer.core.config.Records;
import java.util.function.IntFunction;

/**
 * Two models on the same texts (Acevedo, Mascaretti, Rende et al. 2025, arXiv:2505.17101, compare the semantic
 * layers of different models): the (L_A+1) × (L_B+1) matrices Δ(A_l → B_m) and Δ(B_m → A_l) between every state of
 * model A and every state of model B. All L_A + L_B + 2 spaces go through one {@link InformationImbalance#matrix}
 * call, so each space's distances are computed once.
 */
public final class CrossModel {
    private static final Logger LOG = LoggerFactory.getLogger(CrossModel.class);

    private CrossModel() {}

    /**
     * Results.
     *
     * @param aToB    Δ(A_l → B_m) [L_A+1][L_B+1]
     * @param bToA    Δ(B_m → A_l) [L_B+1][L_A+1]
     * @param bestB   for each A state l, the B state m with the smallest (Δ(A_l→B_m) + Δ(B_m→A_l))/2
     */
    public record Result(String modelA, String modelB, String texts, String pooling, int n, int k, String normalisation,
            double[][] aToB, double[][] aToBErr, double[][] bToA, double[][] bToAErr, int[] bestB,
            double extractSeconds, double imbalanceSeconds) {
    }

    /** Runs both models on {@code texts} and computes the two cross matrices. */
    public static Result run(HiddenStateModel a, HiddenStateModel b, String textsName, List<String> texts,
            Pooling pooling, IntFunction<InformationImbalance.Options> imbalance, int tokenBudget, NDManager m) {
        return run(a, b, textsName, texts, pooling, imbalance, tokenBudget, m, Pieces.none());
    }

    /**
     * As {@link #run(HiddenStateModel, HiddenStateModel, String, List, Pooling, IntFunction, int, NDManager)},
     * keeping each model's states in {@code pieces} (a resumed run reads those already done).
     */
    public static Result run(HiddenStateModel a, HiddenStateModel b, String textsName, List<String> texts,
            Pooling pooling, IntFunction<InformationImbalance.Options> imbalance, int tokenBudget, NDManager m,
            Pieces pieces) {
        int n = texts.size();
        InformationImbalance.Options o = imbalance.apply(n);
        try (NDManager w = m.newSubManager()) {
            long t0 = System.nanoTime();
            NDArray ha = pieces.array("a", w, () -> HiddenStates.extract(a, texts, pooling, w, tokenBudget));
            NDArray hb = pieces.array("b", w, () -> HiddenStates.extract(b, texts, pooling, w, tokenBudget));
            long t1 = System.nanoTime();
            int la = a.layers() + 1;
            int lb = b.layers() + 1;
            List<NDArray> spaces = new ArrayList<>();
            for (int l = 0; l < la; l++) {
                spaces.add(ha.get(l));
            }
            for (int l = 0; l < lb; l++) {
                spaces.add(hb.get(l));
            }
            InformationImbalance.Matrix mm = InformationImbalance.matrix(spaces, o);
            double[][] a2b = new double[la][lb];
            double[][] a2bE = new double[la][lb];
            double[][] b2a = new double[lb][la];
            double[][] b2aE = new double[lb][la];
            int[] best = new int[la];
            for (int i = 0; i < la; i++) {
                for (int j = 0; j < lb; j++) {
                    a2b[i][j] = mm.delta()[i][la + j];
                    a2bE[i][j] = mm.stdError()[i][la + j];
                    b2a[j][i] = mm.delta()[la + j][i];
                    b2aE[j][i] = mm.stdError()[la + j][i];
                }
            }
            for (int i = 0; i < la; i++) {
                for (int j = 1; j < lb; j++) {
                    if (a2b[i][j] + b2a[j][i] < a2b[i][best[i]] + b2a[best[i]][i]) {
                        best[i] = j;
                    }
                }
                LOG.info("{} layer {}: closest {} layer {} (Δ {} / {})", a.name(), i, b.name(), best[i],
                        TokenSpread.fmt(a2b[i][best[i]]), TokenSpread.fmt(b2a[best[i]][i]));
            }
            long t2 = System.nanoTime();
            return new Result(a.name(), b.name(), textsName, pooling.toString(), n, o.k(),
                    o.normalisation().toString().toLowerCase(Locale.ROOT), a2b, a2bE, b2a, b2aE, best, (t1 - t0) / 1e9,
                    (t2 - t1) / 1e9);
        }
    }

    /** Writes {@code cross.json}, {@code cross.csv} and the heatmaps {@code cross-a-to-b.png/svg}, {@code cross-b-to-a.png/svg}. */
    public static void write(Result r, Path dir) throws IOException {
        Files.createDirectories(dir);
        JsonObject json = new JsonObject();
        json.addProperty("analysis", "cross-model: Δ between every state of model A and every state of model B on the "
                + "same texts");
        Records.toJson(r, Map.of("bestB", "closest_b_layer")).entrySet().forEach(e -> json.add(e.getKey(), e.getValue()));
        JsonFiles.write(dir.resolve("cross.json"), json);
        StringBuilder csv = new StringBuilder("layer_a,layer_b,a_to_b,a_to_b_err,b_to_a,b_to_a_err\n");
        int la = r.aToB().length;
        int lb = r.bToA().length;
        for (int i = 0; i < la; i++) {
            for (int j = 0; j < lb; j++) {
                csv.append(String.format(Locale.ROOT, "%d,%d,%.6f,%.6f,%.6f,%.6f%n", i, j, r.aToB()[i][j],
                        r.aToBErr()[i][j], r.bToA()[j][i], r.bToAErr()[j][i]));
            }
        }
        AtomicFiles.write(dir.resolve("cross.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        List<String> as = labels(la);
        List<String> bs = labels(lb);
        Heatmap.builder().setValues(r.aToB()).optXLabels(bs).optYLabels(as).optRange(0, 1).optValueName("Δ")
                .optTitle("Δ(" + r.modelA() + " layer → " + r.modelB() + " layer), N = " + r.n())
                .optXLabel(r.modelB() + " layer").optYLabel(r.modelA() + " layer").build()
                .save(dir.resolve("cross-a-to-b"));
        Heatmap.builder().setValues(r.bToA()).optXLabels(as).optYLabels(bs).optRange(0, 1).optValueName("Δ")
                .optTitle("Δ(" + r.modelB() + " layer → " + r.modelA() + " layer), N = " + r.n())
                .optXLabel(r.modelA() + " layer").optYLabel(r.modelB() + " layer").build()
                .save(dir.resolve("cross-b-to-a"));
    }

    private static List<String> labels(int n) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(Integer.toString(i));
        }
        return l;
    }
}
