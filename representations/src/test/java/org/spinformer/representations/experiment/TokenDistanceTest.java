package org.spinformer.representations.experiment;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.testing.CpuTest;
import org.spinformer.representations.data.Pairs;
import org.spinformer.representations.imbalance.InformationImbalance;
import org.spinformer.representations.imbalance.InformationImbalance.Normalisation;
import org.spinformer.representations.imbalance.InformationImbalance.Options;
import org.spinformer.representations.models.BertEncoder;
import org.spinformer.representations.models.HiddenStates;
import org.spinformer.representations.models.Loaded;
import org.spinformer.representations.models.Models;
import org.spinformer.representations.pooling.Positions;
import org.spinformer.representations.pooling.Pooling;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code repr distance} ({@link TokenDistance}) on MiniLM: the position pick against slicing the model's own states
 * bit for bit, d = 0 against the closed form, the shuffled control against chance, per-anchor values against direct
 * pair computations, and the files.
 */
class TokenDistanceTest extends CpuTest {
    @RegisterExtension
    static final Loaded<BertEncoder> MINILM = new Loaded<>(() -> Models.miniLm(Device.cpu(), DataType.FLOAT32));

    /** 2 anchors and d ≤ 8 need 1 + 1 + 8 + 1 + 1 = 12 tokens. */
    static List<String> texts;

    private static List<String> verses(int n) throws Exception {
        if (texts == null) {
            List<String> kjv = Pairs.parse("bible:en_kjv,es_rv1909").sample(400, 5).a();
            texts = TokenDistance.longEnough(MINILM.get(), kjv, 2, 8);
        }
        assertTrue(texts.size() >= n, "KJV verses with 12 tokens: " + texts.size());
        return texts.subList(0, n);
    }

