package org.spinformer.cli;

import org.spinformer.language.corpus.Dataset;
import picocli.CommandLine.Option;

import java.io.IOException;

/** Corpus and tokenizer options shared by the language subcommands. */
public final class LanguageDataOptions {
    @Option(names = "--corpus", defaultValue = "sotu",
            description = "moby-dick | sotu (embedded) | FILE | FILE.tsv[.gz]#column | FILE.jsonl#field "
                    + "(default: ${DEFAULT-VALUE}).")
    String corpus;

    @Option(names = "--tokenizer", defaultValue = "words",
            description = "words (V most frequent lower-cased words and punctuation) or a Hugging Face "
                    + "tokenizer.json path (default: ${DEFAULT-VALUE}).")
    String tokenizer;

    @Option(names = "--vocab", defaultValue = "2000", description = "Word vocabulary size V incl. <pad> <unk> <mask> "
            + "(default: ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--length", defaultValue = "24", description = "Window length T in tokens (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--test-fraction", defaultValue = "0.1", description = "Last fraction of the text held out "
            + "(default: ${DEFAULT-VALUE}).")
    double testFraction;

    Dataset load() throws IOException {
        if (vocab < 4 || length < 2 || !(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("need --vocab >= 4, --length >= 2, 0 < --test-fraction < 1");
        }
        return Dataset.load(corpus, tokenizer, vocab, length, testFraction);
    }
}
