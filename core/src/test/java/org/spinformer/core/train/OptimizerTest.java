package org.spinformer.core.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.spinformer.core.device.Devices;
import org.spinformer.core.nn.Parameters;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AdamW and SGD updates against explicit float64 formulas (written out below, independent of the code). */
class OptimizerTest {
    private static final long SEED = 20240611L;
    private static final int STEPS = 6;
    private NDManager manager;
    private Random rnd;

    @BeforeEach
    void setUp() {
        manager = Devices.manager(Device.cpu());
        rnd = new Random(SEED);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private double[] randn(int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextGaussian();
        }
        return a;
    }

    /** Two parameters: "w" [3,4] and "b" [3]; returns Java copies in {@code ref}. */
    private Parameters params(Map<String, double[]> ref) {
        Parameters p = new Parameters();
        double[] w = randn(12);
        double[] b = randn(3);
        p.put("w", manager.create(w, new Shape(3, 4)));
        p.put("b", manager.create(b, new Shape(3)));
        ref.put("w", w.clone());
        ref.put("b", b.clone());
        return p;
    }

    private Map<String, double[]> randomGrads() {
        Map<String, double[]> g = new LinkedHashMap<>();
        g.put("w", randn(12));
        g.put("b", randn(3));
        return g;
    }

    private Map<String, NDArray> toNd(NDManager m, Map<String, double[]> g) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("w", m.create(g.get("w"), new Shape(3, 4)));
        out.put("b", m.create(g.get("b"), new Shape(3)));
        return out;
    }

    private static void assertClose(double[] expected, NDArray actual, double tol, String what) {
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], a[i], tol * Math.max(1.0, Math.abs(expected[i])), what + "[" + i + "]");
        }
    }

    @Test
    void adamwMatchesExplicitFormulas() {
        Map<String, double[]> ref = new HashMap<>();
        Parameters p = params(ref);
        double b1 = 0.8;
        double b2 = 0.95;
        double eps = 1e-6;
        double wd = 0.1;
        Schedule sched = Schedule.warmupCosine(0.05, 2, 10, 0.001);
        Map<String, double[]> mRef = Map.of("w", new double[12], "b", new double[3]);
        Map<String, double[]> vRef = Map.of("w", new double[12], "b", new double[3]);
        try (AdamW opt = AdamW.builder().setParameters(p).setLearningRate(sched).optBetas(b1, b2).optEps(eps)
                .optWeightDecay(wd).optDecayFilter(n -> !n.equals("b")).build()) {
            for (int t = 1; t <= STEPS; t++) {
                Map<String, double[]> g = randomGrads();
                double lr = sched.lr(t - 1);
                try (NDManager sm = manager.newSubManager()) {
                    assertEquals(lr, opt.step(toNd(sm, g)), 0.0);
                }
                for (String n : new String[] {"w", "b"}) {
                    double[] th = ref.get(n);
                    double[] m = mRef.get(n);
                    double[] v = vRef.get(n);
                    double[] gg = g.get(n);
                    for (int i = 0; i < th.length; i++) {
                        if (n.equals("w")) {
                            th[i] = th[i] * (1 - lr * wd);
                        }
                        m[i] = b1 * m[i] + (1 - b1) * gg[i];
                        v[i] = b2 * v[i] + (1 - b2) * gg[i] * gg[i];
                        double mHat = m[i] / (1 - Math.pow(b1, t));
                        double vHat = v[i] / (1 - Math.pow(b2, t));
                        th[i] = th[i] - lr * mHat / (Math.sqrt(vHat) + eps);
                    }
                    assertClose(th, p.get(n), 1e-12, "theta " + n + " step " + t);
                    assertClose(m, opt.state().get("adamw.m." + n), 1e-14, "m " + n);
                    assertClose(v, opt.state().get("adamw.v." + n), 1e-14, "v " + n);
                }
            }
            assertEquals(STEPS, opt.stepCount());
            assertEquals(4, opt.state().size());
        }
    }

    private void sgdCase(double mu, double tau, boolean nesterov, double wd) {
        Map<String, double[]> ref = new HashMap<>();
        Parameters p = params(ref);
        Schedule sched = Schedule.warmupExponential(0.1, 3, 0.9, 0.0);
        Map<String, double[]> buf = Map.of("w", new double[12], "b", new double[3]);
        try (Sgd opt = Sgd.builder().setParameters(p).setLearningRate(sched).optMomentum(mu).optDampening(tau)
                .optNesterov(nesterov).optWeightDecay(wd).build()) {
            for (int t = 1; t <= STEPS; t++) {
                Map<String, double[]> g = randomGrads();
                double lr = sched.lr(t - 1);
                try (NDManager sm = manager.newSubManager()) {
                    opt.step(toNd(sm, g));
                }
                for (String n : new String[] {"w", "b"}) {
                    double[] th = ref.get(n);
                    double[] b = buf.get(n);
                    for (int i = 0; i < th.length; i++) {
                        double d = g.get(n)[i] + wd * th[i];
                        if (mu != 0) {
                            b[i] = t == 1 ? d : mu * b[i] + (1 - tau) * d;
                            d = nesterov ? d + mu * b[i] : b[i];
                        }
                        th[i] -= lr * d;
                    }
                    assertClose(th, p.get(n), 1e-13, "sgd theta " + n + " step " + t);
                    if (mu != 0) {
                        assertClose(b, opt.state().get("sgd.momentum." + n), 1e-13, "sgd buf " + n);
                    }
                }
            }
            assertEquals(mu == 0 ? 0 : 2, opt.state().size());
        }
    }

    @Test
    void sgdMomentumMatchesExplicitFormulas() {
        sgdCase(0.9, 0.0, false, 0.01);
    }

    @Test
    void sgdDampenedNesterovAndPlainMatch() {
        sgdCase(0.9, 0.0, true, 0.0);
        sgdCase(0.5, 0.2, false, 0.05);
        sgdCase(0.0, 0.0, false, 0.0);
    }

    @Test
    void stateRoundTripContinuesIdentically() {
        Map<String, double[]> ref = new HashMap<>();
        Parameters p1 = params(ref);
        Parameters p2 = new Parameters();
        p2.put("w", p1.get("w").duplicate());
        p2.put("b", p1.get("b").duplicate());
        try (AdamW a = AdamW.builder().setParameters(p1).setLearningRate(0.01).build();
             AdamW b = AdamW.builder().setParameters(p2).setLearningRate(0.01).build()) {
            for (int t = 0; t < 3; t++) {
                Map<String, double[]> g = randomGrads();
                a.step(toNd(manager, g));
                b.step(toNd(manager, g));
            }
            // scramble b's state, then restore it from a copy of a's
            Map<String, NDArray> saved = new LinkedHashMap<>();
            a.state().forEach((k, v) -> saved.put(k, v.duplicate()));
            b.state().values().forEach(v -> v.muli(3.0));
            b.loadState(saved, a.stepCount());
            Map<String, double[]> g = randomGrads();
            a.step(toNd(manager, g));
            b.step(toNd(manager, g));
            assertArrayEquals(p1.get("w").toDoubleArray(), p2.get("w").toDoubleArray());
            assertArrayEquals(a.state().get("adamw.v.b").toDoubleArray(), b.state().get("adamw.v.b").toDoubleArray());
            assertEquals(4, b.stepCount());
            saved.remove("adamw.m.w");
            assertThrows(IllegalArgumentException.class, () -> b.loadState(saved, 1));
        }
    }

    @Test
    void builderValidates() {
        Parameters p = params(new HashMap<>());
        assertThrows(IllegalArgumentException.class, () -> AdamW.builder().setParameters(p).build());
        assertThrows(IllegalArgumentException.class, () -> AdamW.builder().setLearningRate(0.1).build());
        assertThrows(IllegalArgumentException.class,
                () -> AdamW.builder().setParameters(p).setLearningRate(0.1).optBetas(1.0, 0.9).build());
        assertThrows(IllegalArgumentException.class,
                () -> Sgd.builder().setParameters(p).setLearningRate(0.1).optNesterov(true).build());
    }

    @Test
    void gradientsAreCollectedAndZeroed() {
        NDArray w = manager.create(new double[] {1, 2, 3});
        NDArray x = manager.create(new double[] {0.5, -1, 2});
        Parameters p = new Parameters();
        p.put("w", w);
        p.attachGradients();
        for (int rep = 0; rep < 3; rep++) {
            try (NDManager sm = manager.newSubManager()) {
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    gc.backward(w.mul(x).sum().mul(2.0)); // d/dw = 2x
                }
                Map<String, NDArray> g = Gradients.collect(p, sm);
                assertArrayEquals(new double[] {1, -2, 4}, g.get("w").toDoubleArray(), 0.0,
                        "accumulated gradient leaked across steps");
                Gradients.zero(p);
                assertArrayEquals(new double[] {0, 0, 0}, g.get("w").toDoubleArray(), 0.0);
            }
        }
        assertTrue(w.hasGradient());
    }
}
