package org.spinformer.cli;

import com.google.gson.JsonObject;
import org.spinformer.core.config.Records;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.language.corpus.Dataset;
import org.spinformer.language.corpus.WordTokenizer;
import org.spinformer.language.train.Mlm;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What {@code language train-factored} and {@code train-gpt} share: the run, corpus, model-size and checkpoint
 * options with their checks, and the steps around the training of one model per depth (the corpus and its
 * vocabulary in --out, the MLM options, {@code summary.json}).
 */
abstract class FactoredTrainingCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.Run run;

    @Mixin
    LanguageDataOptions data;

    @Mixin
    FactoredModelOptions size = new FactoredModelOptions();

    @Mixin
    CheckpointOptions checkpoints = new CheckpointOptions(100);

    /** With {@code --out} defaulting to {@code defaultOut}. */
    FactoredTrainingCommand(String defaultOut) {
        run = new CommonOptions.Run(defaultOut);
    }

    /** The depths, sorted and distinct, after the checks of the model size and of --checkpoint-every. */
    int[] depths() {
        int[] ls = size.depths();
        checkpoints.interval(); // checked with the sizes, before anything is read or written
        return ls;
    }

    /** The training options: --steps, --batch, --lr and --seed, and the {@code more} name/value pairs. */
    Mlm.Options training(Object... more) {
        Map<String, Object> set = Records.named("steps", size.steps, "batch", size.batch, "lr", size.lr,
                "seed", run.seed());
        set.putAll(Records.named(more));
        return Records.with(Mlm.Options.defaults(), set);
    }

    /** The corpus, with --out created and the word vocabulary saved there. */
    Dataset load() throws IOException {
        Dataset d = data.load();
        Files.createDirectories(run.out());
        saveVocab(d, run.out());
        return d;
    }

    /** {@code dir/vocab.txt} for a word tokenizer (a Hugging Face tokenizer is its own file). */
    static void saveVocab(Dataset d, Path dir) throws IOException {
        if (d.tokenizer() instanceof WordTokenizer w) {
            w.save(dir.resolve("vocab.txt"));
        }
    }

    /** Writes {@code summary.json} into --out and, with --json, prints it as the last stdout line. */
    void finish(JsonObject summary) throws IOException {
        JsonFiles.write(run.out().resolve("summary.json"), summary);
        if (run.json()) {
            System.out.println(summary);
        }
    }
}
