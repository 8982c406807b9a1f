package org.spinformer.language.diagnose;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.spinformer.core.config.Records;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.core.plot.LineChart;
import org.spinformer.core.plot.Series;
import org.spinformer.language.potts.Couplings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Compares corpora (clones, a held-out part of the original) with a reference corpus (the original's training
 * windows) through {@link Statistics}: per corpus, the total variation of single-site frequencies, the relative
 * error ‖C − C_ref‖/‖C_ref‖ and Pearson correlation of the connected two-point (top-K tokens, r ≤ R) and
 * three-point (sampled triples) statistics, and I(r). A held-out slice of the original gives the finite-sample
 * floor of each number. Writes {@code statistics.json}, {@code statistics.csv}, {@code mutual_information.png/svg},
 * {@code correlation_errors.png/svg}.
 */
public final class Comparison {
    /** Metrics of one corpus against the reference. */
    public record Row(String name, int windows, double freqTv, double twoPointError, double twoPointCorrelation,
                      double threePointError, double threePointCorrelation, double[] mutualInformation) {}

    /** Settings: K tokens, R distances, triples with offsets ≤ maxOffset. */
    public record Options(int topK, int maxDistance, int tripleTopK, int maxOffset, int triples, long seed) {
        public static Options defaults() {
            return new Options(30, 8, 12, 3, 3000, 7L);
        }
    }

    private Comparison() {}

    public static List<Row> compare(int[][] reference, Map<String, int[][]> corpora, int vocab, Set<Integer> exclude,
                                    Options o) {
        int t = reference[0].length;
        double[] fRef = Statistics.frequencies(reference, vocab);
        int[] top = Statistics.topTokens(fRef, o.topK(), exclude);
        int[] top3 = Statistics.topTokens(fRef, o.tripleTopK(), exclude);
        int maxR = Math.min(o.maxDistance(), t - 1);
        Statistics.Triple[] triples = Statistics.sampleTriples(top3.length, Math.min(o.maxOffset(), (t - 1) / 2), t,
                o.triples(), o.seed());
        double[] c2Ref = Statistics.flatten(Statistics.twoPoint(reference, vocab, top, maxR));
        double[] c3Ref = Statistics.threePoint(reference, vocab, top3, triples);
        List<Row> rows = new ArrayList<>();
        Map<String, int[][]> all = new LinkedHashMap<>();
        all.put("reference", reference);
        all.putAll(corpora);
        for (Map.Entry<String, int[][]> e : all.entrySet()) {
            int[][] w = e.getValue();
            double[] c2 = Statistics.flatten(Statistics.twoPoint(w, vocab, top, maxR));
            double[] c3 = Statistics.threePoint(w, vocab, top3, triples);
            rows.add(new Row(e.getKey(), w.length, Statistics.totalVariation(Statistics.frequencies(w, vocab), fRef),
                    Statistics.relativeError(c2, c2Ref), Couplings.pearson(c2, c2Ref),
                    Statistics.relativeError(c3, c3Ref), Couplings.pearson(c3, c3Ref),
                    Statistics.mutualInformation(w, vocab, maxR)));
        }
        return rows;
    }

    /** JSON keys of the row components not named by their snake_case ({@link Records#toJson}). */
    private static final Map<String, String> ROW_KEYS = Map.of("freqTv", "single_site_tv", "twoPointError",
            "two_point_rel_error", "threePointError", "three_point_rel_error");

    /** {"corpora": [one object per row, its components in order], "options": …}. */
    public static JsonObject toJson(List<Row> rows, Options o) {
        JsonObject root = new JsonObject();
        JsonArray arr = new JsonArray();
        for (Row r : rows) {
            arr.add(Records.toJson(r, ROW_KEYS));
        }
        root.add("corpora", arr);
        root.add("options", new com.google.gson.Gson().toJsonTree(o));
        return root;
    }

    /** Writes the JSON, CSV and plots into {@code dir}. */
    public static void write(Path dir, List<Row> rows, Options o) throws IOException {
        Files.createDirectories(dir);
        JsonFiles.write(dir.resolve("statistics.json"), toJson(rows, o));
        StringBuilder csv = new StringBuilder("name,windows,single_site_tv,two_point_rel_error,two_point_correlation,"
                + "three_point_rel_error,three_point_correlation\n");
        for (Row r : rows) {
            csv.append(String.format(Locale.ROOT, "%s,%d,%.6f,%.6f,%.6f,%.6f,%.6f%n", r.name(), r.windows(),
                    r.freqTv(), r.twoPointError(), r.twoPointCorrelation(), r.threePointError(),
                    r.threePointCorrelation()));
        }
        AtomicFiles.write(dir.resolve("statistics.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        LineChart.Builder mi = LineChart.builder().optTitle("Mutual information between tokens at distance r")
                .optXLabel("distance r").optYLabel("I(r) (nats, plug-in)").optLogY(true);
        for (Row r : rows) {
            double[] x = new double[r.mutualInformation().length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
            }
            mi.addSeries(new Series(r.name(), x, r.mutualInformation()));
        }
        mi.build().save(dir.resolve("mutual_information"));
        double[] idx = new double[rows.size() - 1];
        double[] e2 = new double[idx.length];
        double[] e3 = new double[idx.length];
        StringBuilder names = new StringBuilder();
        for (int i = 1; i < rows.size(); i++) {
            idx[i - 1] = i;
            e2[i - 1] = rows.get(i).twoPointError();
            e3[i - 1] = rows.get(i).threePointError();
            names.append(i).append('=').append(rows.get(i).name()).append(' ');
        }
        if (idx.length > 0) {
            LineChart.builder().optTitle("Error of connected correlations vs the original")
                    .optXLabel("corpus: " + names.toString().trim()).optYLabel("‖C − C_orig‖ / ‖C_orig‖")
                    .addSeries(new Series("two-point", idx, e2)).addSeries(new Series("three-point", idx, e3))
                    .build().save(dir.resolve("correlation_errors"));
        }
    }
}
