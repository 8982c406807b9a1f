package org.spinformer.representations.experiment;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.spinformer.core.testing.CpuTest;
import org.spinformer.representations.data.Pairs;
import org.spinformer.representations.imbalance.InformationImbalance;
import org.spinformer.representations.imbalance.InformationImbalance.Normalisation;
import org.spinformer.representations.imbalance.InformationImbalance.Options;
import org.spinformer.representations.models.BertEncoder;
import org.spinformer.representations.models.HiddenStates;
import org.spinformer.representations.models.Models;
import org.spinformer.representations.pooling.Pooling;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The three token analyses against closed forms, hand-computed poolings and an unbatched plain-Java reference. */
class TokenAnalysesTest extends CpuTest {
    static BertEncoder minilm;
    static Pairs pairs;

    @BeforeAll
    static void load() throws Exception {
        minilm = Models.miniLm(Device.cpu(), DataType.FLOAT32);
        pairs = Pairs.parse("bible:en_kjv,es_rv1909").sample(40, 3);
    }

    @AfterAll
    static void close() {
        minilm.close();
    }

    @Test
    void specialTokensOfBert() {
        assertArrayEquals(new int[] {1, 1}, minilm.tokenizer().specialTokens(), "[CLS] … [SEP]");
    }

    /** x [N=1, n_max=3, D=2] = tokens (1,2), (3,4), (5,6): last 2 → mean (4,5), concat (3,4,5,6). */
    @Test
    void windowByHand() {
        try (NDManager bm = m.newSubManager()) {
            NDArray x = bm.create(new float[] {1, 2, 3, 4, 5, 6}).reshape(1, 6);
            assertArrayEquals(new float[] {4, 5}, TokenSpread.window(x, 1, 3, 2, 2, true, bm).toFloatArray());
            assertArrayEquals(new float[] {3, 4, 5, 6}, TokenSpread.window(x, 1, 3, 2, 2, false, bm).toFloatArray());
            assertArrayEquals(new float[] {5, 6}, TokenSpread.window(x, 1, 3, 2, 1, true, bm).toFloatArray());
            assertArrayEquals(new float[] {3, 4}, TokenSpread.window(x, 1, 3, 2, 3, true, bm).toFloatArray());
        }
    }

