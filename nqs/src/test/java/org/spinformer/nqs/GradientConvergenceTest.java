package org.spinformer.nqs;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.spinformer.core.device.Devices;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.model.ViT;
import org.spinformer.nqs.operator.Heisenberg;
import org.spinformer.nqs.optimizer.StochasticReconfiguration;
import org.spinformer.nqs.sampler.DirectSampler;
import org.spinformer.nqs.sampler.ExactSampler;
import org.spinformer.nqs.sampler.MetropolisExchange;
import org.spinformer.nqs.sampler.Sampler;
import org.spinformer.nqs.sampler.Samples;
import org.spinformer.nqs.sampler.TwinSampler;
import org.spinformer.nqs.vqs.LocalEnergies;
import org.spinformer.nqs.vqs.LocalEnergy;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Monte Carlo energy gradient F_M = 2 Re⟨O_c* E_c⟩ over M samples (direct draws and Metropolis chains, the
 * production path: sampler → local energies → Jacobian → {@link StochasticReconfiguration#gradient}) converges to
 * the exact-enumeration gradient F. Reference: for M independent draws E‖F_M − F‖² = V/M + O(1/M²) with
 * V = Σ_σ p_σ ‖f(σ) − F‖², f(σ) = 2 Re[O_c*(σ) E_c(σ)], computed exactly from the enumeration. Averaged over 8
 * independent runs at M = 4096, direct draws must stay within 2 V/M; Metropolis samples (one per chain per sweep,
 * correlated) within 2·(2τ_max)·V/M with τ_max = 2 sweeps. 8-site triangular lattice, J2 = 0.5, a perturbed
 * one-layer ViT; the same bounds hold with float32 sampling ({@link TwinSampler}: a float32 copy of the model
 * draws the samples, energies and gradients stay float64), and with float32 sampling plus float32 connected forwards
 * in the local energies ({@link LocalEnergy} with a float32 twin: the ratios ψ(σ')/ψ(σ) from float32 forwards,
 * E_loc summed in float64). (This test found that seeds s and s + 1 gave shifted copies of one random stream.)
 */
class GradientConvergenceTest {
    @Test
    void monteCarloGradientConvergesToExact() {
        Lattice l = Lattice.triangular(4, 2);
        Heisenberg h = new Heisenberg(l, 0.5);
        try (NDManager m = Devices.manager(Device.cpu())) {
            ViT vit = new ViT(l, new ViT.Config(4, 1, 2, 2, 8), DataType.FLOAT64, m, 5);
            GradientTest.perturb(vit, 11);
            VariationalState vs = new VariationalState(vit, 4096);
            double[] exactF;
            double v;
            try (NDManager s = m.newSubManager()) {
                Samples ex = new ExactSampler(h, List.of(), DataType.FLOAT64, s).sample(vs, s, 0);
                NDArray[] jac = vs.jacobian(ex.sigma());
                NDArray f = StochasticReconfiguration.gradient(jac[0], jac[1], ex.eLocRe(), ex.eLocIm(),
                        ex.weights());
                exactF = f.toDoubleArray();
                // per-configuration contributions f(σ) = 2 Re[O_c* E_c] and their variance V under p
                NDArray p = ex.weights();
                NDArray ore = jac[0].sub(p.expandDims(0).matMul(jac[0]));
                NDArray oim = jac[1].sub(p.expandDims(0).matMul(jac[1]));
                NDArray ere = ex.eLocRe().sub(ex.eLocRe().mul(p).sum());
                NDArray eim = ex.eLocIm().sub(ex.eLocIm().mul(p).sum());
                NDArray fs = ore.mul(ere.expandDims(1)).add(oim.mul(eim.expandDims(1))).mul(2); // [R,P]
                v = fs.sub(f.expandDims(0)).square().sum(new int[] {1}).mul(p).sum().getDouble();
            }
            double norm2 = 0;
            for (double x : exactF) {
                norm2 += x * x;
            }
            assertTrue(norm2 > 1e-4, "degenerate test: |F|^2 = " + norm2);
            int samples = 4096;
            int draws = 8;
            double direct = 0;
            double mh = 0;
            double direct32 = 0;
            double mh32 = 0;
            double direct32e = 0;
            double mh32e = 0;
            // float32 twins of the model (the same architecture, parameters set from the model by TwinSampler)
            VariationalState twin = new VariationalState(new ViT(l, new ViT.Config(4, 1, 2, 2, 8), DataType.FLOAT32,
                    m, 5), 4096);
            for (int k = 0; k < draws; k++) {
                direct += distance2(new DirectSampler(h, List.of(), samples, 100 + k, DataType.FLOAT64, m), h, vs, m,
                        exactF) / draws;
                mh += distance2(new MetropolisExchange(h, samples, samples / 16, 20, 0, 200 + k, DataType.FLOAT64, m),
                        h, vs, m, exactF) / draws;
                direct32 += distance2(new TwinSampler(new DirectSampler(h, List.of(), samples, 300 + k,
                        DataType.FLOAT32, m), twin), h, vs, m, exactF) / draws;
                mh32 += distance2(new TwinSampler(new MetropolisExchange(h, samples, samples / 16, 20, 0, 400 + k,
                        DataType.FLOAT32, m), twin), h, vs, m, exactF) / draws;
                direct32e += distance2(new TwinSampler(new DirectSampler(h, List.of(), samples, 500 + k,
                        DataType.FLOAT32, m), twin), h, vs, twin, m, exactF) / draws;
                mh32e += distance2(new TwinSampler(new MetropolisExchange(h, samples, samples / 16, 20, 0, 600 + k,
                        DataType.FLOAT32, m), twin), h, vs, twin, m, exactF) / draws;
            }
            System.out.printf("M=%d, mean of %d draws: |F|^2=%.4g V/M=%.4g direct |F_M-F|^2=%.4g metropolis %.4g; "
                    + "float32 sampling: direct %.4g metropolis %.4g; float32 sampling and connected forwards: direct "
                    + "%.4g metropolis %.4g%n", samples, draws, norm2, v / samples, direct, mh, direct32, mh32,
                    direct32e, mh32e);
            assertTrue(direct <= 2 * v / samples, "direct: " + direct + " > 2 V/M = " + 2 * v / samples);
            assertTrue(mh <= 2 * 4 * v / samples, "metropolis: " + mh + " > 8 V/M = " + 8 * v / samples);
            // the same bounds with float32 sampling: its rounding (~1e-7 in log|psi|^2) must not bias the gradient
            assertTrue(direct32 <= 2 * v / samples, "float32 direct: " + direct32 + " > 2 V/M");
            assertTrue(mh32 <= 2 * 4 * v / samples, "float32 metropolis: " + mh32 + " > 8 V/M");
            // and with the local energies' connected forwards in float32 too (ratios from float32 log ψ)
            assertTrue(direct32e <= 2 * v / samples, "float32 energies, direct: " + direct32e + " > 2 V/M");
            assertTrue(mh32e <= 2 * 4 * v / samples, "float32 energies, metropolis: " + mh32e + " > 8 V/M");
            // power: the Metropolis bound is well below |F|², so an estimator biased by 30 % of |F| would fail
            assertTrue(8 * v / samples < 0.09 * norm2, "test has no power: V = " + v + ", |F|^2 = " + norm2);
        }
    }

    private static double distance2(Sampler sampler, Heisenberg h, VariationalState vs, NDManager m,
                                    double[] exactF) {
        return distance2(sampler, h, vs, null, m, exactF);
    }

    /** ‖F_M − F‖² of one draw; {@code energyTwin}: the twin of the local energies' connected forwards, or null. */
    private static double distance2(Sampler sampler, Heisenberg h, VariationalState vs, VariationalState energyTwin,
                                    NDManager m, double[] exactF) {
        try (NDManager s = m.newSubManager()) {
            Samples smp = sampler.sample(vs, s, 0);
            LocalEnergies le = smp.eLocRe() != null ? new LocalEnergies(smp.eLocRe(), smp.eLocIm())
                    : LocalEnergy.compute(h, vs, energyTwin, smp.sigma(), smp.logRe(), smp.logIm());
            NDArray[] e = {le.re(), le.im()};
            NDArray[] jac = vs.jacobian(smp.sigma());
            double[] f = StochasticReconfiguration.gradient(jac[0], jac[1], e[0], e[1], smp.weights())
                    .toDoubleArray();
            double d = 0;
            for (int k = 0; k < f.length; k++) {
                d += (f[k] - exactF[k]) * (f[k] - exactF[k]);
            }
            return d;
        }
    }
}
