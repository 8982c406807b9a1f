package org.spinformer.cli;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import org.spinformer.core.device.Devices;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.language.clones.CloneSampler;
import org.spinformer.language.corpus.Dataset;
import org.spinformer.language.corpus.WordTokenizer;
import org.spinformer.language.experiment.GptTraining;
import org.spinformer.language.model.FactoredGpt;
import org.spinformer.language.train.Mlm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code spinformer language train-gpt}: next-token factored models and their exact clones. */
@Command(name = "train-gpt", mixinStandardHelpOptions = true,
        description = {"Train next-token (causal) factored-attention models with n layers (x² between layers) on a "
                + "corpus, then draw exact clones from each by ancestral sampling.",
                "Writes gpt_n<k>.jsonl (training log), checkpoints/gpt_n<k>/ (for --resume), clone_n<k>/ "
                        + "(clones.txt, clones.tsv, clones.ids.npy), vocab.txt, summary.json (test loss per depth)."})
public final class LanguageTrainGptCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.Run run = new CommonOptions.Run("runs/gpt");

    @Mixin
    LanguageDataOptions data;

    @Mixin
    FactoredModelOptions size = new FactoredModelOptions();

    @Option(names = "--clones", defaultValue = "1000", description = "Exact clones per depth (0: none; default: "
            + "${DEFAULT-VALUE}).")
    int clones;

    @Option(names = "--checkpoint-every", defaultValue = "100", description = "Steps between checkpoints "
            + "(default: ${DEFAULT-VALUE}).")
    long checkpointEvery;

    @Option(names = "--resume", description = "Continue the run in --out: finished depths are restored, the "
            + "interrupted one continues from its last checkpoint.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        int[] ls = size.depths();
        if (clones < 0 || checkpointEvery < 1) {
            throw new IllegalArgumentException("--clones must be >= 0 and --checkpoint-every >= 1");
        }
        Mlm.Options opt = org.spinformer.core.config.Records.with(Mlm.Options.defaults(), java.util.Map.of("steps",
                size.steps, "batch", size.batch, "lr", size.lr, "seed", run.seed()));
        Dataset d = data.load();
        Path out = run.out();
        Files.createDirectories(out);
        if (d.tokenizer() instanceof WordTokenizer w) {
            w.save(out.resolve("vocab.txt"));
        }
        FactoredGpt.Config base = new FactoredGpt.Config(d.tokenizer().vocabSize(), data.length, size.dim, size.heads, 1, true,
                run.seed());
        JsonObject summary = new JsonObject();
        try (NDManager m = Devices.manager(run.device())) {
            for (GptTraining.Trained t : GptTraining.run(base, ls, d.windows().train(), d.windows().test(), opt, m,
                    out, resume, checkpointEvery, clones, d.specialIds())) {
                int n = t.model().cfg().layers();
                summary.addProperty("test_loss_n" + n, t.testLoss());
                System.err.printf("n=%d test loss %.4f nats/token%n", n, t.testLoss());
                if (t.clones().length > 0) {
                    CloneSampler.write(out.resolve("clone_n" + n), t.clones(), d.tokenizer(), m);
                }
            }
        }
        JsonFiles.write(out.resolve("summary.json"), summary);
        if (run.json()) {
            System.out.println(summary);
        }
        return 0;
    }
}
