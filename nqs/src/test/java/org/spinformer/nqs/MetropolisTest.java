package org.spinformer.nqs;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.spinformer.core.device.Devices;
import org.spinformer.nqs.hilbert.SzZeroBasis;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.model.ViT;
import org.spinformer.nqs.operator.Heisenberg;
import org.spinformer.nqs.sampler.DirectSampler;
import org.spinformer.nqs.sampler.ExactSampler;
import org.spinformer.nqs.sampler.MetropolisExchange;
import org.spinformer.nqs.sampler.Samples;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Metropolis exchange sampler reproduces |ψ|² of a random ViT on the 8-site triangular lattice
 * (70 Sz = 0 states, J1 and J2 exchange moves).
 *
 * <p>Bound: for M independent draws the expected total-variation distance of the histogram is
 * E[TV] ≈ ½ Σ_s √(2 p_s(1 − p_s)/(π M)). Markov samples are correlated; with one recorded sample per sweep and
 * τ ≲ 2 sweeps the effective size is ≥ M/4, so the test requires TV ≤ ½ Σ_s √(2 p_s/(π M/4)) (+ 0.02). A sampler
 * that draws from the wrong distribution (uniform over Sz = 0, also checked) is far above that bound.
 */
class MetropolisTest {
    private static final Lattice LATTICE = Lattice.triangular(4, 2);

    /** A random one-layer ViT whose |ψ|² is sharpened (real head's LayerNorm gain 0.1 → 3) far from uniform. */
    private static VariationalState sharpState(NDManager m) {
        ViT vit = new ViT(LATTICE, new ViT.Config(4, 1, 2, 2, 4), DataType.FLOAT64, m, 21);
        vit.parameters().get("head.re.norm.weight").muli(30.0);
        return new VariationalState(vit, 1024);
    }

    /** |ψ|² over the Sz = 0 basis, in basis order. */
    private static double[] exactDistribution(Heisenberg h, VariationalState vs, NDManager m) {
        try (NDManager s = m.newSubManager()) {
            return new ExactSampler(h, List.of(), DataType.FLOAT64, s).sample(vs, s, 0).weights().toDoubleArray();
        }
    }
    @Test
    void histogramMatchesExactDistribution() {
        Heisenberg h = new Heisenberg(LATTICE, 0.5);
        try (NDManager m = Devices.manager(Device.cpu())) {
            VariationalState vs = sharpState(m);
            SzZeroBasis basis = new SzZeroBasis(LATTICE.n());
            double[] p = exactDistribution(h, vs, m);
            int chains = 1024;
            int perChain = 32;
            MetropolisExchange mh = new MetropolisExchange(h, chains * perChain, chains, 10, 0, 42,
                    DataType.FLOAT64, m);
            double[] counts;
            double acceptance;
            try (NDManager s = m.newSubManager()) {
                Samples smp = mh.sample(vs, s, 0);
                acceptance = smp.acceptance();
                counts = histogram(smp, basis, m);
            }
            Reference.Tv t = Reference.totalVariation(counts, chains * perChain, p);
            double tv = t.tv();
            double bound = t.chains();
            double tvUniform = t.uniform();
            System.out.printf("Metropolis TV = %.4f (bound %.4f, uniform %.4f, acceptance %.3f)%n", tv, bound,
                    tvUniform, acceptance);
            assertTrue(tv <= bound, "TV " + tv + " > bound " + bound);
            assertTrue(tvUniform > 2 * bound, "test has no power: uniform TV " + tvUniform + " vs bound " + bound);
        }
    }

    /**
     * The direct sampler (independent draws from |ψ|² by inverse CDF): for M independent draws the histogram's
     * expected TV distance is ½ Σ_s √(2 p_s(1 − p_s)/(π M)) (normal approximation per state); the test requires at
     * most 1.5 times that, and the same draws must beat a sampler that ignores ψ (uniform) by far.
     */
    @Test
    void directSamplerDrawsFromExactDistribution() {
        Heisenberg h = new Heisenberg(LATTICE, 0.5);
        try (NDManager m = Devices.manager(Device.cpu())) {
            VariationalState vs = sharpState(m);
            SzZeroBasis basis = new SzZeroBasis(LATTICE.n());
            double[] p = exactDistribution(h, vs, m);
            int draws = 32768;
            DirectSampler direct = new DirectSampler(h, List.of(), draws, 7, DataType.FLOAT64, m);
            double[] counts;
            try (NDManager s = m.newSubManager()) {
                Samples smp = direct.sample(vs, s, 0);
                assertEquals(draws, smp.size());
                assertEquals(1.0, smp.weights().sum().getDouble(), 1e-12);
                counts = histogram(smp, basis, m);
            }
            Reference.Tv t = Reference.totalVariation(counts, draws, p);
            double tv = t.tv();
            double expected = t.independent();
            double tvUniform = t.uniform();
            System.out.printf("direct TV = %.4f (expected %.4f, uniform %.4f)%n", tv, expected, tvUniform);
            assertTrue(tv <= 1.5 * expected, "TV " + tv + " > 1.5 x expected " + expected);
            assertTrue(tvUniform > 10 * expected, "test has no power: uniform TV " + tvUniform);
        }
    }

    /** Counts of each Sz = 0 basis state among the samples. */
    private static double[] histogram(Samples smp, SzZeroBasis basis, NDManager m) {
        int n = (int) smp.sigma().getShape().get(1);
        NDArray up = smp.sigma().add(1).div(2); // bit i
        double[] pow = new double[n];
        for (int i = 0; i < n; i++) {
            pow[i] = Math.pow(2, i);
        }
        double[] counts = new double[basis.size()];
        for (double c : up.matMul(m.create(pow)).toDoubleArray()) {
            counts[basis.rank((long) c)]++;
        }
        return counts;
    }
}
