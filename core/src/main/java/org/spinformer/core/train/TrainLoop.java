package org.spinformer.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import org.spinformer.core.nn.Parameters;

import java.util.Map;

/**
 * The per-step memory pattern and a small gradient-descent loop built on it.
 *
 * <p><b>Pattern</b> ({@link #inStep}): each step runs inside a fresh {@code base.newSubManager()} and an
 * {@link NDScope}. The sub-manager owns what the step creates from it (inputs, gradients attached by
 * {@link Gradients#collect}); the scope closes every other array created during the step, including results of
 * operations whose first operand is a parameter (DJL attaches those to the parameter's long-lived manager, where
 * they would otherwise pile up). Only parameters and optimizer state survive a step.
 *
 * <p><b>Loop</b> ({@link #run}): per step s (0-based, continuing from {@code optimizer.stepCount()}, so a
 * resumed optimizer continues where it stopped): forward + backward of {@code loss(stepManager, s)} under a
 * {@link GradientCollector}, optional global-norm clipping, one optimizer update, gradients zeroed. Every
 * {@code logEvery} steps (and at the last) it reads the loss and gradient norm once, stops with a
 * {@link NonFiniteException} when either is NaN or ±∞, writes a metrics line ({@code step} = updates done,
 * {@code loss}, {@code grad_norm}, {@code lr}, {@code time_s}) and updates progress.
 */
public final class TrainLoop {
    /** A step body that gets the step's manager. Its result must not be an NDArray of the step. */
    @FunctionalInterface
    public interface Body<T> {
        T run(NDManager step) throws Exception;
    }

    /** The loss of step {@code s} (a scalar); build inputs from {@code step} so they die with it. */
    @FunctionalInterface
    public interface LossFunction {
        NDArray loss(NDManager step, long s);
    }

    /** Called at every logged step. */
    @FunctionalInterface
    public interface Listener {
        void onLog(long step, double loss, double gradNorm, double lr);
    }

    /** What a run did: updates done in this run, the last logged loss, wall time. */
    public record Result(long steps, double lastLoss, double seconds) {}

    /**
     * What the loop was built with (checked here): the parameters, optimizer, long-lived manager and loss (required);
     * clipping threshold (≤ 0: off), logging period, metrics, progress task, listener (each null: none) and the
     * divergence hint.
     */
    record Config(Parameters params, Optimizer optimizer, NDManager base, LossFunction loss, double clipNorm,
                  int logEvery, MetricsLog metrics, String progressTask, Listener listener, String hint) {
        Config {
            if (params == null || optimizer == null || base == null || loss == null) {
                throw new IllegalArgumentException("TrainLoop needs setParameters, setOptimizer, setManager, setLoss");
            }
            if (logEvery < 1) {
                throw new IllegalArgumentException("logEvery must be >= 1, got " + logEvery);
            }
        }
    }

    private final Config config;

    private TrainLoop(Config config) {
        this.config = config;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs {@code body} in its own sub-manager of {@code base} and an {@link NDScope}; both are closed when it
     * returns or throws. The one building block for any training or sampling loop.
     */
    public static <T> T inStep(NDManager base, Body<T> body) {
        try (NDManager step = base.newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return body.run(step);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Runs {@code steps} updates. */
    public Result run(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        long t0 = System.nanoTime();
        Config c = config;
        Optimizer optimizer = c.optimizer();
        Parameters params = c.params();
        long first = optimizer.stepCount();
        long end = first + steps;
        double[] last = {Double.NaN};
        Progress progress = c.progressTask() == null ? null : Progress.start(c.progressTask(), steps);
        try {
            for (long s = first; s < end; s++) {
                final long si = s;
                boolean log = (s + 1 - first) % c.logEvery() == 0 || s == end - 1;
                inStep(c.base(), sm -> {
                    NDArray loss;
                    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        loss = c.loss().loss(sm, si);
                        gc.backward(loss);
                    }
                    Map<String, NDArray> grads = Gradients.collect(params, sm);
                    NDArray norm = c.clipNorm() > 0 ? GradClip.clipGlobalNorm(grads, c.clipNorm())
                            : log ? GradClip.globalNorm(grads.values()) : null;
                    double lr = optimizer.step(grads);
                    Gradients.zero(params);
                    if (log) {
                        double l = scalar(loss);
                        double gn = scalar(norm);
                        // never continue (or log) from a NaN/∞: the step and the quantity are named
                        NonFiniteException.check(si + 1, "training loss", l, c.hint());
                        NonFiniteException.check(si + 1, "gradient norm", gn, c.hint());
                        last[0] = l;
                        double sec = (System.nanoTime() - t0) / 1e9;
                        if (c.metrics() != null) {
                            c.metrics().write(MetricsLog.row("step", si + 1, "loss", l, "grad_norm", gn, "lr", lr,
                                    "time_s", sec));
                        }
                        if (c.listener() != null) {
                            c.listener().onLog(si + 1, l, gn, lr);
                        }
                        if (progress != null) {
                            progress.setMessage(String.format(java.util.Locale.ROOT, "loss=%.4g", l));
                        }
                    }
                    return null;
                });
                if (progress != null) {
                    progress.step(1);
                }
            }
        } finally {
            if (progress != null) {
                progress.close();
            }
        }
        return new Result(steps, last[0], (System.nanoTime() - t0) / 1e9);
    }

    /** Reads a 0-d (or one-element) float array as a double (one device sync). */
    static double scalar(NDArray a) {
        if (a.getDataType() == DataType.FLOAT64) {
            return a.getDouble();
        }
        try (NDArray d = a.toType(DataType.FLOAT64, false)) {
            return d.getDouble();
        }
    }

    /** Builder: {@code setParameters, setOptimizer, setManager, setLoss} required. */
    public static final class Builder {
        Parameters params;
        Optimizer optimizer;
        NDManager base;
        LossFunction loss;
        double clipNorm;
        int logEvery = 10;
        MetricsLog metrics;
        String progressTask;
        Listener listener;
        String hint = "lower the learning rate";

        public Builder setParameters(Parameters p) {
            this.params = p;
            return this;
        }

        public Builder setOptimizer(Optimizer o) {
            this.optimizer = o;
            return this;
        }

        /** The long-lived manager each step's sub-manager comes from. */
        public Builder setManager(NDManager m) {
            this.base = m;
            return this;
        }

        public Builder setLoss(LossFunction f) {
            this.loss = f;
            return this;
        }

        /** Global-norm clipping threshold (default: off). */
        public Builder optClipNorm(double c) {
            this.clipNorm = c;
            return this;
        }

        /** Read the loss and log every n steps (default 10). */
        public Builder optLogEvery(int n) {
            this.logEvery = n;
            return this;
        }

        public Builder optMetrics(MetricsLog m) {
            this.metrics = m;
            return this;
        }

        /** Show progress under this task name (bar on a terminal, log lines otherwise). */
        public Builder optProgress(String task) {
            this.progressTask = task;
            return this;
        }

        /** What the stop message on a NaN/∞ loss suggests (default "lower the learning rate"). */
        public Builder optDivergenceHint(String h) {
            this.hint = h;
            return this;
        }

        public Builder optListener(Listener l) {
            this.listener = l;
            return this;
        }

        public TrainLoop build() {
            return new TrainLoop(new Config(params, optimizer, base, loss, clipNorm, logEvery, metrics, progressTask,
                    listener, hint));
        }
    }
}
