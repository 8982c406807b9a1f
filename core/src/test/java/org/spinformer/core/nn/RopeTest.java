package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spinformer.core.nn.NnTesting.as3;
import static org.spinformer.core.nn.NnTesting.assertClose;
import static org.spinformer.core.nn.NnTesting.flat;
import static org.spinformer.core.nn.NnTesting.random;

/**
 * Rotary embeddings against explicit pair rotations, and Llama 3 scaled frequencies against golden values from
 * {@code golden/nn/rope_llama3.py} (a numpy transcription of Hugging Face {@code _compute_llama3_parameters}).
 */
class RopeTest extends ManagedNnTest {

    private static Map<String, List<Double>> golden() throws IOException {
        Map<String, List<Double>> g = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                RopeTest.class.getResourceAsStream("/golden/nn/rope_llama3.csv")), StandardCharsets.UTF_8))) {
            r.readLine();
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split(",");
                List<Double> l = g.computeIfAbsent(f[0], k -> new ArrayList<>());
                assertEquals(l.size(), Integer.parseInt(f[1]));
                l.add(Double.parseDouble(f[2]));
            }
        }
        return g;
    }

    private static double[] arr(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void plainFrequenciesFollowTheta() {
        double[] w = Rope.of(8, 10000).inverseFrequencies();
        assertClose(new double[] {1, 0.1, 0.01, 0.001}, w, 1e-15, "θ = 1e4, dh = 8");
        double[] w3 = Rope.of(128, 500000).inverseFrequencies();
        for (int k = 0; k < 64; k++) {
            assertEquals(Math.exp(-(2.0 * k / 128) * Math.log(500000)), w3[k], 1e-15 * Math.max(1, w3[k]));
        }
    }

    @Test
    void llama3ScaledFrequenciesMatchGoldenValues() throws IOException {
        Map<String, List<Double>> g = golden();
        double[] big = new Rope(128, 500000, Rope.Llama3Scaling.llama31()).inverseFrequencies();
        double[] small = new Rope(16, 10000, new Rope.Llama3Scaling(4, 1, 2, 64)).inverseFrequencies();
        double[] eb = arr(g.get("llama31_128"));
        double[] es = arr(g.get("small_16"));
        for (int k = 0; k < eb.length; k++) {
            assertEquals(eb[k], big[k], 1e-13 * eb[k], "llama 3.1 ω_" + k);
        }
        for (int k = 0; k < es.length; k++) {
            assertEquals(es[k], small[k], 1e-13 * es[k], "small ω_" + k);
        }
        // the three regimes: high frequencies kept, low ones divided by the factor, a smooth band in between
        double[] plain = Rope.of(128, 500000).inverseFrequencies();
        assertEquals(plain[0], big[0]);
        assertEquals(plain[63] / 8, big[63], 1e-20);
        int medium = 0;
        for (int k = 0; k < 64; k++) {
            if (big[k] < plain[k] && big[k] > plain[k] / 8) {
                medium++;
            }
        }
        assertTrue(medium > 0, "a smoothed band exists");
        assertThrows(IllegalArgumentException.class, () -> new Rope.Llama3Scaling(8, 4, 1, 8192));
        assertThrows(IllegalArgumentException.class, () -> Rope.of(7, 10000));
    }

    @EachFloatType
    void applyRotatesHalfPairsByPositionTimesFrequency(DataType dt) {
        try (NDManager m = manager.newSubManager()) {
            Random r = new Random(51);
            int h = 2;
            int dh = 16;
            int t = 70; // beyond the small original context to exercise every regime
            for (Rope rope : new Rope[] {Rope.of(dh, 10000), new Rope(dh, 10000, new Rope.Llama3Scaling(4, 1, 2, 64))}) {
                NDArray x2 = random(m, r, dt, 1.0, 2, t, h * dh);
                NDArray[] cs = rope.tables(m, t, dt);
                assertEquals(new Shape(t, dh), cs[0].getShape());
                assertEquals(dt, cs[0].getDataType());
                NDArray y = Functional.mergeHeads(Rope.apply(Functional.splitHeads(x2, h), cs[0], cs[1]));
                double[][][] e = new double[2][][];
                for (int b = 0; b < 2; b++) {
                    e[b] = Ref.rope(as3(x2)[b], h, rope.inverseFrequencies());
                }
                assertClose(e, y, tol(dt), "rope " + rope);
            }
        }
    }

    @Test
    void scoresDependOnRelativePositionOnly() {
        try (NDManager m = manager.newSubManager()) {
            Random r = new Random(52);
            Rope rope = new Rope(8, 10000, new Rope.Llama3Scaling(4, 1, 2, 16));
            NDArray q = random(m, r, DataType.FLOAT64, 1.0, 1, 1, 1, 8);
            NDArray k = random(m, r, DataType.FLOAT64, 1.0, 1, 1, 1, 8);
            double[] ref = null;
            for (int shift : new int[] {0, 5, 37}) {
                // positions (3 + shift) for q and (1 + shift) for k
                NDArray[] tq = rope.tables(m.create(new long[] {3 + shift}), DataType.FLOAT64);
                NDArray[] tk = rope.tables(m.create(new long[] {1 + shift}), DataType.FLOAT64);
                double[] s = flat(Rope.apply(q, tq[0], tq[1]).mul(Rope.apply(k, tk[0], tk[1])).sum());
                if (ref == null) {
                    ref = s;
                } else {
                    assertClose(ref, s, 1e-12, "shift " + shift);
                }
            }
            // explicit positions equal the default table rows
            NDArray[] all = rope.tables(m, 6, DataType.FLOAT64);
            NDArray[] some = rope.tables(m.create(new long[] {4, 5}), DataType.FLOAT64);
            assertClose(flat(all[0].get("4:6")), flat(some[0]), 0, "cos rows");
            assertClose(flat(all[1].get("4:6")), flat(some[1]), 0, "sin rows");
        }
    }
}
