package org.spinformer.benchmarks;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import org.spinformer.core.io.AtomicFiles;
import org.spinformer.core.io.JsonFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns JMH's JSON into the summary table: median time per op, spread (min..max over iterations), the
 * achieved rate from the analytic work per op ({@link Work}), and the share of the ceiling measured in the
 * same run (matmul of the same dtype for FLOP-bound work; the large copy for bandwidth).
 *
 * <p>When a peer's JSON is given (from a script in {@code benchmarks/peers/}: {@code {"peer":…, "timings": {name:
 * [ms…]}}}), rows with the same benchmark name get the peer's median and the ratio ours/peer (below 1 = we are
 * faster).
 *
 * <p>End-to-end runners ({@code --runner file.json}, e.g. {@link SrStepBench}) add rows timed outside JMH, with
 * their own analytic FLOPs and the ceiling measured in the same run.
 *
 * <p>Usage: {@code Report jmh.json summary.json summary.md [--runner runner.json…] [peer.json…]}
 */
public final class Report {
    private Report() {}

    record Row(String benchmark, Map<String, String> params, double medianMs, double minMs, double maxMs,
               double work, String unit, double rate, Double shareOfCeiling, String peer, Double peerMs,
               Double ratio) {}

    record Peer(String name, double medianMs) {}

