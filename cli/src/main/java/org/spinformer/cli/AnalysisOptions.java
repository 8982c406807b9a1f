package org.spinformer.cli;

import org.spinformer.representations.imbalance.InformationImbalance;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.function.IntFunction;

/**
 * What the token analyses ({@code repr spread}, {@code repr pastfuture}, {@code repr cross}) share: where the texts
 * come from and how many, the model's compute type and batch size, and the Information Imbalance settings, each
 * checked in one place.
 */
final class AnalysisOptions {
    @Option(names = "--pairs", defaultValue = "bible:en_kjv,es_rv1909",
            description = "Where the texts come from: bible:COL_A,COL_B, FILE.tsv:COL_A,COL_B or a two-column FILE.tsv "
                    + "(default: ${DEFAULT-VALUE}).")
    String pairs;

    @Option(names = "--n", defaultValue = "400", description = "Texts (pairs) drawn, among those long enough "
            + "(default: ${DEFAULT-VALUE}).")
    int n;

    @Mixin
    ComputeOptions compute = new ComputeOptions();

    @Mixin
    SplitImbalanceOptions imb = new SplitImbalanceOptions();

    /**
     * The imbalance settings for a number of points (with the paper's split drawn from {@code seed}), after checking
     * {@code --n} against {@code --k} and {@code --batch-tokens}; exit 2 on a bad value.
     */
    IntFunction<InformationImbalance.Options> imbalance(long seed) {
        IntFunction<InformationImbalance.Options> f = imb.forPoints(seed);
        if (n < 2 * imb.basic.k + 4) {
            throw new IllegalArgumentException("--n " + n + " too small for k = " + imb.basic.k);
        }
        CommonOptions.atLeast("--batch-tokens", compute.batchTokens, 1);
        return f;
    }

    /** {@code --side a|b}: which side of the pairs a one-sided analysis reads. */
    static final class Side {
        @Option(names = "--side", defaultValue = "a", description = "Which side of the pairs: a or b "
                + "(default: ${DEFAULT-VALUE}).")
        String side;

        /** True for side a; exit 2 for anything but a or b. */
        boolean a() {
            String sd = side.trim().toLowerCase(Locale.ROOT);
            if (!sd.equals("a") && !sd.equals("b")) {
                throw new IllegalArgumentException("--side must be a or b, got '" + side + "'");
            }
            return sd.equals("a");
        }
    }
}
