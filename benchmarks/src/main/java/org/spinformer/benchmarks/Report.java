package org.spinformer.benchmarks;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns JMH's JSON into the summary table: median time per op, spread (min..max over iterations), the
 * achieved rate from the analytic work per op ({@link Work}), and the share of the ceiling measured in the
 * same run (matmul of the same dtype for FLOP-bound work; the large copy for bandwidth).
 *
 * <p>Usage: {@code Report jmh.json summary.json summary.md}
 */
public final class Report {
    private Report() {}

    record Row(String benchmark, Map<String, String> params, double medianMs, double minMs, double maxMs,
               double work, String unit, double rate, Double shareOfCeiling) {}

    public static void main(String[] args) throws IOException {
        JsonArray runs = new Gson().fromJson(Files.readString(Path.of(args[0])), JsonArray.class);
        List<Row> rows = new ArrayList<>();
        Map<String, Double> ceilings = new LinkedHashMap<>();
        for (JsonElement e : runs) {
            JsonObject r = e.getAsJsonObject();
            String name = r.get("benchmark").getAsString();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            Map<String, String> params = new LinkedHashMap<>();
            if (r.has("params")) {
                r.getAsJsonObject("params").entrySet().forEach(p -> params.put(p.getKey(), p.getValue().getAsString()));
            }
            JsonObject pm = r.getAsJsonObject("primaryMetric");
            double scale = unitToMs(pm.get("scoreUnit").getAsString());
            List<Double> samples = new ArrayList<>();
            for (JsonElement fork : pm.getAsJsonArray("rawData")) {
                for (JsonElement v : fork.getAsJsonArray()) {
                    samples.add(v.getAsDouble() * scale);
                }
            }
            samples.sort(Double::compare);
            double median = samples.get(samples.size() / 2);
            Work.Amount w = Work.of(name, params);
            double rate = w == null ? Double.NaN : w.amount() / (median * 1e-3) / 1e9;
            rows.add(new Row(name, params, median, samples.get(0), samples.get(samples.size() - 1),
                    w == null ? Double.NaN : w.amount(), w == null ? "" : w.unit(), rate, null));
            if (w != null && w.ceilingKey() != null && name.startsWith("MatmulCeilingBench")) {
                ceilings.merge(w.ceilingKey(), rate, Math::max);
            }
        }
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            Work.Amount w = Work.of(r.benchmark(), r.params());
            Double share = null;
            if (w != null && w.ceilingKey() != null && ceilings.containsKey(w.ceilingKey())) {
                share = r.rate() / ceilings.get(w.ceilingKey());
            }
            out.add(new Row(r.benchmark(), r.params(), r.medianMs(), r.minMs(), r.maxMs(), r.work(), r.unit(),
                    r.rate(), share));
        }
        StringBuilder md = new StringBuilder();
        md.append("| benchmark | params | median ms | spread ms | rate | share of ceiling |\n");
        md.append("|---|---|---:|---|---:|---:|\n");
        for (Row r : out) {
            md.append(String.format("| %s | %s | %.3f | %.3f..%.3f | %s | %s |%n", r.benchmark(), r.params(),
                    r.medianMs(), r.minMs(), r.maxMs(),
                    Double.isNaN(r.rate()) ? "" : String.format("%.1f %s/s", r.rate(), r.unit()),
                    r.shareOfCeiling() == null ? "" : String.format("%.0f%%", 100 * r.shareOfCeiling())));
        }
        JsonObject summary = new JsonObject();
        summary.addProperty("machine", System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores");
        summary.add("rows", new Gson().toJsonTree(out));
        Files.writeString(Path.of(args[1]), new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
                .create().toJson(summary));
        Files.writeString(Path.of(args[2]), md.toString());
        System.out.print(md);
    }

    private static double unitToMs(String unit) {
        if (unit.startsWith("ms/")) {
            return 1;
        }
        if (unit.startsWith("us/")) {
            return 1e-3;
        }
        if (unit.startsWith("ns/")) {
            return 1e-6;
        }
        if (unit.startsWith("s/")) {
            return 1e3;
        }
        throw new IllegalArgumentException("unsupported JMH unit " + unit + " (use Mode.AverageTime)");
    }
}
