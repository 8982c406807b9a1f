package org.spinformer.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.core.io.Npy;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.model.ViT;
import org.spinformer.nqs.operator.Heisenberg;
import org.spinformer.nqs.optimizer.StochasticReconfiguration;
import org.spinformer.nqs.sampler.MetropolisExchange;
import org.spinformer.nqs.sampler.Samples;
import org.spinformer.nqs.vqs.LocalEnergy;
import org.spinformer.nqs.vqs.VariationalState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times one SR step of the benchmark setting: 6×6 J1-J2 (J2 = 0.5), M = 1024 Metropolis samples (64 chains,
 * 16 sweeps each after 2 discarded), ViT with 2 layers, D = 32, 4 heads, patch 2, MLP 64, float64. Reports the
 * breakdown (sampling, local energy, Jacobian, SR solve), the forward pass alone (log ψ of the M samples), the FLOPs
 * of every phase counted analytically from {@link ViT#forwardFlops()}, and each phase's share of the float64 matmul
 * ceiling (2048² matmul through DJL) measured at the start of the same run.
 *
 * <p>Robust under load: progress goes to stderr, and the JSON result is rewritten (atomically) after every phase,
 * so a run that dies late still leaves the figures it had. Medians over the timed steps (the first step, which
 * also thermalises the chains, is a warm-up and reported separately).
 *
 * <p>With {@code --fixtures DIR} it also writes what the Python peer ({@code peers/sr_step_torch.py}) needs to check
 * that it computes the same step: every parameter ({@code param/<name>.npy}, order in {@code param_order.txt}), the
 * warm-up step's samples σ [M,N] and our log ψ, local energies, energy gradient and SR update δ for them. The
 * parameters are the seeded initialisation plus a seeded N(0, 0.05²) perturbation, so that no parameter is zero or
 * one (biases and gains then take part in the check); the timed steps use the same parameters.
 *
 * <p>{@code --sample-dtype float32}: a float32 twin of the ViT draws the chains ({@code TwinSampler}); {@code
 * --energy-dtype float32}: a float32 twin runs the local energy's connected forwards ({@code LocalEnergy} with a
 * twin). The Jacobian and the solve are float64 either way.
 *
 * <pre>SrStepBench [--device cpu] [--steps 3] [--chains 64] [--samples 1024] [--out FILE] [--fixtures DIR]
 *     [--sample-dtype float64|float32] [--energy-dtype float64|float32]</pre>
 * Default output: {@code benchmarks/results/sr-step-<device>.json}.
 */
public final class SrStepBench {
    static final double SHIFT = 1e-3;
    static final int N_SIDE = 6;
    static final double J2 = 0.5;
    /** Phase names in the Report's rows ({@code SrStep.<name>}), same order as the timings. */
    static final String[] CAMEL = {"sampling", "localEnergy", "jacobian", "solve"};

    private SrStepBench() {}

    public static void main(String[] args) throws Exception {
        BenchArgs cli = BenchArgs.parse(args, "--device", "--steps", "--chains", "--samples", "--out", "--fixtures",
                "--sample-dtype", "--energy-dtype");
        String device = cli.string("--device", "cpu");
        String dtype = cli.string("--sample-dtype", "float64");
        if (!"float32".equals(dtype) && !"float64".equals(dtype)) {
            throw new IllegalArgumentException("--sample-dtype is float32 or float64, got " + dtype);
        }
        String edtype = cli.string("--energy-dtype", "float64");
        if (!"float32".equals(edtype) && !"float64".equals(edtype)) {
            throw new IllegalArgumentException("--energy-dtype is float32 or float64, got " + edtype);
        }
        new SrStepBench.Run(device, cli.integer("--steps", 3), cli.integer("--chains", 64),
                cli.integer("--samples", 1024),
                cli.path("--out", "benchmarks/results/sr-step-" + device.replace(':', '-') + ".json"),
                cli.path("--fixtures", null), "float32".equals(dtype) ? DataType.FLOAT32 : DataType.FLOAT64,
                "float32".equals(edtype) ? DataType.FLOAT32 : DataType.FLOAT64).run();
    }

