package org.spinformer.cli;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import org.spinformer.core.device.Devices;
import org.spinformer.core.train.MetricsLog;
import org.spinformer.language.clones.CloneSampler;
import org.spinformer.language.corpus.Dataset;
import org.spinformer.language.corpus.WordTokenizer;
import org.spinformer.language.corpus.Windows;
import org.spinformer.language.model.MaskedLm;
import org.spinformer.language.model.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;

/** {@code spinformer language clones}. */
@Command(name = "clones", mixinStandardHelpOptions = true,
        description = {"Sample a clone corpus from a trained model (train-factored's model_n<k>/) by single-site "
                + "heat-bath or Metropolis updates with the model's masked conditional, starting from the test "
                + "windows of the corpus (or random tokens).",
                "Writes clones.txt, clones.tsv, clones.ids.npy, vocab.txt, sampling.jsonl (acceptance, mean "
                        + "log-conditional per sweep), checkpoints/clones/ (one checkpoint per chunk, for --resume)."})
public final class LanguageClonesCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.Run run = new CommonOptions.Run("runs/clones");

    @Option(names = "--model", required = true, description = "Model checkpoint directory (with vocab.txt).")
    Path model;

    @Option(names = "--corpus", defaultValue = "sotu", description = "Corpus whose test windows start the chains.")
    String corpus;

    @Option(names = "--test-fraction", defaultValue = "0.1", description = "Held-out fraction (as in training).")
    double testFraction;

    @Option(names = "--start", defaultValue = "test", description = "test | random (default: ${DEFAULT-VALUE}).")
    String start;

    @Option(names = "--count", defaultValue = "1000", description = "Number of clone windows.")
    int count;

    @Option(names = "--sweeps", defaultValue = "20", description = "Sweeps (T updates each).")
    int sweeps;

    @Option(names = "--rule", defaultValue = "heat-bath", description = "heat-bath | metropolis.")
    String rule;

    @Option(names = "--resume", description = "Continue the run in --out: the chunks of chains finished before an "
            + "interruption are restored from checkpoints/clones (saved after every chunk) and sampling goes on with "
            + "the random stream where it stopped: the clones equal an uninterrupted run's.")
    boolean resume;

    @Option(names = "--chunk", defaultValue = "64", description = "Chains updated together (default 64: fastest per chain on CPU, the batch stays in cache).")
    int chunk;

    @Override
    public Integer call() throws Exception {
        long seed = run.seed();
        Path out = run.out();
        boolean json = run.json();
        if (count < 1 || sweeps < 1 || chunk < 1) {
            throw new IllegalArgumentException("--count, --sweeps and --chunk must be >= 1");
        }
        CloneSampler.Rule r = switch (rule) {
            case "heat-bath" -> CloneSampler.Rule.HEAT_BATH;
            case "metropolis" -> CloneSampler.Rule.METROPOLIS;
            default -> throw new IllegalArgumentException("--rule must be heat-bath or metropolis, got " + rule);
        };
        Path vocab = model.resolve("vocab.txt");
        if (!Files.isRegularFile(vocab)) {
            throw new IllegalArgumentException("no vocab.txt in " + model + " (train it with train-factored)");
        }
        WordTokenizer tok = WordTokenizer.load(vocab);
        try (NDManager m = Devices.manager(run.device())) {
            MaskedLm lm = Models.load(model, m);
            if (lm.vocabSize() != tok.vocabSize()) {
                throw new IllegalArgumentException("vocab.txt has " + tok.vocabSize() + " tokens, the model " + lm.vocabSize());
            }
            int[][] init;
            if (start.equals("test")) {
                init = Windows.head(Dataset.load(corpus, tok, lm.length(), testFraction).windows().test(), count);
            } else if (start.equals("random")) {
                Random rnd = new Random(seed);
                init = new int[count][lm.length()];
                for (int[] w : init) {
                    for (int j = 0; j < w.length; j++) {
                        w[j] = 3 + rnd.nextInt(tok.vocabSize() - 3);
                    }
                }
            } else {
                throw new IllegalArgumentException("--start must be test or random, got " + start);
            }
            Files.createDirectories(out);
            CloneSampler.Result res;
            try (MetricsLog log = MetricsLog.create(out.resolve("sampling.jsonl"))) {
                res = new CloneSampler(lm, r, java.util.Set.of(tok.maskId(), tok.padId()))
                        .sample(init, sweeps, chunk, seed, m, log, "clones", out.resolve("checkpoints").resolve("clones"),
                                resume);
            }
            CloneSampler.write(out, res.clones(), tok, m);
            tok.save(out.resolve("vocab.txt"));
            var last = res.stats().get(res.stats().size() - 1);
            JsonObject s = new JsonObject();
            s.addProperty("clones", res.clones().length);
            s.addProperty("acceptance", last.acceptance());
            s.addProperty("changed", last.changed());
            s.addProperty("mean_log_conditional", last.meanLogConditional());
            s.addProperty("seconds", res.seconds());
            System.err.printf("%d clones in %.1f s; last sweep: acceptance %.3f, changed %.3f, mean log-conditional "
                    + "%.3f%n", res.clones().length, res.seconds(), last.acceptance(), last.changed(),
                    last.meanLogConditional());
            if (json) {
                System.out.println(s);
            }
        }
        return 0;
    }
}
