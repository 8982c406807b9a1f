package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spinformer.core.nn.NnTesting.as3;
import static org.spinformer.core.nn.NnTesting.assertClose;
import static org.spinformer.core.nn.NnTesting.flat;
import static org.spinformer.core.nn.NnTesting.gradCheck;
import static org.spinformer.core.nn.NnTesting.mat;
import static org.spinformer.core.nn.NnTesting.random;
import static org.spinformer.core.nn.NnTesting.randomize;
import static org.spinformer.core.nn.NnTesting.vec;

/**
 * One contract, written once and run against every block and point-wise function of {@code nn} (EJML style):
 * <ol>
 *   <li>the float64 forward equals an independent float64 reference written as explicit loops ({@link Ref}) to
 *       1e-12, and the float32 forward equals it to 3e-5, with and without a padding mask where the block takes
 *       one; the output keeps the input's dtype;</li>
 *   <li>finite differences in float64 confirm the gradient of every parameter tensor and of the input;</li>
 *   <li>causal blocks: the output at t does not depend on inputs after t (and does depend on inputs up to t).</li>
 * </ol>
 * Inputs are [B,T,D] = [2,T,8] (token ids [2,4] for the embedding); sample 1 has its last two tokens padded.
 */
class BlockContractTest extends ManagedNnTest {
    private static final int B = 2;
    private static final int D = 8;

    /** A built block (or parameter-free function) under test. */
    interface Model {
        Parameters params();

        NDArray forward(NDArray x, NDArray padMask);
    }

    /** Float64 reference of one sequence: the model's parameters (read by local name), x [T][D], keep or null. */
    interface Reference {
        double[][] apply(P p, double[][] x, boolean[] keep);
    }

    /** Reads parameters as float64 arrays by name relative to a prefix. */
    record P(Parameters params, String prefix) {
        double[][] m(String name) {
            return mat(params.get(prefix + name));
        }

        double[][][] m3(String name) {
            return as3(params.get(prefix + name));
        }

        double[] v(String name) {
            NDArray a = params.getOrNull(prefix + name);
            return a == null ? null : vec(a);
        }
    }

    /**
     * One case.
     *
     * @param name    display name
     * @param tokens  T
     * @param ids     the input is int64 token ids [B,T] (no input gradient)
     * @param masked  the block takes a padding mask
     * @param causal  the block is causal
     * @param prefix  parameter name prefix used by the block
     * @param build   builds the model for a dtype on a manager
     * @param ref     the reference
     */
    record Case(String name, int tokens, boolean ids, boolean masked, boolean causal, String prefix,
            BiFunction<NDManager, DataType, Model> build, Reference ref) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Model of(Block<?> b, BiFunction<NDArray, NDArray, NDArray> f) {
        return new Model() {
            @Override
            public Parameters params() {
                return b.parameters();
            }

            @Override
            public NDArray forward(NDArray x, NDArray padMask) {
                return f.apply(x, padMask);
            }
        };
    }

    private static Model fn(java.util.function.UnaryOperator<NDArray> f) {
        Parameters none = new Parameters();
        return new Model() {
            @Override
            public Parameters params() {
                return none;
            }

            @Override
            public NDArray forward(NDArray x, NDArray padMask) {
                return f.apply(x);
            }
        };
    }

    private static Case plain(String name, String prefix, BiFunction<NDManager, DataType, Model> build,
            Reference ref) {
        return new Case(name, 4, false, false, false, prefix, build, ref);
    }

    private static Case attn(String name, int t, boolean causal, String prefix,
            BiFunction<NDManager, DataType, Model> build, Reference ref) {
        return new Case(name, t, false, true, causal, prefix, build, ref);
    }

