package org.spinformer.cli;

import picocli.CommandLine.Option;

/**
 * {@code --resume} and {@code --checkpoint-every} of the language commands that train a series of models in one run
 * directory ({@code train-factored} and {@code train-gpt}: one per depth; {@code potts}: one per sample count),
 * with the check of the interval in one place.
 */
final class CheckpointOptions {
    @Option(names = "--resume", description = "Continue the run in --out: the models already trained are restored, "
            + "an interrupted training continues from its last checkpoint.")
    boolean resume;

    @Option(names = "--checkpoint-every", description = "Training steps between checkpoints (default: "
            + "${DEFAULT-VALUE}).")
    long checkpointEvery;

    /** Checkpoints every {@code checkpointEvery} steps unless told otherwise. */
    CheckpointOptions(long checkpointEvery) {
        this.checkpointEvery = checkpointEvery;
    }

    /** For picocli; commands pass their default. */
    CheckpointOptions() {
        this(100);
    }

    /** The interval in steps, or an IllegalArgumentException (exit 2) naming --checkpoint-every. */
    long interval() {
        return CommonOptions.atLeast("--checkpoint-every", checkpointEvery, 1);
    }
}
