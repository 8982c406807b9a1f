package org.spinformer.cli;

import org.spinformer.representations.imbalance.InformationImbalance;
import org.spinformer.representations.imbalance.Metric;
import picocli.CommandLine.Option;

/**
 * The Information Imbalance settings shared by {@code repr imbalance} and {@code repr layers}: neighbours, metric
 * and ties, parsed in one place.
 */
final class ImbalanceOptions {
    @Option(names = "--k", defaultValue = "1", description = "Neighbours per point (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--metric", defaultValue = "euclidean",
            description = "euclidean|cosine|hamming (hamming on sign-binarised coordinates; default: ${DEFAULT-VALUE}).")
    String metric;

    @Option(names = "--ties", defaultValue = "min",
            description = "Rank of tied distances: min (lowest rank of the group) or first (stable order by index). "
                    + "Default: ${DEFAULT-VALUE}")
    String ties;

    /** The options, or an IllegalArgumentException (exit 2) naming the first bad one of --k, --metric, --ties. */
    InformationImbalance.Options options() {
        return CommonOptions.option("--k", () -> InformationImbalance.Options.defaults().withK(k))
                .withMetric(CommonOptions.option("--metric", () -> Metric.parse(metric)))
                .withTies(CommonOptions.option("--ties", () -> InformationImbalance.Ties.parse(ties)));
    }
}