    /**
     * h[s,b,t,d] = 10·t + d + 100·s, lengths 6 and 3 (lead 1, trail 1): text 0 has content 1..4, cut at 1 + 2 = 3:
     * P = mean(t = 1, 2), F = mean(t = 3, 4); text 1 has content 1, cut at 1 + 0 = 1... needs ≥ 2 content tokens,
     * so text 1 has length 4: content 1..2, cut at 2: P = t 1, F = t 2.
     */
    @Test
    void halvesPoolerByHand() {
        try (NDManager bm = m.newSubManager()) {
            int s = 2;
            int b = 2;
            int t = 6;
            int d = 2;
            float[] v = new float[s * b * t * d];
            for (int si = 0; si < s; si++) {
                for (int bi = 0; bi < b; bi++) {
                    for (int ti = 0; ti < t; ti++) {
                        for (int di = 0; di < d; di++) {
                            v[((si * b + bi) * t + ti) * d + di] = 10 * ti + di + 100 * si;
                        }
                    }
                }
            }
            NDArray h = bm.create(v).reshape(s, b, t, d);
            NDArray mask = bm.create(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0}).reshape(b, t);
            float[] out = PastFuture.halves(1, 1).apply(h, mask).toFloatArray(); // [S,B,2D]
            float[] expected = {
                15, 16, 35, 36, // s 0, text 0: P = mean(10, 20) (+d), F = mean(30, 40)
                10, 11, 20, 21, // s 0, text 1: P = 10, F = 20
                115, 116, 135, 136,
                110, 111, 120, 121};
            assertArrayEquals(expected, out, 1e-5f);
        }
    }

    /**
     * A layer's Δ, n = 1 computed once for both modes, equal bit for bit to one full imbalance per (n, mode) on the
     * windows (the former path).
     */
    @Test
    void layerSharesOnlyIdenticalInputsAndKeepsTheResults() {
        Pairs kept = TokenSpread.longEnough(minilm, pairs, 3, -1).sample(24, 2);
        int[] ns = {1, 2, 3};
        int n = kept.size();
        long d = minilm.dim();
        try (NDManager bm = m.newSubManager()) {
            Pooling window = new Pooling(Pooling.Kind.LAST_N, 3, 1, false);
            NDArray ha = HiddenStates.extractIds(minilm, minilm.tokenizer().encode(kept.a()), window, bm, 2048,
                    new int[] {4});
            NDArray hb = HiddenStates.extractIds(minilm, minilm.tokenizer().encode(kept.b()), window, bm, 2048,
                    new int[] {4});
            NDArray la = ha.get(0);
            NDArray lb = hb.get(0);
            double[] v = TokenSpread.layer(la, lb, n, 3, d, ns, Options.defaults(), bm);
            for (int ni = 0; ni < ns.length; ni++) {
                for (int mode = 0; mode < 2; mode++) {
                    InformationImbalance.Pair p = InformationImbalance.pair(
                            TokenSpread.window(la, n, 3, d, ns[ni], mode == 0, bm),
                            TokenSpread.window(lb, n, 3, d, ns[ni], mode == 0, bm), Options.defaults());
                    int at = (mode * ns.length + ni) * 4;
                    assertArrayEquals(new double[] {p.aToB(), p.aToBErr(), p.bToA(), p.bToAErr()},
                            java.util.Arrays.copyOfRange(v, at, at + 4), 0.0, "n " + ns[ni] + " mode " + mode);
                }
            }
        }
    }

    /** Identical sides: Δ = 2/N (DADApy) and 0 (paper) at every layer, token count and mode. */
    @Test
    void tokenSpreadOfIdenticalSidesIsTheClosedForm(@TempDir Path dir) throws Exception {
        Pairs same = new Pairs("x", "x", pairs.ids(), pairs.a(), pairs.a());
        Pairs kept = TokenSpread.longEnough(minilm, same, 8, -1);
        int n = kept.size();
        assertTrue(n >= 30, "most KJV verses have ≥ 10 tokens: " + n);
        TokenSpread.Result r = TokenSpread.run(minilm, kept,
                new TokenSpread.Settings(new int[] {1, 2, 8}, new int[] {0, 3, 6}, -1, x -> Options.defaults(), 2048), m);
        assertEquals(1, r.drop());
        for (int mode = 0; mode < 2; mode++) {
            for (int li = 0; li < 3; li++) {
                for (int ni = 0; ni < 3; ni++) {
                    // layer 0, n = 1: the last content token's embedding + position can repeat across texts (ties)
                    if (li == 0 && ni == 0) {
                        continue;
                    }
                    assertEquals(2.0 / n, r.aToB()[mode][li][ni], 1e-12, "mode " + mode + " layer " + li + " n " + ni);
                    assertEquals(2.0 / n, r.bToA()[mode][li][ni], 1e-12);
                }
            }
        }
        TokenSpread.Result p = TokenSpread.run(minilm, kept, new TokenSpread.Settings(new int[] {4}, new int[] {6}, -1,
                x -> Options.defaults().withNormalisation(Normalisation.PAPER).withSplit(
                        InformationImbalance.halves(x, 1L)[0], InformationImbalance.halves(x, 1L)[1]), 2048), m);
        assertEquals(0.0, p.aToB()[0][0][0], 0.0);
        assertEquals(0.0, p.bToA()[1][0][0], 0.0);
        TokenSpread.write(r, dir);
        for (String f : new String[] {"spread.json", "spread.csv", "spread-mean.png", "spread-concat.svg",
                "spread-mean-heatmap.png"}) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        assertEquals(1 + 2 * 3 * 3, Files.readAllLines(dir.resolve("spread.csv")).size());
        // a text that is too short is refused, naming it
        Pairs tiny = new Pairs("a", "b", List.of("r1"), List.of("Jesus wept."), List.of("Jesús lloró."));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenSpread.run(minilm, tiny,
                new TokenSpread.Settings(new int[] {16}, null, -1, x -> Options.defaults(), 2048), m));
        assertTrue(e.getMessage().contains("r1"), e.getMessage());
    }

    /**
     * Past/future against prefix and suffix means computed in plain Java from unbatched forward passes: separate
     * passes run [CLS] prefix [SEP] and [CLS] suffix [SEP] each alone; the joint pass runs the whole text once.
     */
    @ParameterizedTest
    @EnumSource(PastFuture.Passes.class)
    void pastFutureMatchesAnUnbatchedReference(PastFuture.Passes passes, @TempDir Path dir) throws Exception {
        List<String> texts = PastFuture.longEnough(minilm, pairs.a(), 6);
        int n = texts.size();
        int[] layers = {2, 6};
        PastFuture.Result r = PastFuture.run(minilm, "kjv", texts, 6, layers, passes, x -> Options.defaults(), 7, 2048,
                m);
        assertEquals(passes.toString(), r.passes());
        long d = minilm.dim();
        for (int li = 0; li < layers.length; li++) {
            double[] past = new double[(int) (n * d)];
            double[] future = new double[(int) (n * d)];
            for (int i = 0; i < n; i++) {
                long[] ids = minilm.tokenizer().encode(texts.get(i));
                int c = ids.length - 2;
                int cut = 1 + c / 2;
                if (passes == PastFuture.Passes.JOINT) {
                    float[] h = unbatched(ids, layers[li]); // [1,T,D]
                    for (int t = 1; t < ids.length - 1; t++) {
                        double[] dst = t < cut ? past : future;
                        double w = t < cut ? 1.0 / (cut - 1) : 1.0 / (ids.length - 1 - cut);
                        for (int k = 0; k < d; k++) {
                            dst[(int) (i * d + k)] += w * h[(int) (t * d + k)];
                        }
                    }
                } else {
                    for (int half = 0; half < 2; half++) {
                        int from = half == 0 ? 1 : cut;
                        int to = half == 0 ? cut : ids.length - 1;
                        long[] alone = new long[to - from + 2];
                        alone[0] = ids[0];
                        System.arraycopy(ids, from, alone, 1, to - from);
                        alone[alone.length - 1] = ids[ids.length - 1];
                        float[] h = unbatched(alone, layers[li]);
                        double[] dst = half == 0 ? past : future;
                        for (int t = 1; t < alone.length - 1; t++) {
                            for (int k = 0; k < d; k++) {
                                dst[(int) (i * d + k)] += h[(int) (t * d + k)] / (double) (alone.length - 2);
                            }
                        }
                    }
                }
            }
            InformationImbalance.Pair ref = InformationImbalance.pair(m.create(past).reshape(n, d),
                    m.create(future).reshape(n, d), Options.defaults());
            assertEquals(ref.aToB(), r.pastToFuture()[li], 1e-12, "layer " + layers[li]);
            assertEquals(ref.bToA(), r.futureToPast()[li], 1e-12, "layer " + layers[li]);
        }
        PastFuture.write(r, dir);
        assertEquals(3, Files.readAllLines(dir.resolve("pastfuture.csv")).size());
        assertTrue(Files.size(dir.resolve("pastfuture.png")) > 0);
    }

    /** The states of {@code layer} of one text run alone, [1,T,D] flattened. */
    private float[] unbatched(long[] ids, int layer) {
        try (NDManager bm = m.newSubManager()) {
            NDList st = minilm.hiddenStates(bm.create(ids).reshape(1, ids.length),
                    bm.ones(new ai.djl.ndarray.types.Shape(1, ids.length), DataType.INT64));
            return st.get(layer).toFloatArray();
        }
    }

    /** The prefix and suffix ids keep each text's special tokens and together hold its content tokens once. */
    @Test
    void halvesOfTokenIds() {
        long[][] ids = {{101, 1, 2, 3, 4, 5, 102}, {101, 7, 8, 102}};
        assertArrayEquals(new long[] {101, 1, 2, 102}, PastFuture.half(ids, 1, 1, false)[0]);
        assertArrayEquals(new long[] {101, 3, 4, 5, 102}, PastFuture.half(ids, 1, 1, true)[0]);
        assertArrayEquals(new long[] {101, 7, 102}, PastFuture.half(ids, 1, 1, false)[1]);
        assertArrayEquals(new long[] {101, 8, 102}, PastFuture.half(ids, 1, 1, true)[1]);
        assertArrayEquals(new long[] {1, 2}, PastFuture.half(new long[][] {{1, 2, 3, 4, 5}}, 0, 0, false)[0]);
        assertArrayEquals(new long[] {9, 3, 4, 5}, PastFuture.half(new long[][] {{9, 1, 2, 3, 4, 5}}, 1, 0, true)[0]);
    }

    /** A model crossed with itself: the diagonal is 2/N exactly and Δ(B_m→A_l) = Δ(A_m→B_l) entry by entry. */
    @Test
    void crossModelWithItself(@TempDir Path dir) throws Exception {
        List<String> texts = new ArrayList<>(pairs.a().subList(0, 30));
        CrossModel.Result r = CrossModel.run(minilm, minilm, "kjv", texts, Pooling.parse("mean"),
                x -> Options.defaults(), 2048, m);
        assertEquals(7, r.aToB().length);
        assertEquals(7, r.aToB()[0].length);
        for (int i = 0; i < 7; i++) {
            assertEquals(2.0 / 30, r.aToB()[i][i], 1e-12);
            assertEquals(i, r.bestB()[i]);
            for (int j = 0; j < 7; j++) {
                assertEquals(r.aToB()[i][j], r.bToA()[i][j], 0.0);
            }
        }
        // an entry against a direct pair computation
        try (NDManager bm = m.newSubManager()) {
            NDArray h = HiddenStates.extract(minilm, texts, Pooling.parse("mean"), bm, 2048);
            InformationImbalance.Pair p = InformationImbalance.pair(h.get(2), h.get(5), Options.defaults());
            assertEquals(p.aToB(), r.aToB()[2][5], 1e-12);
            assertEquals(p.bToA(), r.bToA()[5][2], 1e-12);
        }
        CrossModel.write(r, dir);
        assertEquals(1 + 49, Files.readAllLines(dir.resolve("cross.csv")).size());
        assertTrue(Files.size(dir.resolve("cross-a-to-b.png")) > 0);
        assertTrue(Files.size(dir.resolve("cross-b-to-a.svg")) > 0);
    }
}