    /** The pooler on a stacked forward pass equals indexing that pass position by position, bit for bit. */
    @Test
    void positionPickEqualsSlicingTheStates() throws Exception {
        BertEncoder model = MINILM.get();
        List<String> ts = new ArrayList<>(verses(12));
        // one batch, texts in length order (as HiddenStates plans it), right-padded
        long[][] ids = model.tokenizer().encode(ts);
        Integer[] order = new Integer[ids.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingInt(i -> ids[i].length));
        int t = ids[order[ids.length - 1]].length;
        int b = ids.length;
        long[] flat = new long[b * t];
        long[] mask = new long[b * t];
        for (int r = 0; r < b; r++) {
            long[] row = ids[order[r]];
            System.arraycopy(row, 0, flat, r * t, row.length);
            Arrays.fill(mask, r * t, r * t + row.length, 1L);
        }
        int[] pos = {1, 2, 4, 9};
        Positions p = new Positions(pos, 1, 1);
        long d = model.dim();
        int layers = model.layers() + 1;
        try (NDManager bm = m.newSubManager()) {
            NDArray idArr = bm.create(flat, new Shape(b, t));
            NDArray maskArr = bm.create(mask, new Shape(b, t));
            NDList states = model.hiddenStates(idArr, maskArr);
            NDArray h = Pooling.stack(states); // [S,B,T,D]
            float[] picked = p.apply(h, maskArr).toFloatArray(); // [S,B,P·D]
            float[] all = h.toFloatArray();
            float[] expected = new float[picked.length];
            for (int s = 0; s < layers; s++) {
                for (int r = 0; r < b; r++) {
                    for (int k = 0; k < pos.length; k++) {
                        System.arraycopy(all, (int) (((long) (s * b + r) * t + pos[k]) * d), expected,
                                (int) (((long) (s * b + r) * pos.length + k) * d), (int) d);
                    }
                }
            }
            assertArrayEquals(expected, picked, "the pick is a copy of the states");
            // through HiddenStates (one batch in the same order), back in input order
            float[] ex = HiddenStates.extractIds(model, ids, p, bm, 1 << 20).toFloatArray(); // [S,N,P·D]
            long w = pos.length * d;
            for (int s = 0; s < layers; s++) {
                for (int r = 0; r < b; r++) {
                    int i = order[r];
                    assertArrayEquals(Arrays.copyOfRange(picked, (int) ((s * b + r) * w), (int) ((s * b + r + 1) * w)),
                            Arrays.copyOfRange(ex, (int) ((s * b + i) * w), (int) ((s * b + i + 1) * w)),
                            "state " + s + " text " + i);
                }
            }
            // a position on the trailing [SEP] of the shortest text is refused, never clamped
            int shortest = ids[order[0]].length;
            Positions tooFar = new Positions(new int[] {1, shortest - 1}, 1, 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tooFar.apply(h, maskArr));
            assertTrue(e.getMessage().contains("too short"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new Positions(new int[] {0, 3}, 1, 1), "[CLS] position");
        assertThrows(IllegalArgumentException.class, () -> new Positions(new int[] {3, 3}, 1, 1), "not increasing");
    }

    /** d = 0 compares a token with itself: Δ = 2/N (dadapy) and 0 (paper) exactly, every layer, both ways. */
    @Test
    void distanceZeroIsTheClosedForm() throws Exception {
        List<String> ts = verses(60);
        int n = ts.size();
        TokenDistance.Result r = TokenDistance.run(MINILM.get(), "kjv", ts,
                new TokenDistance.Settings(new int[] {0, 3}, 2, null, x -> Options.defaults(), 1, 2048), m);
        assertEquals(7, r.layers().length);
        assertArrayEquals(new int[] {1, 2}, r.anchorPositions());
        for (int li = 0; li < 7; li++) {
            assertEquals(2.0 / n, r.xToY()[li][0], 0.0, "layer " + li);
            assertEquals(2.0 / n, r.yToX()[li][0], 0.0, "layer " + li);
            assertEquals(0.0, r.xToYErr()[li][0], 0.0);
        }
        TokenDistance.Result p = TokenDistance.run(MINILM.get(), "kjv", ts, new TokenDistance.Settings(new int[] {0}, 2,
                new int[] {3}, x -> Options.defaults().withNormalisation(Normalisation.PAPER).withSplit(
                        InformationImbalance.halves(x, 1L)[0], InformationImbalance.halves(x, 1L)[1]), 1, 2048), m);
        assertEquals(0.0, p.xToY()[0][0], 0.0);
        assertEquals(0.0, p.yToX()[0][0], 0.0);
        assertEquals("paper", p.normalisation());
    }

    /**
     * One anchor: Δ equals a direct pair computation on the sliced states, and the control one on the shuffled
     * target; several anchors: the average of the per-anchor Δ; the shuffled control is 1 within 4/√N (the tolerance
     * of the imbalance tests) at the contextual layers (the embedding layer's repeated tokens tie).
     */
    @Test
    void anchorsAgainstDirectPairsAndControlNearOne(@TempDir Path dir) throws Exception {
        BertEncoder model = MINILM.get();
        List<String> ts = verses(150);
        int n = ts.size();
        int[] ds = {1, 2, 8};
        int[] layers = {0, 2, 6};
        TokenDistance.Result one = TokenDistance.run(model, "kjv", ts,
                new TokenDistance.Settings(ds, 1, layers, x -> Options.defaults(), 7, 2048), m);
        try (NDManager bm = m.newSubManager()) {
            NDArray h = HiddenStates.extractIds(model, model.tokenizer().encode(ts), new Positions(new int[] {1, 2, 3, 9},
                    1, 1), bm, 2048, layers); // [3, N, 4·D]
            long d = model.dim();
            for (int li = 0; li < layers.length; li++) {
                NDArray hl = h.get(li).reshape(n, 4, d);
                NDArray x = hl.get(new NDIndex(":, 0, :"));
                int[] col = {1, 2, 3};
                for (int di = 0; di < ds.length; di++) {
                    NDArray y = hl.get(new NDIndex(":, " + col[di] + ", :"));
                    InformationImbalance.Pair pr = InformationImbalance.pair(x, y, Options.defaults());
                    assertEquals(pr.aToB(), one.xToY()[li][di], 1e-12, "layer " + layers[li] + " d " + ds[di]);
                    assertEquals(pr.bToA(), one.yToX()[li][di], 1e-12);
                    assertEquals(pr.aToBErr(), one.xToYErr()[li][di], 1e-12);
                    assertEquals(pr.bToAErr(), one.yToXErr()[li][di], 1e-12);
                    InformationImbalance.Pair sh = InformationImbalance.pair(x, InformationImbalance.shuffleRows(y, 7),
                            Options.defaults());
                    assertEquals(sh.aToB(), one.shuffledXToY()[li][di], 1e-12);
                    assertEquals(sh.bToA(), one.shuffledYToX()[li][di], 1e-12);
                }
            }
        }
        TokenDistance.Result r = TokenDistance.run(model, "kjv", ts,
                new TokenDistance.Settings(ds, 3, layers, x -> Options.defaults(), 7, 2048), m);
        for (int li = 0; li < layers.length; li++) {
            for (int di = 0; di < ds.length; di++) {
                assertEquals(Arrays.stream(r.xToYByAnchor()[li][di]).average().orElseThrow(), r.xToY()[li][di], 1e-12);
                assertEquals(Arrays.stream(r.yToXByAnchor()[li][di]).average().orElseThrow(), r.yToX()[li][di], 1e-12);
                assertEquals(one.xToY()[li][di], r.xToYByAnchor()[li][di][0], 1e-12, "anchor 0 = the single anchor");
                if (layers[li] > 0) {
                    assertEquals(1.0, r.shuffledXToY()[li][di], 4 / Math.sqrt(n), "layer " + layers[li] + " d " + ds[di]);
                    assertEquals(1.0, r.shuffledYToX()[li][di], 4 / Math.sqrt(n));
                }
            }
        }
        TokenDistance.write(r, dir);
        for (String f : new String[] {"distance.json", "distance.csv", "distance.png", "distance.svg",
                "distance-back.png", "distance-back.svg", "distance-heatmap.png", "distance-heatmap.svg"}) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        List<String> csv = Files.readAllLines(dir.resolve("distance.csv"));
        assertEquals(1 + layers.length * ds.length, csv.size());
        assertEquals("layer,d,x_to_y,x_to_y_err,y_to_x,y_to_x_err,shuffled_x_to_y,shuffled_y_to_x", csv.get(0));
        assertTrue(Files.readString(dir.resolve("distance.json")).contains("\"x_to_y_by_anchor\""));
    }

    /** Texts too short for the anchors and d_max are refused, naming --distances; so is d beyond the model. */
    @Test
    void tooShortIsRefused() {
        BertEncoder model = MINILM.get();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenDistance.longEnough(model, List.of("Jesus wept."), 1, 8));
        assertTrue(e.getMessage().startsWith("--distances") && e.getMessage().contains("longest has 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TokenDistance.run(model, "x", List.of("Jesus wept."),
                new TokenDistance.Settings(new int[] {4}, 1, null, x -> Options.defaults(), 1, 2048), m));
        assertTrue(e.getMessage().contains("text 1 has 5 tokens"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TokenDistance.checkFits(model, 4, 600));
        assertTrue(e.getMessage().contains("more than the 512"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new TokenDistance.Settings(new int[] {2, 1}, 1, null, x -> Options.defaults(), 1, 2048));
        assertThrows(IllegalArgumentException.class,
                () -> new TokenDistance.Settings(new int[] {1}, 0, null, x -> Options.defaults(), 1, 2048));
    }
}
