package org.spinformer.language.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.spinformer.core.engine.NoGrad;
import com.google.gson.JsonObject;
import org.spinformer.core.io.Checkpoint;
import org.spinformer.core.nn.Parameters;
import org.spinformer.core.train.AdamW;
import org.spinformer.core.train.MetricsLog;
import org.spinformer.core.train.NonFiniteException;
import org.spinformer.core.train.Optimizer;
import org.spinformer.core.train.RunHarness;
import org.spinformer.core.train.SavableRandom;
import org.spinformer.core.train.Schedule;
import org.spinformer.core.train.Sgd;
import org.spinformer.core.train.TrainLoop;
import org.spinformer.language.model.MaskedLm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Masked-language-model training: minimise the cross-entropy −log p(x_i | x with x_i → {@code <mask>}) over
 * random windows and masked positions (one per window = exact pseudo-likelihood of the single-site conditional,
 * or a fraction of the positions, BERT-style). AdamW (or SGD with momentum) with linear warm-up and cosine decay
 * to 10% of the peak, global-norm gradient clipping, a JSON-lines metrics log, progress, and checkpoints.
 * Training stops with a {@link NonFiniteException} naming the step as soon as a logged loss or gradient norm is
 * not finite; {@link #run} trains inside a core {@link RunHarness} (checkpoints, resume, wall-clock budget).
 */
public final class Mlm implements AutoCloseable {
    /** The update rule. */
    public enum Method {
        /** AdamW with decoupled weight decay on the weight matrices. */
        ADAMW,
        /** SGD with momentum 0.9. */
        SGD;

        /** {@code adamw} or {@code sgd}, else an IllegalArgumentException naming {@code --optimizer}. */
        public static Method parse(String s) {
            for (Method m : values()) {
                if (m.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("--optimizer must be adamw or sgd, got '" + s + "'");
        }
    }

    /**
     * Options; {@code maskFraction <= 0} masks exactly one position per window. Start from {@link #defaults()} and
     * change settings by name ({@link org.spinformer.core.config.Records#with}); the constructor validates.
     */
    public record Options(long steps, int batch, double lr, long warmup, double clip, double weightDecay,
                          double maskFraction, Method optimizer, long seed, int logEvery) {
        public Options {
            need(steps >= 1, "--steps must be >= 1, got " + steps);
            need(batch >= 1, "--batch must be >= 1, got " + batch);
            need(lr > 0 && !Double.isInfinite(lr), "--lr must be a finite number > 0, got " + lr);
            need(warmup >= 0, "--warmup must be >= 0, got " + warmup);
            need(clip >= 0, "--clip must be >= 0 (0 = off), got " + clip);
            need(weightDecay >= 0, "weight decay must be >= 0, got " + weightDecay);
            need(maskFraction < 1, "mask fraction must be < 1, got " + maskFraction);
            need(logEvery >= 1, "log interval must be >= 1, got " + logEvery);
            if (optimizer == null) {
                throw new IllegalArgumentException("--optimizer must be adamw or sgd");
            }
        }

        private static void need(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }

        /** 1000 AdamW steps of 64 windows, η 1e-3 after 100 warm-up steps, clip 1, decay 0.01, one mask. */
        public static Options defaults() {
            return new Options(1000, 64, 1e-3, 100, 1.0, 0.01, 0, Method.ADAMW, 1, 25);
        }

        public Options withSteps(long s) {
            return new Options(s, batch, lr, Math.min(warmup, s), clip, weightDecay, maskFraction, optimizer, seed,
                    logEvery);
        }

        public Options withLr(double l) {
            return org.spinformer.core.config.Records.with(this, "lr", l);
        }

        public JsonObject toJson() {
            return org.spinformer.core.config.Records.toJson(this);
        }
    }

    /** The loss of one batch of training windows {@code pick} (rows of the training set), on {@code m}. */
    @FunctionalInterface
    public interface Objective {
        NDArray loss(NDManager m, int[] pick, SavableRandom random);
    }

    private final Parameters params;
    private final java.util.function.Supplier<JsonObject> config;
    private final Objective objective;
    private final int[][] train;
    private final Options opt;
    private final NDManager manager;
    private final Optimizer optimizer;
    private final SavableRandom random;
    private final MetricsLog metrics;
    private final String task;

    /**
     * @param metrics a JSON-lines log or null; {@code task} a progress name or null for no progress
     */
    public Mlm(MaskedLm model, int[][] train, Options opt, NDManager manager, MetricsLog metrics, String task) {
        this(model.parameters(), model::config, (m, pick, r) -> loss(model, m, MaskedBatch.of(train, pick,
                model.maskId(), opt.maskFraction, r)), train, opt, manager, metrics, task);
    }

    /**
     * Training of any model by {@code objective} with the same optimizer, schedule, clipping, log, checkpoints
     * and data stream as masked-LM training ({@code config}: the model's configuration for checkpoints).
     */
    public Mlm(Parameters params, java.util.function.Supplier<JsonObject> config, Objective objective, int[][] train,
               Options opt, NDManager manager, MetricsLog metrics, String task) {
        this.params = params;
        this.config = config;
        this.objective = objective;
        this.train = train;
        this.opt = opt;
        this.manager = manager;
        this.metrics = metrics;
        this.task = task;
        this.random = new SavableRandom(opt.seed);
        params.attachGradients();
        Schedule s = Schedule.warmupCosine(opt.lr, Math.min(opt.warmup, opt.steps), opt.steps, 0.1 * opt.lr);
        this.optimizer = opt.optimizer == Method.ADAMW
                ? AdamW.builder().setParameters(params).setLearningRate(s)
                    .optWeightDecay(opt.weightDecay).optDecayFilter(n -> n.endsWith("weight")).build()
                : Sgd.builder().setParameters(params).setLearningRate(s).optMomentum(0.9)
                    .optWeightDecay(opt.weightDecay).build();
    }

    /**
     * Next-token training of the causal factored model: the loss of a batch is its mean −log p(x_i | x_{&lt;i})
     * ({@link org.spinformer.language.model.FactoredGpt#loss}); the mask settings of {@code opt} do not apply.
     */
    public static Mlm nextToken(org.spinformer.language.model.FactoredGpt model, int[][] train, Options opt,
                                NDManager manager, MetricsLog metrics, String task) {
        return new Mlm(model.parameters(), model::config, (m, pick, r) -> model.loss(org.spinformer.language.corpus.Windows.ids(m, train, pick)), train,
                opt, manager, metrics, task);
    }

    /** Mean cross-entropy of a masked batch (a scalar in {@code m}). */
    public static NDArray loss(MaskedLm model, NDManager m, MaskedBatch batch) {
        NDArray logits = model.logits(batch.idsArray(m), batch.rowsArray(m)); // [K,V]
        NDArray logp = logits.logSoftmax(1);
        NDArray onehot = batch.targetsArray(m).oneHot(model.vocabSize(), logits.getDataType());
        return logp.mul(onehot).sum(new int[] {1}).mean().neg();
    }

    /** Runs {@code n} more optimizer steps (may be called repeatedly, e.g. between evaluations). */
    public TrainLoop.Result train(long n) {
        return train(n, metrics);
    }

    /**
     * What a checkpoint must hold to continue this training exactly: the optimizer's moments and step, and the
     * stream that draws windows and masks.
     */
    public List<RunHarness.Section> sections() {
        return List.of(RunHarness.optimizer(optimizer), RunHarness.random("mlm_data", random));
    }

    /**
     * Trains to {@code options().steps()} inside {@code run} (built with {@link #sections()} and this model's
     * parameters): continues from the restored step, saves a checkpoint every {@code every} steps and at the end,
     * and stops early, saved, when the run is over its wall-clock budget.
     *
     * @return true when every step is done
     * @throws org.spinformer.core.train.NonFiniteException when a logged loss or gradient norm is not finite
     */
    public boolean run(RunHarness run, long every) throws IOException {
        if (every < 1) {
            throw new IllegalArgumentException("checkpoint interval must be >= 1, got " + every);
        }
        while (step() < opt.steps) {
            train(Math.min(every - step() % every, opt.steps - step()), run.metrics());
            run.save(step());
            if (run.overBudget() && step() < opt.steps) {
                return false;
            }
        }
        if (run.lastCheckpoint() != step()) {
            run.save(step());
        }
        return true;
    }

    /** Runs {@code n} more optimizer steps, logging to {@code log} (e.g. a {@link RunHarness}'s metrics). */
    public TrainLoop.Result train(long n, MetricsLog log) {
        TrainLoop loop = TrainLoop.builder().setParameters(params).setOptimizer(optimizer)
                .setManager(manager).optClipNorm(opt.clip > 0 ? opt.clip : 0).optLogEvery(opt.logEvery)
                .optMetrics(log).optProgress(task)
                .setLoss((sm, s) -> {
                    int[] pick = new int[opt.batch];
                    for (int i = 0; i < pick.length; i++) {
                        pick[i] = random.nextInt(train.length);
                    }
                    return objective.loss(sm, pick, random);
                })
                .optDivergenceHint("training diverged: lower --lr, raise --warmup or --clip")
                .build();
        return loop.run(n);
    }

    /** Number of optimizer steps done. */
    public long step() {
        return optimizer.stepCount();
    }

    /** Saves weights, optimizer state, step and the run config atomically into {@code dir}. */
    public void checkpoint(Path dir, JsonObject extra) throws IOException {
        JsonObject cfg = config.get().deepCopy();
        cfg.add("training", opt.toJson());
        if (extra != null) {
            extra.entrySet().forEach(e -> cfg.add(e.getKey(), e.getValue()));
        }
        Checkpoint.save(dir, params, optimizer.state(), optimizer.stepCount(), cfg, new JsonObject());
    }

    /**
     * Mean test cross-entropy (nats per masked token), no gradients. {@code fraction < 0}: every position of every
     * window masked in turn (full pseudo-likelihood); otherwise masks drawn as in training from {@code seed}.
     */
    public static double evaluate(MaskedLm model, NDManager base, int[][] windows, double fraction, long seed,
                                  int batch) {
        try (NoGrad noGrad = NoGrad.enter()) {
            Random r = new Random(seed);
            double sum = 0;
            long count = 0;
            int t = windows[0].length;
            int per = fraction < 0 ? Math.max(1, batch / t) : batch;
            for (int from = 0; from < windows.length; from += per) {
                int to = Math.min(windows.length, from + per);
                MaskedBatch mb;
                if (fraction < 0) {
                    mb = MaskedBatch.allPositions(windows, from, to, model.maskId());
                } else {
                    int[] pick = new int[to - from];
                    for (int i = 0; i < pick.length; i++) {
                        pick[i] = from + i;
                    }
                    mb = MaskedBatch.of(windows, pick, model.maskId(), fraction, r);
                }
                final MaskedBatch fb = mb;
                double l = TrainLoop.inStep(base, sm -> {
                    NDArray v = loss(model, sm, fb).toType(DataType.FLOAT64, false);
                    return v.getDouble();
                });
                sum += l * mb.masked();
                count += mb.masked();
            }
            double mean = sum / count;
            if (!Double.isFinite(mean)) {
                throw new IllegalStateException("test loss is not finite (" + mean + ")");
            }
            return mean;
        }
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
