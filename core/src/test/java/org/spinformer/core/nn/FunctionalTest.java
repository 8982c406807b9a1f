package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.spinformer.core.nn.NnTesting.as3;
import static org.spinformer.core.nn.NnTesting.assertClose;
import static org.spinformer.core.nn.NnTesting.gradCheck;
import static org.spinformer.core.nn.NnTesting.random;
import static org.spinformer.core.nn.NnTesting.vec;

/** Static functions beyond the blocks' use: broadcast (per-sample) norm parameters, int32 ids, the fused paths' twins. */
class FunctionalTest {
    @Test
    void layerNormWithPerSampleParametersBroadcasts() {
        // per-sample weights [M,1,D] (the replicated-leaf trick for per-sample gradients) take the composed path
        try (NDManager m = NnTesting.manager()) {
            Random r = new Random(3);
            DataType f64 = DataType.FLOAT64;
            NDArray x = random(m, r, f64, 1.0, 2, 3, 4);
            Parameters p = new Parameters();
            p.put("g", random(m, r, f64, 0.2, 2, 1, 4).add(1.0));
            p.put("b", random(m, r, f64, 0.5, 2, 1, 4));
            p.put("x", x);
            NDArray y = Functional.layerNorm(x, p.get("g"), p.get("b"), 1e-5);
            double[][][] e = new double[2][][];
            for (int s = 0; s < 2; s++) {
                e[s] = Ref.layerNorm(as3(x)[s], vec(p.get("g").get(s).flatten()), vec(p.get("b").get(s).flatten()),
                        1e-5);
            }
            assertClose(e, y, 1e-12, "per-sample layerNorm");
            assertEquals(3, gradCheck(List.of(p), () -> Functional.layerNorm(p.get("x"), p.get("g"), p.get("b"),
                    1e-5), 4));
            // the fused path ([D] parameters) and the composed one agree
            NDArray g = random(m, r, f64, 0.2, 4).add(1.0);
            NDArray b = random(m, r, f64, 0.5, 4);
            assertClose(NnTesting.flat(Functional.layerNorm(x, g.reshape(1, 1, 4), b.reshape(1, 1, 4), 1e-5)),
                    NnTesting.flat(Functional.layerNorm(x, g, b, 1e-5)), 1e-13, "fused vs composed");
        }
    }

    @Test
    void embeddingAcceptsInt32IdsAndActivationTables() {
        try (NDManager m = NnTesting.manager()) {
            NDArray w = m.create(new float[] {0, 1, 10, 11, 20, 21}).reshape(3, 2);
            NDArray ids = m.create(new int[] {2, 0, 2}).reshape(1, 3);
            NDArray y = Functional.embedding(ids, w);
            assertEquals(new ai.djl.ndarray.types.Shape(1, 3, 2), y.getShape());
            assertClose(new double[] {20, 21, 0, 1, 20, 21}, NnTesting.flat(y), 0, "rows");
            assertEquals(ids.getManager(), y.getManager());
        }
    }
}
