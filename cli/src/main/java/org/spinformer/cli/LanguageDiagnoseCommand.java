package org.spinformer.cli;

import org.spinformer.language.clones.CloneSampler;
import org.spinformer.language.corpus.Dataset;
import org.spinformer.language.corpus.WordTokenizer;
import org.spinformer.language.corpus.Windows;
import org.spinformer.language.diagnose.Comparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code spinformer language diagnose}. */
@Command(name = "diagnose", mixinStandardHelpOptions = true,
        description = {"Compare clone corpora with the original: single-site frequencies, connected two-point "
                + "correlations, mutual information vs distance, connected three-point correlations on sampled "
                + "triples (reference: the original's training windows; the original's test windows give the "
                + "finite-sample floor).",
                "Writes statistics.json, statistics.csv, mutual_information.png/svg, correlation_errors.png/svg."})
public final class LanguageDiagnoseCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.OutOption outOpt = new CommonOptions.OutOption("runs/diagnose");
    @Mixin
    CommonOptions.JsonOption jsonOpt = new CommonOptions.JsonOption();

    @Option(names = "--clones", required = true, split = ",",
            description = "Clone directories written by 'clones' (clones.tsv + vocab.txt).")
    List<Path> clones;

    @Option(names = "--corpus", defaultValue = "sotu", description = "The original corpus.")
    String corpus;

    @Option(names = "--test-fraction", defaultValue = "0.1", description = "Held-out fraction (as in training).")
    double testFraction;

    @Option(names = "--top-k", defaultValue = "30", description = "Tokens in the two-point statistics.")
    int topK;

    @Option(names = "--triples", defaultValue = "3000", description = "Sampled three-point statistics.")
    int triples;

    @Override
    public Integer call() throws Exception {
        Path out = outOpt.out;
        boolean json = jsonOpt.json;
        if (topK < 2 || triples < 1) {
            throw new IllegalArgumentException("--top-k must be >= 2 and --triples >= 1");
        }
        Path vocab = clones.get(0).resolve("vocab.txt");
        if (!Files.isRegularFile(vocab)) {
            throw new IllegalArgumentException("no vocab.txt in " + clones.get(0));
        }
        WordTokenizer tok = WordTokenizer.load(vocab);
        Map<String, int[][]> sets = new LinkedHashMap<>();
        int t = -1;
        for (Path c : clones) {
            Path f = c.resolve("clones.tsv");
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("no clones.tsv in " + c);
            }
            int[][] w = CloneSampler.readTsv(f);
            if (w.length == 0) {
                throw new IllegalArgumentException(f + " is empty");
            }
            t = w[0].length;
            sets.put(c.getFileName().toString(), w);
        }
        Dataset d = Dataset.load(corpus, tok, t, testFraction);
        Map<String, int[][]> all = new LinkedHashMap<>();
        all.put("original test", Windows.head(d.windows().test(), sets.values().iterator().next().length));
        all.putAll(sets);
        Comparison.Options o = new Comparison.Options(topK, 8, 12, 3, triples, 7L);
        var rows = Comparison.compare(d.windows().train(), all, tok.vocabSize(), d.specialIds(), o);
        Comparison.write(out, rows, o);
        for (var r : rows) {
            System.err.printf("%-24s freq TV %.4f | 2-pt err %.3f corr %.3f | 3-pt err %.3f corr %.3f%n", r.name(),
                    r.freqTv(), r.twoPointError(), r.twoPointCorrelation(), r.threePointError(),
                    r.threePointCorrelation());
        }
        if (json) {
            System.out.println(Comparison.toJson(rows, o));
        }
        return 0;
    }
}
