package org.spinformer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.spinformer.core.device.Devices;
import org.spinformer.representations.data.Pairs;
import org.spinformer.representations.experiment.TokenDistance;
import org.spinformer.representations.imbalance.InformationImbalance;
import org.spinformer.representations.models.HiddenStateModel;
import org.spinformer.representations.models.HiddenStates;
import org.spinformer.representations.models.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/** {@code spinformer repr distance}: Δ between the state of a token and of the token d positions later, vs d. */
@Command(name = "distance", mixinStandardHelpOptions = true,
        description = {"Long-distance correlations between token positions: for each layer and distance d, X = the "
                + "state of the token at an anchor position t (the first --anchors content tokens, after the leading "
                + "special tokens) and Y = the state of the token at t + d in the same text, over N texts; "
                + "Δ(X→Y) and Δ(Y→X) averaged over the anchors, with standard errors over texts, and the shuffled "
                + "control Δ(X→Y[π]) (≈ 1). Only texts with at least lead + anchors + d_max + trailing special "
                + "tokens are used, so no position reaches a special token or padding.",
            "Writes distance.json, distance.csv, distance.png/svg (Δ(X→Y) vs d, one line per layer), "
                + "distance-back.png/svg (Δ(Y→X)) and distance-heatmap.png/svg."})
public final class ReprDistanceCommand extends ReprAnalysisCommand {
    @Mixin
    AnalysisOptions.Side sideOpt = new AnalysisOptions.Side();

    @Mixin
    ModelOption modelOpt = new ModelOption();

    @Option(names = "--distances", split = ",", paramLabel = "<d>",
            description = "Distances d in tokens, increasing, >= 0 (0 compares a token with itself: Δ = 2/N). Default: "
                    + "1,2,4,8,16,32 without the distances that fewer than --n texts are long enough for; a given "
                    + "list is used as it is or refused.")
    List<Integer> distances;

    @Option(names = "--anchors", defaultValue = "4",
            description = "Anchor positions t averaged over: the first A content tokens (1 = one fixed anchor, the "
                    + "first content token; default: ${DEFAULT-VALUE}).")
    int anchors;

    @Mixin
    LayersOption layersOpt = new LayersOption();

