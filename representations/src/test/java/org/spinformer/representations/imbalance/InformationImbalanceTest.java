package org.spinformer.representations.imbalance;

import org.spinformer.core.testing.CpuTest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import org.junit.jupiter.api.Test;
import org.spinformer.core.io.Npy;

import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InformationImbalanceTest extends CpuTest {

    static NDArray gaussian(long seed, int n, int d) {
        Random r = new Random(seed);
        double[] v = new double[n * d];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        return m.create(v).reshape(n, d);
    }

    @Test
    void identicalSpacesGiveTwoOverN() {
        int n = 300;
        NDArray x = gaussian(1, n, 8);
        InformationImbalance.Pair p = InformationImbalance.pair(x, x, InformationImbalance.Options.defaults());
        assertEquals(2.0 / n, p.aToB(), 0.0);
        assertEquals(2.0 / n, p.bToA(), 0.0);
        // k neighbours: mean rank (k+1)/2, Δ = (k+1)/N
        InformationImbalance.Pair p5 = InformationImbalance.pair(x, x,
                InformationImbalance.Options.defaults().withK(5).withBlockRows(37));
        assertEquals(6.0 / n, p5.aToB(), 1e-15);
        // float32 distances too
        InformationImbalance.Pair p32 = InformationImbalance.pair(x, x,
                InformationImbalance.Options.defaults().withDType(DataType.FLOAT32));
        assertEquals(2.0 / n, p32.aToB(), 0.0);
    }

    @Test
    void independentSpacesGiveOne() {
        int n = 1000;
        NDArray a = gaussian(2, n, 6);
        NDArray b = gaussian(3, n, 6);
        InformationImbalance.Pair p = InformationImbalance.pair(a, b, InformationImbalance.Options.defaults());
        double tol = 4 / Math.sqrt(n);
        assertEquals(1.0, p.aToB(), tol);
        assertEquals(1.0, p.bToA(), tol);
        // the reported standard error is the spread of a mean of uniform ranks: (2/N)·(N/√12)/√N ≈ 0.577/√N
        assertEquals(1 / Math.sqrt(3 * n), p.aToBErr(), 0.2 / Math.sqrt(n));
    }

    @Test
    void nestedFeaturesAreAsymmetric() {
        int n = 800;
        NDArray a = gaussian(4, n, 6);
        NDArray b = a.get(new NDIndex(":, 0:3"));
        InformationImbalance.Pair p = InformationImbalance.pair(a, b, InformationImbalance.Options.defaults());
        assertTrue(p.aToB() < 0.5 * p.bToA(), "A→B " + p.aToB() + " vs B→A " + p.bToA());
        assertTrue(p.aToB() < 0.35, "A contains B: " + p.aToB());
        assertTrue(p.bToA() > 0.4, "B misses half of A: " + p.bToA());
    }

    @Test
    void shuffledControlIsAboutOne() {
        int n = 600;
        NDArray a = gaussian(5, n, 4);
        NDArray b = a.mul(2.0).add(gaussian(6, n, 4).mul(0.05));
        InformationImbalance.Options o = InformationImbalance.Options.defaults();
        assertTrue(InformationImbalance.pair(a, b, o).aToB() < 0.1);
        NDArray shuffled = InformationImbalance.shuffleRows(b, 7);
        assertEquals(1.0, InformationImbalance.pair(a, shuffled, o).aToB(), 4 / Math.sqrt(n));
    }

    @Test
    void blockSizeDoesNotMatter() {
        NDArray a = gaussian(8, 123, 5);
        NDArray b = gaussian(9, 123, 3).add(a.get(new NDIndex(":, 0:3")));
        for (int k : new int[] {1, 4}) {
            InformationImbalance.Options o = InformationImbalance.Options.defaults().withK(k);
            InformationImbalance.Pair ref = InformationImbalance.pair(a, b, o.withBlockRows(123));
            for (int block : new int[] {0, 1, 7, 50}) { // 0: whole matrices from symmetric Gram blocks
                InformationImbalance.Pair p = InformationImbalance.pair(a, b, o.withBlockRows(block));
                assertEquals(ref.aToB(), p.aToB(), 0.0);
                assertEquals(ref.bToA(), p.bToA(), 0.0);
            }
        }
    }

    @Test
    void allPrecisionsAgreeOnGenericData() {
        NDArray a = gaussian(30, 400, 16);
        NDArray b = gaussian(31, 400, 16).add(a.mul(0.5));
        for (int k : new int[] {1, 3}) {
            for (int block : new int[] {0, 64}) {
                InformationImbalance.Options o = InformationImbalance.Options.defaults().withK(k).withBlockRows(block);
                InformationImbalance.Pair p64 = InformationImbalance.pair(a, b,
                        o.withPrecision(InformationImbalance.Precision.FLOAT64));
                InformationImbalance.Pair px = InformationImbalance.pair(a, b, o);
                assertEquals(p64.aToB(), px.aToB(), 0.0);
                assertEquals(p64.bToA(), px.bToA(), 0.0);
            }
        }
    }

    /**
     * Exact = float64 rank for rank on many data sets whose error bands are wide (one far outlier inflates max|r|,
     * so most references of a row fall near or inside the band). Every reference must land exactly once below,
     * inside or above the band; a first version tested "below" and "inside" with differently rounded thresholds and
     * lost a reference lying on the band's edge (1 rank in 4000 on MiniLM hidden states; this random test does not
     * hit that edge, the fix makes the partition consistent by construction).
     */
    @Test
    void exactEqualsFloat64RankForRankWithWideBands() {
        for (int seed = 0; seed < 12; seed++) {
            int n = 400;
            NDArray a = gaussian(100 + seed, n, 12);
            NDArray b = gaussian(200 + seed, n, 12).mul(0.3).add(a.get(new NDIndex(":, 0:12")));
            NDArray far = m.zeros(new ai.djl.ndarray.types.Shape(n, 12), DataType.FLOAT64);
            far.set(new NDIndex("0, 0"), 3000.0);
            b = b.add(far);
            NDArray b32 = b.toType(DataType.FLOAT32, false);
            NDArray a32 = a.toType(DataType.FLOAT32, false);
            for (int k : new int[] {1, 3}) {
                InformationImbalance.Options o = InformationImbalance.Options.defaults().withK(k);
                InformationImbalance.Matrix x = InformationImbalance.matrix(List.of(a32, b32), o);
                InformationImbalance.Matrix r = InformationImbalance.matrix(List.of(a32, b32),
                        o.withPrecision(InformationImbalance.Precision.FLOAT64));
                for (int i = 0; i < 2; i++) {
                    for (int j = 0; j < 2; j++) {
                        org.junit.jupiter.api.Assertions.assertArrayEquals(r.meanRanks()[i][j], x.meanRanks()[i][j],
                                "seed " + seed + " k=" + k + " " + i + "->" + j);
                    }
                }
            }
        }
    }

    /**
     * Near-ties that float32 cannot resolve: B_i = (1 + 1e-9·g_i)·e_i (orthogonal directions), so from any point
     * the squared distances |B_i|² + |B_l|² differ only in the 9th digit. EXACT must give the float64 ranks;
     * FLOAT32 gets them wrong (checked, so the data really is hard).
     */
    @Test
    void exactPrecisionResolvesNearTiesThatFloat32Misorders() {
        int n = 120;
        Random r = new Random(5);
        double[] bv = new double[n * n];
        for (int i = 0; i < n; i++) {
            bv[i * n + i] = 3.0 * (1 + 1e-9 * r.nextGaussian());
        }
        NDArray b = m.create(bv).reshape(n, n);
        NDArray a = gaussian(32, n, 3);
        for (int k : new int[] {1, 4}) {
            for (InformationImbalance.Ties ties : InformationImbalance.Ties.values()) {
                InformationImbalance.Options o = InformationImbalance.Options.defaults().withK(k).withTies(ties);
                InformationImbalance.Pair p64 = InformationImbalance.pair(a, b,
                        o.withPrecision(InformationImbalance.Precision.FLOAT64));
                for (int block : new int[] {0, 50}) {
                    InformationImbalance.Pair px = InformationImbalance.pair(a, b, o.withBlockRows(block));
                    assertEquals(p64.aToB(), px.aToB(), 0.0, "k=" + k + " " + ties + " block " + block);
                    assertEquals(p64.bToA(), px.bToA(), 0.0, "k=" + k + " " + ties + " block " + block);
                }
                InformationImbalance.Pair p32 = InformationImbalance.pair(a, b,
                        o.withPrecision(InformationImbalance.Precision.FLOAT32));
                assertTrue(p32.aToB() != p64.aToB() || p32.bToA() != p64.bToA(), "float32 should misorder here");
            }
        }
    }

    @Test
    void matrixMatchesPairs() {
        NDArray a = gaussian(10, 200, 4);
        NDArray b = gaussian(11, 200, 4).add(a);
        NDArray c = a.get(new NDIndex(":, 0:2"));
        InformationImbalance.Options o = InformationImbalance.Options.defaults().withK(3);
        InformationImbalance.Matrix mm = InformationImbalance.matrix(List.of(a, b, c), o);
        InformationImbalance.Pair bc = InformationImbalance.pair(b, c, o);
        assertEquals(bc.aToB(), mm.delta()[1][2], 0.0);
        assertEquals(bc.bToA(), mm.delta()[2][1], 0.0);
        assertEquals(4.0 / 200, mm.delta()[0][0], 1e-15);
    }

    @Test
    void disjointSubsetsGiveMeanAndError() {
        int n = 1200;
        NDArray a = gaussian(12, n, 4);
        NDArray b = gaussian(13, n, 4);
        double[][][] r = InformationImbalance.disjointSubsets(List.of(a, b), InformationImbalance.Options.defaults(),
                4, 1);
        assertEquals(1.0, r[0][0][1], 4 / Math.sqrt(n));
        assertTrue(r[1][0][1] > 0 && r[1][0][1] < 0.1, "error " + r[1][0][1]);
        assertEquals(2.0 / (n / 4), r[0][0][0], 1e-15);
    }

    @Test
    void leavesNothingInTheCallersManager() {
        try (NDManager caller = m.newSubManager()) {
            NDArray a = gaussian(20, 100, 4);
            NDArray b = gaussian(21, 100, 4);
            a.attach(caller);
            b.attach(caller);
            int before = caller.getManagedArrays().size();
            for (Metric metric : Metric.values()) {
                InformationImbalance.pair(a, b, InformationImbalance.Options.defaults().withMetric(metric).withK(2)
                        .withBlockRows(30));
                InformationImbalance.pair(a, a, InformationImbalance.Options.defaults().withMetric(metric)
                        .withSplit(new int[] {1, 2, 3}, null).withDType(DataType.FLOAT32));
            }
            // float32 inputs are used in place by the float32 paths: they must stay the caller's, open
            NDArray a32 = a.toType(DataType.FLOAT32, true);
            NDArray b32 = b.toType(DataType.FLOAT32, true);
            for (InformationImbalance.Precision prec : InformationImbalance.Precision.values()) {
                InformationImbalance.pair(a32, b32, InformationImbalance.Options.defaults().withPrecision(prec));
                InformationImbalance.pair(a32, b32, InformationImbalance.Options.defaults().withPrecision(prec)
                        .withBlockRows(30).withK(2));
            }
            assertEquals(caller, a32.getManager());
            assertEquals(caller, b32.getManager());
            a32.close();
            b32.close();
            TwoNN.estimate(a);
            assertEquals(before, caller.getManagedArrays().size());
        }
    }

    @Test
    void badInputIsRejected() {
        NDArray a = gaussian(14, 10, 3);
        NDArray b = gaussian(15, 11, 3);
        assertThrows(IllegalArgumentException.class,
                () -> InformationImbalance.pair(a, b, InformationImbalance.Options.defaults()));
        assertThrows(IllegalArgumentException.class,
                () -> InformationImbalance.pair(a, a, InformationImbalance.Options.defaults().withK(10)));
        assertThrows(IllegalArgumentException.class, () -> InformationImbalance.Ties.parse("max"));
        assertThrows(IllegalArgumentException.class, () -> Metric.parse("manhattan"));
    }

    // ---------------------------------------------------------------- golden values (make_golden.py, numpy)

    record Case(String data, String metric, int k, String ties, int[] queries, int[] references, double a_to_b,
            double b_to_a) {
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(InformationImbalanceTest.class.getResource(name).toURI());
    }

    @Test
    void matchesNumpyFullRankGolden() throws Exception {
        List<Case> cases;
        try (Reader r = new InputStreamReader(InformationImbalanceTest.class.getResourceAsStream("golden.json"),
                StandardCharsets.UTF_8)) {
            cases = new Gson().fromJson(r, new TypeToken<List<Case>>() { }.getType());
        }
        assertEquals(24, cases.size());
        Map<String, NDArray[]> data = Map.of(
                "gauss", new NDArray[] {Npy.read(resource("gauss_a.npy"), m), Npy.read(resource("gauss_b.npy"), m)},
                "int", new NDArray[] {Npy.read(resource("int_a.npy"), m), Npy.read(resource("int_b.npy"), m)});
        int tiesDiffer = 0;
        for (InformationImbalance.Precision prec : new InformationImbalance.Precision[] {
                InformationImbalance.Precision.EXACT, InformationImbalance.Precision.FLOAT64}) {
        for (Case c : cases) {
            NDArray[] ab = data.get(c.data());
            InformationImbalance.Options o = InformationImbalance.Options.defaults().withK(c.k())
                    .withTies(InformationImbalance.Ties.parse(c.ties())).withMetric(Metric.parse(c.metric()))
                    .withSplit(c.queries(), c.references()).withBlockRows(13).withPrecision(prec);
            InformationImbalance.Pair p = InformationImbalance.pair(ab[0], ab[1], o);
            assertEquals(c.a_to_b(), p.aToB(), 1e-12, prec + " " + c);
            assertEquals(c.b_to_a(), p.bToA(), 1e-12, prec + " " + c);
            // the whole-matrix path (no split, automatic blocks) too
            if (c.queries() == null && c.references() == null) {
                InformationImbalance.Pair pw = InformationImbalance.pair(ab[0], ab[1], o.withBlockRows(0));
                assertEquals(c.a_to_b(), pw.aToB(), 1e-12, prec + " whole " + c);
                assertEquals(c.b_to_a(), pw.bToA(), 1e-12, prec + " whole " + c);
            }
            if (c.ties().equals("first")) {
                InformationImbalance.Pair pm = InformationImbalance.pair(ab[0], ab[1],
                        o.withTies(InformationImbalance.Ties.MIN));
                if (pm.aToB() != p.aToB() || pm.bToA() != p.bToA()) {
                    tiesDiffer++;
                }
            }
        }
        }
        assertTrue(tiesDiffer >= 4, "the integer data set must exercise the tie rules, differing cases: " + tiesDiffer);
    }

    @Test
    void nonFiniteValueIsRejectedWithRowAndColumn() {
        double[] v = gaussian(3, 50, 4).toDoubleArray();
        v[7 * 4 + 2] = Double.NaN;
        NDArray a = m.create(v).reshape(50, 4);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> InformationImbalance.pair(a, gaussian(4, 50, 4), InformationImbalance.Options.defaults()));
        assertTrue(ex.getMessage().contains("row 7, column 2"), ex.getMessage());
        // float32 input (what .npy files from numpy usually hold), an infinity this time
        v[7 * 4 + 2] = 0;
        v[11 * 4 + 3] = Double.POSITIVE_INFINITY;
        NDArray a32 = m.create(v).reshape(50, 4).toType(DataType.FLOAT32, false);
        IllegalArgumentException ex32 = assertThrows(IllegalArgumentException.class,
                () -> InformationImbalance.pair(a32, gaussian(4, 50, 4), InformationImbalance.Options.defaults()));
        assertTrue(ex32.getMessage().contains("(Infinity) at row 11, column 3"), ex32.getMessage());
    }

    @Test
    void exactPrecisionIsScaleFree() {
        NDArray a = gaussian(5, 200, 6).toType(DataType.FLOAT32, false);
        NDArray b = gaussian(6, 200, 3).toType(DataType.FLOAT32, false);
        InformationImbalance.Pair ref = InformationImbalance.pair(a, b, InformationImbalance.Options.defaults());
        for (int e = -30; e <= 30; e += 10) {
            NDArray as = a.toType(DataType.FLOAT64, true).mul(Math.pow(10, e)).toType(DataType.FLOAT32, false);
            InformationImbalance.Pair p = InformationImbalance.pair(as, b, InformationImbalance.Options.defaults());
            assertEquals(ref.aToB(), p.aToB(), 1e-12, "scale 1e" + e);
            assertEquals(ref.bToA(), p.bToA(), 1e-12, "scale 1e" + e);
        }
    }
}
