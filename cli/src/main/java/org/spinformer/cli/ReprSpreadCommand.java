package org.spinformer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.spinformer.core.device.Devices;
import org.spinformer.representations.data.Pairs;
import org.spinformer.representations.experiment.Pieces;
import org.spinformer.representations.experiment.TokenSpread;
import org.spinformer.representations.imbalance.InformationImbalance;
import org.spinformer.representations.models.HiddenStateModel;
import org.spinformer.representations.models.HiddenStates;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/** {@code spinformer repr spread}: Δ between translation pairs vs the number of last tokens, mean or concatenated. */
@Command(name = "spread", mixinStandardHelpOptions = true,
        description = "How semantic information spreads over tokens: Δ between the two sides of aligned pairs when "
                + "each text is represented by its last n tokens, averaged (mean) or concatenated (concat), per layer; "
                + "writes spread.json, spread.csv and plots.")
public final class ReprSpreadCommand extends ReprAnalysisCommand {

    @Mixin
    ModelOption modelOpt = new ModelOption();

    @Option(names = "--tokens", split = ",", defaultValue = "1,2,4,8,16",
            description = "Numbers of last tokens, increasing (default: ${DEFAULT-VALUE}).")
    List<Integer> tokens;

    @Mixin
    LayersOption layersOpt = new LayersOption();

    @Option(names = "--drop", defaultValue = "-1",
            description = "Trailing tokens left out before the window (-1 = the tokenizer's trailing special tokens, "
                    + "e.g. BERT's [SEP]; default: ${DEFAULT-VALUE}).")
    int drop;

    @Override
    Integer analyse(long seed, Path out, int n, String pairs,
            IntFunction<InformationImbalance.Options> imbalance) throws Exception {
        int[] ns = tokens.stream().mapToInt(Integer::intValue).toArray();
        String model = modelOpt.checked();
        int[] ls = layersOpt.checked(model);
        if (drop < -1) {
            throw new IllegalArgumentException("--drop must be >= 0 (or -1 for automatic), got " + drop);
        }
        var settings = CommonOptions.option("--tokens", () -> new TokenSpread.Settings(ns, ls, drop, imbalance, analysis.compute.batchTokens));
        Pairs all = Pairs.parse(pairs);
        Device dev = run.device();
        long t0 = System.nanoTime();
        TokenSpread.Result r;
        Pieces pieces;
        try (HiddenStateModel m = load(model, dev);
             NDManager nd = Devices.manager(dev)) {
            HiddenStates.checkLayers(m.layers(), ls);
            // tokenise a seeded sample of 4n candidates first (tokenising all 31k verses takes ~30 s), all if short
            Pairs kept = TokenSpread.longEnough(m, all.sample(Math.min(all.size(), 4 * n), seed), ns[ns.length - 1], drop);
            if (kept.size() < n && 4 * n < all.size()) {
                kept = TokenSpread.longEnough(m, all, ns[ns.length - 1], drop);
            }
            if (n > kept.size()) {
                throw new IllegalArgumentException("--n " + n + " but only " + kept.size() + " pairs of " + pairs
                        + " have " + ns[ns.length - 1] + " tokens on both sides");
            }
            spec.commandLine().getErr().printf(Locale.ROOT, "repr spread: %s, %d candidate pairs long enough, drawing %d%n", m.name(),
                    kept.size(), n);
            spec.commandLine().getErr().flush();
            Pairs drawn = kept.sample(n, seed);
            List<String> both = new java.util.ArrayList<>(drawn.a());
            both.addAll(drawn.b());
            pieces = pieces(out, both);
            r = TokenSpread.run(m, drawn, settings, nd, pieces);
        }
        TokenSpread.write(r, out);
        pieces.finish();
        double secs = (System.nanoTime() - t0) / 1e9;
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%s, %s ↔ %s, N = %d, k = %d, %s; Δ̄ = (Δ(A→B) + Δ(B→A))/2%n", r.model(), r.nameA(),
                r.nameB(), r.n(), r.k(), r.normalisation());
        for (int mode = 0; mode < 2; mode++) {
            StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-7s layer", TokenSpread.MODES[mode]));
            for (int t : r.ns()) {
                head.append(String.format(Locale.ROOT, "  n=%-4d", t));
            }
            o.println(head);
            for (int li = 0; li < r.layers().length; li++) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%13d", r.layers()[li]));
                for (int ni = 0; ni < r.ns().length; ni++) {
                    row.append(String.format(Locale.ROOT, "  %.4f", (r.aToB()[mode][li][ni] + r.bToA()[mode][li][ni]) / 2));
                }
                o.println(row);
            }
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("layers", r.layers());
        j.put("tokens", r.ns());
        j.put("mean_a_to_b", r.aToB()[0]);
        j.put("mean_b_to_a", r.bToA()[0]);
        j.put("concat_a_to_b", r.aToB()[1]);
        j.put("concat_b_to_a", r.bToA()[1]);
        finish(out, r.n(), r.extractSeconds(), r.imbalanceSeconds(), secs, j);
        return 0;
    }
}
