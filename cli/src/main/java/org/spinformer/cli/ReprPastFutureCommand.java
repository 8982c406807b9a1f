package org.spinformer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.spinformer.core.device.Devices;
import org.spinformer.representations.data.Pairs;
import org.spinformer.representations.experiment.PastFuture;
import org.spinformer.representations.experiment.Pieces;
import org.spinformer.representations.imbalance.InformationImbalance;
import org.spinformer.representations.models.HiddenStateModel;
import org.spinformer.representations.models.HiddenStates;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/** {@code spinformer repr pastfuture}: Δ between the first and the second half of the same texts, both ways. */
@Command(name = "pastfuture", mixinStandardHelpOptions = true,
        description = "The past/future asymmetry: each text's content tokens are cut in two halves, each run through "
                + "the model alone (--passes separate) or both pooled from one pass (joint); Δ(past → future) and "
                + "Δ(future → past) between the mean states of the halves, per layer, with the shuffled control; "
                + "writes pastfuture.json, pastfuture.csv and a plot.")
public final class ReprPastFutureCommand extends ReprAnalysisCommand {
    @Mixin
    AnalysisOptions.Side sideOpt = new AnalysisOptions.Side();

    @Mixin
    ModelOption modelOpt = new ModelOption();

    @Option(names = "--min-tokens", defaultValue = "8",
            description = "Least content tokens of a text (special tokens not counted; at least 2; default: ${DEFAULT-VALUE}).")
    int minTokens;

    @Option(names = "--passes", defaultValue = "separate",
            description = "separate: the prefix and the suffix each run alone (neither has seen the other, as in the "
                    + "paper); joint: both halves pooled from one pass over the whole text (default: ${DEFAULT-VALUE}).")
    String passes;

    @Mixin
    LayersOption layersOpt = new LayersOption();

    @Override
    Integer analyse(long seed, Path out, int n, String pairs,
            IntFunction<InformationImbalance.Options> imbalance) throws Exception {
        boolean sideA = sideOpt.a();
        String model = modelOpt.checked();
        int[] ls = layersOpt.checked(model);
        PastFuture.Passes mode = PastFuture.Passes.parse(passes);
        if (minTokens < 2) {
            throw new IllegalArgumentException("--min-tokens must be >= 2 (one token per half), got " + minTokens);
        }
        Pairs all = Pairs.parse(pairs);
        String name = sideA ? all.nameA() : all.nameB();
        Device dev = run.device();
        long t0 = System.nanoTime();
        PastFuture.Result r;
        Pieces pieces;
        try (HiddenStateModel m = load(model, dev);
             NDManager nd = Devices.manager(dev)) {
            HiddenStates.checkLayers(m.layers(), ls);
            // tokenise a seeded sample of 4n candidates first (all 31k verses take ~15 s), all if too few are long
            Pairs cand = all.sample(Math.min(all.size(), 4 * n), seed);
            List<String> kept = PastFuture.longEnough(m, sideA ? cand.a() : cand.b(), minTokens);
            if (kept.size() < n && 4 * n < all.size()) {
                kept = PastFuture.longEnough(m, sideA ? all.a() : all.b(), minTokens);
            }
            if (n > kept.size()) {
                throw new IllegalArgumentException("--n " + n + " but only " + kept.size() + " texts of " + pairs
                        + " have " + minTokens + " content tokens");
            }
            spec.commandLine().getErr().printf(Locale.ROOT, "repr pastfuture: %s, %d candidate texts long enough, drawing %d%n",
                    m.name(), kept.size(), n);
            spec.commandLine().getErr().flush();
            int[] perm = InformationImbalance.permutation(kept.size(), seed);
            int[] pick = java.util.Arrays.copyOf(perm, n);
            java.util.Arrays.sort(pick);
            List<String> texts = new ArrayList<>();
            for (int i : pick) {
                texts.add(kept.get(i));
            }
            pieces = pieces(out, texts);
            r = PastFuture.run(m, name, texts, minTokens, ls, mode, imbalance, seed, analysis.compute.batchTokens, nd,
                    pieces);
        }
        PastFuture.write(r, out);
        pieces.finish();
        double secs = (System.nanoTime() - t0) / 1e9;
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%s, %s, N = %d (mean %.1f content tokens), %s passes, k = %d, %s%n", r.model(),
                r.texts(), r.n(), r.meanTokens(), r.passes(), r.k(), r.normalisation());
        o.println("layer  Δ(past→future)  Δ(future→past)  shuffled");
        for (int li = 0; li < r.layers().length; li++) {
            o.printf(Locale.ROOT, "%5d  %.4f ± %.4f  %.4f ± %.4f  %.3f/%.3f%n", r.layers()[li], r.pastToFuture()[li],
                    r.pastToFutureErr()[li], r.futureToPast()[li], r.futureToPastErr()[li],
                    r.shuffledPastToFuture()[li], r.shuffledFutureToPast()[li]);
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("layers", r.layers());
        j.put("past_to_future", r.pastToFuture());
        j.put("future_to_past", r.futureToPast());
        finish(out, r.n(), r.extractSeconds(), r.imbalanceSeconds(), secs, j);
        return 0;
    }
}
