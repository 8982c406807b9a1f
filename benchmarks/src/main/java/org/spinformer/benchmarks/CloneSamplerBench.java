package org.spinformer.benchmarks;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.language.clones.CloneSampler;
import org.spinformer.language.model.FactoredMlm;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Clone sampling speed, the chains on the host (the reference path: [B,T] ids uploaded and the new tokens
 * downloaded at every site update) against the chains on the engine ({@link CloneSampler.Chains#DEVICE}), in
 * one run on the same model and windows: a random factored-attention model (V = 2000, T = 24, D = 64, 4 heads,
 * 1 and 3 layers, float32, the {@code language train-factored} defaults), heat-bath sweeps over N windows,
 * {@code chunk} chains per batch. Rounds alternate the order. Clones per second = N / time of the sweeps.
 *
 * <pre>CloneSamplerBench [--device cpu] [--windows 512] [--sweeps 2] [--rounds 3] [--out FILE]</pre>
 */
public final class CloneSamplerBench {
    private CloneSamplerBench() {}

    public static void main(String[] args) throws Exception {
        BenchArgs cli = BenchArgs.parse(args, "--device", "--windows", "--sweeps", "--rounds", "--out");
        String device = cli.string("--device", "cpu");
        int windows = cli.integer("--windows", 512);
        int sweeps = cli.integer("--sweeps", 2);
        int rounds = cli.integer("--rounds", 3);
        Path out = cli.path("--out", "benchmarks/results/clone-sampler.json");
        int v = 2000;
        int t = 24;
        JsonObject o = new JsonObject();
        o.addProperty("setting", "heat-bath clone sampling, random FactoredMlm V=" + v + " T=" + t + " D=64 H=4, float32, "
                + windows + " windows x " + sweeps + " sweeps");
        o.addProperty("device", device);
        o.addProperty("threads", BenchSupport.threads());
        JsonArray rows = new JsonArray();
        try (NDManager m = BenchSupport.manager(device)) {
            Random r = new Random(1);
            int[][] start = new int[windows][t];
            for (int[] w : start) {
                for (int j = 0; j < t; j++) {
                    w[j] = 3 + r.nextInt(v - 3);
                }
            }
            for (int layers : new int[] {1, 3}) {
                FactoredMlm model = new FactoredMlm(new FactoredMlm.Config(v, t, 64, 4, layers, "free", true, 2, 7L), m,
                        null, DataType.FLOAT32);
                String[][] cases = {{"host", "64"}, {"device", "64"}, {"device", Integer.toString(windows)}};
                double[][] secs = new double[cases.length][rounds];
                // warm-up: one sweep of each case on a few windows
                for (String[] c : cases) {
                    run(model, c, java.util.Arrays.copyOf(start, 64), 1, m);
                }
                for (int round = 0; round < rounds; round++) {
                    for (int k = 0; k < cases.length; k++) {
                        int idx = round % 2 == 0 ? k : cases.length - 1 - k;
                        secs[idx][round] = run(model, cases[idx], start, sweeps, m);
                        System.err.printf(Locale.ROOT, "[clone-bench] n=%d %s chunk %s: %.2f s (%.1f clones/s)%n", layers,
                                cases[idx][0], cases[idx][1], secs[idx][round], windows / secs[idx][round]);
                    }
                }
                double base = SrStepBench.median(secs[0]);
                for (int k = 0; k < cases.length; k++) {
                    JsonObject row = new JsonObject();
                    row.addProperty("layers", layers);
                    row.addProperty("chains", cases[k][0]);
                    row.addProperty("chunk", Integer.parseInt(cases[k][1]));
                    row.addProperty("median_s", SrStepBench.median(secs[k]));
                    row.addProperty("clones_per_s", windows / SrStepBench.median(secs[k]));
                    row.addProperty("speedup_vs_host_chunk64", base / SrStepBench.median(secs[k]));
                    row.add("all_s", SrStepBench.array(secs[k]));
                    rows.add(row);
                }
                model.parameters().asMap().values().forEach(ai.djl.ndarray.NDArray::close);
            }
        }
        o.add("results", rows);
        JsonFiles.write(out, o);
        System.out.println(o);
    }

    static double run(FactoredMlm model, String[] c, int[][] start, int sweeps, NDManager m) {
        CloneSampler s = new CloneSampler(model, CloneSampler.Rule.HEAT_BATH, Set.of(0, 1, 2))
                .withChains(c[0].equals("host") ? CloneSampler.Chains.HOST : CloneSampler.Chains.DEVICE);
        long t0 = System.nanoTime();
        s.sample(start, sweeps, Integer.parseInt(c[1]), 3L, m, null, null);
        return (System.nanoTime() - t0) / 1e9;
    }
}
