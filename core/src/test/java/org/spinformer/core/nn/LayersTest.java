package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.spinformer.core.nn.NnTesting.as3;
import static org.spinformer.core.nn.NnTesting.assertClose;
import static org.spinformer.core.nn.NnTesting.flat;
import static org.spinformer.core.nn.NnTesting.gradCheck;
import static org.spinformer.core.nn.NnTesting.input;
import static org.spinformer.core.nn.NnTesting.mat;
import static org.spinformer.core.nn.NnTesting.random;
import static org.spinformer.core.nn.NnTesting.randomize;
import static org.spinformer.core.nn.NnTesting.vec;

/** Linear, Embedding, LayerNorm, RMSNorm, activations, MLP and SwiGLU against float64 loops and finite differences. */
class LayersTest extends ManagedNnTest {

    @EachFloatType
    void linearAndConv1dMatchLoops(DataType dt) {
        try (NDManager m = manager.newSubManager()) {
            Random r = new Random(1);
            NDArray x = random(m, r, dt, 1.0, 2, 3, 5);
            Linear lin = Linear.builder().setManager(m).optDataType(dt).optPrefix("fc.").setIn(5).setOut(4).build();
            randomize(lin.parameters(), 2, 0.5);
            assertEquals(List.of("fc.weight", "fc.bias"), lin.parameters().names());
            assertEquals(new Shape(4, 5), lin.parameters().get("fc.weight").getShape());
            NDArray y = lin.forward(x);
            assertEquals(dt, y.getDataType());
            double[][] w = mat(lin.parameters().get("fc.weight"));
            double[] b = vec(lin.parameters().get("fc.bias"));
            double[][][] xs = as3(x);
            double[][][] expect = new double[2][][];
            for (int i = 0; i < 2; i++) {
                expect[i] = Ref.linear(xs[i], w, b);
            }
            assertClose(expect, y, tol(dt), "linear");

            Linear conv = Linear.builder().setManager(m).optDataType(dt).setIn(5).setOut(4).optConv1D(true).build();
            randomize(conv.parameters(), 3, 0.5);
            assertEquals(new Shape(5, 4), conv.parameters().get("weight").getShape());
            double[][] wc = Ref.transpose(mat(conv.parameters().get("weight")));
            double[] bc = vec(conv.parameters().get("bias"));
            for (int i = 0; i < 2; i++) {
                expect[i] = Ref.linear(xs[i], wc, bc);
            }
            assertClose(expect, conv.forward(x), tol(dt), "conv1d");
        }
    }

    @EachFloatType
    void normsMatchLoops(DataType dt) {
        try (NDManager m = manager.newSubManager()) {
            Random r = new Random(4);
            NDArray x = random(m, r, dt, 2.0, 2, 3, 6).add(0.7);
            LayerNorm ln = LayerNorm.builder().setManager(m).optDataType(dt).optPrefix("LayerNorm.").setDim(6)
                    .optEps(1e-12).build();
            randomize(ln.parameters(), 5, 0.5);
            RmsNorm rms = RmsNorm.builder().setManager(m).optDataType(dt).optPrefix("norm.").setDim(6).optEps(1e-5)
                    .build();
            randomize(rms.parameters(), 6, 0.5);
            double[][][] xs = as3(x);
            double[][][] eLn = new double[2][][];
            double[][][] eRms = new double[2][][];
            for (int i = 0; i < 2; i++) {
                eLn[i] = Ref.layerNorm(xs[i], vec(ln.parameters().get("LayerNorm.weight")),
                        vec(ln.parameters().get("LayerNorm.bias")), 1e-12);
                eRms[i] = Ref.rmsNorm(xs[i], vec(rms.parameters().get("norm.weight")), 1e-5);
            }
            assertClose(eLn, ln.forward(x), tol(dt), "layerNorm");
            assertClose(eRms, rms.forward(x), tol(dt), "rmsNorm");
            // eps really enters: a large eps shrinks the output as 1/√(var + eps)
            LayerNorm big = LayerNorm.builder().setManager(m).optDataType(dt).setDim(6).optEps(3.0).build();
            double[][][] eBig = new double[2][][];
            for (int i = 0; i < 2; i++) {
                eBig[i] = Ref.layerNorm(xs[i], null, null, 3.0);
            }
            assertClose(eBig, big.forward(x), tol(dt), "layerNorm eps=3");
        }
    }

