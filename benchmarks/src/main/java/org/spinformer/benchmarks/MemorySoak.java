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
 * included) and samples, once a second, the resident set size (VmRSS), the number of live NDArrays under the
 * engine's root manager and the Java heap, with the job's step read from the tail of its log. After a warm-up
 * (the first 10 % of steps) each quantity's drift is (median of the last 10 % − median of 10–20 %) / median of
 * 10–20 %; the target is |drift| ≤ 5 %.
 *
 * <pre>
 * MemorySoak --job nqs|mlm [--steps 10000] [--out DIR]
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
        String job = "nqs";
        int steps = 10_000;
        Path out = Path.of("benchmarks/results/soak");
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--job" -> job = v;
                case "--steps" -> steps = Integer.parseInt(v);
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (MemorySoak --job nqs|mlm [--steps N] [--out DIR])");
            }
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
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                Runtime rt = Runtime.getRuntime();
                samples.add(new Sample((System.nanoTime() - t0) / 1e9, lastStep(log), rssMb(),
                        root.getManagedArrays().size(), (rt.totalMemory() - rt.freeMemory()) / 1048576.0));
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "memory-soak-sampler");
        sampler.setDaemon(true);
        JsonObject settings = new JsonObject();
        settings.addProperty("job", job);
        settings.addProperty("steps", steps);
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
        addDrift(r, "heap", s, steps, Sample::heapMb);
        JsonFiles.write(out.resolve(job + ".json"), r);
        double[] step = s.stream().mapToDouble(Sample::step).toArray();
        double rss0 = median(s, steps, 0.1, 0.2, Sample::rssMb);
        double arr0 = median(s, steps, 0.1, 0.2, x -> (double) x.arrays());
        LineChart.builder().optTitle("Memory soak: " + job + " (relative to the median after warm-up)")
                .optXLabel("step").optYLabel("value / baseline")
                .addSeries(new Series("resident memory (" + Math.round(rss0) + " MB)", step,
                        s.stream().mapToDouble(x -> x.rssMb() / rss0).toArray()))
                .addSeries(new Series("live NDArrays (" + Math.round(arr0) + ")", step,
                        s.stream().mapToDouble(x -> x.arrays() / arr0).toArray()))
                .optReference(1.05, "+5 %").build().save(out.resolve(job + "-memory"));
        System.out.println(r);
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
