package org.spinformer.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.core.nn.Functional;
import org.spinformer.core.nn.Parameters;

import java.util.Random;

/**
 * Test fixture: a 2-layer MLP y = W₂ gelu(W₁x + b₁) + b₂ on a toy regression target
 * y = sin(x₀ + x₁) + ½x₂x₃ (x ~ N(0,1), [B,4] → [B,1]). Each step's batch is a pure function of the seed and the
 * step index, so a resumed run sees exactly the data an uninterrupted one would.
 */
final class ToyMlp {
    final Parameters params = new Parameters();
    private final long seed;
    private final int batch;
    private final DataType dtype;

    ToyMlp(NDManager manager, int hidden, int batch, long seed, DataType dtype) {
        this.seed = seed;
        this.batch = batch;
        this.dtype = dtype;
        Random r = new Random(seed);
        params.put("fc1.weight", init(manager, r, new Shape(hidden, 4), 1.0 / Math.sqrt(4)));
        params.put("fc1.bias", init(manager, r, new Shape(hidden), 0.1));
        params.put("fc2.weight", init(manager, r, new Shape(1, hidden), 1.0 / Math.sqrt(hidden)));
        params.put("fc2.bias", init(manager, r, new Shape(1), 0.1));
        params.attachGradients();
    }

    private NDArray init(NDManager m, Random r, Shape s, double scale) {
        double[] v = new double[(int) s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian() * scale;
        }
        NDArray a = m.create(v, s);
        if (dtype == DataType.FLOAT64) {
            return a; // not toType(FLOAT64, true) of a closed array: that may be the same (then freed) array
        }
        try (a) {
            return a.toType(dtype, true);
        }
    }

    NDArray forward(NDArray x) {
        NDArray h = Functional.gelu(Functional.linear(x, params.get("fc1.weight"), params.get("fc1.bias")));
        return Functional.linear(h, params.get("fc2.weight"), params.get("fc2.bias"));
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    /** Mean squared error on the batch of step s, built in {@code step}. */
    NDArray loss(NDManager step, long s) {
        Random r = new Random(seed * 1_000_003L + s);
        double[] x = new double[batch * 4];
        double[] y = new double[batch];
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < 4; j++) {
                x[i * 4 + j] = r.nextGaussian();
            }
            y[i] = Math.sin(x[i * 4] + x[i * 4 + 1]) + 0.5 * x[i * 4 + 2] * x[i * 4 + 3];
        }
        NDArray xs = dtype == DataType.FLOAT64 ? step.create(x, new Shape(batch, 4))
                : step.create(toFloat(x), new Shape(batch, 4));
        NDArray ys = dtype == DataType.FLOAT64 ? step.create(y, new Shape(batch, 1))
                : step.create(toFloat(y), new Shape(batch, 1));
        return forward(xs).sub(ys).square().mean();
    }
}