    /** One benchmark run: its settings, the results JSON {@code o} it fills, and its start (System.nanoTime). */
    private record Run(String device, int steps, int chains, int samples, Path out, Path fixtures,
                       DataType sampleDtype, DataType energyDtype, JsonObject o, long started) {
        /** A run starting now, with empty results. */
        Run(String device, int steps, int chains, int samples, Path out, Path fixtures, DataType sampleDtype,
            DataType energyDtype) {
            this(device, steps, chains, samples, out, fixtures, sampleDtype, energyDtype, new JsonObject(),
                    System.nanoTime());
        }

        void progress(String fmt, Object... args) {
            System.err.printf(Locale.ROOT, "[sr-step %6.1fs] %s%n", (System.nanoTime() - started) / 1e9,
                    String.format(Locale.ROOT, fmt, args));
        }

        void save() throws IOException {
            o.addProperty("elapsed_s", (System.nanoTime() - started) / 1e9);
            o.addProperty("load_average_1min", loadAverage());
            Files.createDirectories(out.toAbsolutePath().getParent());
            JsonFiles.write(out, o);
        }

        void run() throws IOException {
            o.addProperty("setting", "6x6 square J1-J2 (J2=0.5), M=" + samples + " Metropolis samples (" + chains
                    + " chains), ViT(2 layers, D=32, H=4, b=2, MLP 64), float64, SR shift " + SHIFT);
            o.addProperty("device", device);
            o.addProperty("threads", BenchSupport.threads());
            o.addProperty("load_average_at_start", loadAverage());
            o.addProperty("status", "started");
            save();
            try (NDManager m = BenchSupport.manager(device)) {
                progress("float64 matmul ceiling (2048², best of 3)...");
                double ceiling = ceiling(m, 3);
                o.addProperty("float64_matmul_ceiling_gflops", ceiling / 1e9);
                save();
                progress("ceiling %.1f GFLOP/s", ceiling / 1e9);

                Lattice l = Lattice.square(N_SIDE);
                Heisenberg h = new Heisenberg(l, J2);
                ViT vit = new ViT(l, new ViT.Config(32, 2, 4, 2, 64), DataType.FLOAT64, m, 1);
                perturb(vit, 0.05, 11);
                VariationalState vs = new VariationalState(vit, samples);
                // float32 sampling: a float32 twin of the ViT draws the chains (TwinSampler), the rest stays float64
                org.spinformer.nqs.sampler.Sampler sampler = sampleDtype == DataType.FLOAT64
                        ? new MetropolisExchange(h, samples, chains, 10, 2, 1, DataType.FLOAT64, m)
                        : new org.spinformer.nqs.sampler.TwinSampler(new MetropolisExchange(h, samples, chains, 10, 2,
                                1, sampleDtype, m), new VariationalState(new ViT(l, vit.viTConfig(), sampleDtype, m, 1),
                                samples));
                o.addProperty("sample_dtype", sampleDtype.toString().toLowerCase(java.util.Locale.ROOT));
                // float32 connected forwards: a float32 twin runs the local energy's forwards (LocalEnergy with a
                // twin); the sampler's twin when it has one
                VariationalState energyTwin = energyDtype == DataType.FLOAT64 ? null
                        : sampler instanceof org.spinformer.nqs.sampler.TwinSampler t
                        && t.twin().model().parameters().floatType() == energyDtype ? t.twin()
                        : new VariationalState(new ViT(l, vit.viTConfig(), energyDtype, m, 1), samples);
                o.addProperty("energy_dtype", energyDtype.toString().toLowerCase(java.util.Locale.ROOT));
                long p = vit.parameters().numel();
                long fwd = vit.forwardFlops();
                int n = l.n();
                o.addProperty("parameters", p);
                o.addProperty("chains", chains);
                o.addProperty("samples", samples);
                o.addProperty("forward_flops_per_sample", fwd);
                String[] phases = {"sampling", "local_energy", "jacobian", "solve"};
                List<double[]> timed = new ArrayList<>();
                double[] flops = new double[4];
                for (int s = -1; s < steps; s++) { // s = -1: warm-up and thermalisation, not timed
                    progress(s < 0 ? "warm-up step (thermalises the chains)..." : "step %d/%d...", s + 1, steps);
                    double[] t = new double[4];
                    try (NDManager sm = m.newSubManager()) {
                        long t0 = System.nanoTime();
                        Samples smp = sampler.sample(vs, sm, s + 1);
                        BenchSupport.sync(smp.sigma());
                        long t1 = System.nanoTime();
                        t[0] = (t1 - t0) / 1e9;
                        progress("  sampling %.2f s (acceptance %.3f)", t[0], smp.acceptance());
                        org.spinformer.nqs.vqs.LocalEnergies le = LocalEnergy.compute(h, vs, energyTwin,
                                smp.sigma(), smp.logRe(), smp.logIm());
                        NDArray[] e = {le.re(), le.im()};
                        BenchSupport.sync(e[0]);
                        long t2 = System.nanoTime();
                        t[1] = (t2 - t1) / 1e9;
                        progress("  local energy %.2f s", t[1]);
                        NDArray[] jac = vs.jacobian(smp.sigma());
                        BenchSupport.sync(jac[0]);
                        long t3 = System.nanoTime();
                        t[2] = (t3 - t2) / 1e9;
                        progress("  Jacobian %.2f s", t[2]);
                        StochasticReconfiguration.Update u = StochasticReconfiguration.compute(jac[0], jac[1], e[0],
                                e[1], smp.weights(), SHIFT);
                        BenchSupport.sync(u.delta());
                        long t4 = System.nanoTime();
                        t[3] = (t4 - t3) / 1e9;
                        progress("  solve %.2f s (%s)", t[3], u.method());
                        if (s < 0) {
                            long connected = connectedCount(h, smp.sigma());
                            int sweepsSteady = samples / chains + 2;
                            flops[0] = (double) sweepsSteady * n * chains * fwd; // one forward per proposal
                            flops[1] = (double) connected * fwd;
                            flops[2] = 3.0 * 2 * samples * fwd; // forward + backward (≈2×) on [σ;σ]
                            long rows = 2L * samples;
                            flops[3] = 2.0 * rows * rows * p + rows * (double) rows * rows / 3 + 3 * 2.0 * rows * p;
                            o.addProperty("connected_configurations", connected);
                            o.addProperty("energy_per_site_warmup", e[0].mean().getDouble() / n);
                            JsonObject w = new JsonObject();
                            for (int k = 0; k < 4; k++) {
                                w.addProperty(phases[k] + "_s", t[k]);
                            }
                            w.addProperty("note", "sampling includes 10 thermalisation sweeps");
                            o.add("warmup", w);
                            JsonObject fl = new JsonObject();
                            for (int k = 0; k < 4; k++) {
                                fl.addProperty(phases[k], flops[k]);
                            }
                            o.add("flops", fl);
                            if (fixtures != null) {
                                progress("writing peer fixtures to %s", fixtures);
                                writeFixtures(fixtures, vit, smp, e, u);
                                o.addProperty("fixtures", fixtures.toString());
                            }
                        } else {
                            timed.add(t);
                        }
                    }
                    summarise(timed, phases, flops, ceiling);
                    save();
                }
                progress("forward pass alone (log ψ of %d samples, 5 repeats)...", samples);
                double[] fw = new double[5];
                try (NDManager sm = m.newSubManager()) {
                    NDArray sigma = sampler.state().get("sampler.chains").toType(DataType.FLOAT64, false).duplicate();
                    sigma.attach(sm);
                    NDArray batch = sigma.repeat(0, samples / chains); // [M,N] valid configurations
                    BenchSupport.sync(vs.logPsi(batch)[0]);
                    for (int r = 0; r < fw.length; r++) {
                        try (NDManager rm = sm.newSubManager()) {
                            NDArray b2 = batch.duplicate();
                            b2.attach(rm);
                            long t0 = System.nanoTime();
                            BenchSupport.sync(vs.logPsi(b2)[0]);
                            fw[r] = (System.nanoTime() - t0) / 1e9;
                        }
                    }
                }
                double fwMed = median(fw);
                o.addProperty("forward_s", fwMed);
                o.add("forward_all_s", array(fw));
                o.addProperty("forward_gflops", (double) samples * fwd / fwMed / 1e9);
                o.addProperty("forward_share_of_ceiling", (double) samples * fwd / fwMed / ceiling);
                progress("forward %.4f s", fwMed);
                summarise(timed, phases, flops, ceiling);
                o.addProperty("load_average_at_end", loadAverage());
                o.addProperty("status", timed.size() == steps ? "complete" : "partial");
                save();
                progress("done: %s", out);
                double[] med = new double[4];
                for (int k = 0; k < 4; k++) {
                    final int kk = k;
                    med[k] = median(timed.stream().mapToDouble(x -> x[kk]).toArray());
                }
                System.out.printf(Locale.ROOT, "SR step %.2f s: sampling %.2f, local energy %.2f, Jacobian %.2f, "
                        + "solve %.2f; forward alone %.4f s; float64 matmul ceiling %.1f GFLOP/s%n",
                        Arrays.stream(med).sum(), med[0], med[1], med[2], med[3], fwMed, ceiling / 1e9);
            } catch (RuntimeException | IOException | Error e) {
                o.addProperty("status", "failed: " + e);
                save();
                throw e;
            }
        }

        void summarise(List<double[]> timed, String[] phases, double[] flops, double ceiling) {
            // (re)computes medians, rates and shares from the steps timed so far, and the Report's runner fields
            if (timed.isEmpty()) {
                return;
            }
            double total = 0;
            double totalFlops = 0;
            JsonObject all = new JsonObject();
            for (int k = 0; k < 4; k++) {
                final int kk = k;
                double[] v = timed.stream().mapToDouble(x -> x[kk]).toArray();
                double med = median(v);
                total += med;
                totalFlops += flops[k];
                o.addProperty(phases[k] + "_s", med);
                o.addProperty(phases[k] + "_gflops", flops[k] / med / 1e9);
                o.addProperty(phases[k] + "_share_of_ceiling", flops[k] / med / ceiling);
                all.add(phases[k], array(v));
            }
            // the Report's runner format: timings in ms per repetition, FLOPs per op, the same-run ceiling
            JsonObject timings = new JsonObject();
            JsonObject work = new JsonObject();
            double[] steps = new double[timed.size()];
            for (int k = 0; k < 4; k++) {
                JsonArray ms = new JsonArray();
                for (int r = 0; r < timed.size(); r++) {
                    ms.add(1e3 * timed.get(r)[k]);
                    steps[r] += 1e3 * timed.get(r)[k];
                }
                String name = "SrStep." + CAMEL[k];
                timings.add(name, ms);
                work.addProperty(name, flops[k]);
            }
            timings.add("SrStep.step", array(steps));
            work.addProperty("SrStep.step", totalFlops);
            if (o.has("forward_all_s")) {
                JsonArray ms = new JsonArray();
                o.getAsJsonArray("forward_all_s").forEach(v -> ms.add(1e3 * v.getAsDouble()));
                timings.add("SrStep.forward", ms);
                work.addProperty("SrStep.forward", (double) samples * o.get("forward_flops_per_sample").getAsLong());
            }
            o.add("timings", timings);
            o.add("work", work);
            o.addProperty("ceiling_gflops", ceiling / 1e9);
            JsonObject params = new JsonObject();
            params.addProperty("lattice", "6x6");
            params.addProperty("samples", samples);
            params.addProperty("dtype", "float64");
            o.add("params", params);
            o.addProperty("step_s", total);
            o.addProperty("step_gflops", totalFlops / total / 1e9);
            o.addProperty("step_share_of_ceiling", totalFlops / total / ceiling);
            o.addProperty("timed_steps", timed.size());
            o.add("all_s", all);
        }
    }

