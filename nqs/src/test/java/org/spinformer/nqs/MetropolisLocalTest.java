package org.spinformer.nqs;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.spinformer.core.device.Devices;
import org.spinformer.nqs.hilbert.Hilbert;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.model.ViT;
import org.spinformer.nqs.operator.Heisenberg;
import org.spinformer.nqs.operator.TransverseFieldIsing;
import org.spinformer.nqs.sampler.DirectSampler;
import org.spinformer.nqs.sampler.ExactSampler;
import org.spinformer.nqs.sampler.MetropolisExchange;
import org.spinformer.nqs.sampler.MetropolisLocal;
import org.spinformer.nqs.sampler.Samples;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The single-spin-flip Metropolis sampler reproduces |ψ|² of a sharpened random ViT over all 256 configurations of
 * the 8-site chain (the TFIM's unconstrained Hilbert space), with the bound of {@link MetropolisTest}: TV ≤
 * ½ Σ_s √(2 p_s/(π M/4)) + 0.02 (effective sample size ≥ M/4), which a uniform sampler exceeds. The direct
 * sampler on the full space meets 1.5× its expected TV. Samplers refuse a Hilbert space their moves do not fit.
 */
class MetropolisLocalTest {
    private static final Lattice LATTICE = Lattice.chain(8);

    private static VariationalState sharpState(NDManager m) {
        ViT vit = new ViT(LATTICE, new ViT.Config(4, 1, 2, 1, 4), DataType.FLOAT64, m, 21);
        vit.parameters().get("head.re.norm.weight").muli(30.0);
        return new VariationalState(vit, 1024);
    }

    private static double[] counts(Samples smp, int states, NDManager m) {
        int n = (int) smp.sigma().getShape().get(1);
        NDArray up = smp.sigma().add(1).div(2);
        double[] pow = new double[n];
        for (int i = 0; i < n; i++) {
            pow[i] = Math.pow(2, i);
        }
        double[] c = new double[states];
        for (double v : up.matMul(m.create(pow)).toDoubleArray()) {
            c[(int) v]++;
        }
        return c;
    }

    @Test
    void histogramMatchesExactDistribution() {
        TransverseFieldIsing op = new TransverseFieldIsing(LATTICE, 1.0, 1.0);
        try (NDManager m = Devices.manager(Device.cpu())) {
            VariationalState vs = sharpState(m);
            double[] p;
            try (NDManager s = m.newSubManager()) {
                p = new ExactSampler(op, List.of(), DataType.FLOAT64, s).sample(vs, s, 0).weights().toDoubleArray();
            }
            assertEquals(256, p.length);
            int chains = 1024;
            int perChain = 32;
            MetropolisLocal mh = new MetropolisLocal(op.hilbert(), chains * perChain, chains, 10, 0, 42,
                    DataType.FLOAT64, m);
            double[] c;
            double acceptance;
            try (NDManager s = m.newSubManager()) {
                Samples smp = mh.sample(vs, s, 0);
                acceptance = smp.acceptance();
                c = counts(smp, p.length, m);
            }
            Reference.Tv t = Reference.totalVariation(c, chains * perChain, p);
            double tv = t.tv();
            double bound = t.chains();
            double tvUniform = t.uniform();
            System.out.printf("MetropolisLocal TV = %.4f (bound %.4f, uniform %.4f, acceptance %.3f)%n", tv, bound,
                    tvUniform, acceptance);
            assertTrue(tv <= bound, "TV " + tv + " > bound " + bound);
            assertTrue(tvUniform > 2 * bound, "test has no power: uniform TV " + tvUniform + " vs bound " + bound);

            int draws = 32768;
            DirectSampler direct = new DirectSampler(op, List.of(), draws, 7, DataType.FLOAT64, m);
            try (NDManager s = m.newSubManager()) {
                c = counts(direct.sample(vs, s, 0), p.length, m);
            }
            Reference.Tv td = Reference.totalVariation(c, draws, p);
            double tvd = td.tv();
            double expected = td.independent();
            System.out.printf("direct (full space) TV = %.4f (expected %.4f)%n", tvd, expected);
            assertTrue(tvd <= 1.5 * expected, "TV " + tvd + " > 1.5 x expected " + expected);
        }
    }

    @Test
    void samplersRefuseHilbertSpacesTheirMovesDoNotFit() {
        try (NDManager m = Devices.manager(Device.cpu())) {
            assertThrows(IllegalArgumentException.class, () -> new MetropolisLocal(Hilbert.szZero(8), 64, 16, 1, 1,
                    1, DataType.FLOAT64, m));
            assertThrows(IllegalArgumentException.class, () -> new MetropolisExchange(
                    new TransverseFieldIsing(LATTICE, 1.0, 1.0), 64, 16, 1, 1, 1, DataType.FLOAT64, m));
            // Heisenberg on an even chain acts on Sz = 0: exchange moves are accepted
            new MetropolisExchange(new Heisenberg(LATTICE, 0.0), 64, 16, 1, 1, 1, DataType.FLOAT64, m);
        }
    }
}
