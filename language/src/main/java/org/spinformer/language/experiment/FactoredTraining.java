package org.spinformer.language.experiment;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.spinformer.core.nn.Parameters;
import org.spinformer.core.train.MetricsLog;
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

    /**
     * @param base    template config (its {@code layers} is ignored)
     * @param layers  which depths to return, e.g. 1, 2, 3 (trained in increasing order, each from the previous)
     * @param logDir  where {@code factored_n<k>.jsonl} logs go, or null
     */
    public static List<Trained> curriculum(FactoredMlm.Config base, int[] layers, int[][] train, int[][] test,
                                           Mlm.Options opt, double lrDecayPerLayer, NDManager m, Path logDir)
            throws IOException {
        List<Trained> out = new ArrayList<>();
        Parameters prev = null;
        int maxN = layers[layers.length - 1];
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
            try (MetricsLog log = logDir == null ? null : MetricsLog.create(logDir.resolve("factored_n" + n
                    + ".jsonl")); Mlm t = new Mlm(model, train, o, m, log, "factored n=" + n)) {
                t.train(o.steps());
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
        return out;
    }
}
