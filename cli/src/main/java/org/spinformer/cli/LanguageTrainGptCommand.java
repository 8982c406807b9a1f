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
import java.util.List;
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

    @Option(names = "--layers", split = ",", defaultValue = "1,2,3", description = "Depths n (default: "
            + "${DEFAULT-VALUE}).")
    List<Integer> layers;

    @Option(names = "--dim", defaultValue = "64", description = "Width D (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--heads", defaultValue = "4", description = "Heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--steps", defaultValue = "1500", description = "AdamW steps per depth (default: "
            + "${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch", defaultValue = "128", description = "Windows per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "0.003", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

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
        int[] ls = layers.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
        if (ls.length == 0 || ls[0] < 1 || ls[ls.length - 1] > 6) {
            throw new IllegalArgumentException("--layers must be in 1..6");
        }
        if (dim < 1 || heads < 1 || dim % heads != 0) {
            throw new IllegalArgumentException("--dim (" + dim + ") must be a positive multiple of --heads (" + heads
                    + ")");
        }
        if (clones < 0 || checkpointEvery < 1) {
            throw new IllegalArgumentException("--clones must be >= 0 and --checkpoint-every >= 1");
        }
        Mlm.Options opt = org.spinformer.core.config.Records.with(Mlm.Options.defaults(), java.util.Map.of("steps",
                steps, "batch", batch, "lr", lr, "seed", run.seed()));
        Dataset d = data.load();
        Path out = run.out();
        Files.createDirectories(out);
        if (d.tokenizer() instanceof WordTokenizer w) {
            w.save(out.resolve("vocab.txt"));
        }
        FactoredGpt.Config base = new FactoredGpt.Config(d.tokenizer().vocabSize(), data.length, dim, heads, 1, true,
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
