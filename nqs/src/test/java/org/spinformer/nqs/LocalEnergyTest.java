package org.spinformer.nqs;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.spinformer.core.device.Devices;
import org.spinformer.nqs.exact.ExactDiagonalization;
import org.spinformer.nqs.hilbert.SzZeroBasis;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.model.ViT;
import org.spinformer.nqs.operator.Heisenberg;
import org.spinformer.nqs.sampler.ExactSampler;
import org.spinformer.nqs.sampler.Samples;
import org.spinformer.nqs.vqs.LocalEnergies;
import org.spinformer.nqs.vqs.LocalEnergy;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Batched local energies against the Hamiltonian applied to the full wave-function vector by the (independent)
 * matrix-free ED code: E_loc(σ) = (Hψ)(σ)/ψ(σ), on 4×4 J2 = 0.5 with a random ViT.
 */
class LocalEnergyTest {
    @Test
    void batchedLocalEnergyEqualsHPsiOverPsi() {
        Lattice l = Lattice.square(4);
        Heisenberg h = new Heisenberg(l, 0.5);
        try (NDManager m = Devices.manager(Device.cpu())) {
            ViT vit = new ViT(l, new ViT.Config(8, 1, 2, 2, 8), DataType.FLOAT64, m, 5);
            VariationalState vs = new VariationalState(vit, 256);
            SzZeroBasis basis = new SzZeroBasis(l.n());
            NDArray all = m.create(basis.spins(), new ai.djl.ndarray.types.Shape(basis.size(), l.n()));
            NDArray[] lp = vs.logPsi(all);
            double[] re = lp[0].toDoubleArray();
            double[] im = lp[1].toDoubleArray();
            double max = java.util.Arrays.stream(re).max().orElseThrow();
            int d = basis.size();
            double[] pr = new double[d];
            double[] pi = new double[d];
            for (int r = 0; r < d; r++) {
                double a = Math.exp(re[r] - max);
                pr[r] = a * Math.cos(im[r]);
                pi[r] = a * Math.sin(im[r]);
            }
            ExactDiagonalization ed = new ExactDiagonalization(h);
            double[] hr = new double[d];
            double[] hi = new double[d];
            ed.apply(pr, hr);
            ed.apply(pi, hi);
            // generic batched path on every 37th configuration
            int[] rows = java.util.stream.IntStream.range(0, d).filter(r -> r % 37 == 0).toArray();
            double[] sub = new double[rows.length * l.n()];
            double[] sre = new double[rows.length];
            double[] sim = new double[rows.length];
            double[] allSpins = basis.spins();
            for (int k = 0; k < rows.length; k++) {
                System.arraycopy(allSpins, rows[k] * l.n(), sub, k * l.n(), l.n());
                sre[k] = re[rows[k]];
                sim[k] = im[rows[k]];
            }
            NDArray sigma = m.create(sub, new ai.djl.ndarray.types.Shape(rows.length, l.n()));
            LocalEnergies e = LocalEnergy.compute(h, vs, sigma, m.create(sre), m.create(sim));
            double[] er = e.re().toDoubleArray();
            double[] ei = e.im().toDoubleArray();
            for (int k = 0; k < rows.length; k++) {
                int r = rows[k];
                double den = pr[r] * pr[r] + pi[r] * pi[r];
                double refRe = (hr[r] * pr[r] + hi[r] * pi[r]) / den; // (Hψ)ψ*/|ψ|²
                double refIm = (hi[r] * pr[r] - hr[r] * pi[r]) / den;
                assertEquals(refRe, er[k], 1e-9 * Math.max(1, Math.abs(refRe)), "re row " + r);
                assertEquals(refIm, ei[k], 1e-9 * Math.max(1, Math.abs(refIm)), "im row " + r);
            }
            // float32 connected forwards (a float32 twin, parameters copied from the model by compute): the same
            // reference within float32 rounding. log ψ is O(1) here, so each ratio carries a relative error of a
            // few ε32 ≈ 6e-8 per forward; with ~20 connections per row, 1e-5 (relative, or absolute below 1)
            // leaves a margin of ~13 over the largest error seen (7.4e-7) and is 1e4 × looser than the float64 path above
            VariationalState twin = new VariationalState(new ViT(l, new ViT.Config(8, 1, 2, 2, 8),
                    DataType.FLOAT32, m, 99), 256);
            LocalEnergies e32 = LocalEnergy.compute(h, vs, twin, sigma, m.create(sre), m.create(sim));
            assertEquals(DataType.FLOAT64, e32.re().getDataType());
            double[] er32 = e32.re().toDoubleArray();
            double[] ei32 = e32.im().toDoubleArray();
            double worst = 0;
            for (int k = 0; k < rows.length; k++) {
                int r = rows[k];
                double den = pr[r] * pr[r] + pi[r] * pi[r];
                double refRe = (hr[r] * pr[r] + hi[r] * pi[r]) / den;
                double refIm = (hi[r] * pr[r] - hr[r] * pi[r]) / den;
                worst = Math.max(worst, Math.max(Math.abs(er32[k] - refRe) / Math.max(1, Math.abs(refRe)),
                        Math.abs(ei32[k] - refIm) / Math.max(1, Math.abs(refIm))));
                assertEquals(refRe, er32[k], 1e-5 * Math.max(1, Math.abs(refRe)), "float32 re row " + r);
                assertEquals(refIm, ei32[k], 1e-5 * Math.max(1, Math.abs(refIm)), "float32 im row " + r);
            }
            System.out.printf("float32 connected forwards: largest relative E_loc error %.3g%n", worst);
            // table path of the exact sampler (orbit-reduced): energy equals ⟨ψ|H|ψ⟩/⟨ψ|ψ⟩ from ED's H
            double num = 0;
            double den = 0;
            for (int r = 0; r < d; r++) {
                num += pr[r] * hr[r] + pi[r] * hi[r];
                den += pr[r] * pr[r] + pi[r] * pi[r];
            }
            ExactSampler ex = new ExactSampler(h, vit.symmetries(), DataType.FLOAT64, m);
            try (NDManager s = m.newSubManager()) {
                Samples smp = ex.sample(vs, s, 0);
                double energy = smp.weights().mul(smp.eLocRe()).sum().getDouble();
                assertEquals(num / den, energy, 1e-10 * Math.abs(energy));
                assertEquals(basis.size(), (long) smp.weights().size() == 0 ? 0
                        : (long) ex.multiplicities().sum().getDouble());
            }
            ExactSampler full = new ExactSampler(h, List.of(), DataType.FLOAT64, m);
            assertEquals(d, full.rows());
        }
    }

