package org.spinformer.representations.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.device.Devices;
import org.spinformer.core.io.SafeDType;
import org.spinformer.core.io.SafeTensors;
import org.spinformer.core.io.ShardedSafeTensors;
import org.spinformer.core.nn.Rope;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spinformer.core.nn.Ref.add;
import static org.spinformer.core.nn.Ref.layerNorm;
import static org.spinformer.core.nn.Ref.rmsNorm;

/**
 * Tiny random GPT-2, Llama (GQA + Llama-3 RoPE scaling, sharded F32) and Qwen2 (q/k/v biases, BF16) models
 * written as Hugging Face directories, loaded by {@link Models}, against a float64 forward written here from
 * the papers' equations (plain Java loops; no core code).
 */
class TinyDecoderTest {
    static final int V = 12;
    static final int D = 16;
    static final int H = 4;
    static final int F = 24;
    static final int L = 2;
    static final List<String> TEXTS = List.of("w3 w5 w1 w7 w2", "w4 w4", "w1 w2 w3 w4 w5 w6 w7 w8", "w9");

    static NDManager m;

    @BeforeAll
    static void init() {
        m = Devices.manager(Device.cpu());
    }

    @AfterAll
    static void close() {
        m.close();
    }

    // ------------------------------------------------------------------------------ building the directories

    /** Weights quantised to multiples of 2⁻⁶ (exact in F32, F16 and BF16). */
    static final class W {
        final Map<String, double[]> v = new LinkedHashMap<>();
        final Map<String, long[]> shape = new LinkedHashMap<>();
        final Random r;

        W(long seed) {
            r = new Random(seed);
        }

        double[] add(String name, double scale, double offset, long... dims) {
            int n = 1;
            for (long d : dims) {
                n *= (int) d;
            }
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                a[i] = Math.round((offset + scale * r.nextGaussian()) * 64) / 64.0;
            }
            v.put(name, a);
            shape.put(name, dims);
            return a;
        }

