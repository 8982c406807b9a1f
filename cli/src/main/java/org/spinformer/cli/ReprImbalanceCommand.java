package org.spinformer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import org.spinformer.core.device.Devices;
import org.spinformer.core.io.Npy;
import org.spinformer.representations.imbalance.InformationImbalance;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code spinformer repr imbalance}: Δ(A→B) and Δ(B→A) between two sets of representations. */
@Command(name = "imbalance", mixinStandardHelpOptions = true,
        description = "Exact Information Imbalance between two .npy arrays [N,D] (or [S,N,D] with --layer), "
                + "both directions.")
public final class ReprImbalanceCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.SeedOption seedOpt = new CommonOptions.SeedOption();
    @Mixin
    CommonOptions.DeviceJson deviceJson = new CommonOptions.DeviceJson();
    @Mixin
    ImbalanceOptions imbalance = new ImbalanceOptions();
    @Mixin
    CommonOptions.NormalisationOption normOpt = new CommonOptions.NormalisationOption();

    @Option(names = "--a", required = true, description = "Space A: .npy [N,D] or [S,N,D].")
    Path a;

    @Option(names = "--b", required = true, description = "Space B: .npy [N,D'] or [S,N,D'].")
    Path b;

    @Option(names = "--layer", defaultValue = "-1",
            description = "Layer index for 3-D inputs (negative counts from the end; default: ${DEFAULT-VALUE}).")
    int layer;

    @Mixin
    PrecisionOption precision = new PrecisionOption();

    @Option(names = "--subsets", defaultValue = "0",
            description = "Also report Δ ± error over this many disjoint random subsets (0 = off).")
    int subsets;

    @Option(names = "--shuffled", description = "Also report the shuffled-pair control (B rows permuted; Δ ≈ 1).")
    boolean shuffled;

    @Option(names = "--queries", defaultValue = "0",
            description = "Use this many random rows as queries against all rows as references (0 = every row).")
    int queries;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private NDArray load(Path p, NDManager m) throws java.io.IOException {
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("file not found: " + p);
        }
        NDArray x = Npy.read(p, m);
        int dims = x.getShape().dimension();
        if (dims == 3) {
            long s = x.getShape().get(0);
            long l = layer < 0 ? s + layer : layer;
            if (l < 0 || l >= s) {
                throw new IllegalArgumentException("--layer " + layer + " out of range for " + p + " with " + s + " layers");
            }
            return x.get(l);
        }
        if (dims != 2) {
            throw new IllegalArgumentException(p + " must be [N,D] or [S,N,D], got " + x.getShape());
        }
        return x;
    }

    @Override
    public Integer call() throws Exception {
        if (subsets < 0) {
            throw new IllegalArgumentException("--subsets must be >= 0 (0 = off), got " + subsets);
        }
        try {
            return compute();
        } catch (IllegalArgumentException e) {
            // the library numbers the spaces (A = 0, B = 1); name the files instead
            String msg = String.valueOf(e.getMessage());
            if (msg.startsWith("space 0 ") || msg.startsWith("space 1 ")) {
                throw new IllegalArgumentException((msg.charAt(6) == '0' ? "--a " + a : "--b " + b)
                        + msg.substring(7), e);
            }
            throw e;
        }
    }

    private int compute() throws Exception {
        long seed = seedOpt.seed;
        boolean json = deviceJson.json();
        InformationImbalance.Options o = precision.apply(imbalance.options());
        Device dev = deviceJson.device();
        try (NDManager m = Devices.manager(dev)) {
            NDArray xa = load(a, m);
            NDArray xb = load(b, m);
            if (xa.getShape().get(0) != xb.getShape().get(0)) {
                throw new IllegalArgumentException("A has " + xa.getShape().get(0) + " rows but B has "
                        + xb.getShape().get(0));
            }
            int rows = (int) xa.getShape().get(0);
            if (queries < 0 || queries > rows) {
                throw new IllegalArgumentException("--queries must be in [0, " + rows + "], got " + queries);
            }
            if (queries > 0 && normOpt.paper()) {
                throw new IllegalArgumentException("--queries does not combine with --normalisation paper (which uses "
                        + "half of the rows as queries)");
            }
            o = normOpt.apply(o, rows, seed);
            if (queries > 0) {
                int[] q = java.util.Arrays.copyOf(InformationImbalance.permutation(rows, seed), queries);
                java.util.Arrays.sort(q);
                o = o.withSplit(q, null);
            }
            long t0 = System.nanoTime();
            InformationImbalance.Pair p = InformationImbalance.pair(xa, xb, o);
            double secs = (System.nanoTime() - t0) / 1e9;
            var out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "N = %d, k = %d, %s, ties %s, %s: Δ(A→B) = %.6f ± %.6f, Δ(B→A) = %.6f ± %.6f "
                    + "(%.2f s)%n", p.n(), p.k(), imbalance.metric, imbalance.ties,
                    o.normalisation().toString().toLowerCase(Locale.ROOT), p.aToB(), p.aToBErr(), p.bToA(),
                    p.bToAErr(), secs);
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("a_to_b", p.aToB());
            j.put("b_to_a", p.bToA());
            j.put("n", rows);
            j.put("references", p.n());
            j.put("k", p.k());
            j.put("normalisation", o.normalisation().toString().toLowerCase(Locale.ROOT));
            j.put("queries", o.queries() == null ? rows : o.queries().length);
            j.put("a_to_b_err", p.aToBErr());
            j.put("b_to_a_err", p.bToAErr());
            if (subsets > 0) {
                double[][][] r = InformationImbalance.disjointSubsets(List.of(xa, xb), o, subsets, seed);
                out.printf(Locale.ROOT, "%d disjoint subsets: Δ(A→B) = %.6f ± %.6f, Δ(B→A) = %.6f ± %.6f%n", subsets,
                        r[0][0][1], r[1][0][1], r[0][1][0], r[1][1][0]);
                j.put("subsets", subsets);
                j.put("subsets_a_to_b", r[0][0][1]);
                j.put("subsets_a_to_b_err", r[1][0][1]);
                j.put("subsets_b_to_a", r[0][1][0]);
                j.put("subsets_b_to_a_err", r[1][1][0]);
            }
            if (shuffled) {
                InformationImbalance.Pair sh = InformationImbalance.pair(xa, InformationImbalance.shuffleRows(xb, seed), o);
                out.printf(Locale.ROOT, "shuffled control: Δ(A→B) = %.6f, Δ(B→A) = %.6f%n", sh.aToB(), sh.bToA());
                j.put("shuffled_a_to_b", sh.aToB());
                j.put("shuffled_b_to_a", sh.bToA());
            }
            j.put("seconds", secs);
            if (json) {
                out.println(new Gson().toJson(j));
            }
        }
        return 0;
    }
}
