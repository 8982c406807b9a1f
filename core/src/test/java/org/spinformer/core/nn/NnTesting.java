package org.spinformer.core.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.spinformer.core.device.Devices;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared fixtures of the nn tests: CPU manager, seeded tensors, conversions, gradient checks. */
final class NnTesting {
    private NnTesting() {}

    static NDManager manager() {
        return Devices.manager(Device.cpu());
    }

    /** 𝒩(0, scale²) entries from {@code r}. */
    static NDArray random(NDManager m, Random r, DataType dt, double scale, long... shape) {
        Shape s = new Shape(shape);
        double[] v = new double[Math.toIntExact(s.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = scale * r.nextGaussian();
        }
        return m.create(v, s).toType(dt, false);
    }

    /** Replaces every parameter by 𝒩(0, scale²) entries (norm gains by 1 + 𝒩(0, 0.1²)), seeded. */
    static void randomize(Parameters p, long seed, double scale) {
        Random r = new Random(seed);
        for (String name : p.names()) {
            NDArray a = p.get(name);
            boolean gain = name.endsWith("layernorm.weight") || name.endsWith("LayerNorm.weight")
                    || name.matches(".*(ln_[12f]|layernorm_before|layernorm_after|norm)\\.weight");
            NDArray n = random(a.getManager(), r, a.getDataType(), gain ? 0.1 : scale,
                    a.getShape().getShape());
            if (gain) {
                n = n.add(1.0);
            }
            p.put(name, n);
        }
    }

    static double[] flat(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    static double[] vec(NDArray a) {
        return flat(a);
    }

    static double[][] mat(NDArray a) {
        long[] s = a.getShape().getShape();
        double[] f = flat(a);
        double[][] r = new double[(int) s[0]][(int) s[1]];
        for (int i = 0; i < s[0]; i++) {
            System.arraycopy(f, (int) (i * s[1]), r[i], 0, (int) s[1]);
        }
        return r;
    }

    static double[][][] as3(NDArray a) {
        long[] s = a.getShape().getShape();
        double[] f = flat(a);
        double[][][] r = new double[(int) s[0]][(int) s[1]][(int) s[2]];
        int k = 0;
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
                for (int l = 0; l < s[2]; l++) {
                    r[i][j][l] = f[k++];
                }
            }
        }
        return r;
    }

    static double[] flat(double[][][] a) {
        List<Double> out = new ArrayList<>();
        for (double[][] b : a) {
            for (double[] c : b) {
                for (double v : c) {
                    out.add(v);
                }
            }
        }
        double[] r = new double[out.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = out.get(i);
        }
        return r;
    }

    /** max_i |a_i − e_i| ≤ tol · max(1, max_i |e_i|). */
    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 1;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Double.isFinite(actual[i]), what + ": non-finite at " + i);
            err = Math.max(err, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(err <= tol * scale, what + ": max error " + err + " > " + tol * scale);
    }

    static void assertClose(double[][][] expected, NDArray actual, double tol, String what) {
        assertEquals(new Shape(expected.length, expected[0].length, expected[0][0].length), actual.getShape(),
                what + ": shape");
        assertClose(flat(expected), flat(actual), tol, what);
    }

    /**
     * Finite-difference check in float64: loss L = Σ y ⊙ R for a fixed random R; for every tensor P in the maps,
     * compares the directional derivative ⟨∇_P L, d⟩ (one backward through DJL's GradientCollector) with the
     * central difference (L(P + εd) − L(P − εd))/2ε along a random direction d. Returns the number of tensors
     * checked.
     */
    static int gradCheck(List<Parameters> maps, Supplier<NDArray> forward, long seed) {
        Random r = new Random(seed);
        NDArray y0 = forward.get();
        assertEquals(DataType.FLOAT64, y0.getDataType(), "gradient checks run in float64");
        NDManager m = y0.getManager();
        NDArray weights = random(m, r, DataType.FLOAT64, 1.0, y0.getShape().getShape());
        Map<String, double[]> grads = new LinkedHashMap<>();
        for (Parameters p : maps) {
            for (String name : p.names()) { // fresh leaves: PyTorch accumulates .grad across backward calls
                p.put(name, p.get(name).duplicate());
            }
            p.attachGradients();
        }
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = forward.get().mul(weights).sum();
            gc.backward(loss);
            int k = 0;
            for (Parameters p : maps) {
                for (String name : p.names()) {
                    grads.put(k + ":" + name, flat(p.get(name).getGradient()));
                }
                k++;
            }
        }
        int checked = 0;
        int k = 0;
        double eps = 1e-5;
        for (Parameters p : maps) {
            for (String name : p.names()) {
                NDArray orig = p.get(name);
                NDArray d = random(orig.getManager(), r, DataType.FLOAT64, 1.0, orig.getShape().getShape());
                double analytic = 0;
                double[] g = grads.get(k + ":" + name);
                double[] dv = flat(d);
                for (int i = 0; i < g.length; i++) {
                    analytic += g[i] * dv[i];
                }
                p.put(name, orig.add(d.mul(eps)));
                double lp = forward.get().mul(weights).sum().getDouble();
                p.put(name, orig.sub(d.mul(eps)));
                double lm = forward.get().mul(weights).sum().getDouble();
                p.put(name, orig);
                double numeric = (lp - lm) / (2 * eps);
                double tol = 1e-6 * Math.max(1, Math.abs(analytic));
                assertTrue(Math.abs(numeric - analytic) <= tol, "gradient of " + name + ": analytic " + analytic
                        + ", finite difference " + numeric);
                checked++;
            }
            k++;
        }
        return checked;
    }

    /** A Parameters map holding one input tensor under {@code name} (for input-gradient checks). */
    static Parameters input(String name, NDArray x) {
        Parameters p = new Parameters();
        p.put(name, x);
        return p;
    }
}
