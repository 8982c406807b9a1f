package org.spinformer.benchmarks;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.spinformer.core.device.Devices;
import org.spinformer.core.device.Env;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.core.plot.LineChart;
import org.spinformer.core.plot.Series;
import org.spinformer.language.corpus.Dataset;
import org.spinformer.language.experiment.FactoredTraining;
import org.spinformer.language.model.FactoredMlm;
import org.spinformer.language.train.Mlm;
import org.spinformer.nqs.driver.Training;
import org.spinformer.nqs.driver.TrainSpec;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Memory soak: runs a long training job in this JVM through the same code as the CLI (checkpoints and logs
 * included) and samples, every {@code --interval-ms} (default once a second), the resident set size (VmRSS), the number of live NDArrays under the
 * engine's root manager and the Java heap, with the job's step read from the tail of its log. After a warm-up
 * (the first 10 % of steps) each quantity's drift is (median of the last 10 % − median of 10–20 %) / median of
 * 10–20 %; the target is |drift| ≤ 5 %.
 *
 * <pre>
 * MemorySoak --job nqs|mlm [--steps 10000] [--interval-ms 1000] [--out DIR]
 * MemorySoak --job nqs|mlm --replot DIR     (drifts and plot again from DIR/&lt;job&gt;-samples.csv)
 * </pre>
 * nqs: SR on the 4x4 J1-J2 (J2 = 0.5) Heisenberg model, a ViT with one layer (D = 8, 2 heads), Metropolis
 * sampling, M = 256 in 32 chains, a checkpoint every 500 steps.
 * mlm: a one-layer factored-attention MLM on the embedded Moby-Dick corpus (V = 2000, T = 24, D = 64).
 * Writes {@code DIR/<job>-samples.csv}, {@code DIR/<job>.json} (drifts and settings), {@code DIR/<job>-memory.png/svg}.
 */
public final class MemorySoak {
    private MemorySoak() {
    }

    private record Sample(double t, long step, double rssMb, long arrays, double heapMb) {
    }

    public static void main(String[] args) throws Exception {
        Env.offline();
        BenchArgs cli = BenchArgs.parse(args, "--job", "--steps", "--out", "--interval-ms", "--replot");
        String job = cli.string("--job", "nqs");
        int steps = cli.integer("--steps", 10_000);
        long intervalMs = cli.longValue("--interval-ms", 1000);
        Path replot = cli.path("--replot", null);
        Path out = cli.path("--out", "benchmarks/results/soak");
        if (replot != null) {
            // recompute the drifts and the plot of a finished soak from its samples
            JsonObject settings = com.google.gson.JsonParser.parseString(Files.readString(replot.resolve(job
                    + ".json"))).getAsJsonObject();
            JsonObject keep = new JsonObject();
            for (String k : new String[] {"job", "steps", "interval_ms", "spec", "model"}) {
                if (settings.has(k)) {
                    keep.add(k, settings.get(k));
                }
            }
            List<Sample> s = new ArrayList<>();
            List<String> lines = Files.readAllLines(replot.resolve(job + "-samples.csv"));
            for (String l : lines.subList(1, lines.size())) {
                String[] c = l.split(",");
                s.add(new Sample(Double.parseDouble(c[0]), Long.parseLong(c[1]), Double.parseDouble(c[2]),
                        Long.parseLong(c[3]), Double.parseDouble(c[4])));
            }
            write(replot, job, s, keep, settings.get("steps").getAsInt());
            return;
        }
        if (!job.equals("nqs") && !job.equals("mlm")) {
            throw new IllegalArgumentException("--job must be nqs or mlm, got " + job);
        }
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("spinformer-soak-" + job);
        NDManager probe = Devices.manager(Device.cpu());
        NDManager root = probe.getParentManager(); // the engine's system manager: every manager hangs below it
        probe.close();
        Path log = job.equals("nqs") ? work.resolve("log.jsonl") : work.resolve("factored_n1.jsonl");
        List<Sample> samples = new ArrayList<>();
        long t0 = System.nanoTime();
        long period = intervalMs;
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                Runtime rt = Runtime.getRuntime();
                samples.add(new Sample((System.nanoTime() - t0) / 1e9, lastStep(log), rssMb(),
                        root.getManagedArrays().size(), (rt.totalMemory() - rt.freeMemory()) / 1048576.0));
                try {
                    Thread.sleep(period);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "memory-soak-sampler");
        sampler.setDaemon(true);
        JsonObject settings = new JsonObject();
        settings.addProperty("job", job);
        settings.addProperty("steps", steps);
        settings.addProperty("interval_ms", intervalMs);
        sampler.start();
        if (job.equals("nqs")) {
            // a small ViT, so that 10 000 steps fit in well under an hour on two cores; the code path is the
            // default run's (Metropolis sampling, local energies, per-sample Jacobian, SR solve, checkpoints)
            TrainSpec spec = TrainSpec.defaults().with("layers", 1, "dim", 8, "heads", 2, "mlpDim", 16,
                    "sampler", "metropolis", "samples", 256, "chains", 32, "steps", steps, "checkpointEvery", 500);
            settings.addProperty("spec", spec.toString());
            Training.run(spec, work, false, false, Device.cpu());
        } else {
            Dataset d = Dataset.load("moby-dick", "words", 2000, 24, 0.1);
            FactoredMlm.Config cfg = new FactoredMlm.Config(d.tokenizer().vocabSize(), 24, 64, 4, 1, "free", true,
                    d.tokenizer().maskId(), 1);
            Mlm.Options opt = org.spinformer.core.config.Records.with(Mlm.Options.defaults(),
                    Map.of("steps", steps, "batch", 64, "lr", 3e-3));
            settings.addProperty("model", "factored-attention MLM, 1 layer, D=64, H=4, V=2000, T=24, batch 64");
            try (NDManager m = Devices.manager(Device.cpu())) {
                FactoredTraining.curriculum(cfg, new int[] {1}, d.windows().train(), d.windows().test(),
                        opt.withSteps(steps), 0.5, m, work, false, 0, FactoredTraining.CHECKPOINT_EVERY);
            }
        }
        sampler.interrupt();
        sampler.join();
        write(out, job, samples, settings, steps);
    }

