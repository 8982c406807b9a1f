package org.spinformer.core.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.spinformer.core.nn.NnTesting.assertClose;
import static org.spinformer.core.nn.NnTesting.flat;
import static org.spinformer.core.nn.NnTesting.random;
import static org.spinformer.core.nn.NnTesting.randomize;

/**
 * The blocks' {@link Weights} overloads (float64): shared weights = the plain forward; per-sample weights (every
 * parameter replicated to [B]+s) = the plain forward row by row, and one backward gives each row's own gradient
 * (= a separate backward of that row); tapped (zero leaves on every parameterised output) = the plain forward, with
 * every parameterised output reported once with the input it is linear in.
 */
class WeightsTest extends ManagedNnTest {
    private static final long B = 3;
    private static final int T = 6;
    private static final long D = 8;

    /** name → (parameters, forward(x, weights)). */
    private static Map<String, BiFunction<NDArray, Weights, NDArray>> blocks(Parameters p) {
        Map<String, BiFunction<NDArray, Weights, NDArray>> out = new LinkedHashMap<>();
        Linear lin = Linear.builder().setManager(manager).optParameters(p).optDataType(DataType.FLOAT64)
                .optPrefix("lin.").setIn(D).setOut(5).build();
        out.put("Linear", lin::forward);
        LayerNorm ln = LayerNorm.builder().setManager(manager).optParameters(p).optDataType(DataType.FLOAT64)
                .optPrefix("ln.").setDim(D).build();
        out.put("LayerNorm", ln::forward);
        Mlp mlp = Mlp.builder().setManager(manager).optParameters(p).optDataType(DataType.FLOAT64).optPrefix("mlp.")
                .setDim(D).setHidden(12).build();
        out.put("Mlp", mlp::forward);
        for (FactoredAttentionBlock.Form form : FactoredAttentionBlock.Form.values()) {
            FactoredAttentionBlock.Builder fb = FactoredAttentionBlock.builder().setManager(manager).optParameters(p)
                    .optDataType(DataType.FLOAT64).optPrefix("fa." + form + ".").setForm(form).setDim(D).setHeads(2);
            FactoredAttentionBlock fa = (form == FactoredAttentionBlock.Form.TRANSLATION_INVARIANT
                    ? fb.optTorus(2, 3) : fb.setTokens(T)).build();
            out.put("FactoredAttention " + form, (x, w) -> fa.forward(x, null, w));
        }
        for (boolean pre : new boolean[] {true, false}) {
            EncoderLayer el = EncoderLayer.builder().setManager(manager).optParameters(p).optDataType(DataType.FLOAT64)
                    .optPrefix("enc." + pre + ".").setDim(D).setHidden(12).optPreNorm(pre).optEps(1e-5)
                    .optNames(new EncoderLayer.Names("ln1.", "attn.", "ln2.", "mlp.fc1.", "mlp.fc2."))
                    .optAttention((layer, ap) -> FactoredAttentionBlock.builder().like(layer).optPrefix(ap)
                            .setForm(FactoredAttentionBlock.Form.TRANSLATION_INVARIANT).setDim(D).setHeads(2)
                            .optTorus(3, 2).build())
                    .build();
            out.put("EncoderLayer pre=" + pre, (x, w) -> el.forward(x, null, w));
        }
        return out;
    }

    /** A check of one block: its name, forward(x, weights), its parameters, the input x [B,T,D], a manager. */
    private interface BlockCheck {
        void check(String name, BiFunction<NDArray, Weights, NDArray> forward, Parameters p, NDArray x, NDManager m);
    }

