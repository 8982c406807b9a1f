package org.spinformer.spark;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spinformer.core.device.Devices;
import org.spinformer.representations.data.Pairs;
import org.spinformer.representations.imbalance.InformationImbalance;
import org.spinformer.representations.models.HiddenStateModel;
import org.spinformer.representations.models.HiddenStates;
import org.spinformer.representations.models.Models;
import org.spinformer.representations.pooling.Pooling;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spark in local mode (2 worker threads) against the single-machine path: MiniLM's pooled states of Bible verses
 * (one partition: the same batches, equal bit for bit; three partitions: other batch compositions, equal to float32
 * rounding) and the Information Imbalance over query blocks (equal to the all-queries Δ).
 */
class SparkRepresentationsTest {
    static JavaSparkContext sc;
    static NDManager m;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("spinformer-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
        m = Devices.manager(Device.cpu());
    }

    @AfterAll
    static void stop() {
        sc.stop();
        m.close();
    }

    @Test
    void partitionedExtractionEqualsOneMachine() throws Exception {
        List<String> texts = Pairs.parse("bible:en_kjv,es_rv1909").sample(24, 5).a();
        SparkRepresentations.Extraction x = new SparkRepresentations.Extraction("minilm", "float32", "cpu", "mean",
                256, new int[] {0, 3, 6});
        float[][][] one = SparkRepresentations.hiddenStates(sc, x, texts, 1);
        float[][][] three = SparkRepresentations.hiddenStates(sc, x, texts, 3);
        try (HiddenStateModel model = Models.load("minilm", Device.cpu(), DataType.FLOAT32);
             NDManager s = m.newSubManager()) {
            NDArray ref = HiddenStates.extractIds(model, model.tokenizer().encode(texts), Pooling.parse("mean"), s, 256,
                    new int[] {0, 3, 6});
            assertEquals(new Shape(3, 24, 384), ref.getShape());
            double worst = 0;
            for (int l = 0; l < 3; l++) {
                for (int i = 0; i < 24; i++) {
                    float[] r = ref.get(l).get(i).toFloatArray();
                    assertArrayEquals(r, one[l][i], 0f, "one partition, state " + l + ", text " + i);
                    for (int d = 0; d < r.length; d++) {
                        worst = Math.max(worst, Math.abs(r[d] - three[l][i][d]));
                    }
                }
            }
            assertTrue(worst < 1e-5, "three partitions differ by " + worst);
        }
    }

    @Test
    void blockedImbalanceEqualsAllQueries() {
        Random r = new Random(3);
        int n = 300;
        float[][] a = new float[n][16];
        float[][] b = new float[n][16];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < 16; d++) {
                a[i][d] = (float) r.nextGaussian();
                b[i][d] = a[i][d] + (float) (0.7 * r.nextGaussian());
            }
        }
        InformationImbalance.Options o = InformationImbalance.Options.defaults().withK(2);
        int built = SparkRepresentations.Flat.BUILT.get();
        double[] spark = SparkRepresentations.imbalance(sc, a, b, o, 4);
        // local[2]: one executor JVM, so A and B are flattened once each, not once per task (4 tasks)
        assertEquals(2, SparkRepresentations.Flat.BUILT.get() - built, "flattened once per broadcast and JVM");
        try (NDManager s = m.newSubManager()) {
            float[] fa = new float[n * 16];
            float[] fb = new float[n * 16];
            for (int i = 0; i < n; i++) {
                System.arraycopy(a[i], 0, fa, i * 16, 16);
                System.arraycopy(b[i], 0, fb, i * 16, 16);
            }
            InformationImbalance.Pair p = InformationImbalance.pair(s.create(fa, new Shape(n, 16)),
                    s.create(fb, new Shape(n, 16)), o);
            assertEquals(p.aToB(), spark[0], 1e-12);
            assertEquals(p.bToA(), spark[1], 1e-12);
            assertTrue(p.aToB() > 0.01 && p.aToB() < 0.9, "a related pair of spaces: " + p.aToB());
        }
    }
}