    private static void write(Path out, String job, List<Sample> all, JsonObject settings, int steps)
            throws IOException {
        // samples once the job has logged its first step
        List<Sample> s = all.stream().filter(x -> x.step() >= 0).toList();
        StringBuilder csv = new StringBuilder("seconds,step,rss_mb,live_ndarrays,heap_mb\n");
        for (Sample x : s) {
            csv.append(String.format(Locale.ROOT, "%.1f,%d,%.1f,%d,%.1f%n", x.t(), x.step(), x.rssMb(), x.arrays(),
                    x.heapMb()));
        }
        Files.writeString(out.resolve(job + "-samples.csv"), csv.toString(), StandardCharsets.UTF_8);
        JsonObject r = settings.deepCopy();
        r.addProperty("samples", s.size());
        r.addProperty("seconds", s.isEmpty() ? 0 : s.get(s.size() - 1).t() - s.get(0).t());
        addDrift(r, "rss", s, steps, Sample::rssMb);
        addDrift(r, "live_ndarrays", s, steps, x -> (double) x.arrays());
        // the persistent arrays: a sample lands anywhere inside a step, among its temporaries, so the floor (the
        // smallest count of each window of 1 % of the samples) is what a leak would raise
        List<Sample> floor = floors(s);
        addDrift(r, "live_ndarrays_floor", floor, steps, x -> (double) x.arrays());
        addDrift(r, "heap", s, steps, Sample::heapMb);
        JsonFiles.write(out.resolve(job + ".json"), r);
        double[] step = s.stream().mapToDouble(Sample::step).toArray();
        double rss0 = median(s, steps, 0.1, 0.2, Sample::rssMb);
        double arr0 = median(floor, steps, 0.1, 0.2, x -> (double) x.arrays());
        LineChart.builder().optTitle("Memory soak: " + job + " (relative to the median after warm-up)")
                .optXLabel("step").optYLabel("value / baseline")
                .addSeries(new Series("resident memory (" + Math.round(rss0) + " MB)", step,
                        s.stream().mapToDouble(x -> x.rssMb() / rss0).toArray()))
                .addSeries(new Series("live NDArrays, floor per 1 % window (" + Math.round(arr0) + ")",
                        floor.stream().mapToDouble(Sample::step).toArray(),
                        floor.stream().mapToDouble(x -> x.arrays() / arr0).toArray()))
                .optReference(1.05, "+5 %").build().save(out.resolve(job + "-memory"));
        System.out.println(r);
    }

    /** For each window of 1 % of the samples, the sample with the fewest live arrays. */
    private static List<Sample> floors(List<Sample> s) {
        int w = Math.max(1, s.size() / 100);
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < s.size(); i += w) {
            out.add(s.subList(i, Math.min(s.size(), i + w)).stream()
                    .min(java.util.Comparator.comparingLong(Sample::arrays)).orElseThrow());
        }
        return out;
    }

    private static void addDrift(JsonObject r, String name, List<Sample> s, int steps,
                                 java.util.function.ToDoubleFunction<Sample> f) {
        double base = median(s, steps, 0.1, 0.2, f);
        double end = median(s, steps, 0.9, 1.01, f);
        double max = s.stream().filter(x -> x.step() >= 0.1 * steps).mapToDouble(f).max().orElse(Double.NaN);
        r.addProperty(name + "_after_warmup", base);
        r.addProperty(name + "_end", end);
        r.addProperty(name + "_drift", (end - base) / base);
        r.addProperty(name + "_max_over_baseline", max / base - 1);
    }

    private static double median(List<Sample> s, int steps, double from, double to,
                                 java.util.function.ToDoubleFunction<Sample> f) {
        double[] v = s.stream().filter(x -> x.step() >= from * steps && x.step() < to * steps).mapToDouble(f)
                .sorted().toArray();
        return v.length == 0 ? Double.NaN : v[v.length / 2];
    }

    /** The step of the last complete row of a JSON-lines log (read from its tail), −1 before it exists. */
    static long lastStep(Path log) {
        if (!Files.isRegularFile(log)) {
            return -1;
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, 4096);
            byte[] b = new byte[n];
            f.seek(len - n);
            f.readFully(b);
            String[] lines = new String(b, StandardCharsets.UTF_8).split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                String l = lines[i].strip();
                if (l.startsWith("{") && l.endsWith("}")) {
                    try {
                        return JsonParser.parseString(l).getAsJsonObject().get("step").getAsLong();
                    } catch (RuntimeException e) {
                        // a partial first line of the window
                    }
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** VmRSS of this process in MiB. */
    static double rssMb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

}