    /** Our benchmark → {the peer's benchmark in the same JMH run, the peer's name}. */
    static final Map<String, String[]> IN_PROCESS_PEERS = Map.of(
            "MiniLmBench.oursAllHiddenStates",
            new String[] {"MiniLmBench.onnxRuntimeLastHiddenState", "onnxruntime-java 1.20.0"});

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
                    w == null ? Double.NaN : w.amount(), w == null ? "" : w.unit(), rate, null, null, null, null));
            if (w != null && w.ceilingKey() != null && name.startsWith("MatmulCeilingBench")) {
                ceilings.merge(w.ceilingKey(), rate, Math::max);
            }
        }
        List<String> peerFiles = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            if (args[i].equals("--runner")) {
                rows.addAll(runnerRows(Path.of(args[++i])));
            } else {
                peerFiles.add(args[i]);
            }
        }
        Map<String, List<Peer>> peers = new LinkedHashMap<>();
        for (String file : peerFiles) {
            JsonObject pj = new Gson().fromJson(Files.readString(Path.of(file)), JsonObject.class);
            if (!pj.has("timings")) {
                System.err.println("Report: skipping " + file + " (no timings: " + pj + ")");
                continue;
            }
            String peerName = pj.get("peer").getAsString();
            for (Map.Entry<String, JsonElement> e : pj.getAsJsonObject("timings").entrySet()) {
                List<Double> ms = new ArrayList<>();
                e.getValue().getAsJsonArray().forEach(v -> ms.add(v.getAsDouble()));
                ms.sort(Double::compare);
                peers.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new Peer(peerName, ms.get(ms.size() / 2)));
            }
        }
        // peers measured inside the same JMH run (e.g. ONNX Runtime Java): ours ← peer
        for (Map.Entry<String, String[]> pair : IN_PROCESS_PEERS.entrySet()) {
            rows.stream().filter(r -> r.benchmark().equals(pair.getValue()[0])).findFirst()
                    .ifPresent(r -> peers.computeIfAbsent(pair.getKey(), k -> new ArrayList<>())
                            .add(new Peer(pair.getValue()[1], r.medianMs())));
        }
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            Work.Amount w = Work.of(r.benchmark(), r.params());
            Double share = r.shareOfCeiling();
            if (share == null && w != null && w.ceilingKey() != null && ceilings.containsKey(w.ceilingKey())) {
                share = r.rate() / ceilings.get(w.ceilingKey());
            }
            List<Peer> ps = peers.getOrDefault(r.benchmark(), List.of());
            if (ps.isEmpty()) {
                out.add(new Row(r.benchmark(), r.params(), r.medianMs(), r.minMs(), r.maxMs(), r.work(), r.unit(),
                        r.rate(), share, null, null, null));
            }
            for (Peer peer : ps) {
                out.add(new Row(r.benchmark(), r.params(), r.medianMs(), r.minMs(), r.maxMs(), r.work(), r.unit(),
                        r.rate(), share, peer.name(), peer.medianMs(), r.medianMs() / peer.medianMs()));
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("| benchmark | params | median ms | spread ms | rate | share of ceiling | peer | peer ms | ours/peer |\n");
        md.append("|---|---|---:|---|---:|---:|---|---:|---:|\n");
        for (Row r : out) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.3f..%.3f | %s | %s | %s | %s | %s |%n",
                    r.benchmark(), compact(r.params()), r.medianMs(), r.minMs(), r.maxMs(),
                    Double.isNaN(r.rate()) ? "" : String.format(Locale.ROOT, "%.1f %s/s", r.rate(), r.unit()),
                    r.shareOfCeiling() == null ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * r.shareOfCeiling()),
                    r.peer() == null ? "" : r.peer(),
                    r.peerMs() == null ? "" : String.format(Locale.ROOT, "%.3f", r.peerMs()),
                    r.ratio() == null ? "" : String.format(Locale.ROOT, "%.2f", r.ratio())));
        }
        JsonObject summary = new JsonObject();
        summary.addProperty("machine", System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores");
        summary.addProperty("threads", BenchSupport.threads());
        summary.addProperty("load_average_at_report", SrStepBench.loadAverage());
        md.append(String.format(Locale.ROOT, "%nThreads: %d (ours and peers). 1-minute load average when the table "
                + "was written: %.2f on %d cores (the machine is shared; rows measured under load are slower).%n",
                BenchSupport.threads(), SrStepBench.loadAverage(), Runtime.getRuntime().availableProcessors()));
        summary.add("rows", new GsonBuilder().serializeSpecialFloatingPointValues().create().toJsonTree(out));
        JsonFiles.write(Path.of(args[1]), summary);
        AtomicFiles.write(Path.of(args[2]), md.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        System.out.print(md);
    }

    /**
     * Rows of an end-to-end runner's JSON ({@link SrStepBench}, {@link BertMlmBench}): {@code "timings": {name:
     * [ms…]}}, optional {@code "work": {name: FLOPs}}, {@code "params": {…}} and {@code "ceiling_gflops"} (the
     * matmul ceiling of the same dtype measured in the same run; the share of ceiling is taken against it).
     */
    static List<Row> runnerRows(Path file) throws IOException {
        JsonObject o = new Gson().fromJson(Files.readString(file), JsonObject.class);
        List<Row> out = new ArrayList<>();
        if (!o.has("timings")) {
            System.err.println("Report: runner " + file + " has no timings (status: " + o.get("status") + ")");
            return out;
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (o.has("params")) {
            o.getAsJsonObject("params").entrySet().forEach(p -> params.put(p.getKey(), p.getValue().getAsString()));
        }
        JsonObject work = o.has("work") ? o.getAsJsonObject("work") : new JsonObject();
        double ceiling = o.has("ceiling_gflops") ? o.get("ceiling_gflops").getAsDouble() : Double.NaN;
        for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("timings").entrySet()) {
            List<Double> ms = new ArrayList<>();
            e.getValue().getAsJsonArray().forEach(v -> ms.add(v.getAsDouble()));
            if (ms.isEmpty()) {
                continue;
            }
            ms.sort(Double::compare);
            double median = ms.size() % 2 == 1 ? ms.get(ms.size() / 2)
                    : 0.5 * (ms.get(ms.size() / 2 - 1) + ms.get(ms.size() / 2));
            double flops = work.has(e.getKey()) ? work.get(e.getKey()).getAsDouble() : Double.NaN;
            double rate = flops / (median * 1e-3) / 1e9;
            Double share = Double.isNaN(rate) || Double.isNaN(ceiling) ? null : rate / ceiling;
            out.add(new Row(e.getKey(), params, median, ms.get(0), ms.get(ms.size() - 1), flops,
                    Double.isNaN(flops) ? "" : "GFLOP", rate, share, null, null, null));
        }
        return out;
    }

    private static String compact(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> {
            if (!k.equals("device")) {
                sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v);
            }
        });
        return sb.toString();
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