        Map<String, NDArray> arrays() {
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (String k : v.keySet()) {
                out.put(k, m.create(v.get(k)).reshape(shape.get(k)).toType(DataType.FLOAT32, false));
            }
            return out;
        }
    }

    static void tokenizer(Path dir) throws Exception {
        StringBuilder vocab = new StringBuilder("\"<unk>\": 0");
        for (int i = 1; i < V; i++) {
            vocab.append(", \"w").append(i).append("\": ").append(i);
        }
        String json = "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": [], "
                + "\"normalizer\": null, \"pre_tokenizer\": {\"type\": \"Whitespace\"}, \"post_processor\": null, "
                + "\"decoder\": null, \"model\": {\"type\": \"WordLevel\", \"vocab\": {" + vocab
                + "}, \"unk_token\": \"<unk>\"}}";
        Files.writeString(dir.resolve("tokenizer.json"), json, StandardCharsets.UTF_8);
    }

    static W gpt2(Path dir) throws Exception {
        W w = new W(11);
        w.add("transformer.wte.weight", 0.5, 0, V, D);
        w.add("transformer.wpe.weight", 0.3, 0, 16, D);
        for (int l = 0; l < L; l++) {
            String p = "transformer.h." + l + ".";
            w.add(p + "ln_1.weight", 0.2, 1, D);
            w.add(p + "ln_1.bias", 0.2, 0, D);
            w.add(p + "attn.c_attn.weight", 0.3, 0, D, 3 * D);
            w.add(p + "attn.c_attn.bias", 0.1, 0, 3 * D);
            w.add(p + "attn.c_proj.weight", 0.3, 0, D, D);
            w.add(p + "attn.c_proj.bias", 0.1, 0, D);
            w.add(p + "ln_2.weight", 0.2, 1, D);
            w.add(p + "ln_2.bias", 0.2, 0, D);
            w.add(p + "mlp.c_fc.weight", 0.3, 0, D, F);
            w.add(p + "mlp.c_fc.bias", 0.1, 0, F);
            w.add(p + "mlp.c_proj.weight", 0.3, 0, F, D);
            w.add(p + "mlp.c_proj.bias", 0.1, 0, D);
        }
        w.add("transformer.ln_f.weight", 0.2, 1, D);
        w.add("transformer.ln_f.bias", 0.2, 0, D);
        w.add("lm_head.weight", 0.3, 0, V, D);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt2\", \"vocab_size\": " + V
                + ", \"n_embd\": " + D + ", \"n_head\": " + H + ", \"n_layer\": " + L + ", \"n_inner\": " + F
                + ", \"n_positions\": 16, \"layer_norm_epsilon\": 1e-5, \"activation_function\": \"gelu_new\"}");
        SafeTensors.write(dir.resolve("model.safetensors"), w.arrays(), Map.of("format", "pt"), n -> SafeDType.F16);
        tokenizer(dir);
        return w;
    }

    static W llama(Path dir, boolean qwen) throws Exception {
        W w = new W(qwen ? 13 : 12);
        int kv = 2;
        int dh = D / H;
        String pre = "model.";
        w.add(pre + "embed_tokens.weight", 0.5, 0, V, D);
        for (int l = 0; l < L; l++) {
            String p = pre + "layers." + l + ".";
            w.add(p + "input_layernorm.weight", 0.2, 1, D);
            w.add(p + "self_attn.q_proj.weight", 0.3, 0, H * dh, D);
            w.add(p + "self_attn.k_proj.weight", 0.3, 0, kv * dh, D);
            w.add(p + "self_attn.v_proj.weight", 0.3, 0, kv * dh, D);
            if (qwen) {
                w.add(p + "self_attn.q_proj.bias", 0.2, 0, H * dh);
                w.add(p + "self_attn.k_proj.bias", 0.2, 0, kv * dh);
                w.add(p + "self_attn.v_proj.bias", 0.2, 0, kv * dh);
            }
            w.add(p + "self_attn.o_proj.weight", 0.3, 0, D, H * dh);
            w.add(p + "post_attention_layernorm.weight", 0.2, 1, D);
            w.add(p + "mlp.gate_proj.weight", 0.3, 0, F, D);
            w.add(p + "mlp.up_proj.weight", 0.3, 0, F, D);
            w.add(p + "mlp.down_proj.weight", 0.3, 0, D, F);
        }
        w.add(pre + "norm.weight", 0.2, 1, D);
        w.add("lm_head.weight", 0.3, 0, V, D);
        String rope = qwen ? "\"rope_theta\": 1000.0"
                : "\"rope_theta\": 10000.0, \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0, "
                        + "\"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8}";
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"" + (qwen ? "qwen2" : "llama")
                + "\", \"vocab_size\": " + V + ", \"hidden_size\": " + D + ", \"num_attention_heads\": " + H
                + ", \"num_key_value_heads\": " + kv + ", \"num_hidden_layers\": " + L + ", \"intermediate_size\": " + F
                + ", \"rms_norm_eps\": 1e-6, \"hidden_act\": \"silu\", \"max_position_embeddings\": 64, " + rope + "}");
        if (qwen) {
            SafeTensors.write(dir.resolve("model.safetensors"), w.arrays(), Map.of(), n -> SafeDType.BF16);
        } else {
            ShardedSafeTensors.write(dir, w.arrays(), 4000); // several shards
        }
        tokenizer(dir);
        return w;
    }

    // --------------------------------------------------------------------------- float64 reference forward

    /** y[t][o] = Σ_i x[t][i] W[o][i] (+ b[o]); W [out,in] row-major, or [in,out] when {@code conv1d}. */
    static double[][] lin(double[][] x, double[] w, double[] b, int in, int out, boolean conv1d) {
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) {
                    s += x[t][i] * (conv1d ? w[i * out + o] : w[o * in + i]);
                }
                y[t][o] = s;
            }
        }
        return y;
    }

    /** Causal attention; q [T][H·dh], k and v [T][Hkv·dh]; query head h reads kv head h / (H/Hkv). */
    static double[][] attention(double[][] q, double[][] k, double[][] v, int heads, int kvHeads, int dh) {
        int t = q.length;
        double[][] o = new double[t][heads * dh];
        for (int h = 0; h < heads; h++) {
            int g = h / (heads / kvHeads);
            for (int i = 0; i < t; i++) {
                double[] s = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double dot = 0;
                    for (int c = 0; c < dh; c++) {
                        dot += q[i][h * dh + c] * k[j][g * dh + c];
                    }
                    s[j] = dot / Math.sqrt(dh);
                    max = Math.max(max, s[j]);
                }
                double z = 0;
                for (int j = 0; j <= i; j++) {
                    s[j] = Math.exp(s[j] - max);
                    z += s[j];
                }
                for (int j = 0; j <= i; j++) {
                    for (int c = 0; c < dh; c++) {
                        o[i][h * dh + c] += s[j] / z * v[j][g * dh + c];
                    }
                }
            }
        }
        return o;
    }

    /** Rotary embedding, rotate-half convention, inverse frequencies {@code w}. */
    static void rope(double[][] x, int heads, int dh, double[] w) {
        for (int t = 0; t < x.length; t++) {
            for (int h = 0; h < heads; h++) {
                for (int c = 0; c < dh / 2; c++) {
                    double phi = t * w[c];
                    double a = x[t][h * dh + c];
                    double b = x[t][h * dh + c + dh / 2];
                    x[t][h * dh + c] = a * Math.cos(phi) - b * Math.sin(phi);
                    x[t][h * dh + c + dh / 2] = b * Math.cos(phi) + a * Math.sin(phi);
                }
            }
        }
    }

    static double[][] map(double[][] a, java.util.function.DoubleUnaryOperator f) {
        double[][] y = new double[a.length][a[0].length];
        for (int t = 0; t < a.length; t++) {
            for (int i = 0; i < a[0].length; i++) {
                y[t][i] = f.applyAsDouble(a[t][i]);
            }
        }
        return y;
    }

    static double[][][] referenceGpt2(W w, long[] ids) {
        Map<String, double[]> p = w.v;
        int t = ids.length;
        double[][] x = new double[t][D];
        for (int i = 0; i < t; i++) {
            for (int c = 0; c < D; c++) {
                x[i][c] = p.get("transformer.wte.weight")[(int) ids[i] * D + c] + p.get("transformer.wpe.weight")[i * D + c];
            }
        }
        double[][][] out = new double[L + 1][][];
        out[0] = x;
        for (int l = 0; l < L; l++) {
            String s = "transformer.h." + l + ".";
            double[][] a = layerNorm(x, p.get(s + "ln_1.weight"), p.get(s + "ln_1.bias"), 1e-5);
            double[][] qkv = lin(a, p.get(s + "attn.c_attn.weight"), p.get(s + "attn.c_attn.bias"), D, 3 * D, true);
            double[][] q = new double[t][D];
            double[][] k = new double[t][D];
            double[][] v = new double[t][D];
            for (int i = 0; i < t; i++) {
                System.arraycopy(qkv[i], 0, q[i], 0, D);
                System.arraycopy(qkv[i], D, k[i], 0, D);
                System.arraycopy(qkv[i], 2 * D, v[i], 0, D);
            }
            double[][] o = attention(q, k, v, H, H, D / H);
            x = add(x, lin(o, p.get(s + "attn.c_proj.weight"), p.get(s + "attn.c_proj.bias"), D, D, true));
            double[][] mm = layerNorm(x, p.get(s + "ln_2.weight"), p.get(s + "ln_2.bias"), 1e-5);
            double[][] f = map(lin(mm, p.get(s + "mlp.c_fc.weight"), p.get(s + "mlp.c_fc.bias"), D, F, true),
                    z -> 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z))));
            x = add(x, lin(f, p.get(s + "mlp.c_proj.weight"), p.get(s + "mlp.c_proj.bias"), F, D, true));
            out[l + 1] = x;
        }
        out[L] = layerNorm(x, p.get("transformer.ln_f.weight"), p.get("transformer.ln_f.bias"), 1e-5);
        return out;
    }

    static double[][][] referenceLlama(W w, long[] ids, boolean qwen, double[] invFreq) {
        Map<String, double[]> p = w.v;
        int t = ids.length;
        int kv = 2;
        int dh = D / H;
        double[][] x = new double[t][D];
        for (int i = 0; i < t; i++) {
            System.arraycopy(p.get("model.embed_tokens.weight"), (int) ids[i] * D, x[i], 0, D);
        }
        double[][][] out = new double[L + 1][][];
        out[0] = x;
        for (int l = 0; l < L; l++) {
            String s = "model.layers." + l + ".";
            double[][] a = rmsNorm(x, p.get(s + "input_layernorm.weight"), 1e-6);
            double[][] q = lin(a, p.get(s + "self_attn.q_proj.weight"), qwen ? p.get(s + "self_attn.q_proj.bias") : null,
                    D, H * dh, false);
            double[][] k = lin(a, p.get(s + "self_attn.k_proj.weight"), qwen ? p.get(s + "self_attn.k_proj.bias") : null,
                    D, kv * dh, false);
            double[][] v = lin(a, p.get(s + "self_attn.v_proj.weight"), qwen ? p.get(s + "self_attn.v_proj.bias") : null,
                    D, kv * dh, false);
            rope(q, H, dh, invFreq);
            rope(k, kv, dh, invFreq);
            double[][] o = attention(q, k, v, H, kv, dh);
            x = add(x, lin(o, p.get(s + "self_attn.o_proj.weight"), null, H * dh, D, false));
            double[][] mm = rmsNorm(x, p.get(s + "post_attention_layernorm.weight"), 1e-6);
            double[][] g = map(lin(mm, p.get(s + "mlp.gate_proj.weight"), null, D, F, false), z -> z / (1 + Math.exp(-z)));
            double[][] u = lin(mm, p.get(s + "mlp.up_proj.weight"), null, D, F, false);
            double[][] gu = new double[t][F];
            for (int i = 0; i < t; i++) {
                for (int c = 0; c < F; c++) {
                    gu[i][c] = g[i][c] * u[i][c];
                }
            }
            x = add(x, lin(gu, p.get(s + "mlp.down_proj.weight"), null, F, D, false));
            out[l + 1] = x;
        }
        out[L] = rmsNorm(x, p.get("model.norm.weight"), 1e-6);
        return out;
    }

    // ---------------------------------------------------------------------------------------------- checks

    /** Token rows as one batch [N,T] (row-major), T the longest row; padding {@code pad}, mask 1 on real tokens. */
    record Padded(long[] ids, long[] mask, int t) {
        static Padded of(long[][] rows, long pad) {
            int t = 0;
            for (long[] r : rows) {
                t = Math.max(t, r.length);
            }
            long[] flat = new long[rows.length * t];
            long[] mask = new long[rows.length * t];
            java.util.Arrays.fill(flat, pad);
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(rows[i], 0, flat, i * t, rows[i].length);
                java.util.Arrays.fill(mask, i * t, i * t + rows[i].length, 1);
            }
            return new Padded(flat, mask, t);
        }
    }

    /** Runs all texts as one padded batch and one by one, and compares both with the reference. */
    static void check(HiddenStateModel model, java.util.function.Function<long[], double[][][]> reference) {
        check(model, reference, 1e-5);
    }

    /** As {@link #check(HiddenStateModel, java.util.function.Function)} within {@code tol}. */
    static void check(HiddenStateModel model, java.util.function.Function<long[], double[][][]> reference,
            double tol) {
        long[][] ids = model.tokenizer().encode(TEXTS);
        assertArrayEquals(new long[] {3, 5, 1, 7, 2}, ids[0]);
        int n = ids.length;
        Padded pb = Padded.of(ids, 9); // a real token id in the padding: the mask must hide it
        int t = pb.t();
        long[] flat = pb.ids();
        long[] mask = pb.mask();
        long[] flat0 = flat.clone();
        for (int i = 0; i < flat0.length; i++) {
            if (mask[i] == 0) {
                flat0[i] = 0;
            }
        }
        double maxErr = 0;
        double maxPad = 0;
        try (NDManager bm = m.newSubManager()) {
            NDList batch = model.hiddenStates(bm.create(flat).reshape(n, t), bm.create(mask).reshape(n, t));
            NDList batch0 = model.hiddenStates(bm.create(flat0).reshape(n, t), bm.create(mask).reshape(n, t));
            assertEquals(L + 1, batch.size());
            NDArray realTokens = bm.create(mask).reshape(n, t, 1).toType(DataType.FLOAT32, false);
            for (int l = 0; l <= L; l++) {
                // what sits in the padding never reaches a real token: bitwise equal states
                assertEquals(0f, batch.get(l).sub(batch0.get(l)).mul(realTokens).abs().max().getFloat(), 0f);
            }
            for (int i = 0; i < n; i++) {
                int len = ids[i].length;
                NDList single = model.hiddenStates(bm.create(ids[i]).reshape(1, len),
                        bm.ones(new ai.djl.ndarray.types.Shape(1, len), DataType.INT64));
                double[][][] ref = reference.apply(ids[i]);
                for (int l = 0; l <= L; l++) {
                    float[] b = batch.get(l).get(new NDIndex("{}, 0:{}", i, len)).toFloatArray();
                    float[] s = single.get(l).get(new NDIndex("0")).toFloatArray();
                    for (int j = 0; j < len; j++) {
                        for (int c = 0; c < D; c++) {
                            maxErr = Math.max(maxErr, Math.abs(b[j * D + c] - ref[l][j][c]));
                            maxPad = Math.max(maxPad, Math.abs(b[j * D + c] - s[j * D + c]));
                        }
                    }
                }
            }
        }
        System.out.println(model.name() + ": max |ours − float64 reference| = " + maxErr
                + ", max |batch − single| = " + maxPad);
        assertTrue(maxErr <= tol, "vs reference " + maxErr);
        // one sequence alone vs inside a padded batch: only the summation order differs
        assertTrue(maxPad <= tol, "batch vs one by one differ by " + maxPad);
    }

    @ParameterizedTest
    @CsvSource({"FLOAT32, 1e-5", "FLOAT16, 2e-2"})
    void gpt2MatchesReference(DataType dtype, double tol, @TempDir Path dir) throws Exception {
        W w = gpt2(dir);
        try (HiddenStateModel model = Models.load(dir.toString(), Device.cpu(), dtype)) {
            assertEquals(L, model.layers());
            check(model, ids -> referenceGpt2(w, ids), tol);
        }
    }

    @ParameterizedTest
    @CsvSource({"FLOAT32, 1e-5", "FLOAT16, 2e-2"})
    void llamaMatchesReference(DataType dtype, double tol, @TempDir Path dir) throws Exception {
        W w = llama(dir, false);
        assertTrue(Files.isRegularFile(dir.resolve(ShardedSafeTensors.INDEX_FILE)));
        // Llama-3 scaling with original_max_position_embeddings 8, dh 4, θ 10000: λ_hi = 2, λ_lo = 8;
        // ω₀ = 1 (λ = 2π, between: s = (8/2π − 1)/3), ω₁ = 0.01 (λ = 628 > 8: ω/8). Hand-computed:
        double s = (8 / (2 * Math.PI) - 1) / 3;
        double[] hand = {(1 - s) * 1.0 / 8 + s * 1.0, 0.01 / 8};
        Rope r = new Rope(4, 10000.0, new Rope.Llama3Scaling(8, 1, 4, 8));
        assertArrayEquals(hand, r.inverseFrequencies(), 1e-15);
        try (HiddenStateModel model = Models.load(dir.toString(), Device.cpu(), dtype)) {
            check(model, ids -> referenceLlama(w, ids, false, hand), tol);
        }
    }

    @ParameterizedTest
    @CsvSource({"FLOAT32, 1e-5", "FLOAT16, 2e-2"})
    void qwen2MatchesReference(DataType dtype, double tol, @TempDir Path dir) throws Exception {
        W w = llama(dir, true);
        double[] invFreq = {1.0, 1.0 / Math.sqrt(1000.0)}; // θ^(−2k/dh), dh = 4, θ = 1000
        try (HiddenStateModel model = Models.load(dir.toString(), Device.cpu(), dtype)) {
            check(model, ids -> referenceLlama(w, ids, true, invFreq), tol);
        }
    }

    @Test
    void ropeMatchesHandComputedFrequencies() {
        // dh 8, θ 10000, Llama-3 scaling (factor 8, low 1, high 4, L₀ 64): the three regimes
        Rope r = new Rope(8, 10000.0, new Rope.Llama3Scaling(8, 1, 4, 64));
        assertArrayEquals(new double[] {1.0, 0.013042256043820465, 0.00125, 0.000125}, r.inverseFrequencies(), 1e-15);
    }
}
