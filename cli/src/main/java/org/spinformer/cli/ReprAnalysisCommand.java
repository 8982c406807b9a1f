package org.spinformer.cli;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import org.spinformer.representations.experiment.Pieces;
import org.spinformer.representations.models.HiddenStateModel;
import org.spinformer.representations.models.Models;
import org.spinformer.representations.imbalance.InformationImbalance;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;

/**
 * What the token analyses ({@code repr spread}, {@code repr pastfuture}, {@code repr cross}) share: the run options
 * (--device --json --seed --out), the {@link AnalysisOptions} and the closing lines (timings and the --json summary).
 */
abstract class ReprAnalysisCommand implements Callable<Integer> {
    @Mixin
    final CommonOptions.Run run;
    @Mixin
    AnalysisOptions analysis = new AnalysisOptions();
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--resume", description = "Continue a stopped run in --out: the pieces it finished "
            + "(each side's or half's states, each layer's Δ, kept in <out>/partial/ as they are done) are read "
            + "instead of computed; pieces made with other options or texts are refused.")
    boolean resume;

    /** How a model is loaded ({@link Models#load}; tests put a failing model in its place). */
    ModelLoader loader = Models::load;

    /** Loads a model by name on a device in a compute type. */
    @FunctionalInterface
    interface ModelLoader {
        HiddenStateModel load(String spec, Device device, DataType dtype) throws IOException;
    }

    /** The default output directory is {@code repr-<command name>}. */
    ReprAnalysisCommand() {
        run = new CommonOptions.Run("repr-" + getClass().getAnnotation(picocli.CommandLine.Command.class).name());
    }

    @Override
    public final Integer call() throws Exception {
        long seed = run.seed();
        return analyse(seed, run.out(), analysis.n, analysis.pairs, analysis.imbalance(seed));
    }

    /**
     * The analysis, with the run's seed and output directory, the number of texts and their source, and the
     * imbalance settings for a number of points (all already checked).
     */
    abstract Integer analyse(long seed, Path out, int n, String pairs,
            IntFunction<InformationImbalance.Options> imbalance) throws Exception;

    /** The model {@code spec} on {@code device} in the {@code --dtype}. */
    HiddenStateModel load(String spec, Device device) throws IOException {
        return loader.load(spec, device, analysis.compute.dataType());
    }

    /**
     * The pieces of this run in {@code <out>/partial/}, made with this command's options (all but --out, --resume
     * and --json) and {@code texts} (their hash): kept from a stopped run with --resume, else started afresh.
     */
    Pieces pieces(Path out, List<String> texts) throws IOException {
        JsonObject settings = CommonOptions.optionsJson(spec);
        settings.remove("out");
        settings.remove("resume");
        settings.addProperty("texts", texts.size());
        settings.addProperty("texts_hash", Integer.toHexString(texts.hashCode()));
        return Pieces.open(out.resolve("partial"), settings, resume);
    }

    /** Timings, then with --json one line {out, n, fields…, seconds}. */
    void finish(Path out, int n, double extractSeconds, double imbalanceSeconds, double secs,
            Map<String, Object> fields) {
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "extraction %.1f s, imbalance %.1f s, total %.1f s; output %s%n", extractSeconds,
                imbalanceSeconds, secs, out);
        if (run.json()) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("out", out.toString());
            j.put("n", n);
            j.putAll(fields);
            j.put("seconds", secs);
            o.println(new Gson().toJson(org.spinformer.core.io.JsonFiles.finite(j))); // a non-finite value: null
        }
    }
}
