package org.spinformer.cli;

import picocli.CommandLine.Option;

import java.util.List;

/**
 * The model and training size options that {@code language train-factored} and {@code train-gpt} share: depths,
 * width, heads, steps per depth, batch and peak learning rate, checked in one place.
 */
final class FactoredModelOptions {
    @Option(names = "--layers", defaultValue = "1,2,3", split = ",", description = "Depths n (default: "
            + "${DEFAULT-VALUE}).")
    List<Integer> layers;

    @Option(names = "--dim", defaultValue = "64", description = "Width D (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--heads", defaultValue = "4", description = "Heads H (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--steps", defaultValue = "1500", description = "Steps per depth (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch", defaultValue = "128", description = "Windows per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "0.003", description = "Peak AdamW learning rate (default: "
            + "${DEFAULT-VALUE}); train-factored uses lr·0.5^(n−1) at depth n.")
    double lr;

    /** The depths, sorted and distinct, after the checks of --layers, --dim and --heads. */
    int[] depths() {
        int[] ls = layers.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
        if (ls.length == 0 || ls[0] < 1 || ls[ls.length - 1] > 6) {
            throw new IllegalArgumentException("--layers must be in 1..6");
        }
        if (dim < 1 || heads < 1 || dim % heads != 0) {
            throw new IllegalArgumentException("--dim (" + dim + ") must be a positive multiple of --heads (" + heads
                    + ")");
        }
        return ls;
    }
}
