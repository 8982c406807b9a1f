package org.spinformer.cli;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import org.spinformer.core.device.Devices;
import org.spinformer.language.corpus.Dataset;
import org.spinformer.language.experiment.FactoredTraining;
import org.spinformer.language.model.FactoredMlm;
import org.spinformer.language.model.Models;
import org.spinformer.language.train.Mlm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code spinformer language train-factored}. */
@Command(name = "train-factored", mixinStandardHelpOptions = true,
        description = {"Train factored-attention MLMs (n layers, x² activations) on a corpus by single-site masking; "
                + "depth k+1 is warm-started from depth k (curriculum 1..n).",
                "Writes model_n<k>/ (checkpoint), vocab.txt, factored_n<k>.jsonl, summary.json; training checkpoints "
                        + "in checkpoints/factored_n<k>/ (every 100 steps), so --resume continues a killed run."})
public final class LanguageTrainFactoredCommand extends FactoredTrainingCommand {
    @Option(names = "--form", defaultValue = "free", description = "Attention form: free | softmax.")
    String form;

    @Option(names = "--warmup", defaultValue = "100", description = "Warm-up steps.")
    long warmup;

    @Option(names = "--clip", defaultValue = "1.0", description = "Global gradient-norm clip (0 = off).")
    double clip;

    @Option(names = "--optimizer", defaultValue = "adamw", description = "adamw | sgd.")
    String optimizer;

    @Option(names = "--max-minutes", defaultValue = "0", description = "Wall-clock budget in minutes: stop (saved) "
            + "when spent; --resume continues; 0 = none (default: ${DEFAULT-VALUE}).")
    double maxMinutes;

    public LanguageTrainFactoredCommand() {
        super("runs/factored");
    }

    @Override
    public Integer call() throws Exception {
        if (!(maxMinutes >= 0) || Double.isInfinite(maxMinutes)) {
            throw new IllegalArgumentException("--max-minutes must be a finite number >= 0, got " + maxMinutes);
        }
        long seed = run.seed();
        Path out = run.out();
        int[] ls = depths(); // checked before anything is read or written
        if (!form.equals("free") && !form.equals("softmax")) {
            throw new IllegalArgumentException("--form must be free or softmax, got '" + form + "'");
        }
        Mlm.Options opt = training("warmup", warmup, "clip", clip, "optimizer", Mlm.Method.parse(optimizer));
        Dataset d = load();
        FactoredMlm.Config cfg = new FactoredMlm.Config(d.tokenizer().vocabSize(), data.length, size.dim, size.heads, 1, form,
                true, d.tokenizer().maskId(), seed);
        JsonObject summary = new JsonObject();
        try (NDManager m = Devices.manager(run.device())) {
            FactoredTraining.Curriculum c = FactoredTraining.curriculum(cfg, ls, d.windows().train(),
                    d.windows().test(), opt, 0.5, m, out, checkpoints.resume, maxMinutes * 60, checkpoints.interval());
            if (!c.complete()) {
                System.err.println("wall-clock budget spent; run again with --resume to continue");
            }
            summary.addProperty("complete", c.complete());
            for (var t : c.trained()) {
                int n = t.model().cfg().layers();
                JsonObject extra = new JsonObject();
                extra.addProperty("corpus", data.corpus);
                extra.addProperty("tokenizer", data.tokenizer);
                extra.addProperty("test_loss", t.testLoss());
                Models.save(out.resolve("model_n" + n), t.model(), size.steps, extra);
                saveVocab(d, out.resolve("model_n" + n));
                summary.addProperty("test_loss_n" + n, t.testLoss());
                System.err.printf("n=%d test loss %.4f nats/token (%.0f s)%n", n, t.testLoss(), t.seconds());
            }
        }
        finish(summary);
        return 0;
    }
}
