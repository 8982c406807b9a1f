package org.spinformer.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.spinformer.core.io.Npy;
import org.spinformer.representations.imbalance.InformationImbalance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Information Imbalance, both directions, against the numpy full-rank reference ({@code benchmarks/peers/
 * imbalance_numpy.py}) and against the GEMM floor (the two N×D×N distance products alone) measured in the same
 * run, for each of our precisions (exact = certified float32, float64, float32). Data: N points of a 10-dimensional latent space embedded in D dimensions with noise, two views A and B.
 *
 * <pre>
 *   java -cp "benchmarks/target/classes:benchmarks/target/lib/*" org.spinformer.benchmarks.ImbalanceVsNumpy \
 *       [--n 5000] [--d 4096] [--device cpu] [--repeat 2] [--out benchmarks/results/imbalance.json]
 * </pre>
 */
public final class ImbalanceVsNumpy {
    private ImbalanceVsNumpy() {}

    public static void main(String[] args) throws Exception {
        BenchArgs cli = BenchArgs.parse(args, "--n", "--d", "--repeat", "--device", "--out");
        int n = cli.integer("--n", 5000);
        int d = cli.integer("--d", 4096);
        int repeat = cli.integer("--repeat", 2);
        String device = cli.string("--device", "cpu");
        Path out = cli.path("--out", "benchmarks/results/imbalance.json");
        Path tmp = Files.createTempDirectory("imbalance-bench");
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("n", n);
        res.put("d", d);
        res.put("device", device);
        try (NDManager m = BenchSupport.manager(device)) {
            NDArray[] ab = data(m, n, d);
            Npy.write(tmp.resolve("a.npy"), ab[0]);
            Npy.write(tmp.resolve("b.npy"), ab[1]);
            // warm-up on a small slice
            InformationImbalance.pair(ab[0].get("0:500"), ab[1].get("0:500"), InformationImbalance.Options.defaults());
            // GEMM floor: the two N×D×N distance products alone, per precision
            for (DataType t : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
                double gemm = Double.POSITIVE_INFINITY;
                for (int r = 0; r < repeat; r++) {
                    try (NDManager s = m.newSubManager()) {
                        NDArray a = ab[0].toType(t, true);
                        NDArray b = ab[1].toType(t, true);
                        a.attach(s);
                        b.attach(s);
                        long t0 = System.nanoTime();
                        BenchSupport.sync(a.matMul(a.transpose()));
                        BenchSupport.sync(b.matMul(b.transpose()));
                        gemm = Math.min(gemm, (System.nanoTime() - t0) / 1e9);
                    }
                }
                String tag = t == DataType.FLOAT32 ? "float32" : "float64";
                res.put("gemm_floor_" + tag + "_s", gemm);
                System.out.printf(Locale.ROOT, "GEMM floor %s: %.2f s (full products; ours uses the symmetric half)%n",
                        tag, gemm);
            }
            for (InformationImbalance.Precision prec : InformationImbalance.Precision.values()) {
                String tag = prec.name().toLowerCase(Locale.ROOT);
                double ours = Double.POSITIVE_INFINITY;
                InformationImbalance.Pair p = null;
                for (int r = 0; r < repeat; r++) {
                    long t0 = System.nanoTime();
                    p = InformationImbalance.pair(ab[0], ab[1],
                            InformationImbalance.Options.defaults().withPrecision(prec));
                    ours = Math.min(ours, (System.nanoTime() - t0) / 1e9);
                }
                res.put("ours_" + tag + "_s", ours);
                res.put("ours_" + tag + "_a_to_b", p.aToB());
                res.put("ours_" + tag + "_b_to_a", p.bToA());
                System.out.printf(Locale.ROOT, "ours %s: %.2f s, Δ(A→B) %.8f Δ(B→A) %.8f%n", tag, ours, p.aToB(), p.bToA());
            }
        }
        for (String dt : new String[] {"float64", "float32"}) {
            JsonObject np = numpy(tmp, dt);
            res.put("numpy_" + dt + "_s", np.get("seconds").getAsDouble());
            res.put("numpy_" + dt + "_gemm_s", np.get("gemm_seconds").getAsDouble());
            res.put("numpy_" + dt + "_a_to_b", np.get("a_to_b").getAsDouble());
            res.put("numpy_" + dt + "_b_to_a", np.get("b_to_a").getAsDouble());
            System.out.printf(Locale.ROOT, "numpy %s: %.2f s (its GEMMs %.2f s), Δ(A→B) %.6f Δ(B→A) %.6f%n", dt,
                    np.get("seconds").getAsDouble(), np.get("gemm_seconds").getAsDouble(),
                    np.get("a_to_b").getAsDouble(), np.get("b_to_a").getAsDouble());
        }
        // DADApy's default algorithm (maxk = 100, random ranks beyond): faster, but biased where ranks exceed 100
        JsonObject dadapy = numpy(tmp, "float64", 100);
        res.put("numpy_maxk100_s", dadapy.get("seconds").getAsDouble());
        res.put("numpy_maxk100_a_to_b", dadapy.get("a_to_b").getAsDouble());
        res.put("numpy_maxk100_b_to_a", dadapy.get("b_to_a").getAsDouble());
        System.out.printf(Locale.ROOT, "numpy DADApy-style maxk=100 (biased): %.2f s, Δ(A→B) %.6f Δ(B→A) %.6f%n",
                dadapy.get("seconds").getAsDouble(), dadapy.get("a_to_b").getAsDouble(),
                dadapy.get("b_to_a").getAsDouble());
        double np64 = (double) res.get("numpy_float64_s");
        for (String tag : new String[] {"exact", "float32", "float64"}) {
            res.put("speedup_" + tag + "_vs_numpy_float64", np64 / (double) res.get("ours_" + tag + "_s"));
        }
        res.put("speedup_exact_vs_numpy_maxk100", (double) res.get("numpy_maxk100_s") / (double) res.get("ours_exact_s"));
        res.put("speedup_float32_vs_numpy_float32",
                (double) res.get("numpy_float32_s") / (double) res.get("ours_float32_s"));
        // Δ is 2/N² times an integer sum of ranks: equal results agree far below 1e-12
        for (String tag : new String[] {"exact", "float64"}) {
            res.put(tag + "_matches_numpy_float64",
                    Math.abs((double) res.get("ours_" + tag + "_a_to_b") - (double) res.get("numpy_float64_a_to_b")) < 1e-12
                    && Math.abs((double) res.get("ours_" + tag + "_b_to_a") - (double) res.get("numpy_float64_b_to_a"))
                    < 1e-12);
        }
        System.out.printf(Locale.ROOT, "speed-up vs numpy float64 reference: %.2fx (ours exact), %.2fx (float32), "
                + "%.2fx (float64); exact matches numpy: %s%n", res.get("speedup_exact_vs_numpy_float64"),
                res.get("speedup_float32_vs_numpy_float64"), res.get("speedup_float64_vs_numpy_float64"),
                res.get("exact_matches_numpy_float64"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        org.spinformer.core.io.JsonFiles.write(out, res);
        System.out.println("wrote " + out);
    }

    /** A = Z Wa + 3 ε, B = Z Wb + 3 ε', Z [N,10] standard normal; float32. */
    static NDArray[] data(NDManager m, int n, int d) {
        Random r = new Random(42);
        NDArray z = m.create(gauss(r, n * 10)).reshape(n, 10);
        NDArray wa = m.create(gauss(r, 10 * d)).reshape(10, d);
        NDArray wb = m.create(gauss(r, 10 * d)).reshape(10, d);
        NDArray a = z.matMul(wa).add(m.create(gauss(r, n * d)).reshape(n, d).mul(3f));
        NDArray b = z.matMul(wb).add(m.create(gauss(r, n * d)).reshape(n, d).mul(3f));
        return new NDArray[] {a, b};
    }

    private static float[] gauss(Random r, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static JsonObject numpy(Path dir, String dtype) throws IOException, InterruptedException {
        return numpy(dir, dtype, 0);
    }

    /** The numpy peer; maxk &gt; 0 runs DADApy's truncated (biased) algorithm instead of full ranks. */
    private static JsonObject numpy(Path dir, String dtype, int maxk) throws IOException, InterruptedException {
        Path script = Path.of("benchmarks/peers/imbalance_numpy.py");
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("run from the repository root (" + script + " not found)");
        }
        Process p = new ProcessBuilder("python3", script.toString(), dir.resolve("a.npy").toString(),
                dir.resolve("b.npy").toString(), "--dtype", dtype, "--maxk", String.valueOf(maxk)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String outText = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IOException("numpy peer failed");
        }
        String[] lines = outText.split("\n");
        return JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
    }
}
