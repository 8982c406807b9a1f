package org.spinformer.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.spinformer.core.device.Devices;
import org.spinformer.core.device.Env;
import org.spinformer.representations.imbalance.InformationImbalance;
import org.spinformer.representations.models.HiddenStateModel;
import org.spinformer.representations.models.HiddenStates;
import org.spinformer.representations.models.Models;
import org.spinformer.representations.pooling.Pooling;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The representations pipeline on Spark. {@link #hiddenStates}: the texts are split into partitions; a task
 * extracts its partition's pooled states with {@link HiddenStates#extractIds} on the executor's model (loaded once
 * per executor JVM and kept for its later tasks) and returns (index, states) rows; the driver puts them back in
 * order. {@link #imbalance}: A and B are broadcast (flattened once per executor JVM, {@link Flat}), each task
 * computes the ranks of one block of query points against all reference points ({@link InformationImbalance.Options#withSplit}), and the driver averages the
 * blocks' Δ weighted by their sizes, which is the Δ of all queries.
 */
public final class SparkRepresentations {
    private SparkRepresentations() {}

    /** One model per (spec, dtype, device) in each executor JVM. */
    private static final Map<String, HiddenStateModel> MODELS = new ConcurrentHashMap<>();

    /** What the tasks need to load and run the model (serialised to the executors). */
    public record Extraction(String model, String dtype, String device, String pooling, int tokenBudget, int[] layers)
            implements Serializable {}

    /** One text with its position in the corpus. */
    record Text(int index, String text) implements Serializable {}

    /** One text's pooled states [S][W]. */
    record Row(int index, float[][] states) implements Serializable {}

    /** Pooled states [S][N][W] of {@code texts}, in their order, computed in {@code partitions} Spark tasks. */
    public static float[][][] hiddenStates(JavaSparkContext sc, Extraction x, List<String> texts, int partitions) {
        if (texts.isEmpty() || partitions < 1) {
            throw new IllegalArgumentException("need texts and at least one partition");
        }
        List<Text> indexed = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            indexed.add(new Text(i, texts.get(i)));
        }
        List<Row> rows = sc.parallelize(indexed, partitions).mapPartitions(it -> extract(x, it)).collect();
        float[][][] out = new float[rows.get(0).states().length][texts.size()][];
        for (Row r : rows) {
            for (int s = 0; s < out.length; s++) {
                out[s][r.index()] = r.states()[s];
            }
        }
        return out;
    }

    /** A task: the partition's texts through the executor's model. */
    static Iterator<Row> extract(Extraction x, Iterator<Text> it) throws Exception {
        Env.offline();
        List<Text> part = new ArrayList<>();
        it.forEachRemaining(part::add);
        if (part.isEmpty()) {
            return List.<Row>of().iterator();
        }
        HiddenStateModel model = MODELS.computeIfAbsent(x.model() + "|" + x.dtype() + "|" + x.device(), k -> {
            try {
                return Models.load(x.model(), Devices.parse(x.device()), Devices.parseDType(x.dtype()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        List<String> texts = part.stream().map(Text::text).toList();
        List<Row> rows = new ArrayList<>();
        try (NDManager m = Devices.manager(Devices.parse(x.device()))) {
            NDArray h = HiddenStates.extractIds(model, model.tokenizer().encode(texts), Pooling.parse(x.pooling()), m,
                    x.tokenBudget(), x.layers());
            long s = h.getShape().get(0);
            long w = h.getShape().get(2);
            float[] flat = h.toFloatArray(); // [S, n, W]
            for (int i = 0; i < part.size(); i++) {
                float[][] st = new float[(int) s][];
                for (int l = 0; l < s; l++) {
                    int from = (int) ((l * part.size() + i) * w);
                    st[l] = Arrays.copyOfRange(flat, from, from + (int) w);
                }
                rows.add(new Row(part.get(i).index(), st));
            }
        }
        return rows.iterator();
    }

    /** Δ(A→B) and Δ(B→A) (k, ties, metric and precision of {@code o}; DADApy normalisation) over query blocks. */
    public static double[] imbalance(JavaSparkContext sc, float[][] a, float[][] b, InformationImbalance.Options o,
            int blocks) {
        int n = a.length;
        if (n != b.length || n < 3 || blocks < 1) {
            throw new IllegalArgumentException("A and B need the same number (>= 3) of rows and blocks >= 1");
        }
        if (o.normalisation() != InformationImbalance.Normalisation.DADAPY || o.queries() != null
                || o.references() != null) {
            throw new IllegalArgumentException("the Spark path computes the DADApy normalisation over all points");
        }
        Broadcast<float[][]> ba = sc.broadcast(a);
        Broadcast<float[][]> bb = sc.broadcast(b);
        List<int[]> split = new ArrayList<>();
        int size = (n + blocks - 1) / blocks;
        for (int from = 0; from < n; from += size) {
            int[] q = new int[Math.min(size, n - from)];
            int f = from;
            Arrays.setAll(q, i -> f + i);
            split.add(q);
        }
        // the settings travel as serialisable parts (Options itself is not Serializable)
        int k = o.k();
        InformationImbalance.Ties ties = o.ties();
        org.spinformer.representations.imbalance.Metric metric = o.metric();
        InformationImbalance.Precision precision = o.precision();
        int blockRows = o.blockRows();
        List<double[]> parts = sc.parallelize(split, split.size()).map(q -> {
            Env.offline();
            InformationImbalance.Options oq = InformationImbalance.Options.defaults().withK(k).withTies(ties)
                    .withMetric(metric).withPrecision(precision).withBlockRows(blockRows).withSplit(q, null);
            try (NDManager m = Devices.manager(ai.djl.Device.cpu())) {
                InformationImbalance.Pair p = InformationImbalance.pair(Flat.of(ba).create(m), Flat.of(bb).create(m), oq);
                return new double[] {q.length, p.aToB(), p.bToA()};
            }
        }).collect();
        ba.destroy();
        bb.destroy();
        double aToB = 0;
        double bToA = 0;
        for (double[] p : parts) {
            aToB += p[0] * p[1];
            bToA += p[0] * p[2];
        }
        return new double[] {aToB / n, bToA / n};
    }

    /**
     * A broadcast matrix's rows flattened, once per executor JVM and broadcast: the first task that needs them builds
     * them, the JVM's later tasks on the same broadcast (keyed by its id) reuse them. The last {@value #KEEP}
     * broadcasts are kept (A and B of the current call and of one before), so a series of calls does not pile up.
     */
    record Flat(float[] values, int rows, int cols) {
        static final int KEEP = 4;
        private static final Map<Long, Flat> CACHE = new java.util.LinkedHashMap<>(8, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Flat> eldest) {
                return size() > KEEP;
            }
        };
        /** How many were built in this JVM (for tests). */
        static final java.util.concurrent.atomic.AtomicInteger BUILT = new java.util.concurrent.atomic.AtomicInteger();

        /** The flattened rows of {@code b}'s value, built on first use in this JVM. */
        static Flat of(Broadcast<float[][]> b) {
            synchronized (CACHE) {
                return CACHE.computeIfAbsent(b.id(), id -> flatten(b.value()));
            }
        }

        static Flat flatten(float[][] x) {
            int d = x[0].length;
            float[] flat = new float[x.length * d];
            for (int i = 0; i < x.length; i++) {
                System.arraycopy(x[i], 0, flat, i * d, d);
            }
            BUILT.incrementAndGet();
            return new Flat(flat, x.length, d);
        }

        /** The matrix [rows, cols] on {@code m}. */
        NDArray create(NDManager m) {
            return m.create(values, new Shape(rows, cols));
        }
    }
}