    /** No acting connection (the polarised states of an odd lattice): E_loc is the diagonal alone, on both paths. */
    @Test
    void polarisedStatesHaveOnlyTheDiagonal() {
        Lattice l = Lattice.square(3);
        org.spinformer.nqs.operator.Xxz h = new org.spinformer.nqs.operator.Xxz(l, 0.7);
        try (NDManager m = Devices.manager(Device.cpu())) {
            ViT vit = new ViT(l, new ViT.Config(8, 1, 2, 1, 8), DataType.FLOAT64, m, 5);
            VariationalState vs = new VariationalState(vit, 16);
            VariationalState twin = new VariationalState(new ViT(l, new ViT.Config(8, 1, 2, 1, 8), DataType.FLOAT32,
                    m, 6), 16);
            double[] spins = new double[2 * l.n()];
            java.util.Arrays.fill(spins, 0, l.n(), 1);
            java.util.Arrays.fill(spins, l.n(), 2 * l.n(), -1);
            NDArray sigma = m.create(spins, new ai.djl.ndarray.types.Shape(2, l.n()));
            NDArray[] lp = vs.logPsi(sigma);
            double up = h.diagonal((1L << l.n()) - 1);
            double down = h.diagonal(0L);
            for (VariationalState t : new VariationalState[] {null, twin}) {
                LocalEnergies e = LocalEnergy.compute(h, vs, t, sigma, lp[0], lp[1]);
                assertEquals(up, e.re().getDouble(0), 1e-12);
                assertEquals(down, e.re().getDouble(1), 1e-12);
                assertEquals(0, e.im().getDouble(0), 0);
                assertEquals(0, e.im().getDouble(1), 0);
            }
        }
    }
}
