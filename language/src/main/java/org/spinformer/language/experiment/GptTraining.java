package org.spinformer.language.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import org.spinformer.core.nn.Parameters;
import org.spinformer.core.train.RunHarness;
import org.spinformer.language.corpus.Windows;
import org.spinformer.language.model.FactoredGpt;
import org.spinformer.language.train.Mlm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Next-token factored models ({@link FactoredGpt}) with n = 1, 2, … layers trained on a corpus, each in its own
 * core {@link RunHarness} ({@code checkpoints/gpt_n<k>/}, log {@code gpt_n<k>.jsonl}), so a killed run resumes;
 * then the test loss and exact clones by ancestral sampling.
 *
 * <p>By default the depths are trained as a curriculum, as {@link FactoredTraining#curriculum} does for the masked
 * models: every depth 1..max is trained in turn, depth k+1 starts from the trained depth-k parameters with the new
 * layer's readout at 0 (so it starts exactly at depth k's distribution) and with the peak learning rate times
 * {@value #LR_DECAY_PER_LAYER}^(k). Cold-started deeper models under-fit (their test loss rose with depth).
 */
public final class GptTraining {
    private GptTraining() {}

    /** The curriculum's learning-rate factor per extra layer (as the masked-model curriculum). */
    public static final double LR_DECAY_PER_LAYER = 0.5;

    /** A trained depth: its model, test loss (nats per token) and exact clones int [N][T]. */
    public record Trained(FactoredGpt model, double testLoss, int[][] clones) {}

    /**
     * @param base       the configuration of every depth (its {@code layers} replaced by each of {@code layers})
     * @param curriculum train depths 1..max(layers), each warm-started from the previous one with the learning rate
     *                   decayed per layer (returning those in {@code layers}); false: each depth of {@code layers}
     *                   from scratch with {@code opt}
     * @param resume     restore finished depths from {@code out/checkpoints/gpt_n<k>/} and continue an interrupted
     *                   one (a warm start then comes from the restored previous depth)
     * @param every      steps between checkpoints
     * @param clones     exact clones drawn per returned depth (0: none), never containing a token of {@code banned}
     */
    public static List<Trained> run(FactoredGpt.Config base, int[] layers, int[][] train, int[][] test,
                                    Mlm.Options opt, boolean curriculum, NDManager m, Path out, boolean resume,
                                    long every, int clones, Set<Integer> banned) throws IOException {
        List<Trained> done = new ArrayList<>();
        Set<Integer> wanted = new TreeSet<>();
        for (int n : layers) {
            wanted.add(n);
        }
        List<Integer> depths = new ArrayList<>();
        int maxN = wanted.stream().mapToInt(Integer::intValue).max().orElseThrow();
        for (int n = 1; n <= maxN; n++) {
            if (curriculum || wanted.contains(n)) {
                depths.add(n);
            }
        }
        FactoredGpt prev = null;
        for (int n : depths) {
            FactoredGpt g = curriculum ? warmStart(prev, base, n, m) : new FactoredGpt(new FactoredGpt.Config(
                    base.vocab(), base.length(), base.dim(), base.heads(), n, base.readoutAll(), base.seed()), m,
                    DataType.FLOAT32);
            Mlm.Options o = curriculum ? opt.withLr(opt.lr() * Math.pow(LR_DECAY_PER_LAYER, n - 1)) : opt;
            try (Mlm t = Mlm.nextToken(g, train, o, m, null, "gpt n=" + n)) {
                JsonObject cfg = g.config().deepCopy();
                cfg.add("training", o.toJson());
                cfg.addProperty("warm_start", curriculum && n > 1 ? "gpt_n" + (n - 1) : "none");
                RunHarness.Builder b = RunHarness.builder(out.resolve("checkpoints").resolve("gpt_n" + n))
                        .resume(resume).weights(g.parameters()).manager(m).config(cfg)
                        .logFile(out.resolve("gpt_n" + n + ".jsonl"));
                t.sections().forEach(b::section);
                try (RunHarness run = b.build()) {
                    t.run(run, every);
                }
            }
            prev = g;
            if (!wanted.contains(n)) {
                continue;
            }
            double loss = testLoss(g, test, m);
            int[][] cl = clones > 0 ? toInts(g.sample(clones, base.seed() + 1000L * n, banned, m)) : new int[0][];
            done.add(new Trained(g, loss, cl));
        }
        return done;
    }

    /**
     * The n-layer model of {@code base}'s shape warm-started from {@code prev} (its parameters copied; the new
     * layer initialised, its readout at 0), or a fresh one when {@code prev} is null. Before any training step it
     * gives the same log-probabilities as {@code prev}.
     */
    public static FactoredGpt warmStart(FactoredGpt prev, FactoredGpt.Config base, int n, NDManager m) {
        FactoredGpt.Config c = new FactoredGpt.Config(base.vocab(), base.length(), base.dim(), base.heads(), n,
                base.readoutAll(), base.seed());
        if (prev == null) {
            return new FactoredGpt(c, m, DataType.FLOAT32);
        }
        if (!base.readoutAll()) {
            throw new IllegalArgumentException("a warm start needs a readout from every layer (readoutAll)");
        }
        Parameters p = new Parameters();
        for (var e : prev.parameters()) {
            p.put(e.getKey(), e.getValue().duplicate());
        }
        return new FactoredGpt(c, m, p, prev.parameters().floatType());
    }

    /** Mean next-token cross-entropy over the windows, nats per token, no gradients. */
    public static double testLoss(FactoredGpt g, int[][] windows, NDManager base) {
        double sum = Windows.sumOverBatches(windows, 512, base, ids -> g.logProb(ids).sum());
        double mean = -sum / ((double) windows.length * g.cfg().length());
        if (!Double.isFinite(mean)) {
            throw new IllegalStateException("test loss is not finite (" + mean + ")");
        }
        return mean;
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
