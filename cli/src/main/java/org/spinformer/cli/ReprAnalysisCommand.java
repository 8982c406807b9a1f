package org.spinformer.cli;

import com.google.gson.Gson;
import org.spinformer.representations.imbalance.InformationImbalance;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

import java.nio.file.Path;
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

    /**
     * {@link #finish(Path, int, double, double, double, Map)} for a result record with components {@code n},
     * {@code extractSeconds} and {@code imbalanceSeconds}: the JSON fields are its components {@code keys}
     * (snake_case, some renamed by {@code renames}).
     */
    void finish(Path out, Record result, double secs, Map<String, String> renames, String... keys) {
        com.google.gson.JsonObject all = org.spinformer.core.config.Records.toJson(result, renames);
        Map<String, Object> fields = new LinkedHashMap<>();
        for (String k : keys) {
            fields.put(k, all.get(k));
        }
        finish(out, all.get("n").getAsInt(), all.get("extract_seconds").getAsDouble(),
                all.get("imbalance_seconds").getAsDouble(), secs, fields);
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
            o.println(new Gson().toJson(j));
        }
    }
}
