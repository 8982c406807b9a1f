package org.spinformer.spark;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.GsonBuilder;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.spinformer.core.device.Devices;
import org.spinformer.core.device.Env;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.representations.data.Pairs;
import org.spinformer.representations.models.HiddenStateModel;
import org.spinformer.representations.models.HiddenStates;
import org.spinformer.representations.models.Models;
import org.spinformer.representations.pooling.Pooling;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spark local[P] extraction against one JVM, the same N Bible verses through MiniLM (all states, mean pooling),
 * alternating rounds, best of each; the single JVM's model is loaded before timing, and so is each Spark executor's
 * (a warm-up job), so both sides time extraction only.
 *
 * <pre>SparkBench [--n 2000] [--partitions 2] [--rounds 2] [--out benchmarks/results/spark-local.json]</pre>
 */
public final class SparkBench {
    private SparkBench() {}

    public static void main(String[] args) throws Exception {
        Env.offline();
        Map<String, String> o = new LinkedHashMap<>(Map.of("--n", "2000", "--partitions", "2", "--rounds", "2",
                "--out", "benchmarks/results/spark-local.json"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i], args[i + 1]);
        }
        int n = Integer.parseInt(o.get("--n"));
        int parts = Integer.parseInt(o.get("--partitions"));
        int rounds = Integer.parseInt(o.get("--rounds"));
        List<String> texts = Pairs.parse("bible:en_kjv,es_rv1909").sample(n, 1).a();
        SparkRepresentations.Extraction x = new SparkRepresentations.Extraction("minilm", "float32", "cpu", "mean",
                HiddenStates.DEFAULT_TOKEN_BUDGET, null);
        double bestOne = Double.MAX_VALUE;
        double bestSpark = Double.MAX_VALUE;
        try (HiddenStateModel model = Models.load("minilm", Device.cpu(), DataType.FLOAT32);
             NDManager m = Devices.manager(Device.cpu());
             JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[" + parts + "]")
                     .setAppName("spinformer-bench").set("spark.ui.enabled", "false")
                     .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1"))) {
            SparkRepresentations.hiddenStates(sc, x, texts.subList(0, 2 * parts), parts); // load the executor's model
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                try (NDManager s = m.newSubManager()) {
                    HiddenStates.extractIds(model, model.tokenizer().encode(texts), Pooling.parse("mean"), s,
                            HiddenStates.DEFAULT_TOKEN_BUDGET, null).toFloatArray();
                }
                bestOne = Math.min(bestOne, (System.nanoTime() - t0) / 1e9);
                long t1 = System.nanoTime();
                SparkRepresentations.hiddenStates(sc, x, texts, parts);
                bestSpark = Math.min(bestSpark, (System.nanoTime() - t1) / 1e9);
                System.out.printf("round %d: one JVM %.2f s, spark local[%d] %.2f s%n", r + 1, bestOne, parts,
                        bestSpark);
            }
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("setting", "MiniLM, " + n + " KJV verses, all 7 states, mean pooling, float32, best of " + rounds
                + " alternating rounds; intra-op threads " + System.getProperty("ai.djl.pytorch.num_threads", "default"));
        res.put("one_jvm_s", bestOne);
        res.put("spark_local_s", bestSpark);
        res.put("partitions", parts);
        res.put("spark_over_one_jvm", bestSpark / bestOne);
        AtomicFiles.write(Path.of(o.get("--out")), new GsonBuilder().setPrettyPrinting().create().toJson(res)
                .getBytes(StandardCharsets.UTF_8));
        System.out.println(res);
    }
}
