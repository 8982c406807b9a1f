package org.spinformer.language.experiment;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.spinformer.core.nn.Parameters;
import com.google.gson.JsonObject;
import org.spinformer.core.train.RunHarness;
import org.spinformer.language.model.FactoredMlm;
import org.spinformer.language.train.Mlm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains factored-attention MLMs with 1..n layers as a curriculum: the (k+1)-layer model starts from the trained
 * k-layer model's parameters (new readout at 0, so it starts exactly where the k-layer model ended) and is
 * trained further with single-site masking. This keeps the deeper models from under-fitting (a cold-started
 * x²-network trains poorly) and makes their extra capacity go into higher-order interactions.
 */
public final class FactoredTraining {
    private static final Logger LOG = LoggerFactory.getLogger(FactoredTraining.class);

    /** A trained model and its test loss (nats per masked token, single-site masking). */
    public record Trained(FactoredMlm model, double testLoss, double seconds) {}

    private FactoredTraining() {}

    /** The curriculum's models, and whether it finished (false: stopped by the wall-clock budget, resumable). */
    public record Curriculum(List<Trained> trained, boolean complete) {}

    /**
     * Trains the curriculum without checkpoints.
     *
     * @param base    template config (its {@code layers} is ignored)
     * @param layers  which depths to return, e.g. 1, 2, 3 (trained in increasing order, each from the previous)
     * @param logDir  where {@code factored_n<k>.jsonl} logs go, or null
     */
    public static List<Trained> curriculum(FactoredMlm.Config base, int[] layers, int[][] train, int[][] test,
                                           Mlm.Options opt, double lrDecayPerLayer, NDManager m, Path logDir)
            throws IOException {
        return curriculum(base, layers, train, test, opt, lrDecayPerLayer, m, logDir, false, 0, CHECKPOINT_EVERY)
                .trained();
    }

    /**
     * Trains the curriculum, each depth k inside a core {@link RunHarness} in {@code logDir/checkpoints/factored_n<k>}
     * (a checkpoint every {@code every} steps, log {@code logDir/factored_n<k>.jsonl}): with
     * {@code resume} a finished depth is restored instead of retrained and an interrupted one continues exactly.
     *
     * @param maxSeconds wall-clock budget of this invocation (≤ 0: none); when spent, the current depth is saved
     *                   and the result is incomplete
     */
    public static Curriculum curriculum(FactoredMlm.Config base, int[] layers, int[][] train, int[][] test,
                                        Mlm.Options opt, double lrDecayPerLayer, NDManager m, Path logDir,
                                        boolean resume, double maxSeconds, long every) throws IOException {
        List<Trained> out = new ArrayList<>();
        Parameters prev = null;
        int maxN = layers[layers.length - 1];
        long started = System.nanoTime();
        for (int n = 1; n <= maxN; n++) {
            long t0 = System.nanoTime();
            FactoredMlm.Config cfg = new FactoredMlm.Config(base.vocab(), base.length(), base.dim(), base.heads(), n,
                    base.form(), base.readoutAll(), base.maskId(), base.seed());
            Parameters p = new Parameters();
            if (prev != null) {
                for (var e : prev) {
                    p.put(e.getKey(), e.getValue().duplicate());
                }
            }
            FactoredMlm model = new FactoredMlm(cfg, m, p, DataType.FLOAT32);
            Mlm.Options o = opt.withLr(opt.lr() * Math.pow(lrDecayPerLayer, n - 1));
            String task = "factored n=" + n;
            if (logDir == null) {
                try (Mlm t = new Mlm(model, train, o, m, null, task)) {
                    t.train(o.steps());
                }
            } else {
                double left = maxSeconds > 0 ? maxSeconds - (System.nanoTime() - started) / 1e9 : 0;
                try (Mlm t = new Mlm(model, train, o, m, null, task)) {
                    JsonObject cfgJson = model.config().deepCopy();
                    cfgJson.add("training", o.toJson());
                    RunHarness.Builder b = RunHarness.builder(logDir.resolve("checkpoints").resolve("factored_n" + n))
                            .resume(resume).weights(model.parameters()).manager(m).config(cfgJson)
                            .logFile(logDir.resolve("factored_n" + n + ".jsonl")).maxSeconds(maxSeconds > 0
                                    ? Math.max(left, 1e-9) : 0);
                    t.sections().forEach(b::section);
                    try (RunHarness run = b.build()) {
                        if (!t.run(run, every)) {
                            LOG.info("factored n={}: wall-clock budget spent at step {}; --resume continues", n,
                                    t.step());
                            return new Curriculum(out, false);
                        }
                    }
                }
            }
            double loss = Mlm.evaluate(model, m, test, 0, 12345L, 512);
            double sec = (System.nanoTime() - t0) / 1e9;
            LOG.info("factored n={}: test loss {} ({} s)", n, String.format(Locale.ROOT, "%.4f", loss),
                    String.format(Locale.ROOT, "%.0f", sec));
            for (int k : layers) {
                if (k == n) {
                    out.add(new Trained(model, loss, sec));
                }
            }
            prev = model.parameters();
        }
        return new Curriculum(out, true);
    }

    /** Default steps between checkpoints of a curriculum depth (a multiple of the MLM log interval, 25). */
    public static final long CHECKPOINT_EVERY = 100;
}
