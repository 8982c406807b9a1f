package org.spinformer.nqs;

import ai.djl.Device;
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
import org.spinformer.nqs.sampler.MetropolisExchange;
import org.spinformer.nqs.sampler.MetropolisLocal;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.spinformer.nqs.DistributionCheck.assertChainsMatch;
import static org.spinformer.nqs.DistributionCheck.assertIndependentMatch;
import static org.spinformer.nqs.DistributionCheck.draw;
import static org.spinformer.nqs.DistributionCheck.exact;
import static org.spinformer.nqs.DistributionCheck.sharpViT;

/**
 * The single-spin-flip Metropolis sampler reproduces |ψ|² of a sharpened random ViT over all 256 configurations of
 * the 8-site chain (the TFIM's unconstrained Hilbert space), with the bound of {@link MetropolisTest}: TV ≤
 * ½ Σ_s √(2 p_s/(π M/4)) + 0.02 (effective sample size ≥ M/4), which a uniform sampler exceeds. The direct
 * sampler on the full space meets 1.5× its expected TV. Samplers refuse a Hilbert space their moves do not fit.
 */
class MetropolisLocalTest {
    private static final Lattice LATTICE = Lattice.chain(8);

    @Test
    void histogramMatchesExactDistribution() {
        TransverseFieldIsing op = new TransverseFieldIsing(LATTICE, 1.0, 1.0);
        try (NDManager m = Devices.manager(Device.cpu())) {
            VariationalState vs = sharpViT(LATTICE, new ViT.Config(4, 1, 2, 1, 4), m);
            double[] p = exact(op, vs, m);
            assertEquals(256, p.length);
            int chains = 1024;
            int perChain = 32;
            MetropolisLocal mh = new MetropolisLocal(op.hilbert(), chains * perChain, chains, 10, 0, 42,
                    DataType.FLOAT64, m);
            assertChainsMatch("MetropolisLocal", draw(mh, vs, chains * perChain, p, s -> (int) s, m));

            int draws = 32768;
            DirectSampler direct = new DirectSampler(op, List.of(), draws, 7, DataType.FLOAT64, m);
            assertIndependentMatch("direct (full space)", draw(direct, vs, draws, p, s -> (int) s, m));
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
