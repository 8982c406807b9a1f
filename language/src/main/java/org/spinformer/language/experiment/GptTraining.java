package org.spinformer.language.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import org.spinformer.core.engine.NoGrad;
import org.spinformer.core.train.RunHarness;
import org.spinformer.core.train.TrainLoop;
import org.spinformer.language.model.FactoredGpt;
import org.spinformer.language.train.Mlm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Next-token factored models ({@link FactoredGpt}) with n = 1, 2, … layers trained on a corpus, each in its own
 * core {@link RunHarness} ({@code checkpoints/gpt_n<k>/}, log {@code gpt_n<k>.jsonl}), so a killed run resumes;
 * then the test loss and exact clones by ancestral sampling.
 */
public final class GptTraining {
    private GptTraining() {}

    /** A trained depth: its model, test loss (nats per token) and exact clones int [N][T]. */
    public record Trained(FactoredGpt model, double testLoss, int[][] clones) {}

    /**
     * @param base   the configuration of every depth (its {@code layers} replaced by each of {@code layers})
     * @param every  steps between checkpoints
     * @param clones exact clones drawn per depth (0: none), never containing a token of {@code banned}
     */
    public static List<Trained> run(FactoredGpt.Config base, int[] layers, int[][] train, int[][] test,
                                    Mlm.Options opt, NDManager m, Path out, boolean resume, long every, int clones,
                                    Set<Integer> banned) throws IOException {
        List<Trained> done = new ArrayList<>();
        for (int n : layers) {
            FactoredGpt g = new FactoredGpt(new FactoredGpt.Config(base.vocab(), base.length(), base.dim(),
                    base.heads(), n, base.readoutAll(), base.seed()), m, DataType.FLOAT32);
            try (Mlm t = Mlm.nextToken(g, train, opt, m, null, "gpt n=" + n)) {
                JsonObject cfg = g.config().deepCopy();
                cfg.add("training", opt.toJson());
                RunHarness.Builder b = RunHarness.builder(out.resolve("checkpoints").resolve("gpt_n" + n))
                        .resume(resume).weights(g.parameters()).manager(m).config(cfg)
                        .logFile(out.resolve("gpt_n" + n + ".jsonl"));
                t.sections().forEach(b::section);
                try (RunHarness run = b.build()) {
                    t.run(run, every);
                }
            }
            double loss = testLoss(g, test, m);
            int[][] cl = clones > 0 ? toInts(g.sample(clones, base.seed() + 1000L * n, banned, m)) : new int[0][];
            done.add(new Trained(g, loss, cl));
        }
        return done;
    }

    /** Mean next-token cross-entropy over the windows, nats per token, no gradients. */
    public static double testLoss(FactoredGpt g, int[][] windows, NDManager base) {
        try (NoGrad noGrad = NoGrad.enter()) {
            double sum = 0;
            for (int from = 0; from < windows.length; from += 512) {
                int[] pick = new int[Math.min(512, windows.length - from)];
                for (int i = 0; i < pick.length; i++) {
                    pick[i] = from + i;
                }
                sum += TrainLoop.inStep(base, sm -> g.logProb(Mlm.windows(sm, windows, pick)).sum()
                        .toType(DataType.FLOAT64, false).getDouble());
            }
            double mean = -sum / ((double) windows.length * g.cfg().length());
            if (!Double.isFinite(mean)) {
                throw new IllegalStateException("test loss is not finite (" + mean + ")");
            }
            return mean;
        }
    }

    static int[][] toInts(NDArray ids) {
        long[] v = ids.toLongArray();
        int n = (int) ids.getShape().get(0);
        int t = (int) ids.getShape().get(1);
        int[][] out = new int[n][t];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < t; j++) {
                out[i][j] = (int) v[i * t + j];
            }
        }
        ids.close();
        return out;
    }
}
