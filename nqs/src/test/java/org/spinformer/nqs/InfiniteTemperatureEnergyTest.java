package org.spinformer.nqs;

import ai.djl.ndarray.NDArray;
import org.junit.jupiter.api.Test;
import org.spinformer.nqs.graph.Graph;
import org.spinformer.nqs.hilbert.Hilbert;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.operator.Heisenberg;
import org.spinformer.nqs.operator.Operator;
import org.spinformer.nqs.operator.TransverseFieldIsing;
import org.spinformer.nqs.operator.Xxz;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The V-score's E∞ = Tr H / 2^N: the models' analytic 0 against the trace summed over all 2^N states (the
 * {@link Operator} default), and the default itself on a diagonal with a known trace.
 */
class InfiniteTemperatureEnergyTest {
    /** Delegates everything but {@code infiniteTemperatureEnergy}, so the interface's enumeration runs. */
    private static class Delegate implements Operator {
        private final Operator h;

        Delegate(Operator h) {
            this.h = h;
        }

        @Override
        public Graph graph() {
            return h.graph();
        }

        @Override
        public Hilbert hilbert() {
            return h.hilbert();
        }

        @Override
        public double diagonal(long s) {
            return h.diagonal(s);
        }

        @Override
        public int connected(long s, long[] to, double[] mel) {
            return h.connected(s, to, mel);
        }

        @Override
        public int maxConnections() {
            return h.maxConnections();
        }

        @Override
        public NDArray diagonal(NDArray sigma) {
            return h.diagonal(sigma);
        }

        @Override
        public Connections connections(NDArray sigma) {
            return h.connections(sigma);
        }

        @Override
        public String kind() {
            return h.kind();
        }
    }

    @Test
    void everyModelIsTraceless() {
        Lattice sq = Lattice.square(4);
        for (Operator h : new Operator[] {new Heisenberg(sq, 0.5), new Heisenberg(Lattice.triangular(4, 2), 0.3),
            new Heisenberg(Lattice.chain(10), 1.0, 0.2, Heisenberg.Units.PAULI),
            new Xxz(sq, 1.0, 0.5, 0.3, Heisenberg.Units.SPIN), new TransverseFieldIsing(Lattice.chain(10), 1.0, 0.7)}) {
            assertEquals(0.0, h.infiniteTemperatureEnergy(), 0.0, h.toString());
            assertEquals(0.0, new Delegate(h).infiniteTemperatureEnergy(), 1e-12, h + " by enumeration");
        }
    }

    /** 0.8 σ^z_0 − 0.25 + (1 when spins 1 and 2 are both up): Tr / 2^N = 0 − 0.25 + 1/4 = 0.0; with 2.0: 0.25. */
    @Test
    void theEnumerationIsATrace() {
        Operator base = new TransverseFieldIsing(Lattice.chain(6), 1.0, 0.0);
        Operator shifted = new Delegate(base) {
            @Override
            public double diagonal(long s) {
                return ((s & 1L) != 0 ? 0.8 : -0.8) - 0.25 + ((s & 6L) == 6L ? 2.0 : 0.0);
            }
        };
        assertEquals(0.25, shifted.infiniteTemperatureEnergy(), 1e-15);
    }
}