    private static double[][] activation(Functional.Activation a, double[][] x) {
        return Ref.act(a, x);
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // ---- layers
        c.add(plain("Linear", "fc.", (m, dt) -> {
            Linear l = Linear.builder().setManager(m).optDataType(dt).optPrefix("fc.").setIn(D).setOut(5).build();
            return of(l, (x, k) -> l.forward(x));
        }, (p, x, k) -> Ref.linear(x, p.m("weight"), p.v("bias"))));
        c.add(plain("Linear Conv1D", "c.", (m, dt) -> {
            Linear l = Linear.builder().setManager(m).optDataType(dt).optPrefix("c.").setIn(D).setOut(5)
                    .optConv1D(true).build();
            return of(l, (x, k) -> l.forward(x));
        }, (p, x, k) -> Ref.linear(x, Ref.transpose(p.m("weight")), p.v("bias"))));
        c.add(new Case("Embedding", 4, true, false, false, "wte.", (m, dt) -> {
            Embedding e = Embedding.builder().setManager(m).optDataType(dt).optPrefix("wte.").setVocab(7).setDim(D)
                    .build();
            return of(e, (x, k) -> e.forward(x));
        }, (p, x, k) -> {
            double[][] w = p.m("weight");
            double[][] y = new double[x.length][];
            for (int t = 0; t < x.length; t++) {
                y[t] = w[(int) x[t][0]].clone();
            }
            return y;
        }));
        c.add(plain("LayerNorm", "LayerNorm.", (m, dt) -> {
            LayerNorm l = LayerNorm.builder().setManager(m).optDataType(dt).optPrefix("LayerNorm.").setDim(D)
                    .optEps(1e-12).build();
            return of(l, (x, k) -> l.forward(x));
        }, (p, x, k) -> Ref.layerNorm(x, p.v("weight"), p.v("bias"), 1e-12)));
        c.add(plain("LayerNorm eps=0.5 no bias", "ln_f.", (m, dt) -> {
            LayerNorm l = LayerNorm.builder().setManager(m).optDataType(dt).optPrefix("ln_f.").setDim(D).optEps(0.5)
                    .optBias(false).build();
            return of(l, (x, k) -> l.forward(x));
        }, (p, x, k) -> Ref.layerNorm(x, p.v("weight"), null, 0.5)));
        c.add(plain("RmsNorm", "norm.", (m, dt) -> {
            RmsNorm l = RmsNorm.builder().setManager(m).optDataType(dt).optPrefix("norm.").setDim(D).optEps(1e-5)
                    .build();
            return of(l, (x, k) -> l.forward(x));
        }, (p, x, k) -> Ref.rmsNorm(x, p.v("weight"), 1e-5)));
        for (Functional.Activation a : Functional.Activation.values()) {
            c.add(plain("activation " + a, "", (m, dt) -> fn(a::apply), (p, x, k) -> activation(a, x)));
        }
        c.add(plain("Mlp GELU (BERT names)", "l.", (m, dt) -> {
            Mlp l = Mlp.builder().setManager(m).optDataType(dt).optPrefix("l.").setDim(D).setHidden(12).build();
            return of(l, (x, k) -> l.forward(x));
        }, (p, x, k) -> Ref.mlp(x, p.m("intermediate.dense.weight"), p.v("intermediate.dense.bias"),
                p.m("output.dense.weight"), p.v("output.dense.bias"), Functional.Activation.GELU)));
        c.add(plain("Mlp GELU_TANH Conv1D (GPT-2 names)", "h.0.", (m, dt) -> {
            Mlp l = Mlp.builder().setManager(m).optDataType(dt).optPrefix("h.0.").setDim(D).setHidden(12)
                    .optNames(Mlp.Names.GPT2).optConv1D(true)
                    .optActivation(Functional.Activation.GELU_TANH).build();
            return of(l, (x, k) -> l.forward(x));
        }, (p, x, k) -> Ref.mlp(x, Ref.transpose(p.m("mlp.c_fc.weight")), p.v("mlp.c_fc.bias"),
                Ref.transpose(p.m("mlp.c_proj.weight")), p.v("mlp.c_proj.bias"), Functional.Activation.GELU_TANH)));
        c.add(plain("GatedMlp SwiGLU", "mlp.", (m, dt) -> {
            GatedMlp l = GatedMlp.builder().setManager(m).optDataType(dt).optPrefix("mlp.").setDim(D).setHidden(12)
                    .build();
            return of(l, (x, k) -> l.forward(x));
        }, (p, x, k) -> Ref.swiGlu(x, p.m("gate_proj.weight"), p.m("up_proj.weight"), p.m("down_proj.weight"))));
        Rope rope = new Rope(4, 10000, new Rope.Llama3Scaling(4, 1, 2, 4));
        c.add(plain("Rope (Llama 3 scaling), 2 heads", "", (m, dt) -> fn(x -> {
            NDArray[] cs = rope.tables(x.getManager(), x.getShape().get(1), dt);
            return Functional.mergeHeads(Rope.apply(Functional.splitHeads(x, 2), cs[0], cs[1]));
        }), (p, x, k) -> Ref.rope(x, 2, rope.inverseFrequencies())));

        // ---- attention
        c.add(attn("MultiHeadAttention BERT", 5, false, "attention.", (m, dt) -> {
            MultiHeadAttention a = MultiHeadAttention.builder().setManager(m).optDataType(dt).optPrefix("attention.")
                    .setDim(D).setHeads(2).build();
            return of(a, a::forward);
        }, (p, x, k) -> Ref.mha(x, p.m("self.query.weight"), p.v("self.query.bias"), p.m("self.key.weight"),
                p.v("self.key.bias"), p.m("self.value.weight"), p.v("self.value.bias"), p.m("output.dense.weight"),
                p.v("output.dense.bias"), 2, 2, null, k, false)));
        c.add(attn("MultiHeadAttention Llama GQA 4/2 RoPE causal", 5, true, "self_attn.", (m, dt) -> {
            MultiHeadAttention a = MultiHeadAttention.builder().setManager(m).optDataType(dt).optPrefix("self_attn.")
                    .setDim(D).setHeads(4).optKvHeads(2).optNames(MultiHeadAttention.Names.LLAMA).optQkvBias(false)
                    .optOutputBias(false).optCausal(true).optRope(Rope.of(2, 10000)).build();
            return of(a, a::forward);
        }, (p, x, k) -> Ref.mha(x, p.m("q_proj.weight"), null, p.m("k_proj.weight"), null, p.m("v_proj.weight"),
                null, p.m("o_proj.weight"), null, 4, 2, Rope.of(2, 10000).inverseFrequencies(), k, true)));
        c.add(attn("MultiHeadAttention Qwen2 GQA 4/1 q/k/v biases, head dim 4", 5, true, "self_attn.", (m, dt) -> {
            MultiHeadAttention a = MultiHeadAttention.builder().setManager(m).optDataType(dt).optPrefix("self_attn.")
                    .setDim(D).setHeads(4).optKvHeads(1).optHeadDim(4).optNames(MultiHeadAttention.Names.LLAMA)
                    .optQkvBias(true).optOutputBias(false).optCausal(true).optRope(Rope.of(4, 1e6)).build();
            return of(a, a::forward);
        }, (p, x, k) -> Ref.mha(x, p.m("q_proj.weight"), p.v("q_proj.bias"), p.m("k_proj.weight"), p.v("k_proj.bias"),
                p.m("v_proj.weight"), p.v("v_proj.bias"), p.m("o_proj.weight"), null, 4, 1,
                Rope.of(4, 1e6).inverseFrequencies(), k, true)));
        c.add(attn("Gpt2Attention", 5, true, "attn.", (m, dt) -> {
            Gpt2Attention a = Gpt2Attention.builder().setManager(m).optDataType(dt).optPrefix("attn.").setDim(D)
                    .setHeads(2).build();
            return of(a, a::forward);
        }, (p, x, k) -> Ref.gpt2Attention(x, p.m("c_attn.weight"), p.v("c_attn.bias"), p.m("c_proj.weight"),
                p.v("c_proj.bias"), 2, k, true)));

        // ---- factored attention, three forms
        c.add(attn("FactoredAttention FREE", 5, false, "fa.", (m, dt) -> factored(m, dt,
                FactoredAttentionBlock.builder().setForm(FactoredAttentionBlock.Form.FREE).setTokens(5), true, true),
                (p, x, k) -> Ref.factored(x, Ref.maskColumns(p.m3("alpha"), k), p.m("value.weight"), p.v("value.bias"),
                        p.m("output.weight"), p.v("output.bias"))));
        c.add(attn("FactoredAttention SOFTMAX", 5, false, "fa.", (m, dt) -> factored(m, dt,
                FactoredAttentionBlock.builder().setForm(FactoredAttentionBlock.Form.SOFTMAX).setTokens(5), true, true),
                (p, x, k) -> Ref.factored(x, Ref.softmaxRows(p.m3("score"), k), p.m("value.weight"), p.v("value.bias"),
                        p.m("output.weight"), p.v("output.bias"))));
        c.add(attn("FactoredAttention translation-invariant ring L=5", 5, false, "fa.", (m, dt) -> factored(m, dt,
                FactoredAttentionBlock.builder().setForm(FactoredAttentionBlock.Form.TRANSLATION_INVARIANT)
                        .optRing(5), true, true),
                (p, x, k) -> Ref.factored(x, Ref.maskColumns(Ref.translationInvariant(p.m("alpha"), 5, 1), k),
                        p.m("value.weight"), p.v("value.bias"), p.m("output.weight"), p.v("output.bias"))));
        c.add(attn("FactoredAttention translation-invariant torus 2x3", 6, false, "fa.", (m, dt) -> factored(m, dt,
                FactoredAttentionBlock.builder().setForm(FactoredAttentionBlock.Form.TRANSLATION_INVARIANT)
                        .optTorus(2, 3), true, true),
                (p, x, k) -> Ref.factored(x, Ref.maskColumns(Ref.translationInvariant(p.m("alpha"), 2, 3), k),
                        p.m("value.weight"), p.v("value.bias"), p.m("output.weight"), p.v("output.bias"))));
        c.add(attn("FactoredAttention torus 3x2, no bias, no output projection", 6, false, "fa.", (m, dt) ->
                factored(m, dt, FactoredAttentionBlock.builder()
                        .setForm(FactoredAttentionBlock.Form.TRANSLATION_INVARIANT).optTorus(3, 2), false, false),
                (p, x, k) -> Ref.factored(x, Ref.maskColumns(Ref.translationInvariant(p.m("alpha"), 3, 2), k),
                        p.m("value.weight"), null, null, null)));

        // ---- layers of layers
        c.add(attn("EncoderLayer post-LN (BERT)", 5, false, "encoder.layer.0.", (m, dt) -> {
            EncoderLayer l = EncoderLayer.builder().setManager(m).optDataType(dt).optPrefix("encoder.layer.0.")
                    .setDim(D).setHeads(2).setHidden(12).build();
            return of(l, l::forward);
        }, (p, x, k) -> {
            double[][] a = Ref.mha(x, p.m("attention.self.query.weight"), p.v("attention.self.query.bias"),
                    p.m("attention.self.key.weight"), p.v("attention.self.key.bias"),
                    p.m("attention.self.value.weight"), p.v("attention.self.value.bias"),
                    p.m("attention.output.dense.weight"), p.v("attention.output.dense.bias"), 2, 2, null, k, false);
            double[][] h = Ref.layerNorm(Ref.add(x, a), p.v("attention.output.LayerNorm.weight"),
                    p.v("attention.output.LayerNorm.bias"), 1e-12);
            double[][] f = Ref.mlp(h, p.m("intermediate.dense.weight"), p.v("intermediate.dense.bias"),
                    p.m("output.dense.weight"), p.v("output.dense.bias"), Functional.Activation.GELU);
            return Ref.layerNorm(Ref.add(h, f), p.v("output.LayerNorm.weight"), p.v("output.LayerNorm.bias"), 1e-12);
        }));
        c.add(attn("EncoderLayer pre-LN (ViT)", 5, false, "vit.encoder.layer.1.", (m, dt) -> {
            EncoderLayer l = EncoderLayer.builder().setManager(m).optDataType(dt).optPrefix("vit.encoder.layer.1.")
                    .setDim(D).setHeads(4).setHidden(12).optPreNorm(true).optEps(1e-6).build();
            return of(l, l::forward);
        }, (p, x, k) -> {
            double[][] n1 = Ref.layerNorm(x, p.v("layernorm_before.weight"), p.v("layernorm_before.bias"), 1e-6);
            double[][] a = Ref.mha(n1, p.m("attention.attention.query.weight"), p.v("attention.attention.query.bias"),
                    p.m("attention.attention.key.weight"), p.v("attention.attention.key.bias"),
                    p.m("attention.attention.value.weight"), p.v("attention.attention.value.bias"),
                    p.m("attention.output.dense.weight"), p.v("attention.output.dense.bias"), 4, 4, null, k, false);
            double[][] h = Ref.add(x, a);
            double[][] n2 = Ref.layerNorm(h, p.v("layernorm_after.weight"), p.v("layernorm_after.bias"), 1e-6);
            return Ref.add(h, Ref.mlp(n2, p.m("intermediate.dense.weight"), p.v("intermediate.dense.bias"),
                    p.m("output.dense.weight"), p.v("output.dense.bias"), Functional.Activation.GELU));
        }));
        c.add(attn("EncoderLayer pre-LN with translation-invariant factored attention", 5, false, "l.",
                (m, dt) -> {
                    EncoderLayer l = EncoderLayer.builder().setManager(m).optDataType(dt).optPrefix("l.").setDim(D)
                            .setHidden(12).optPreNorm(true).optEps(1e-5).optActivation(Functional.Activation.GELU_TANH)
                            .optAttention((layer, ap) -> FactoredAttentionBlock.builder().like(layer).optPrefix(ap)
                                    .setForm(FactoredAttentionBlock.Form.TRANSLATION_INVARIANT).setDim(D).setHeads(2)
                                    .optRing(5).build())
                            .build();
                    return of(l, l::forward);
                }, (p, x, k) -> {
                    double[][] n1 = Ref.layerNorm(x, p.v("layernorm_before.weight"), p.v("layernorm_before.bias"),
                            1e-5);
                    double[][] a = Ref.factored(n1, Ref.maskColumns(Ref.translationInvariant(
                            p.m("attention.alpha"), 5, 1), k), p.m("attention.value.weight"),
                            p.v("attention.value.bias"), p.m("attention.output.weight"), p.v("attention.output.bias"));
                    double[][] h = Ref.add(x, a);
                    double[][] n2 = Ref.layerNorm(h, p.v("layernorm_after.weight"), p.v("layernorm_after.bias"), 1e-5);
                    return Ref.add(h, Ref.mlp(n2, p.m("intermediate.dense.weight"), p.v("intermediate.dense.bias"),
                            p.m("output.dense.weight"), p.v("output.dense.bias"), Functional.Activation.GELU_TANH));
                }));
        c.add(attn("DecoderLayer GPT-2", 5, true, "h.0.", (m, dt) -> {
            DecoderLayer l = DecoderLayer.builder().setManager(m).optDataType(dt).optPrefix("h.0.")
                    .setStyle(DecoderLayer.Style.GPT2).setDim(D).setHeads(2).setHidden(12).build();
            return of(l, l::forward);
        }, (p, x, k) -> {
            double[][] a = Ref.gpt2Attention(Ref.layerNorm(x, p.v("ln_1.weight"), p.v("ln_1.bias"), 1e-5),
                    p.m("attn.c_attn.weight"), p.v("attn.c_attn.bias"), p.m("attn.c_proj.weight"),
                    p.v("attn.c_proj.bias"), 2, k, true);
            double[][] h = Ref.add(x, a);
            double[][] n2 = Ref.layerNorm(h, p.v("ln_2.weight"), p.v("ln_2.bias"), 1e-5);
            return Ref.add(h, Ref.mlp(n2, Ref.transpose(p.m("mlp.c_fc.weight")), p.v("mlp.c_fc.bias"),
                    Ref.transpose(p.m("mlp.c_proj.weight")), p.v("mlp.c_proj.bias"), Functional.Activation.GELU_TANH));
        }));
        Rope llamaRope = new Rope(2, 500000, Rope.Llama3Scaling.llama31());
        c.add(attn("DecoderLayer Llama 3 (GQA 4/2, scaled RoPE)", 5, true, "model.layers.0.", (m, dt) -> {
            DecoderLayer l = DecoderLayer.builder().setManager(m).optDataType(dt).optPrefix("model.layers.0.")
                    .setStyle(DecoderLayer.Style.LLAMA).setDim(D).setHeads(4).optKvHeads(2).setHidden(12)
                    .optRope(llamaRope).build();
            return of(l, l::forward);
        }, (p, x, k) -> llamaRef(p, x, k, 4, 2, llamaRope, false, 1e-5)));
        Rope qwenRope = Rope.of(4, 1e6);
        c.add(attn("DecoderLayer Qwen2 (GQA 2/1, q/k/v biases, eps 1e-6)", 5, true, "model.layers.3.", (m, dt) -> {
            DecoderLayer l = DecoderLayer.builder().setManager(m).optDataType(dt).optPrefix("model.layers.3.")
                    .setStyle(DecoderLayer.Style.LLAMA).setDim(D).setHeads(2).optKvHeads(1).setHidden(12)
                    .optRope(qwenRope).optQkvBias(true).optEps(1e-6).build();
            return of(l, l::forward);
        }, (p, x, k) -> llamaRef(p, x, k, 2, 1, qwenRope, true, 1e-6)));
        return c;
    }

