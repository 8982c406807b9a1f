package org.spinformer.cli;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import org.spinformer.core.device.Devices;
import org.spinformer.language.clones.CloneSampler;
import org.spinformer.language.corpus.Dataset;
import org.spinformer.language.experiment.GptTraining;
import org.spinformer.language.model.FactoredGpt;
import org.spinformer.language.train.Mlm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code spinformer language train-gpt}: next-token factored models and their exact clones. */
@Command(name = "train-gpt", mixinStandardHelpOptions = true,
        description = {"Train next-token (causal) factored-attention models with n layers (x² between layers) on a "
                + "corpus, then draw exact clones from each by ancestral sampling.",
                "Writes gpt_n<k>.jsonl (training log), checkpoints/gpt_n<k>/ (for --resume), clone_n<k>/ "
                        + "(clones.txt, clones.tsv, clones.ids.npy), vocab.txt, summary.json (test loss per depth)."})
public final class LanguageTrainGptCommand extends FactoredTrainingCommand {
    @Option(names = "--clones", defaultValue = "1000", description = "Exact clones per depth (0: none; default: "
            + "${DEFAULT-VALUE}).")
    int clones;

    @Option(names = "--no-curriculum", description = "Train each depth from scratch instead of the curriculum "
            + "(default: depths 1..max in turn, depth k+1 warm-started from the trained depth k, new readout at 0, "
            + "peak learning rate halved per extra layer).")
    boolean noCurriculum;

    public LanguageTrainGptCommand() {
        super("runs/gpt");
    }

    @Override
    public Integer call() throws Exception {
        int[] ls = depths();
        CommonOptions.atLeast("--clones", clones, 0);
        Mlm.Options opt = training();
        Dataset d = load();
        Path out = run.out();
        FactoredGpt.Config base = new FactoredGpt.Config(d.tokenizer().vocabSize(), data.length, size.dim, size.heads, 1, true,
                run.seed());
        JsonObject summary = new JsonObject();
        try (NDManager m = Devices.manager(run.device())) {
            for (GptTraining.Trained t : GptTraining.run(base, ls, d.windows().train(), d.windows().test(), opt,
                    !noCurriculum, m,
                    out, checkpoints.resume, checkpoints.interval(), clones, d.specialIds())) {
                int n = t.model().cfg().layers();
                summary.addProperty("test_loss_n" + n, t.testLoss());
                System.err.printf("n=%d test loss %.4f nats/token%n", n, t.testLoss());
                if (t.clones().length > 0) {
                    CloneSampler.write(out.resolve("clone_n" + n), t.clones(), d.tokenizer(), m);
                }
            }
        }
        finish(summary);
        return 0;
    }
}
