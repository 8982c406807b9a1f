package org.spinformer.spark;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.spinformer.core.device.Devices;
import org.spinformer.core.device.Env;
import org.spinformer.core.io.Npy;
import org.spinformer.core.io.Utf8Lines;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code spark-submit} entry point: pooled hidden states of a text file's lines, extracted in Spark tasks, written
 * by the driver as float32 .npy [S, N, D] (as {@code spinformer repr hidden}).
 *
 * <pre>spark-submit --class org.spinformer.spark.SparkHidden spinformer-spark-jar-with-dependencies \
 *   --texts lines.txt --out H.npy [--model minilm|DIR] [--pooling mean] [--layers 0,3,6] [--partitions 8]
 *   [--dtype float32] [--device cpu] [--batch-tokens 2048] [--master local[2]]</pre>
 * A Hugging Face {@code --model} directory must be readable at the same path on every executor (a shared file
 * system); the built-in models travel inside the jar.
 */
public final class SparkHidden {
    private SparkHidden() {}

    public static void main(String[] args) throws Exception {
        Env.offline();
        Map<String, String> o = new LinkedHashMap<>(Map.of("--model", "minilm", "--pooling", "mean", "--partitions",
                "2", "--dtype", "float32", "--device", "cpu", "--batch-tokens", "2048"));
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("error: expected --name value pairs, got '" + args[i] + "' (see the class javadoc)");
                System.exit(2);
            }
            o.put(args[i], args[i + 1]);
        }
        if (!o.containsKey("--texts") || !o.containsKey("--out")) {
            System.err.println("error: --texts and --out are required");
            System.exit(2);
        }
        Path texts = Path.of(o.get("--texts"));
        List<String> lines = Utf8Lines.read(texts, "--texts " + texts).stream().filter(l -> !l.isBlank()).toList();
        int[] layers = o.containsKey("--layers")
                ? Arrays.stream(o.get("--layers").split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray() : null;
        SparkConf conf = new SparkConf().setAppName("spinformer hidden states");
        if (o.containsKey("--master")) {
            conf.setMaster(o.get("--master"));
        }
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            long t0 = System.nanoTime();
            float[][][] h = SparkRepresentations.hiddenStates(sc, new SparkRepresentations.Extraction(o.get("--model"),
                    o.get("--dtype"), o.get("--device"), o.get("--pooling"), Integer.parseInt(o.get("--batch-tokens")),
                    layers), lines, Integer.parseInt(o.get("--partitions")));
            write(Path.of(o.get("--out")), h);
            System.out.printf("wrote %s [%d, %d, %d] in %.1f s%n", o.get("--out"), h.length, h[0].length,
                    h[0][0].length, (System.nanoTime() - t0) / 1e9);
        }
    }

    /** [S][N][W] as float32 .npy. */
    static void write(Path out, float[][][] h) throws java.io.IOException {
        int s = h.length;
        int n = h[0].length;
        int w = h[0][0].length;
        float[] flat = new float[s * n * w];
        for (int l = 0; l < s; l++) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(h[l][i], 0, flat, (l * n + i) * w, w);
            }
        }
        try (NDManager m = Devices.manager(ai.djl.Device.cpu())) {
            Npy.write(out, m.create(flat, new Shape(s, n, w)));
        }
    }
}