    private static double[][] llamaRef(P p, double[][] x, boolean[] k, int h, int hkv, Rope rope, boolean bias,
            double eps) {
        double[][] n1 = Ref.rmsNorm(x, p.v("input_layernorm.weight"), eps);
        double[][] a = Ref.mha(n1, p.m("self_attn.q_proj.weight"), bias ? p.v("self_attn.q_proj.bias") : null,
                p.m("self_attn.k_proj.weight"), bias ? p.v("self_attn.k_proj.bias") : null,
                p.m("self_attn.v_proj.weight"), bias ? p.v("self_attn.v_proj.bias") : null,
                p.m("self_attn.o_proj.weight"), null, h, hkv, rope.inverseFrequencies(), k, true);
        double[][] hh = Ref.add(x, a);
        double[][] n2 = Ref.rmsNorm(hh, p.v("post_attention_layernorm.weight"), eps);
        return Ref.add(hh, Ref.swiGlu(n2, p.m("mlp.gate_proj.weight"), p.m("mlp.up_proj.weight"),
                p.m("mlp.down_proj.weight")));
    }

    private static Model factored(NDManager m, DataType dt, FactoredAttentionBlock.Builder b, boolean bias,
            boolean output) {
        FactoredAttentionBlock f = b.setManager(m).optDataType(dt).optPrefix("fa.").setDim(D).setHeads(2)
                .optBias(bias).optOutput(output).build();
        return of(f, f::forward);
    }

