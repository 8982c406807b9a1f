package org.spinformer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.spinformer.core.device.Devices;
import org.spinformer.representations.data.Pairs;
import org.spinformer.representations.experiment.CrossModel;
import org.spinformer.representations.experiment.Pieces;
import org.spinformer.representations.imbalance.InformationImbalance;
import org.spinformer.representations.models.HiddenStateModel;
import org.spinformer.representations.pooling.Pooling;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/** {@code spinformer repr cross}: Δ between every layer of one model and every layer of another on the same texts. */
@Command(name = "cross", mixinStandardHelpOptions = true,
        description = "Cross-model Information Imbalance: the same texts through two models, Δ between every state of "
                + "model A and every state of model B, both ways; writes cross.json, cross.csv and two heatmaps.")
public final class ReprCrossCommand extends ReprAnalysisCommand {
    @Mixin
    AnalysisOptions.Side sideOpt = new AnalysisOptions.Side();

    @Option(names = "--model-a", defaultValue = "minilm", description = "Model A (default: ${DEFAULT-VALUE}).")
    String modelA;

    @Option(names = "--model-b", defaultValue = "bge-small", description = "Model B (default: ${DEFAULT-VALUE}).")
    String modelB;

    @Option(names = "--pooling", defaultValue = "mean",
            description = "mean|first|last|last-n:N[:K], optional +sign (default: ${DEFAULT-VALUE}).")
    String pooling;

    @Override
    Integer analyse(long seed, Path out, int n, String pairs,
            IntFunction<InformationImbalance.Options> imbalance) throws Exception {
        boolean sideA = sideOpt.a();
        Pooling pool = CommonOptions.option("--pooling", () -> Pooling.parse(pooling));
        CommonOptions.checkModel("--model-a", modelA);
        CommonOptions.checkModel("--model-b", modelB);
        Pairs all = Pairs.parse(pairs);
        if (n > all.size()) {
            throw new IllegalArgumentException("--n " + n + " but " + pairs + " has only " + all.size() + " pairs");
        }
        Pairs sample = all.sample(n, seed);
        List<String> texts = sideA ? sample.a() : sample.b();
        String name = sideA ? all.nameA() : all.nameB();
        Device dev = run.device();
        long t0 = System.nanoTime();
        CrossModel.Result r;
        Pieces pieces;
        try (HiddenStateModel a = load(modelA, dev);
             HiddenStateModel b = load(modelB, dev);
             NDManager nd = Devices.manager(dev)) {
            pieces = pieces(out, texts);
            r = CrossModel.run(a, b, name, texts, pool, imbalance, analysis.compute.batchTokens, nd, pieces);
        }
        CrossModel.write(r, out);
        pieces.finish();
        double secs = (System.nanoTime() - t0) / 1e9;
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%s vs %s, %s, %s pooling, N = %d, k = %d, %s%n", r.modelA(), r.modelB(), r.texts(),
                r.pooling(), r.n(), r.k(), r.normalisation());
        o.println("A layer  closest B layer  Δ(A→B)  Δ(B→A)");
        for (int i = 0; i < r.bestB().length; i++) {
            int j = r.bestB()[i];
            o.printf(Locale.ROOT, "%7d  %15d  %.4f  %.4f%n", i, j, r.aToB()[i][j], r.bToA()[j][i]);
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("a_to_b", r.aToB());
        j.put("b_to_a", r.bToA());
        j.put("closest_b_layer", r.bestB());
        finish(out, r.n(), r.extractSeconds(), r.imbalanceSeconds(), secs, j);
        return 0;
    }
}