    @Override
    Integer analyse(long seed, Path out, int n, String pairs,
            IntFunction<InformationImbalance.Options> imbalance) throws Exception {
        boolean sideA = sideOpt.a();
        boolean explicit = distances != null;
        int[] ds = explicit ? distances.stream().mapToInt(Integer::intValue).toArray() : TokenDistance.DEFAULT_DISTANCES;
        // checks --distances and --anchors before any work
        new TokenDistance.Settings(ds, anchors, null, imbalance, seed, analysis.compute.batchTokens);
        if (resume) {
            throw new IllegalArgumentException("--resume: repr distance does not resume (a run takes seconds to minutes);"
                    + " run it again without --resume");
        }
        String model = modelOpt.checked();
        int[] ls = layersOpt.checked(model);
        Pairs all = Pairs.parse(pairs);
        String name = sideA ? all.nameA() : all.nameB();
        Device dev = run.device();
        long t0 = System.nanoTime();
        TokenDistance.Result r;
        var err = spec.commandLine().getErr();
        try (HiddenStateModel m = Models.load(model, dev, analysis.compute.dataType());
             NDManager nd = Devices.manager(dev)) {
            HiddenStates.checkLayers(m.layers(), ls);
            if (explicit) {
                TokenDistance.checkFits(m, anchors, ds[ds.length - 1]);
            }
            // tokenise a seeded sample of 4n candidates first (all 31k verses take ~15 s), all if too few are long
            Pairs cand = all.sample(Math.min(all.size(), 4 * n), seed);
            List<String> pool = sideA ? cand.a() : cand.b();
            int[] len = TokenDistance.lengths(m, pool);
            int fullNeed = TokenDistance.need(m, anchors, ds[ds.length - 1]);
            if (count(len, fullNeed) < n && pool.size() < all.size()) {
                pool = sideA ? all.a() : all.b();
                len = TokenDistance.lengths(m, pool);
            }
            if (!explicit) {
                // the default list, capped: the largest distances dropped until --n texts are long enough
                int keep = ds.length;
                while (keep > 0 && (TokenDistance.need(m, anchors, ds[keep - 1]) > m.tokenizer().maxLength()
                        || count(len, TokenDistance.need(m, anchors, ds[keep - 1])) < n)) {
                    keep--;
                }
                if (keep == 0) {
                    throw new IllegalArgumentException("--distances: only " + count(len, TokenDistance.need(m, anchors,
                            ds[0])) + " texts of " + pairs + " have the " + TokenDistance.need(m, anchors, ds[0])
                            + " tokens that d = " + ds[0] + " with " + anchors + " anchor(s) needs; --n is " + n);
                }
                if (keep < ds.length) {
                    err.printf(Locale.ROOT, "repr distance: default distances capped at d = %d (fewer than %d texts "
                            + "have the %d tokens d = %d needs)%n", ds[keep - 1], n,
                            TokenDistance.need(m, anchors, ds[keep]), ds[keep]);
                }
                ds = Arrays.copyOf(ds, keep);
            }
            int need = TokenDistance.need(m, anchors, ds[ds.length - 1]);
            List<String> kept = new ArrayList<>();
            for (int i = 0; i < len.length; i++) {
                if (len[i] >= need) {
                    kept.add(pool.get(i));
                }
            }
            if (n > kept.size()) {
                throw new IllegalArgumentException("--distances: --n " + n + " but only " + kept.size() + " texts of "
                        + pairs + " have the " + need + " tokens that d = " + ds[ds.length - 1] + " with " + anchors
                        + " anchor(s) needs");
            }
            err.printf(Locale.ROOT, "repr distance: %s, %d candidate texts with >= %d tokens, drawing %d%n", m.name(),
                    kept.size(), need, n);
            err.flush();
            int[] perm = InformationImbalance.permutation(kept.size(), seed);
            int[] pick = Arrays.copyOf(perm, n);
            Arrays.sort(pick);
            List<String> texts = new ArrayList<>();
            for (int i : pick) {
                texts.add(kept.get(i));
            }
            r = TokenDistance.run(m, name, texts,
                    new TokenDistance.Settings(ds, anchors, ls, imbalance, seed, analysis.compute.batchTokens), nd);
        }
        TokenDistance.write(r, out);
        double secs = (System.nanoTime() - t0) / 1e9;
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%s, %s, N = %d (mean %.1f tokens, at least %d), anchors t = %s, k = %d, %s%n", r.model(),
                r.texts(), r.n(), r.meanTokens(), r.minTokens(), Arrays.toString(r.anchorPositions()), r.k(),
                r.normalisation());
        table(o, "Δ(x_t → x_t+d)", r, r.xToY(), r.xToYErr());
        table(o, "Δ(x_t+d → x_t)", r, r.yToX(), r.yToXErr());
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int li = 0; li < r.layers().length; li++) {
            for (int di = 0; di < r.distances().length; di++) {
                for (double v : new double[] {r.shuffledXToY()[li][di], r.shuffledYToX()[li][di]}) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        o.printf(Locale.ROOT, "shuffled control Δ(x_t → x_t+d[π]) and reverse: %.3f - %.3f%n", lo, hi);
        Map<String, Object> j = new java.util.LinkedHashMap<>();
        j.put("layers", r.layers());
        j.put("distances", r.distances());
        j.put("x_to_y", r.xToY());
        j.put("y_to_x", r.yToX());
        j.put("shuffled_x_to_y", r.shuffledXToY());
        finish(out, r.n(), r.extractSeconds(), r.imbalanceSeconds(), secs, j);
        return 0;
    }

    private static int count(int[] len, int need) {
        int c = 0;
        for (int l : len) {
            if (l >= need) {
                c++;
            }
        }
        return c;
    }

    private static void table(java.io.PrintWriter o, String title, TokenDistance.Result r, double[][] v, double[][] e) {
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-16s layer", title));
        for (int d : r.distances()) {
            head.append(String.format(Locale.ROOT, "  %-15s", "d=" + d));
        }
        o.println(head);
        for (int li = 0; li < r.layers().length; li++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%22d", r.layers()[li]));
            for (int di = 0; di < r.distances().length; di++) {
                row.append(String.format(Locale.ROOT, "  %.4f ± %.4f", v[li][di], e[li][di]));
            }
            o.println(row);
        }
    }
}
