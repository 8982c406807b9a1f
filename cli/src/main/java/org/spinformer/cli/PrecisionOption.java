package org.spinformer.cli;

import org.spinformer.representations.imbalance.InformationImbalance;
import picocli.CommandLine.Option;

/** {@code --precision exact|float64|float32}: how the Information Imbalance computes its distances. */
final class PrecisionOption {
    @Option(names = "--precision", defaultValue = "exact",
            description = "Distances: exact (float32 speed; every comparison float32 could get wrong is redone in "
                    + "float64, so ranks are those of exact distances), float64, or float32 (fastest, near-ties may "
                    + "be misordered). Default: ${DEFAULT-VALUE}")
    String precision;

    /** {@code o} with the precision; exit 2 for an unknown one. */
    InformationImbalance.Options apply(InformationImbalance.Options o) {
        return o.withPrecision(CommonOptions.option("--precision", () -> InformationImbalance.Precision.parse(precision)));
    }
}