    /** Adds a seeded N(0, std²) perturbation to every parameter (in place). */
    static void perturb(ViT vit, double std, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Map.Entry<String, NDArray> e : vit.parameters()) {
            NDArray p = e.getValue();
            double[] v = new double[(int) p.size()];
            for (int i = 0; i < v.length; i++) {
                double u = 1.0 - r.nextDouble();
                v[i] = std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
            }
            try (NDArray d = p.getManager().create(v, p.getShape()).toType(p.getDataType(), false)) {
                p.addi(d);
            }
        }
    }

    /** Number of anti-aligned bonds over all samples (the connected configurations the local energy evaluates). */
    static long connectedCount(Heisenberg h, NDArray sigma) {
        NDManager m = sigma.getManager();
        NDArray d = h.bondMatrix(m, sigma.getDataType());
        return sigma.matMul(d.transpose()).abs().gt(1).sum().toType(DataType.INT64, false).getLong();
    }

    static void writeFixtures(Path dir, ViT vit, Samples smp, NDArray[] e, StochasticReconfiguration.Update u)
            throws IOException {
        Path pd = dir.resolve("param");
        Files.createDirectories(pd);
        StringBuilder order = new StringBuilder();
        for (Map.Entry<String, NDArray> en : vit.parameters()) {
            Npy.write(pd.resolve(en.getKey() + ".npy"), en.getValue());
            order.append(en.getKey()).append('\n');
        }
        AtomicFiles.write(dir.resolve("param_order.txt"), order.toString().getBytes(StandardCharsets.UTF_8));
        Npy.write(dir.resolve("sigma.npy"), smp.sigma());
        NDArray[] lp = vit.logPsi(smp.sigma());
        Npy.write(dir.resolve("log_psi_re.npy"), lp[0]);
        Npy.write(dir.resolve("log_psi_im.npy"), lp[1]);
        Npy.write(dir.resolve("e_loc_re.npy"), e[0]);
        Npy.write(dir.resolve("e_loc_im.npy"), e[1]);
        Npy.write(dir.resolve("gradient.npy"), u.gradient());
        Npy.write(dir.resolve("delta.npy"), u.delta());
        JsonObject meta = new JsonObject();
        meta.addProperty("side", N_SIDE);
        meta.addProperty("j2", J2);
        meta.addProperty("shift", SHIFT);
        meta.add("vit", vit.config());
        AtomicFiles.write(dir.resolve("meta.json"), meta.toString().getBytes(StandardCharsets.UTF_8));
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }

    static JsonArray array(double[] v) {
        JsonArray a = new JsonArray();
        for (double x : v) {
            a.add(x);
        }
        return a;
    }

    /** Best of {@code reps} timed 2048×2048 float64 matmuls (after a warm-up). */
    static double ceiling(NDManager m, int reps) {
        int n = 2048;
        double best = 0;
        try (NDManager s = m.newSubManager()) {
            NDArray a = s.randomUniform(-1, 1, new Shape(n, n)).toType(DataType.FLOAT64, false);
            NDArray b = s.randomUniform(-1, 1, new Shape(n, n)).toType(DataType.FLOAT64, false);
            BenchSupport.sync(a.matMul(b));
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                NDArray c = a.matMul(b);
                BenchSupport.sync(c);
                double secs = (System.nanoTime() - t0) / 1e9;
                best = Math.max(best, 2.0 * n * n * n / secs);
                c.close();
            }
        }
        return best;
    }
}
