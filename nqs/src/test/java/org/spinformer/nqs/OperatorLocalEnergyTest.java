package org.spinformer.nqs;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.spinformer.core.device.Devices;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.model.Jastrow;
import org.spinformer.nqs.model.ViT;
import org.spinformer.nqs.model.WaveFunction;
import org.spinformer.nqs.operator.Operator;
import org.spinformer.nqs.operator.TransverseFieldIsing;
import org.spinformer.nqs.operator.Xxz;
import org.spinformer.nqs.sampler.ExactSampler;
import org.spinformer.nqs.sampler.Samples;
import org.spinformer.nqs.vqs.LocalEnergies;
import org.spinformer.nqs.vqs.LocalEnergy;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The generic batched local energy against a plain-Java reference E_loc(σ) = Σ_σ' H_σσ' ψ(σ')/ψ(σ), with H written
 * here from the lattice bonds (not from the operator classes) and ψ read from a table of log ψ over the whole
 * basis: TFIM on the 3×3 square lattice (all 512 configurations, random σ), XXZ Δ = 0.3, J2 = 0.4 on the 4×2
 * triangular lattice (Sz = 0, 70 configurations). The exact sampler's table path is checked on the same references.
 */
class OperatorLocalEnergyTest {
    /** log ψ of all 2^N configurations (index = bit string, bit i set = up), re and im. */
    private static double[][] table(VariationalState vs, int n, NDManager m) {
        int d = 1 << n;
        double[] s = new double[d * n];
        for (int r = 0; r < d; r++) {
            for (int i = 0; i < n; i++) {
                s[r * n + i] = (r >> i & 1) == 1 ? 1 : -1;
            }
        }
        NDArray[] lp = vs.logPsi(m.create(s, new Shape(d, n)));
        return new double[][] {lp[0].toDoubleArray(), lp[1].toDoubleArray()};
    }

    private interface Elements {
        /** Adds ⟨s|H|s'⟩ terms: calls sink(s', element) for every term (diagonal included). */
        void apply(int s, java.util.function.ObjIntConsumer<Double> sink);
    }

    private static void check(Operator op, WaveFunction wf, int[] states, Elements h, NDManager m) {
        int n = op.graph().n();
        VariationalState vs = new VariationalState(wf, 64);
        double[][] t = table(vs, n, m);
        double[] s = new double[states.length * n];
        double[] re = new double[states.length];
        double[] im = new double[states.length];
        for (int k = 0; k < states.length; k++) {
            for (int i = 0; i < n; i++) {
                s[k * n + i] = (states[k] >> i & 1) == 1 ? 1 : -1;
            }
            re[k] = t[0][states[k]];
            im[k] = t[1][states[k]];
        }
        LocalEnergies e = LocalEnergy.compute(op, vs, m.create(s, new Shape(states.length, n)), m.create(re),
                m.create(im));
        double[] er = e.re().toDoubleArray();
        double[] ei = e.im().toDoubleArray();
        for (int k = 0; k < states.length; k++) {
            int st = states[k];
            double[] acc = new double[2];
            h.apply(st, (el, to) -> {
                double a = Math.exp(t[0][to] - t[0][st]);
                double ph = t[1][to] - t[1][st];
                acc[0] += el * a * Math.cos(ph);
                acc[1] += el * a * Math.sin(ph);
            });
            assertEquals(acc[0], er[k], 1e-9 * Math.max(1, Math.abs(acc[0])), op + " re, state " + st);
            assertEquals(acc[1], ei[k], 1e-9 * Math.max(1, Math.abs(acc[1])), op + " im, state " + st);
        }
    }

    @Test
    void tfimLocalEnergiesEqualThePlainJavaSum() {
        Lattice l = Lattice.square(3);
        int n = l.n();
        try (NDManager m = Devices.manager(Device.cpu())) {
            ViT vit = new ViT(l, new ViT.Config(8, 1, 2, 1, 8, 1.0), DataType.FLOAT64, m, 3);
            SplittableRandom r = new SplittableRandom(9);
            int[] states = r.ints(0, 1 << n).limit(60).toArray();
            for (double[] jh : new double[][] {{1.0, 0.7}, {-0.4, 1.3}, {1.0, 0.0}}) {
                double j = jh[0];
                double h = jh[1];
                check(new TransverseFieldIsing(l, j, h), vit, states, (st, sink) -> {
                    double d = 0;
                    for (int[] b : l.j1Bonds()) {
                        d -= j * ((((st >> b[0]) ^ (st >> b[1])) & 1) == 0 ? 1 : -1);
                    }
                    sink.accept(d, st);
                    for (int i = 0; i < n && h != 0; i++) {
                        sink.accept(-h, st ^ (1 << i));
                    }
                }, m);
            }
            Jastrow jas = new Jastrow(l, DataType.FLOAT64, m, 4);
            check(new TransverseFieldIsing(l, 1.0, 0.9), jas, new int[] {0, 511, 5, 170, 300}, (st, sink) -> {
                double d = 0;
                for (int[] b : l.j1Bonds()) {
                    d -= ((((st >> b[0]) ^ (st >> b[1])) & 1) == 0 ? 1 : -1);
                }
                sink.accept(d, st);
                for (int i = 0; i < n; i++) {
                    sink.accept(-0.9, st ^ (1 << i));
                }
            }, m);
        }
    }

    @Test
    void xxzLocalEnergiesEqualThePlainJavaSum() {
        Lattice l = Lattice.triangular(4, 2);
        int n = l.n();
        double j2 = 0.4;
        double delta = 0.3;
        int[] states = java.util.stream.IntStream.range(0, 1 << n).filter(s -> Integer.bitCount(s) == n / 2)
                .toArray();
        try (NDManager m = Devices.manager(Device.cpu())) {
            ViT vit = new ViT(l, new ViT.Config(4, 1, 2, 2, 8, 1.0), DataType.FLOAT64, m, 7);
            Xxz op = new Xxz(l, 1.0, j2, delta, org.spinformer.nqs.operator.Heisenberg.Units.SPIN);
            Elements h = (st, sink) -> {
                double d = 0;
                for (int c = 0; c < 2; c++) {
                    double jb = c == 0 ? 1.0 : j2;
                    for (int[] b : c == 0 ? l.j1Bonds() : l.j2Bonds()) {
                        boolean same = (((st >> b[0]) ^ (st >> b[1])) & 1) == 0;
                        d += 0.25 * delta * jb * (same ? 1 : -1);
                        if (!same) {
                            sink.accept(0.5 * jb, st ^ (1 << b[0]) ^ (1 << b[1]));
                        }
                    }
                }
                sink.accept(d, st);
            };
            check(op, vit, states, h, m);
            // the exact sampler's table path gives the same local energies on the whole sector
            VariationalState vs = new VariationalState(vit, 64);
            double[][] t = table(vs, n, m);
            ExactSampler ex = new ExactSampler(op, List.of(), DataType.FLOAT64, m);
            try (NDManager sm = m.newSubManager()) {
                Samples smp = ex.sample(vs, sm, 0);
                double[] sig = smp.sigma().toDoubleArray();
                double[] er = smp.eLocRe().toDoubleArray();
                for (int k = 0; k < er.length; k++) {
                    int st = 0;
                    for (int i = 0; i < n; i++) {
                        st |= sig[k * n + i] > 0 ? 1 << i : 0;
                    }
                    int s0 = st;
                    double[] acc = new double[1];
                    h.apply(st, (el, to) -> acc[0] += el * Math.exp(t[0][to] - t[0][s0])
                            * Math.cos(t[1][to] - t[1][s0]));
                    assertEquals(acc[0], er[k], 1e-9 * Math.max(1, Math.abs(acc[0])), "table, state " + st);
                }
            }
        }
    }
}
