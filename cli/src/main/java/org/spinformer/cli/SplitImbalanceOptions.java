package org.spinformer.cli;

import org.spinformer.representations.imbalance.InformationImbalance;
import picocli.CommandLine.Mixin;

import java.util.function.IntFunction;

/**
 * The Information Imbalance settings of the token analyses ({@code --k --metric --ties}, {@code --precision},
 * {@code --normalisation --halves}), for a number of points known only after the texts are filtered.
 */
final class SplitImbalanceOptions {
    @Mixin
    ImbalanceOptions basic = new ImbalanceOptions();
    @Mixin
    PrecisionOption precision = new PrecisionOption();
    @Mixin
    CommonOptions.NormalisationOption normalisation = new CommonOptions.NormalisationOption();

    /** For n points: the options with the normalisation and, for paper, the half/half split (all checked now). */
    IntFunction<InformationImbalance.Options> forPoints(long seed) {
        InformationImbalance.Options o = precision.apply(basic.options());
        normalisation.apply(o, 2 * o.k() + 4, 0); // validates --normalisation and --halves before any work
        return n -> normalisation.apply(o, n, seed);
    }
}