    /** Builds the case and fills its parameters with seeded values (the same values for both dtypes). */
    private static Model build(Case c, NDManager m, DataType dt) {
        Model model = c.build().apply(m, dt);
        randomize(model.params(), c.name().hashCode(), 0.5);
        return model;
    }

    private static NDArray input(Case c, NDManager m, DataType dt) {
        Random r = new Random(c.name().hashCode() + 1);
        if (c.ids()) {
            long[] v = new long[B * c.tokens()];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextInt(7);
            }
            return m.create(v, new Shape(B, c.tokens()));
        }
        return random(m, r, dt, 1.0, B, c.tokens(), D).add(random(m, r, dt, 0.3, D)); // a non-zero mean per feature
    }

    /** Sample 0 complete, sample 1 with its last two tokens padded. */
    private static NDArray padMask(NDManager m, int t) {
        long[] v = new long[B * t];
        for (int i = 0; i < v.length; i++) {
            v[i] = i < t || i - t < t - 2 ? 1 : 0;
        }
        return m.create(v, new Shape(B, t));
    }

    private static double[][][] reference(Case c, Model model, NDArray x, NDArray mask) {
        P p = new P(model.params(), c.prefix());
        double[][][] e = new double[B][][];
        for (int b = 0; b < B; b++) {
            double[][] xb;
            if (c.ids()) {
                long[] ids = x.get(b).toLongArray();
                xb = new double[ids.length][1];
                for (int t = 0; t < ids.length; t++) {
                    xb[t][0] = ids[t];
                }
            } else {
                xb = as3(x)[b];
            }
            boolean[] keep = null;
            if (mask != null) {
                long[] mv = mask.get(b).toLongArray();
                keep = new boolean[mv.length];
                for (int i = 0; i < mv.length; i++) {
                    keep[i] = mv[i] != 0;
                }
            }
            e[b] = c.ref().apply(p, xb, keep);
        }
        return e;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardMatchesFloat64ReferenceInBothDtypes(Case c) {
        for (DataType dt : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
            try (NDManager m = manager.newSubManager()) {
                Model model = build(c, m, dt);
                NDArray x = input(c, m, dt);
                List<NDArray> masks = new ArrayList<>();
                masks.add(null);
                if (c.masked()) {
                    masks.add(padMask(m, c.tokens()));
                }
                for (NDArray mask : masks) {
                    NDArray y = model.forward(x, mask);
                    assertEquals(dt, y.getDataType(), c + ": output dtype");
                    assertClose(reference(c, model, x, mask), y, tol(dt), c + " " + dt
                            + (mask == null ? "" : " masked"));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferencesInFloat64(Case c) {
        try (NDManager m = manager.newSubManager()) {
            Model model = build(c, m, DataType.FLOAT64);
            NDArray x = input(c, m, DataType.FLOAT64);
            NDArray mask = c.masked() ? padMask(m, c.tokens()) : null;
            List<Parameters> maps = new ArrayList<>();
            maps.add(model.params());
            Parameters in = NnTesting.input("x", x);
            if (!c.ids()) {
                maps.add(in);
            }
            int checked = gradCheck(maps, () -> model.forward(in.get("x"), mask), c.name().hashCode() + 2);
            assertEquals(model.params().size() + (c.ids() ? 0 : 1), checked, c + ": tensors checked");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void causalBlocksIgnoreLaterInputs(Case c) {
        org.junit.jupiter.api.Assumptions.assumeTrue(c.causal(), "not a causal block");
        try (NDManager m = manager.newSubManager()) {
            Model model = build(c, m, DataType.FLOAT64);
            NDArray x = input(c, m, DataType.FLOAT64);
            NDArray y = model.forward(x, null);
            Random r = new Random(5);
            int t = c.tokens();
            for (int cut = 0; cut < t - 1; cut++) {
                NDArray tail = random(m, r, DataType.FLOAT64, 3.0, B, t - cut - 1, D);
                NDArray x2 = NDArrays.concat(new NDList(x.get(new NDIndex(":, :{}", cut + 1)), tail), 1);
                NDArray y2 = model.forward(x2, null);
                assertArrayEquals(flat(y.get(new NDIndex(":, :{}", cut + 1))),
                        flat(y2.get(new NDIndex(":, :{}", cut + 1))), 1e-13, c + " cut " + cut);
                double[] after = flat(y.get(new NDIndex(":, {}:", cut + 1)).sub(y2.get(new NDIndex(":, {}:", cut + 1)))
                        .abs());
                assertTrue(java.util.Arrays.stream(after).max().orElse(0) > 1e-3, c + ": later outputs must change");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardAllocatesNothingOutsideTheInputsManager(Case c) {
        // memory ownership: every intermediate of a forward pass belongs to the step's manager, so closing it
        // frees everything, even without an NDScope (results of parameter-first ops must be moved there)
        try (NDManager m = manager.newSubManager()) {
            Model model = build(c, m, DataType.FLOAT32);
            model.forward(input(c, m, DataType.FLOAT32), c.masked() ? padMask(m, c.tokens()) : null); // warm-up
            int before = m.getManagedArrays().size();
            try (NDManager step = m.newSubManager()) {
                NDArray x = input(c, step, DataType.FLOAT32);
                model.forward(x, c.masked() ? padMask(step, c.tokens()) : null);
            }
            assertEquals(before, m.getManagedArrays().size(), c + ": arrays left in the long-lived manager");
        }
    }

    @Test
    void everyBlockClassIsCovered() {
        List<String> names = cases().stream().map(Case::name).toList();
        for (String block : new String[] {"Linear", "Embedding", "LayerNorm", "RmsNorm", "Mlp", "GatedMlp", "Rope",
            "MultiHeadAttention", "Gpt2Attention", "FactoredAttention", "EncoderLayer", "DecoderLayer"}) {
            assertTrue(names.stream().anyMatch(n -> n.startsWith(block)), block + " has no contract case");
        }
        for (Functional.Activation a : Functional.Activation.values()) {
            assertTrue(names.contains("activation " + a), a + " has no contract case");
        }
    }
}
