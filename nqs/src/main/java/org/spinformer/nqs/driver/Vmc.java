package org.spinformer.nqs.driver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spinformer.core.io.Checkpoint;
import org.spinformer.core.nn.Parameters;
import org.spinformer.core.plot.LineChart;
import org.spinformer.core.plot.Series;
import org.spinformer.core.train.AdamW;
import org.spinformer.core.train.MetricsLog;
import org.spinformer.core.train.NonFiniteException;
import org.spinformer.core.train.RunHarness;
import org.spinformer.core.train.Progress;
import org.spinformer.core.train.Schedule;
import org.spinformer.nqs.operator.Operator;
import org.spinformer.nqs.optimizer.StochasticReconfiguration;
import org.spinformer.nqs.sampler.Sampler;
import org.spinformer.nqs.sampler.Samples;
import org.spinformer.nqs.sampler.TwinSampler;
import org.spinformer.nqs.vqs.LocalEnergies;
import org.spinformer.nqs.vqs.LocalEnergy;
import org.spinformer.nqs.vqs.VariationalState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The variational Monte Carlo driver (NetKet's "driver"): each step samples, computes local energies and
 * per-sample gradients, and updates θ by SR (θ ← θ − η δ) or Adam on the energy gradient. One NDManager
 * sub-manager per step. Writes {@code log.jsonl} (one row per step), {@code checkpoint/} (core
 * {@link Checkpoint}), {@code summary.json} and plots; resumes from the checkpoint.
 */
public final class Vmc {
    private static final Logger LOG = LoggerFactory.getLogger(Vmc.class);

    /** Optimiser choice. */
    public enum Method { SR, ADAM }

    /**
     * Driver options.
     *
     * @param steps total number of optimisation steps
     * @param method SR or Adam
     * @param lr learning-rate schedule η(step)
     * @param diagShift diagonal-shift schedule λ(step) (SR only)
     * @param checkpointEvery steps between checkpoints (the last step is always saved)
     * @param exactEnergy exact ground-state energy (total, the Hamiltonian's units) or NaN when unknown
     * @param runConfig the run configuration stored in config.json and in checkpoints
     * @param maxSeconds wall-clock budget of this invocation in seconds (≤ 0: none); when a step ends past it the
     *                   run stops there, saves a checkpoint and writes the summary and plots (resume continues)
     * @param maxFlops training-compute budget in FLOPs ({@link Compute}; ≤ 0: none): the run stops like at the
     *                 wall-clock budget after the step that reaches it
     * @param momentum SPRING momentum μ of the SR direction (0: plain SR), see
     *                 {@link StochasticReconfiguration#compute(NDArray, NDArray, NDArray, NDArray, NDArray, double, NDArray, double)}
     */
    public record Options(int steps, Method method, Schedule lr, Schedule diagShift, int checkpointEvery,
                          double exactEnergy, JsonObject runConfig, double maxSeconds, double momentum,
                          double maxFlops) {
        /** Without a compute budget. */
        public Options(int steps, Method method, Schedule lr, Schedule diagShift, int checkpointEvery,
                       double exactEnergy, JsonObject runConfig, double maxSeconds, double momentum) {
            this(steps, method, lr, diagShift, checkpointEvery, exactEnergy, runConfig, maxSeconds, momentum, 0);
        }

        /** Plain SR. */
        public Options(int steps, Method method, Schedule lr, Schedule diagShift, int checkpointEvery,
                       double exactEnergy, JsonObject runConfig, double maxSeconds) {
            this(steps, method, lr, diagShift, checkpointEvery, exactEnergy, runConfig, maxSeconds, 0);
        }

        /** Without a wall-clock budget. */
        public Options(int steps, Method method, Schedule lr, Schedule diagShift, int checkpointEvery,
                       double exactEnergy, JsonObject runConfig) {
            this(steps, method, lr, diagShift, checkpointEvery, exactEnergy, runConfig, 0);
        }
    }

    /** Final result of a run (evaluated with the final parameters). */
    public record Result(double energy, double energyPerSite, double error, double variance, double vScore,
                         double exactEnergy, double relativeError, long steps, double seconds, JsonObject summary) {}

    private final Operator h;
    private final VariationalState vs;
    private final Sampler sampler;
    private VariationalState energyTwin;
    private final Options o;
    private final NDManager manager;
    private final int sites;
    private final double eInf;
    private NDArray previousDelta; // the last SR direction δ (SPRING momentum), on the run's manager
    private static final String PREVIOUS_DELTA = "sr.previous_delta";
    /** The sampler state the checkpoint being saved holds (set only during a save). */
    private final Map<String, NDArray> chainsAtSave = new LinkedHashMap<>();

    public Vmc(Operator h, VariationalState vs, Sampler sampler, Options o, NDManager manager) {
        this.h = h;
        this.vs = vs;
        this.sampler = sampler;
        this.o = o;
        this.manager = manager;
        this.sites = h.graph().n();
        this.eInf = h.infiniteTemperatureEnergy();
    }

    /** One step's measured quantities. */
    record StepStats(Statistics stats, double acceptance, long samples, String solver, double[] times,
                     Compute compute) {}

    /** What to try when a step's statistics or update are not finite. */
    private static final String HINT = "the optimisation diverged: lower --lr or raise --diag-shift";

    /**
     * Runs (or resumes) the optimisation, writing everything under {@code out}.
     *
     * <p>A checkpoint is written only for parameters whose statistics were just measured finite: the checkpoint of
     * step k is saved during step k, after its energies and before its update, with the sampler state from
     * before its sampling (what the end of step k−1 held, so resume is unchanged). When a statistic or the update
     * is NaN or ±∞ the run stops with a {@link NonFiniteException} naming the step and the quantity, keeps the last
     * checkpoint (the last good state), writes {@code summary.json} with {@code "status": "stopped"} and the reason,
     * and the plots of the finite steps.
     *
     * @throws NonFiniteException when the optimisation diverges
     * @throws org.spinformer.core.io.MalformedFileException on resume from a checkpoint directory without a
     *                                                       manifest (an incomplete or foreign checkpoint)
     */
    public Result run(Path out, boolean resume) throws IOException {
        Parameters params = vs.model().parameters();
        AdamW adam = o.method() == Method.ADAM
                ? AdamW.builder().setParameters(params).setLearningRate(o.lr()).optWeightDecay(0).build() : null;
        double[] flops = {0};
        RunHarness.Builder b = RunHarness.builder(out).resume(resume).weights(params).manager(manager)
                .config(o.runConfig()).maxSeconds(o.maxSeconds()).checkpointEvery(o.checkpointEvery())
                .section(RunHarness.tensors("sampler", () -> chainsAtSave, sampler::loadState))
                .section(RunHarness.tensors("sr", () -> previousDelta == null ? Map.of()
                        : Map.of(PREVIOUS_DELTA, previousDelta), t -> {
                            NDArray d = t.get(PREVIOUS_DELTA);
                            if (d != null) {
                                previousDelta = d.toType(DataType.FLOAT64, false).duplicate();
                                previousDelta.attach(manager);
                            }
                        }))
                .section(new RunHarness.Section() {
                    @Override
                    public String name() {
                        return "counters";
                    }

                    @Override
                    public JsonObject json() {
                        JsonObject j = new JsonObject();
                        j.addProperty("cumulative_flops", flops[0]);
                        j.addProperty("note", "the random streams are functions of (seed, step): nothing to save");
                        return j;
                    }

                    @Override
                    public void restore(Map<String, NDArray> t, JsonObject json, long step) {
                        flops[0] = json.has("cumulative_flops") ? json.get("cumulative_flops").getAsDouble() : 0;
                    }
                });
        if (adam != null) {
            b.section(RunHarness.optimizer(adam));
        }
        try (RunHarness run = b.build()) {
            try {
                return run(run, adam, flops);
            } catch (NonFiniteException ex) {
                NonFiniteException stop = run.stopped(ex);
                plots(out, run.history());
                throw stop;
            }
        } finally {
            if (adam != null) {
                adam.close();
            }
        }
    }

    private Result run(RunHarness run, AdamW adam, double[] flops) throws IOException {
        long start = run.start();
        long flopsPerSample = vs.model().forwardFlops();
        long done = start;
        try (Progress progress = Progress.start("nqs train", o.steps())) {
            progress.step(start);
            for (long step = start; step < o.steps(); step++) {
                if (o.maxFlops() > 0 && flops[0] >= o.maxFlops()) {
                    // checked before the step, so a run resumed at its budget does no further step
                    LOG.info("compute budget of {} FLOPs reached after step {}: stopping", o.maxFlops(), step);
                    break;
                }
                long ts = System.nanoTime();
                double lr = o.lr().lr(step);
                double shift = o.diagShift().lr(step);
                boolean checkpointHere = step > start && run.due(step);
                StepStats st;
                try (NDManager sm = manager.newSubManager()) {
                    Runnable beforeUpdate = null;
                    if (checkpointHere) {
                        long k = step;
                        Map<String, NDArray> chains = snapshot(sm);
                        beforeUpdate = () -> save(run, k, chains);
                    }
                    st = step(sm, step, lr, shift, adam, beforeUpdate);
                }
                double secs = (System.nanoTime() - ts) / 1e9;
                Compute c = st.compute();
                flops[0] += c.total();
                Statistics s = st.stats();
                double rel = Double.isNaN(o.exactEnergy()) ? Double.NaN
                        : Math.abs((s.mean() - o.exactEnergy()) / o.exactEnergy());
                run.log(MetricsLog.row("step", step + 1, "energy", s.mean(), "energy_per_site",
                        s.mean() / sites, "error", s.error(), "variance", s.variance(), "v_score", vScore(s),
                        "relative_error", rel, "acceptance", st.acceptance(), "r_hat", s.rHat(), "tau", s.tau(),
                        "lr", lr, "diag_shift", o.method() == Method.SR ? shift : Double.NaN,
                        "solver", st.solver(), "step_time_s", secs, "t_sample_s", st.times()[0],
                        "t_local_energy_s", st.times()[1], "t_jacobian_s", st.times()[2],
                        "t_update_s", st.times()[3], "samples", st.samples(),
                        "flops_per_sample", flopsPerSample, "flops_sampling", c.sampling(),
                        "flops_local_energy", c.localEnergy(), "flops_jacobian", c.jacobian(),
                        "flops_solve", c.solve(), "flops_step", c.total(), "cumulative_flops", flops[0]));
                progress.setMessage(String.format(java.util.Locale.ROOT, "E/N=%.6f rel=%.2e",
                        s.mean() / sites, rel));
                progress.step(1);
                done = step + 1;
                if (run.overBudget() && step + 1 < o.steps()) {
                    LOG.info("wall-clock budget of {} s spent after step {}: stopping", o.maxSeconds(), step + 1);
                    break;
                }

            }
        }
        double seconds = run.seconds();
        Statistics fin;
        try (NDManager sm = manager.newSubManager()) {
            Map<String, NDArray> chains = snapshot(sm);
            Samples smp = sample(sm, done + 1_000_000L);
            LocalEnergies e = localEnergies(smp);
            fin = stats(smp, e);
            checkFinite(done + 1, fin);
            if (run.lastCheckpoint() != done) {
                save(run, done, chains);
            }
        }
        Result r = result(fin, done, seconds, flopsPerSample, flops[0]);
        run.writeSummary(r.summary());
        plots(run.dir(), run.history());
        return r;
    }

    /** Copies of the sampler's state as it is now, on {@code sm} (the state a checkpoint of this moment holds). */
    private Map<String, NDArray> snapshot(NDManager sm) {
        Map<String, NDArray> copy = new LinkedHashMap<>();
        sampler.state().forEach((k, v) -> {
            NDArray c = v.duplicate();
            c.attach(sm);
            copy.put(k, c);
        });
        return copy;
    }

    /** Stops (step is 1-based, as logged) when the mean energy or its variance is not finite. */
    private static void checkFinite(long step, Statistics s) {
        NonFiniteException.check(step, "mean energy", s.mean(), HINT);
        NonFiniteException.check(step, "energy variance", s.variance(), HINT);
    }

    private StepStats step(NDManager sm, long step, double lr, double shift, AdamW adam, Runnable beforeUpdate) {
        long t0 = System.nanoTime();
        long rows0 = forwardRows();
        Samples smp = sample(sm, step);
        long rows1 = forwardRows();
        long t1 = System.nanoTime();
        LocalEnergies e = localEnergies(smp);
        long rows2 = forwardRows();
        Statistics stats = stats(smp, e);
        checkFinite(step + 1, stats);
        if (beforeUpdate != null) {
            beforeUpdate.run();
        }
        long t2 = System.nanoTime();
        NDArray[] jac = vs.jacobian(smp.sigma());
        jac[0].get(0, 0).getDouble();
        long t3 = System.nanoTime();
        Parameters params = vs.model().parameters();
        String solver;
        if (adam == null) {
            StochasticReconfiguration.Update u = StochasticReconfiguration.compute(jac[0], jac[1], e.re(), e.im(),
                    smp.weights(), shift, previousDelta, o.momentum());
            NonFiniteException.check(step + 1, "SR update max|δ|", maxAbs(u.delta()), HINT);
            apply(params, u.delta(), lr);
            if (o.momentum() > 0) {
                NDArray keep = u.delta().toType(DataType.FLOAT64, true);
                keep.attach(manager);
                if (previousDelta != null) {
                    previousDelta.close();
                }
                previousDelta = keep;
            }
            solver = u.method().name().toLowerCase(java.util.Locale.ROOT) + (u.sampleSpace() ? "/sample" : "/param");
        } else {
            NDArray g = StochasticReconfiguration.gradient(jac[0], jac[1], e.re(), e.im(), smp.weights());
            NonFiniteException.check(step + 1, "energy gradient max|g|", maxAbs(g), HINT);
            Map<String, NDArray> grads = new LinkedHashMap<>();
            long off = 0;
            for (Map.Entry<String, NDArray> p : params) {
                long n = p.getValue().size();
                grads.put(p.getKey(), g.get(off + ":" + (off + n)).reshape(p.getValue().getShape())
                        .toType(p.getValue().getDataType(), false));
                off += n;
            }
            adam.step(grads);
            solver = "adam";
        }
        long t4 = System.nanoTime();
        Compute c = Compute.step(vs.model().forwardFlops(), rows1 - rows0, rows2 - rows1, smp.size(),
                vs.numParameters(), adam == null);
        return new StepStats(stats, smp.acceptance(), smp.size(), solver,
                new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9}, c);
    }

    /** max |x| on the engine, one scalar to the host (NaN when any element is NaN). */
    private static double maxAbs(NDArray x) {
        return x.abs().max().toType(DataType.FLOAT64, false).getDouble();
    }

    /** θ ← θ − η δ, δ flat [P] in parameter order. */
    static void apply(Parameters params, NDArray delta, double lr) {
        long off = 0;
        for (Map.Entry<String, NDArray> p : params) {
            NDArray v = p.getValue();
            long n = v.size();
            NDArray d = delta.get(off + ":" + (off + n)).reshape(v.getShape()).mul(lr).toType(v.getDataType(), false);
            v.subi(d);
            off += n;
        }
    }

    /** Configurations evaluated so far by the model and, with mixed-precision sampling, its twin. */
    private long forwardRows() {
        return vs.forwardRows() + (sampler instanceof TwinSampler t ? t.twin().forwardRows() : 0);
    }

    private Samples sample(NDManager sm, long step) {
        return sampler.sample(vs, sm, step);
    }

    private LocalEnergies localEnergies(Samples smp) {
        if (smp.eLocRe() != null) {
            return new LocalEnergies(smp.eLocRe(), smp.eLocIm());
        }
        if (energyTwin != null) {
            return LocalEnergy.compute(h, vs, energyTwin, smp.sigma(), smp.logRe(), smp.logIm());
        }
        return LocalEnergy.compute(h, vs, smp.sigma(), smp.logRe(), smp.logIm());
    }

    /**
     * Local energies through {@code twin}'s forwards (a lower-precision copy of the model whose parameters the
     * sampler refreshes every step, {@link TwinSampler}), the sum in the model's dtype; null: the model itself.
     */
    public Vmc energyTwin(VariationalState twin) {
        this.energyTwin = twin;
        return this;
    }

    private static Statistics stats(Samples smp, LocalEnergies e) {
        double[] re = e.re().toType(DataType.FLOAT64, false).toDoubleArray();
        double[] im = e.im().toType(DataType.FLOAT64, false).toDoubleArray();
        double[] w = smp.weights().toType(DataType.FLOAT64, false).toDoubleArray();
        return Statistics.of(re, im, w, smp.chains(), smp.exact());
    }

    /** V = N·Var(E)/(E − E∞)², E∞ = Tr H / 2^N (0 for every operator here: VarBench's convention). */
    private double vScore(Statistics s) {
        double d = s.mean() - eInf;
        return sites * s.variance() / (d * d);
    }

    /** Saves the checkpoint of {@code step} with the sampler state {@code chains} (taken before its sampling). */
    private void save(RunHarness run, long step, Map<String, NDArray> chains) {
        Map<String, NDArray> keep = new LinkedHashMap<>(chains);
        try {
            chainsAtSave.clear();
            chainsAtSave.putAll(keep);
            run.save(step);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            chainsAtSave.clear();
        }
    }

    private Result result(Statistics s, long steps, double seconds, long flopsPerSample, double cumulativeFlops) {
        double exact = o.exactEnergy();
        double rel = Double.isNaN(exact) ? Double.NaN : Math.abs((s.mean() - exact) / exact);
        JsonObject j = new JsonObject();
        j.addProperty("energy", s.mean());
        j.addProperty("energy_per_site", s.mean() / sites);
        j.addProperty("error", s.error());
        j.addProperty("variance", s.variance());
        j.addProperty("v_score", vScore(s));
        j.addProperty("v_score_sites", sites);
        j.addProperty("v_score_e_inf", eInf);
        if (!Double.isNaN(exact)) {
            j.addProperty("exact_energy", exact);
            j.addProperty("exact_energy_per_site", exact / sites);
            j.addProperty("relative_error", rel);
        }
        j.addProperty("steps", steps);
        j.addProperty("parameters", vs.numParameters());
        j.addProperty("sampler", sampler.name());
        j.addProperty("flops_per_sample", flopsPerSample);
        j.addProperty("cumulative_flops", cumulativeFlops);
        j.addProperty("seconds", seconds);
        return new Result(s.mean(), s.mean() / sites, s.error(), s.variance(), vScore(s), exact, rel, steps,
                seconds, j);
    }

    private void plots(Path out, List<Map<String, Object>> history) throws IOException {
        List<double[]> rows = new ArrayList<>();
        for (Map<String, Object> r : history) {
            rows.add(new double[] {num(r, "step"), num(r, "energy_per_site"), num(r, "error") / sites,
                num(r, "relative_error"), num(r, "v_score"), num(r, "cumulative_flops")});
        }
        if (rows.isEmpty()) {
            return;
        }
        int n = rows.size();
        double[][] c = new double[6][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 6; k++) {
                c[k][i] = rows.get(i)[k];
            }
        }
        LineChart.Builder energy = LineChart.builder().optTitle("Energy per site, " + h).optXLabel("step")
                .optYLabel("E / N").addSeries(new Series("VMC", c[0], c[1], c[2]));
        if (!Double.isNaN(o.exactEnergy())) {
            energy.optReference(o.exactEnergy() / sites, "exact");
        }
        energy.build().save(out.resolve("energy"));
        if (!Double.isNaN(o.exactEnergy())) {
            LineChart.builder().optTitle("Relative energy error").optXLabel("step").optYLabel("|E − E0| / |E0|")
                    .optLogY(true).addSeries(new Series("VMC", c[0], c[3])).build().save(out.resolve("relative_error"));
        }
        LineChart.builder().optTitle("V-score vs compute").optXLabel("cumulative forward FLOPs")
                .optYLabel("V-score = N Var(E)/E²").optLogX(true).optLogY(true)
                .addSeries(new Series("VMC", c[5], c[4])).build().save(out.resolve("vscore_vs_compute"));
    }

    private static double num(Map<String, Object> r, String k) {
        Object v = r.get(k);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