    @EachFloatType
    void activationsMatchFormulas(DataType dt) {
        try (NDManager m = manager.newSubManager()) {
            double[] xs = new double[41];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = -5 + 0.25 * i;
            }
            NDArray x = m.create(xs).toType(dt, false);
            for (Functional.Activation a : Functional.Activation.values()) {
                double[] e = new double[xs.length];
                for (int i = 0; i < xs.length; i++) {
                    e[i] = Ref.act(a, xs[i]);
                }
                assertClose(e, flat(a.apply(x)), tol(dt), a.name());
            }
            // literature values: GELU(1) = Φ(1) = 0.8413447460685429, erf-based
            assertClose(new double[] {0.8413447460685429}, flat(Functional.gelu(m.create(1.0))), 1e-14, "gelu(1)");
            assertEquals(Functional.Activation.GELU_TANH, Functional.Activation.parse("gelu_new"));
            assertEquals(Functional.Activation.SILU, Functional.Activation.parse("silu"));
            assertThrows(IllegalArgumentException.class, () -> Functional.Activation.parse("tanhh"));
        }
    }

    @EachFloatType
    void embeddingLooksUpRows(DataType dt) {
        try (NDManager m = manager.newSubManager()) {
            Embedding e = Embedding.builder().setManager(m).optDataType(dt).optPrefix("wte.").setVocab(7).setDim(3)
                    .optSeed(9).build();
            NDArray ids = m.create(new long[] {6, 0, 3, 3, 1, 5}, new Shape(2, 3));
            NDArray y = e.forward(ids);
            assertEquals(new Shape(2, 3, 3), y.getShape());
            double[][] w = mat(e.parameters().get("wte.weight"));
            long[] idv = ids.toLongArray();
            double[][][] expect = new double[2][3][];
            for (int i = 0; i < 6; i++) {
                expect[i / 3][i % 3] = w[(int) idv[i]];
            }
            assertClose(expect, y, 0, "embedding");
        }
    }

    @EachFloatType
    void mlpAndSwiGluMatchLoops(DataType dt) {
        try (NDManager m = manager.newSubManager()) {
            Random r = new Random(7);
            NDArray x = random(m, r, dt, 1.0, 2, 3, 4);
            double[][][] xs = as3(x);
            for (Functional.Activation a : Functional.Activation.values()) {
                Mlp mlp = Mlp.builder().setManager(m).optDataType(dt).optPrefix("l.").setDim(4).setHidden(6)
                        .optActivation(a).build();
                randomize(mlp.parameters(), 8, 0.7);
                Parameters p = mlp.parameters();
                double[][][] e = new double[2][][];
                for (int i = 0; i < 2; i++) {
                    double[][] h = Ref.act(a, Ref.linear(xs[i], mat(p.get("l.intermediate.dense.weight")),
                            vec(p.get("l.intermediate.dense.bias"))));
                    e[i] = Ref.linear(h, mat(p.get("l.output.dense.weight")), vec(p.get("l.output.dense.bias")));
                }
                assertClose(e, mlp.forward(x), tol(dt), "mlp " + a);
            }
            GatedMlp g = GatedMlp.builder().setManager(m).optDataType(dt).optPrefix("mlp.").setDim(4).setHidden(6)
                    .build();
            randomize(g.parameters(), 10, 0.7);
            Parameters p = g.parameters();
            assertEquals(List.of("mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight"), p.names());
            double[][][] e = new double[2][][];
            for (int i = 0; i < 2; i++) {
                double[][] gate = Ref.act(Functional.Activation.SILU,
                        Ref.linear(xs[i], mat(p.get("mlp.gate_proj.weight")), null));
                double[][] up = Ref.linear(xs[i], mat(p.get("mlp.up_proj.weight")), null);
                e[i] = Ref.linear(Ref.mul(gate, up), mat(p.get("mlp.down_proj.weight")), null);
            }
            assertClose(e, g.forward(x), tol(dt), "swiglu");
        }
    }

    @Test
    void rotateHalfSwapsHalves() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(2, 4));
            assertClose(new double[] {-3, -4, 1, 2, -7, -8, 5, 6}, flat(Functional.rotateHalf(x)), 0, "rotate_half");
        }
    }

    @Test
    void gradientsOfLayersMatchFiniteDifferences() {
        DataType f64 = DataType.FLOAT64;
        try (NDManager m = manager.newSubManager()) {
            Random r = new Random(11);
            Parameters in = input("x", random(m, r, f64, 1.0, 2, 3, 4));
            int checked = 0;
            Linear lin = Linear.builder().setManager(m).optDataType(f64).setIn(4).setOut(3).build();
            randomize(lin.parameters(), 1, 0.5);
            checked += gradCheck(List.of(lin.parameters(), in), () -> lin.forward(in.get("x")), 1);
            Linear conv = Linear.builder().setManager(m).optDataType(f64).setIn(4).setOut(3).optConv1D(true).build();
            randomize(conv.parameters(), 2, 0.5);
            checked += gradCheck(List.of(conv.parameters(), in), () -> conv.forward(in.get("x")), 2);
            LayerNorm ln = LayerNorm.builder().setManager(m).optDataType(f64).setDim(4).build();
            randomize(ln.parameters(), 3, 0.5);
            checked += gradCheck(List.of(ln.parameters(), in), () -> ln.forward(in.get("x")), 3);
            RmsNorm rms = RmsNorm.builder().setManager(m).optDataType(f64).setDim(4).build();
            randomize(rms.parameters(), 4, 0.5);
            checked += gradCheck(List.of(rms.parameters(), in), () -> rms.forward(in.get("x")), 4);
            for (Functional.Activation a : Functional.Activation.values()) {
                Mlp mlp = Mlp.builder().setManager(m).optDataType(f64).setDim(4).setHidden(5).optActivation(a)
                        .build();
                randomize(mlp.parameters(), 5, 0.7);
                checked += gradCheck(List.of(mlp.parameters(), in), () -> mlp.forward(in.get("x")), 5);
            }
            GatedMlp g = GatedMlp.builder().setManager(m).optDataType(f64).setDim(4).setHidden(5).build();
            randomize(g.parameters(), 6, 0.7);
            checked += gradCheck(List.of(g.parameters(), in), () -> g.forward(in.get("x")), 6);
            Embedding e = Embedding.builder().setManager(m).optDataType(f64).setVocab(6).setDim(3).build();
            NDArray ids = m.create(new long[] {5, 0, 2, 2}, new Shape(2, 2));
            checked += gradCheck(List.of(e.parameters()), () -> e.forward(ids), 7);
            assertEquals(3 + 3 + 3 + 2 + 4 * 5 + 4 + 1, checked); // tensors incl. the input x
        }
    }

    @Test
    void buildersValidate() {
        assertThrows(IllegalArgumentException.class, () -> Linear.builder().setManager(manager).setIn(3).build());
        assertThrows(IllegalArgumentException.class, () -> LayerNorm.builder().setDim(3).build());
        // float32, float64 and float16 are compute types; bfloat16 arrays abort DJL 0.32, integers are not weights
        for (DataType bad : new DataType[] {DataType.BFLOAT16, DataType.INT32}) {
            assertThrows(IllegalArgumentException.class,
                    () -> Linear.builder().setManager(manager).optDataType(bad).setIn(2).setOut(2).build());
        }
        try (NDManager m = manager.newSubManager()) {
            Linear lin = Linear.builder().setManager(m).setIn(2).setOut(2).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> lin.forward(m.zeros(new Shape(1, 2), DataType.FLOAT64)));
            assertEquals(true, e.getMessage().contains("float32"), e.getMessage());
        }
    }
}
