package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spinformer.core.nn.NnTesting.as3;
import static org.spinformer.core.nn.NnTesting.assertClose;
import static org.spinformer.core.nn.NnTesting.flat;
import static org.spinformer.core.nn.NnTesting.gradCheck;
import static org.spinformer.core.nn.NnTesting.input;
import static org.spinformer.core.nn.NnTesting.mat;
import static org.spinformer.core.nn.NnTesting.random;
import static org.spinformer.core.nn.NnTesting.randomize;
import static org.spinformer.core.nn.NnTesting.vec;

/** Scaled dot-product attention, GQA, masks, multi-head and GPT-2 attention blocks. */
class AttentionTest extends ManagedNnTest {

    /** padding mask: sample 0 full, sample 1 with its last {@code pad} tokens padded. */
    private static NDArray padMask(NDManager m, int t, int pad) {
        long[] v = new long[2 * t];
        for (int i = 0; i < 2 * t; i++) {
            v[i] = i < t || i - t < t - pad ? 1 : 0;
        }
        return m.create(v, new Shape(2, t));
    }

    private static boolean[] keep(NDArray mask, int b) {
        long[] v = mask.get(b).toLongArray();
        boolean[] k = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            k[i] = v[i] != 0;
        }
        return k;
    }

    @EachFloatType
    void scaledDotProductMatchesLoopsWithMasksAndGroups(DataType dt) {
        try (NDManager m = manager.newSubManager()) {
            Random r = new Random(21);
            int h = 4;
            int dh = 3;
            for (int hkv : new int[] {4, 2, 1}) {
                for (int[] ts : new int[][] {{5, 5}, {3, 5}}) {
                    int t = ts[0];
                    int s = ts[1];
                    NDArray q2 = random(m, r, dt, 1.0, 2, t, h * dh);
                    NDArray k2 = random(m, r, dt, 1.0, 2, s, hkv * dh);
                    NDArray v2 = random(m, r, dt, 1.0, 2, s, hkv * dh);
                    NDArray mask = padMask(m, s, 2);
                    for (boolean causal : new boolean[] {false, true}) {
                        for (boolean pad : new boolean[] {false, true}) {
                            NDArray o = Functional.mergeHeads(Attention.scaledDotProduct(
                                    Functional.splitHeads(q2, h), Functional.splitHeads(k2, hkv),
                                    Functional.splitHeads(v2, hkv), pad ? mask : null, causal));
                            double[][][] e = new double[2][][];
                            for (int b = 0; b < 2; b++) {
                                e[b] = Ref.attention(as3(q2)[b], as3(k2)[b], as3(v2)[b], h, hkv,
                                        pad ? keep(mask, b) : null, causal);
                            }
                            assertClose(e, o, tol(dt), "attention H_kv=" + hkv + " T=" + t + " S=" + s + " causal="
                                    + causal + " pad=" + pad);
                        }
                    }
                }
            }
        }
    }

    @Test
    void groupedQueryEqualsMultiHeadWithRepeatedKeyValueHeads() {
        try (NDManager m = manager.newSubManager()) {
            DataType dt = DataType.FLOAT64;
            Random r = new Random(22);
            int d = 8;
            int h = 4;
            int hkv = 2;
            int dh = 2;
            MultiHeadAttention gqa = MultiHeadAttention.builder().setManager(m).optDataType(dt).setDim(d).setHeads(h)
                    .optKvHeads(hkv).optNames(MultiHeadAttention.Names.LLAMA).optQkvBias(true).optOutputBias(false)
                    .optCausal(true).optRope(Rope.of(dh, 10000)).build();
            randomize(gqa.parameters(), 23, 0.5);
            Parameters pg = gqa.parameters();
            // plain MHA whose key/value head g·rep + j copies GQA head g (Hugging Face repeat_kv)
            Parameters pm = new Parameters();
            for (String n : pg.names()) {
                NDArray a = pg.get(n);
                if (n.startsWith("k_proj") || n.startsWith("v_proj")) {
                    boolean w = n.endsWith("weight");
                    NDArray heads = w ? a.reshape(hkv, 1, dh, d) : a.reshape(hkv, 1, dh);
                    Shape rep = w ? new Shape(hkv, h / hkv, dh, d) : new Shape(hkv, h / hkv, dh);
                    a = heads.broadcast(rep).reshape(w ? new Shape(h * dh, d) : new Shape(h * dh));
                }
                pm.put(n, a);
            }
            MultiHeadAttention mha = MultiHeadAttention.builder().optParameters(pm).optDataType(dt).setDim(d)
                    .setHeads(h).optKvHeads(h).optNames(MultiHeadAttention.Names.LLAMA).optQkvBias(true)
                    .optOutputBias(false).optCausal(true).optRope(Rope.of(dh, 10000)).build();
            NDArray x = random(m, r, dt, 1.0, 2, 5, d);
            NDArray mask = padMask(m, 5, 1);
            assertClose(flat(mha.forward(x, mask)), flat(gqa.forward(x, mask)), 1e-13, "GQA vs repeated MHA");
            // and H_kv = H through the grouped code path equals the plain per-head loop
            double[][][] e = new double[2][][];
            for (int b = 0; b < 2; b++) {
                double[][] xb = as3(x)[b];
                double[][] q = Ref.linear(xb, mat(pm.get("q_proj.weight")), vec(pm.get("q_proj.bias")));
                double[][] k = Ref.linear(xb, mat(pm.get("k_proj.weight")), vec(pm.get("k_proj.bias")));
                double[][] v = Ref.linear(xb, mat(pm.get("v_proj.weight")), vec(pm.get("v_proj.bias")));
                double[] omega = Rope.of(dh, 10000).inverseFrequencies();
                double[][] o = Ref.attention(Ref.rope(q, h, omega), Ref.rope(k, h, omega), v, h, h, keep(mask, b),
                        true);
                e[b] = Ref.linear(o, mat(pm.get("o_proj.weight")), null);
            }
            assertClose(e, mha.forward(x, mask), 1e-12, "MHA H_kv = H vs loops");
        }
    }

    @EachFloatType
    void bertAttentionBlockMatchesLoops(DataType dt) {
        try (NDManager m = manager.newSubManager()) {
            Random r = new Random(24);
            MultiHeadAttention a = MultiHeadAttention.builder().setManager(m).optDataType(dt)
                    .optPrefix("encoder.layer.0.attention.").setDim(6).setHeads(2).build();
            Parameters p = a.parameters();
            assertEquals(List.of("self.query.weight", "self.query.bias", "self.key.weight", "self.key.bias",
                    "self.value.weight", "self.value.bias", "output.dense.weight", "output.dense.bias"),
                    p.names().stream().map(n -> n.substring("encoder.layer.0.attention.".length())).toList());
            randomize(p, 25, 0.5);
            NDArray x = random(m, r, dt, 1.0, 2, 4, 6);
            NDArray mask = padMask(m, 4, 1);
            String pre = "encoder.layer.0.attention.";
            double[][][] e = new double[2][][];
            for (int b = 0; b < 2; b++) {
                double[][] xb = as3(x)[b];
                double[][] q = Ref.linear(xb, mat(p.get(pre + "self.query.weight")), vec(p.get(pre + "self.query.bias")));
                double[][] k = Ref.linear(xb, mat(p.get(pre + "self.key.weight")), vec(p.get(pre + "self.key.bias")));
                double[][] v = Ref.linear(xb, mat(p.get(pre + "self.value.weight")), vec(p.get(pre + "self.value.bias")));
                e[b] = Ref.linear(Ref.attention(q, k, v, 2, 2, keep(mask, b), false),
                        mat(p.get(pre + "output.dense.weight")), vec(p.get(pre + "output.dense.bias")));
            }
            assertClose(e, a.forward(x, mask), tol(dt), "BERT attention");
        }
    }

    @EachFloatType
    void gpt2AttentionMatchesLoops(DataType dt) {
        try (NDManager m = manager.newSubManager()) {
            Random r = new Random(26);
            Gpt2Attention a = Gpt2Attention.builder().setManager(m).optDataType(dt).optPrefix("h.0.attn.").setDim(6)
                    .setHeads(3).build();
            Parameters p = a.parameters();
            assertEquals(new Shape(6, 18), p.get("h.0.attn.c_attn.weight").getShape());
            randomize(p, 27, 0.5);
            NDArray x = random(m, r, dt, 1.0, 2, 4, 6);
            NDArray mask = padMask(m, 4, 1);
            double[][] wAttn = Ref.transpose(mat(p.get("h.0.attn.c_attn.weight"))); // Conv1D [in,out] → [out,in]
            double[][] wProj = Ref.transpose(mat(p.get("h.0.attn.c_proj.weight")));
            double[][][] e = new double[2][][];
            for (int b = 0; b < 2; b++) {
                double[][] qkv = Ref.linear(as3(x)[b], wAttn, vec(p.get("h.0.attn.c_attn.bias")));
                double[][] o = Ref.attention(Ref.cols(qkv, 0, 6), Ref.cols(qkv, 6, 6), Ref.cols(qkv, 12, 6), 3, 3,
                        keep(mask, b), true);
                e[b] = Ref.linear(o, wProj, vec(p.get("h.0.attn.c_proj.bias")));
            }
            assertClose(e, a.forward(x, mask), tol(dt), "GPT-2 attention");
        }
    }

    /** The blocks under the mask tests: BERT MHA, causal Llama GQA with RoPE, GPT-2. */
    private static List<AttentionBlock> blocks(NDManager m, boolean causalOnly) {
        DataType dt = DataType.FLOAT64;
        MultiHeadAttention bert = MultiHeadAttention.builder().setManager(m).optDataType(dt).setDim(8).setHeads(2)
                .build();
        MultiHeadAttention llama = MultiHeadAttention.builder().setManager(m).optDataType(dt).setDim(8).setHeads(4)
                .optKvHeads(2).optNames(MultiHeadAttention.Names.LLAMA).optQkvBias(false).optOutputBias(false)
                .optCausal(true).optRope(new Rope(2, 500000, Rope.Llama3Scaling.llama31())).build();
        Gpt2Attention gpt2 = Gpt2Attention.builder().setManager(m).optDataType(dt).setDim(8).setHeads(2).build();
        randomize(bert.parameters(), 31, 0.5);
        randomize(llama.parameters(), 32, 0.5);
        randomize(gpt2.parameters(), 33, 0.5);
        return causalOnly ? List.of(llama, gpt2) : List.of(bert, llama, gpt2);
    }

    @Test
    void causalOutputAtTIgnoresLaterInputs() {
        try (NDManager m = manager.newSubManager()) {
            Random r = new Random(34);
            int t = 6;
            for (AttentionBlock a : blocks(m, true)) {
                NDArray x = random(m, r, DataType.FLOAT64, 1.0, 2, t, 8);
                NDArray y = a.forward(x, null);
                for (int cut = 0; cut < t - 1; cut++) {
                    // replace every input after position cut
                    NDArray tail = random(m, r, DataType.FLOAT64, 3.0, 2, t - cut - 1, 8);
                    NDArray x2 = NDArrays.concat(new NDList(x.get(new NDIndex(":, :{}", cut + 1)), tail), 1);
                    NDArray y2 = a.forward(x2, null);
                    assertArrayEquals(flat(y.get(new NDIndex(":, :{}", cut + 1))),
                            flat(y2.get(new NDIndex(":, :{}", cut + 1))), 1e-14, a.getClass().getSimpleName());
                    // and the output does change after the cut
                    assertTrue(maxDiff(y.get(new NDIndex(":, {}:", cut + 1)), y2.get(new NDIndex(":, {}:", cut + 1)))
                            > 1e-3);
                }
            }
        }
    }

    @Test
    void paddingNeverChangesRealPositions() {
        try (NDManager m = manager.newSubManager()) {
            Random r = new Random(35);
            int t = 6;
            int pad = 2;
            for (AttentionBlock a : blocks(m, false)) {
                NDArray x = random(m, r, DataType.FLOAT64, 1.0, 2, t, 8);
                NDArray mask = padMask(m, t, pad);
                NDArray y = a.forward(x, mask);
                // padded contents do not matter
                NDArray x2 = x.duplicate();
                x2.set(new NDIndex("1, {}:", t - pad), random(m, r, DataType.FLOAT64, 5.0, pad, 8));
                NDArray y2 = a.forward(x2, mask);
                assertArrayEquals(flat(y.get(new NDIndex("1, :{}", t - pad))),
                        flat(y2.get(new NDIndex("1, :{}", t - pad))), 1e-13);
                // the real tokens equal a run on the unpadded sequence alone
                NDArray alone = a.forward(x.get(new NDIndex("1:2, :{}", t - pad)), null);
                assertArrayEquals(flat(alone), flat(y.get(new NDIndex("1:2, :{}", t - pad))), 1e-13,
                        a.getClass().getSimpleName());
                // the unpadded sample is not affected by the other's padding
                assertArrayEquals(flat(a.forward(x.get(new NDIndex("0:1")), null)), flat(y.get(new NDIndex("0:1"))),
                        1e-13);
            }
        }
    }

    @Test
    void fullyMaskedRowsStayFinite() {
        try (NDManager m = manager.newSubManager()) {
            Random r = new Random(36);
            NDArray q = random(m, r, DataType.FLOAT32, 1.0, 1, 2, 3, 4);
            NDArray mask = m.create(new long[] {0, 0, 0}, new Shape(1, 3));
            double[] o = flat(Attention.scaledDotProduct(q, q, q, mask, true));
            for (double v : o) {
                assertTrue(Double.isFinite(v));
            }
        }
    }

    @Test
    void gradientsOfAttentionBlocksMatchFiniteDifferences() {
        try (NDManager m = manager.newSubManager()) {
            Random r = new Random(37);
            Parameters in = input("x", random(m, r, DataType.FLOAT64, 1.0, 2, 5, 8));
            NDArray mask = padMask(m, 5, 2);
            int checked = 0;
            long seed = 40;
            for (AttentionBlock a : blocks(m, false)) {
                Parameters p = ((Block<?>) a).parameters();
                checked += gradCheck(List.of(p, in), () -> a.forward(in.get("x"), mask), seed++);
                checked += gradCheck(List.of(p, in), () -> a.forward(in.get("x"), null), seed++);
            }
            assertEquals(2 * (9 + 5 + 5), checked);
        }
    }

    @Test
    void buildersValidate() {
        assertThrows(IllegalArgumentException.class,
                () -> MultiHeadAttention.builder().setManager(manager).setDim(8).setHeads(3).build());
        assertThrows(IllegalArgumentException.class,
                () -> MultiHeadAttention.builder().setManager(manager).setDim(8).setHeads(4).optKvHeads(3).build());
        assertThrows(IllegalArgumentException.class, () -> MultiHeadAttention.builder().setManager(manager)
                .setDim(8).setHeads(2).optRope(Rope.of(2, 10000)).build());
    }

    private static double maxDiff(NDArray a, NDArray b) {
        double[] x = flat(a);
        double[] y = flat(b);
        double d = 0;
        for (int i = 0; i < x.length; i++) {
            d = Math.max(d, Math.abs(x[i] - y[i]));
        }
        return d;
    }
}