    /**
     * Runs the check on every block of {@link #blocks}, with parameters drawn with {@code paramSeed} (scale 0.3)
     * and a float64 input [B,T,D] of unit scale drawn with {@code inputSeed}.
     */
    private static void forEachBlock(long paramSeed, long inputSeed, BlockCheck check) {
        Parameters p = new Parameters();
        Map<String, BiFunction<NDArray, Weights, NDArray>> forwards = blocks(p);
        randomize(p, paramSeed, 0.3);
        try (NDManager m = manager.newSubManager()) {
            NDArray x = random(m, new Random(inputSeed), DataType.FLOAT64, 1.0, B, T, D);
            forwards.forEach((name, forward) -> check.check(name, forward, p, x, m));
        }
    }

    private static Map<String, NDArray> replicate(Parameters p, NDManager m) {
        Map<String, NDArray> reps = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : p) {
            NDArray r = m.zeros(new Shape(B).addAll(e.getValue().getShape()), DataType.FLOAT64)
                    .add(e.getValue().expandDims(0));
            reps.put(e.getKey(), r);
        }
        return reps;
    }

    @Test
    void sharedPerSampleAndTappedAgreeWithThePlainForward() {
        forEachBlock(3, 5, (name, forward, p, x, m) -> {
            double[] plain = flat(forward.apply(x, p));
            assertClose(plain, flat(forward.apply(x, Weights.shared(p.asMap()))), 0, name + " shared");
            assertClose(plain, flat(forward.apply(x, Weights.perSample(replicate(p, m)))), 1e-12,
                    name + " per sample");
            List<String> seen = new ArrayList<>();
            Weights tapped = Weights.tapped(p::get, (kind, n, input, y) -> {
                seen.add(kind + " " + n);
                assertEquals(B, y.getShape().get(0));
                assertEquals(B, input.getShape().get(0));
                return y;
        });
        assertClose(plain, flat(forward.apply(x, tapped)), 1e-12, name + " tapped");
        assertEquals(seen.size(), seen.stream().distinct().count(), name + ": each output tapped once");
        if (name.startsWith("EncoderLayer")) {
            assertEquals(7, seen.size(), name + " taps " + seen); // 2 LN, value, mixing, output, fc1, fc2
        }
        });
    }

    @Test
    void perSampleGradientsAreEachRowsOwn() {
        forEachBlock(4, 6, (name, forward, p, x, m) -> {
            NDArray probe = random(m, new Random(7), DataType.FLOAT64, 1.0, B, T, D);
            Map<String, NDArray> reps = replicate(p, m);
            reps.values().forEach(r -> r.setRequiresGradient(true));
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray y = forward.apply(x, Weights.perSample(reps));
                gc.backward(y.mul(probe.get(":, :, :" + y.getShape().get(2))).sum());
            }
            int compared = 0;
            for (long b = 0; b < B; b++) {
                try (NDScope ignored = new NDScope(); NDManager sm = m.newSubManager()) {
                    Map<String, NDArray> one = new LinkedHashMap<>();
                    for (Map.Entry<String, NDArray> pe : p) {
                        NDArray c = pe.getValue().duplicate();
                        c.attach(sm);
                        c.setRequiresGradient(true);
                        one.put(pe.getKey(), c);
                    }
                    NDArray xb = x.get(b + ":" + (b + 1));
                    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        NDArray y = forward.apply(xb, Weights.shared(one));
                        gc.backward(y.mul(probe.get(b + ":" + (b + 1) + ", :, :" + y.getShape().get(2))).sum());
                    }
                    for (String n : one.keySet()) {
                        if (!n.startsWith(name.startsWith("Linear") ? "lin." : name.startsWith("LayerNorm") ? "ln."
                                : name.startsWith("Mlp") ? "mlp." : name.startsWith("Factored")
                                ? "fa." + name.substring(name.indexOf(' ') + 1) + "." : "enc." + name.endsWith("true") + ".")) {
                            continue;
                        }
                        assertClose(flat(one.get(n).getGradient()), flat(reps.get(n).getGradient().get(b)), 1e-12,
                                name + " " + n + " row " + b);
                        compared++;
                    }
                }
            }
            assertEquals(true, compared >= B, name + ": no gradient compared");
        });
    }
}
