package org.spinformer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import org.spinformer.core.device.Devices;
import org.spinformer.representations.data.Pairs;
import org.spinformer.representations.experiment.LayerScan;
import org.spinformer.representations.imbalance.InformationImbalance;
import org.spinformer.representations.models.HiddenStateModel;
import org.spinformer.representations.pooling.Pooling;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code spinformer repr layers}: Δ between the two sides of aligned pairs at every layer. */
@Command(name = "layers", mixinStandardHelpOptions = true,
        description = "Information Imbalance between the hidden states of aligned text pairs, layer by layer, with "
                + "the shuffled control and TwoNN; writes layers.json, layers.csv and plots, names the semantic layers.")
public final class ReprLayersCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.Run run = new CommonOptions.Run("repr-layers");
    @Mixin
    HiddenStateOptions states = new HiddenStateOptions();
    @Mixin
    ImbalanceOptions imbalance = new ImbalanceOptions();
    @Mixin
    CommonOptions.NormalisationOption normOpt = new CommonOptions.NormalisationOption();

    @Option(names = "--pairs", defaultValue = "bible:en_kjv,es_rv1909",
            description = "bible:COL_A,COL_B (en_kjv, en_web, es_rv1909), FILE.tsv:COL_A,COL_B (with header) or a "
                    + "two-column FILE.tsv (default: ${DEFAULT-VALUE}).")
    String pairs;

    @Option(names = "--n", defaultValue = "2000", description = "Number of pairs drawn (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--matrix", description = "Also compute the full layer × layer matrix (both sides) and its heatmap.")
    boolean matrix;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        long seed = run.seed();
        Path out = run.out();
        boolean json = run.json();
        Pooling pool = states.pooling();
        states.checkModel();
        InformationImbalance.Options o = imbalance.options();
        if (n < 3 * o.k() + 3) {
            throw new IllegalArgumentException("--n " + n + " too small for k = " + o.k());
        }
        o = normOpt.apply(o, n, seed);
        Pairs all = Pairs.parse(pairs);
        if (n > all.size()) {
            throw new IllegalArgumentException("--n " + n + " but " + pairs + " has only " + all.size() + " pairs");
        }
        Device dev = run.device();
        long t0 = System.nanoTime();
        LayerScan.Result r;
        try (HiddenStateModel m = states.load(dev);
             NDManager nd = Devices.manager(dev)) {
            r = LayerScan.run(m, all.sample(n, seed), pool, new LayerScan.Settings(o, matrix, seed, states.compute.batchTokens), nd);
        }
        Path png = LayerScan.write(r, out);
        double secs = (System.nanoTime() - t0) / 1e9;
        summary(spec.commandLine().getOut(), r, secs, png);
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("out", out.toString());
            j.put("n", r.n());
            j.put("layers", r.layers());
            j.put("a_to_b", r.aToB());
            j.put("b_to_a", r.bToA());
            j.put("semantic_layers", r.semanticLayers());
            j.put("seconds", secs);
            spec.commandLine().getOut().println(new Gson().toJson(j));
        }
        return 0;
    }

    static void summary(java.io.PrintWriter out, LayerScan.Result r, double secs, Path png) {
        out.printf(Locale.ROOT, "%s, %s pooling, %s ↔ %s, N = %d, k = %d%n", r.model(), r.pooling(), r.nameA(), r.nameB(),
                r.n(), r.k());
        out.println("layer  Δ(A→B)   Δ(B→A)   shuffled   ID(A)  ID(B)");
        for (int l = 0; l <= r.layers(); l++) {
            out.printf(Locale.ROOT, "%5d  %.4f   %.4f   %.3f/%.3f  %5.1f  %5.1f%n", l, r.aToB()[l], r.bToA()[l],
                    r.shuffledAToB()[l], r.shuffledBToA()[l], r.idA()[l], r.idB()[l]);
        }
        out.printf(Locale.ROOT, "semantic layers: %s; extraction %.1f s, imbalance %.1f s, total %.1f s; plot %s%n",
                Arrays.toString(r.semanticLayers()), r.extractSeconds(), r.imbalanceSeconds(), secs, png);
    }
}
