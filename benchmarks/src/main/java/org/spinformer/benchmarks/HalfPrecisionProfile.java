package org.spinformer.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.spinformer.core.engine.Torch;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.representations.models.BertEncoder;
import org.spinformer.representations.models.Models;

import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Why half precision is slow on this CPU, measured with libtorch's profiler: all-MiniLM-L6-v2, all hidden states
 * ({@link MiniLmBench}'s setting, B = 32, T = 64), computed in float32 and in float16 through the same core blocks.
 * For each type, in alternating rounds: the calling thread's CPU time per forward (with one intra-op thread the
 * ops run inline on it; the steadiest figure on a shared machine) and the process's (all threads, in case a kernel
 * runs elsewhere; Linux counts it in 10 ms ticks), then a profile of further forwards (Chrome trace from
 * {@link Torch#startProfile}) reduced to each op's <em>self</em> time (its duration minus that of the ops it
 * called), the ops ranked by it. bfloat16 is not run: any bfloat16 array aborts the JVM in DJL 0.32
 * ({@link HalfPrecisionProbe}).
 *
 * <pre>HalfPrecisionProfile [--repeats 5] [--profiled 2] [--batch 32] [--tokens 64] [--top 8]
 *                      [--out benchmarks/results/half-precision-profile.json]</pre>
 */
public final class HalfPrecisionProfile {
    private HalfPrecisionProfile() {}

    public static void main(String[] args) throws Exception {
        BenchArgs cli = BenchArgs.parse(args, "--repeats", "--profiled", "--batch", "--tokens", "--top", "--out");
        int repeats = cli.integer("--repeats", 5);
        int profiled = cli.integer("--profiled", 2);
        int batch = cli.integer("--batch", 32);
        int tokens = cli.integer("--tokens", 64);
        int top = cli.integer("--top", 8);
        Path out = cli.path("--out", "benchmarks/results/half-precision-profile.json");
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("setting", "all-MiniLM-L6-v2 (core BERT blocks), all 7 hidden states, B=" + batch + " T=" + tokens
                + ", CPU, " + System.getProperty("ai.djl.pytorch.num_threads", "default") + " intra-op thread(s); "
                + repeats + " timed forwards after one warm-up, then " + profiled + " profiled forwards");
        res.put("cpu", BenchSupport.cpu());
        res.put("bfloat16", "not run: any bfloat16 array aborts the JVM in DJL 0.32 (HalfPrecisionProbe)");
        DataType[] types = {DataType.FLOAT32, DataType.FLOAT16};
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<Object> rows = new ArrayList<>();
        double[][] cpu = new double[types.length][repeats];
        double[][] thread = new double[types.length][repeats];
        java.lang.management.ThreadMXBean tb = ManagementFactory.getThreadMXBean();
        double[][] wall = new double[types.length][repeats];
        try (NDManager m = BenchSupport.manager("cpu");
             BertEncoder f32 = Models.miniLm(m.getDevice(), DataType.FLOAT32);
             BertEncoder f16 = Models.miniLm(m.getDevice(), DataType.FLOAT16)) {
            BertEncoder[] models = {f32, f16};
            Shape shape = new Shape(batch, tokens);
            NDArray ids = m.create(MiniLmBench.tokenIds(batch, tokens), shape);
            NDArray mask = m.ones(shape, DataType.INT64);
            // rounds alternate the types, so a change in the machine's load falls on both
            for (int r = -1; r < repeats; r++) {
                for (int k = 0; k < types.length; k++) {
                    long t0 = System.nanoTime();
                    long c0 = os.getProcessCpuTime();
                    long h0 = tb.getCurrentThreadCpuTime();
                    forward(models[k], ids, mask);
                    if (r >= 0) {
                        thread[k][r] = (tb.getCurrentThreadCpuTime() - h0) / 1e6;
                        cpu[k][r] = (os.getProcessCpuTime() - c0) / 1e6;
                        wall[k][r] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
            for (int k = 0; k < types.length; k++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("dtype", types[k].name().toLowerCase(java.util.Locale.ROOT));
                row.put("thread_cpu_ms_per_forward_median", median(thread[k]));
                row.put("cpu_ms_per_forward_median", median(cpu[k]));
                row.put("wall_ms_per_forward_median", median(wall[k]));
                row.putAll(profile(models[k], ids, mask, profiled, top));
                rows.add(row);
                System.err.println(types[k] + ": " + row.get("cpu_ms_per_forward_median") + " ms CPU per forward; "
                        + "top " + ((List<?>) row.get("top_ops")).get(0));
            }
        }
        res.put("results", rows);
        res.put("float16_over_float32_thread_cpu_time", median(thread[1]) / median(thread[0]));
        res.put("float16_over_float32_cpu_time", median(cpu[1]) / median(cpu[0]));
        res.put("load_average_end", new String(Files.readAllBytes(Path.of("/proc/loadavg")), StandardCharsets.UTF_8)
                .trim());
        AtomicFiles.write(out, new GsonBuilder().setPrettyPrinting().create().toJson(res)
                .getBytes(StandardCharsets.UTF_8));
        System.out.println(new GsonBuilder().create().toJson(res));
    }

    /** libtorch's profiler over {@code profiled} forwards, reduced to the {@code top} ops by self time. */
    private static Map<String, Object> profile(BertEncoder model, NDArray ids, NDArray mask, int profiled, int top)
            throws IOException {
        Map<String, Object> row = new LinkedHashMap<>();
        Path trace = Files.createTempFile("spinformer-trace-", ".json");
        try {
            Torch.startProfile();
            for (int r = 0; r < profiled; r++) {
                forward(model, ids, mask);
            }
            Torch.stopProfile(trace.toString());
            List<SelfTime> ops = selfTimes(trace);
            double total = ops.stream().mapToDouble(SelfTime::micros).sum();
            row.put("profiled_self_ms_per_forward", total / 1e3 / profiled);
            List<Object> tops = new ArrayList<>();
            for (SelfTime op : ops.subList(0, Math.min(top, ops.size()))) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("op", op.name());
                o.put("self_ms_per_forward", op.micros() / 1e3 / profiled);
                o.put("share", op.micros() / total);
                o.put("calls_per_forward", (double) op.calls() / profiled);
                tops.add(o);
            }
            row.put("top_ops", tops);
        } finally {
            Files.deleteIfExists(trace);
        }
        return row;
    }

    private static void forward(BertEncoder model, NDArray ids, NDArray mask) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDList hs = model.hiddenStates(ids, mask);
            BenchSupport.sync(hs.get(hs.size() - 1));
        }
    }

    /** One op name's total self time (µs) and number of calls in a trace. */
    record SelfTime(String name, double micros, long calls) {}

    /**
     * Self time per op name of a libtorch Chrome trace (complete events "ph":"X" with ts and dur in µs): per
     * thread, events sorted by start (the longer first at equal starts) are nested by a stack, and each event's
     * duration minus its direct children's is its self time. Sorted by self time, largest first.
     */
    static List<SelfTime> selfTimes(Path trace) throws IOException {
        JsonElement root;
        try (Reader r = Files.newBufferedReader(trace, StandardCharsets.UTF_8)) {
            root = JsonParser.parseReader(r);
        }
        JsonArray events = root.isJsonArray() ? root.getAsJsonArray()
                : root.getAsJsonObject().getAsJsonArray("traceEvents");
        Map<String, List<double[]>> byThread = new HashMap<>();
        List<String> names = new ArrayList<>();
        for (JsonElement e : events) {
            JsonObject o = e.getAsJsonObject();
            if (!"X".equals(o.has("ph") ? o.get("ph").getAsString() : null) || !o.has("dur")) {
                continue;
            }
            names.add(o.get("name").getAsString());
            String thread = String.valueOf(o.get("pid")) + "/" + o.get("tid");
            byThread.computeIfAbsent(thread, k -> new ArrayList<>()).add(new double[] {
                o.get("ts").getAsDouble(), o.get("dur").getAsDouble(), names.size() - 1});
        }
        double[] self = new double[names.size()];
        for (List<double[]> evs : byThread.values()) {
            evs.sort(Comparator.<double[]>comparingDouble(v -> v[0]).thenComparingDouble(v -> -v[1]));
            List<double[]> stack = new ArrayList<>();
            for (double[] ev : evs) {
                while (!stack.isEmpty() && top(stack)[0] + top(stack)[1] <= ev[0]) {
                    stack.remove(stack.size() - 1);
                }
                self[(int) ev[2]] += ev[1];
                if (!stack.isEmpty()) {
                    self[(int) top(stack)[2]] -= ev[1];
                }
                stack.add(ev);
            }
        }
        Map<String, double[]> acc = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            double[] a = acc.computeIfAbsent(names.get(i), k -> new double[2]);
            a[0] += self[i];
            a[1]++;
        }
        List<SelfTime> out = new ArrayList<>();
        acc.forEach((k, v) -> out.add(new SelfTime(k, v[0], (long) v[1])));
        out.sort(Comparator.comparingDouble(SelfTime::micros).reversed());
        return out;
    }

    private static double[] top(List<double[]> stack) {
        return stack.get(stack.size() - 1);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
