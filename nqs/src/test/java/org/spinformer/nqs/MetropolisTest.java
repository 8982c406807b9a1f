package org.spinformer.nqs;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.spinformer.core.device.Devices;
import org.spinformer.nqs.hilbert.SzZeroBasis;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.model.ViT;
import org.spinformer.nqs.operator.Heisenberg;
import org.spinformer.nqs.sampler.DirectSampler;
import org.spinformer.nqs.sampler.MetropolisExchange;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spinformer.nqs.DistributionCheck.assertChainsMatch;
import static org.spinformer.nqs.DistributionCheck.assertIndependentMatch;
import static org.spinformer.nqs.DistributionCheck.draw;
import static org.spinformer.nqs.DistributionCheck.exact;
import static org.spinformer.nqs.DistributionCheck.sharpViT;

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
    private static final Heisenberg H = new Heisenberg(LATTICE, 0.5);
    private static final SzZeroBasis BASIS = new SzZeroBasis(LATTICE.n());
    /** A one-layer ViT, sharpened ({@link DistributionCheck#sharpViT}). */
    private static final ViT.Config VIT = new ViT.Config(4, 1, 2, 2, 4);

    @Test
    void histogramMatchesExactDistribution() {
        try (NDManager m = Devices.manager(Device.cpu())) {
            VariationalState vs = sharpViT(LATTICE, VIT, m);
            int chains = 1024;
            int perChain = 32;
            MetropolisExchange mh = new MetropolisExchange(H, chains * perChain, chains, 10, 0, 42,
                    DataType.FLOAT64, m);
            assertChainsMatch("Metropolis", draw(mh, vs, chains * perChain, exact(H, vs, m), BASIS::rank, m));
        }
    }

    /**
     * The direct sampler (independent draws from |ψ|² by inverse CDF): for M independent draws the histogram's
     * expected TV distance is ½ Σ_s √(2 p_s(1 − p_s)/(π M)) (normal approximation per state); the test requires at
     * most 1.5 times that, and the same draws must beat a sampler that ignores ψ (uniform) by far.
     */
    @Test
    void directSamplerDrawsFromExactDistribution() {
        try (NDManager m = Devices.manager(Device.cpu())) {
            VariationalState vs = sharpViT(LATTICE, VIT, m);
            int draws = 32768;
            DirectSampler direct = new DirectSampler(H, List.of(), draws, 7, DataType.FLOAT64, m);
            DistributionCheck.Draw d = draw(direct, vs, draws, exact(H, vs, m), BASIS::rank, m);
            assertIndependentMatch("direct", d);
            assertTrue(d.tv().uniform() > 10 * d.tv().independent(), "test has no power: uniform TV "
                    + d.tv().uniform());
        }
    }
}
