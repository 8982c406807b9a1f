package org.spinformer.nqs;

import org.spinformer.core.testing.CpuTest;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.model.Jastrow;
import org.spinformer.nqs.model.ViT;
import org.spinformer.nqs.model.WaveFunction;
import org.spinformer.nqs.operator.Heisenberg;
import org.spinformer.nqs.optimizer.StochasticReconfiguration;
import org.spinformer.nqs.sampler.ExactSampler;
import org.spinformer.nqs.sampler.Samples;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-sample gradients against separate backward passes, and the exact-enumeration energy gradient and SR update
 * against finite differences (float64), on the 8-site triangular lattice (70 Sz = 0 states) with J2 = 0.5.
 */
class GradientTest extends CpuTest {

    static ViT tinyVit(Lattice l, int dim, int mlp) {
        return new ViT(l, new ViT.Config(dim, 1, 2, 2, mlp), DataType.FLOAT64, m, 7);
    }

    static void perturb(WaveFunction wf, long seed) {
        // move LayerNorm gains/biases and zero-initialised biases away from their special values
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (Map.Entry<String, NDArray> e : wf.parameters()) {
            double[] noise = new double[(int) e.getValue().size()];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = 0.2 * (r.nextDouble() - 0.5);
            }
            e.getValue().addi(e.getValue().getManager().create(noise, e.getValue().getShape()));
        }
    }

    @Test
    void perSampleGradientsEqualSeparateBackward() {
        Lattice l = Lattice.square(4);
        ViT vit = tinyVit(l, 4, 8);
        perturb(vit, 3);
        try (NDManager s = m.newSubManager()) {
            ExactSampler ex = new ExactSampler(new Heisenberg(l, 0.5), List.of(), DataType.FLOAT64, s);
            NDArray sigma = ex.configurations().get("0:4000:1000"); // 4 configurations
            VariationalState vs = new VariationalState(vit, 3); // chunk 3: exercises two chunks
            NDArray[] jac = vs.jacobian(sigma);
            long p = vit.parameters().numel();
            assertEquals(new Shape(4, p), jac[0].getShape());
            for (int b = 0; b < 4; b++) {
                for (int part = 0; part < 2; part++) {
                    double[] ref = separateBackward(vit, sigma.get(b + ":" + (b + 1)), part);
                    double[] got = jac[part].get(b).toDoubleArray();
                    for (int k = 0; k < p; k++) {
                        assertEquals(ref[k], got[k], 1e-10 * Math.max(1, Math.abs(ref[k])),
                                "sample " + b + " part " + part + " param " + k);
                    }
                }
            }
        }
    }

    /** The ViT's zero-leaf row gradients against weight replication, on 2 layers and several chunks. */
    @Test
    void zeroLeafJacobianEqualsWeightReplication() {
        Lattice l = Lattice.square(4);
        ViT vit = new ViT(l, new ViT.Config(8, 2, 2, 2, 12), DataType.FLOAT64, m, 13);
        perturb(vit, 17);
        try (NDManager s = m.newSubManager()) {
            ExactSampler ex = new ExactSampler(new Heisenberg(l, 0.5), List.of(), DataType.FLOAT64, s);
            NDArray sigma = ex.configurations().get("0:12870:1000"); // 13 configurations
            VariationalState vs = new VariationalState(vit, 5); // chunks 5, 5, 3
            NDArray[] fast = vs.jacobian(sigma);
            NDArray[] ref = vs.jacobianReplicated(sigma);
            for (int part = 0; part < 2; part++) {
                assertEquals(ref[part].getShape(), fast[part].getShape());
                double scale = ref[part].abs().max().getDouble();
                double diff = fast[part].sub(ref[part]).abs().max().getDouble();
                assertTrue(scale > 0.1, "non-trivial gradients");
                assertTrue(diff <= 1e-12 * scale, "part " + part + ": max |fast − replicated| = " + diff);
            }
        }
    }

    private static double[] separateBackward(WaveFunction wf, NDArray one, int part) {
        List<NDArray> leaves = new java.util.ArrayList<>();
        Map<String, NDArray> copy = new java.util.LinkedHashMap<>();
        NDManager s = one.getManager();
        for (Map.Entry<String, NDArray> e : wf.parameters()) {
            NDArray c = e.getValue().duplicate();
            c.attach(s);
            c.setRequiresGradient(true);
            copy.put(e.getKey(), c);
            leaves.add(c);
        }
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray[] lp = wf.logPsi(one, copy, false);
            gc.backward(lp[part].sum());
        }
        double[] out = new double[(int) wf.parameters().numel()];
        int off = 0;
        for (NDArray c : leaves) {
            double[] g = c.getGradient().toDoubleArray();
            System.arraycopy(g, 0, out, off, g.length);
            off += g.length;
        }
        return out;
    }

    /** Exact energy E(θ) = Σ_σ |ψ|² E_loc / Σ |ψ|² over the full basis. */
    private static double exactEnergy(ExactSampler ex, VariationalState vs) {
        try (NDManager s = m.newSubManager()) {
            Samples smp = ex.sample(vs, s, 0);
            return smp.weights().mul(smp.eLocRe()).sum().getDouble();
        }
    }

    @Test
    void energyGradientMatchesFiniteDifferences() {
        Lattice l = Lattice.triangular(4, 2);
        Heisenberg h = new Heisenberg(l, 0.5);
        ViT vit = tinyVit(l, 4, 8);
        perturb(vit, 5);
        VariationalState vs = new VariationalState(vit, 64);
        ExactSampler ex = new ExactSampler(h, vit.symmetries(), DataType.FLOAT64, m);
        double[] grad;
        try (NDManager s = m.newSubManager()) {
            Samples smp = ex.sample(vs, s, 0);
            NDArray[] jac = vs.jacobian(smp.sigma());
            grad = StochasticReconfiguration.gradient(jac[0], jac[1], smp.eLocRe(), smp.eLocIm(), smp.weights())
                    .toDoubleArray();
        }
        double eps = 1e-4;
        int checked = 0;
        double gmax = 0;
        for (double g : grad) {
            gmax = Math.max(gmax, Math.abs(g));
        }
        long off = 0;
        for (Map.Entry<String, NDArray> e : vit.parameters()) {
            NDArray p = e.getValue();
            for (long k = 0; k < p.size(); k += 4) { // every fourth entry of every parameter
                double fd = centralDifference(p, k, eps, () -> exactEnergy(ex, vs));
                double g = grad[(int) (off + k)];
                assertEquals(fd, g, 1e-6 * Math.max(Math.abs(fd), 1e-3 * gmax), e.getKey() + "[" + k + "]");
                checked++;
            }
            off += p.size();
        }
        assertTrue(checked > 40, "checked " + checked);
    }

    /** Fourth-order central difference (−f(2h) + 8f(h) − 8f(−h) + f(−2h))/(12h): truncation O(h⁴). */
    private static double centralDifference(NDArray p, long k, double eps, java.util.function.DoubleSupplier f) {
        Shape shape = p.getShape();
        double[] v = p.toDoubleArray();
        double v0 = v[(int) k];
        double[] at = new double[4];
        double[] steps = {2 * eps, eps, -eps, -2 * eps};
        for (int i = 0; i < 4; i++) {
            v[(int) k] = v0 + steps[i];
            p.set(v);
            at[i] = f.getAsDouble();
        }
        v[(int) k] = v0;
        p.set(v);
        assertEquals(shape, p.getShape());
        return (-at[0] + 8 * at[1] - 8 * at[2] + at[3]) / (12 * eps);
    }

    @Test
    void srUpdateMatchesFiniteDifferenceReferenceSampleSpace() {
        Lattice l = Lattice.triangular(4, 2);
        ViT vit = tinyVit(l, 4, 8); // P > 2M: sample-space form
        perturb(vit, 9);
        checkSr(l, vit, true);
    }

    @Test
    void srUpdateMatchesFiniteDifferenceReferenceParameterSpace() {
        Lattice l = Lattice.triangular(4, 2);
        Jastrow j = new Jastrow(l, DataType.FLOAT64, m, 3); // P = 16 < 2M: parameter-space form
        perturb(j, 11);
        checkSr(l, j, false);
    }

    private static void checkSr(Lattice l, WaveFunction wf, boolean expectSampleSpace) {
        Heisenberg h = new Heisenberg(l, 0.5);
        VariationalState vs = new VariationalState(wf, 32);
        ExactSampler ex = new ExactSampler(h, List.of(), DataType.FLOAT64, m); // full basis, no reduction
        double shift = 1e-3;
        try (NDManager s = m.newSubManager()) {
            Samples smp = ex.sample(vs, s, 0);
            StochasticReconfiguration.Update u = StochasticReconfiguration.compute(
                    vs.jacobian(smp.sigma())[0], vs.jacobian(smp.sigma())[1], smp.eLocRe(), smp.eLocIm(),
                    smp.weights(), shift);
            assertEquals(expectSampleSpace, u.sampleSpace());
            int mRows = (int) smp.size();
            int p = (int) wf.parameters().numel();
            // O by central finite differences of log ψ, parameter by parameter
            double[][] ore = new double[mRows][p];
            double[][] oim = new double[mRows][p];
            double eps = 1e-5;
            int col = 0;
            for (Map.Entry<String, NDArray> e : wf.parameters()) {
                NDArray par = e.getValue();
                double[] v = par.toDoubleArray();
                for (int k = 0; k < v.length; k++, col++) {
                    double v0 = v[k];
                    v[k] = v0 + eps;
                    par.set(v);
                    NDArray[] lpP = wf.logPsi(smp.sigma());
                    double[] rp = lpP[0].toDoubleArray();
                    double[] ip = lpP[1].toDoubleArray();
                    v[k] = v0 - eps;
                    par.set(v);
                    NDArray[] lpM = wf.logPsi(smp.sigma());
                    double[] rm = lpM[0].toDoubleArray();
                    double[] im = lpM[1].toDoubleArray();
                    v[k] = v0;
                    par.set(v);
                    for (int r = 0; r < mRows; r++) {
                        ore[r][col] = (rp[r] - rm[r]) / (2 * eps);
                        oim[r][col] = (ip[r] - im[r]) / (2 * eps);
                    }
                }
            }
            double[] w = smp.weights().toDoubleArray();
            double[] er = smp.eLocRe().toDoubleArray();
            double[] ei = smp.eLocIm().toDoubleArray();
            double[] ref = Reference.srUpdate(ore, oim, er, ei, w, shift);
            double[] got = u.delta().toDoubleArray();
            double scale = 0;
            for (double x : ref) {
                scale = Math.max(scale, Math.abs(x));
            }
            for (int k = 0; k < p; k++) {
                assertEquals(ref[k], got[k], 1e-6 * scale, "delta[" + k + "]");
            }
        }
    }
}
