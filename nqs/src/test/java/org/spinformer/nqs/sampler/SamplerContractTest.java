package org.spinformer.nqs.sampler;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.spinformer.core.io.CpuManagerTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.spinformer.core.device.Devices;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.model.Jastrow;
import org.spinformer.nqs.model.WaveFunction;
import org.spinformer.nqs.operator.Heisenberg;
import org.spinformer.nqs.operator.Operator;
import org.spinformer.nqs.operator.TransverseFieldIsing;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every {@link Sampler} keeps, run against each implementation on a constrained (Heisenberg, Sz = 0)
 * and an unconstrained (transverse-field Ising) Hilbert space: configurations are ±1 and allowed by the
 * operator's Hilbert space; weights are non-negative and sum to 1; the returned log ψ is the model's; the same
 * seed and step give the same samples; and a sampler restored from {@link Sampler#state()} continues exactly
 * like the one it was saved from.
 */
class SamplerContractTest extends CpuManagerTest {
    /** A named way to build a fresh sampler for an operator and a model. */
    record Setup(String name, Operator op, BiFunction<Operator, NDManager, Sampler> make) {
        /** A fresh sampler for {@link #op}, on {@code m}. */
        Sampler sampler(NDManager m) {
            return make.apply(op, m);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Setup> setups() {
        Operator heis = new Heisenberg(Lattice.parse("triangular", "4x2"), 0.5);
        Operator tfim = new TransverseFieldIsing(Lattice.parse("chain", "6"), 1.0, 0.7);
        DataType f64 = DataType.FLOAT64;
        return Stream.of(
            new Setup("exact/heisenberg", heis, (op, m) -> new ExactSampler(op, List.of(), f64, m)),
            new Setup("direct/heisenberg", heis, (op, m) -> new DirectSampler(op, List.of(), 64, 7, f64, m)),
            new Setup("exchange/heisenberg", heis, (op, m) -> new MetropolisExchange(op, 64, 16, 5, 1, 7, f64, m)),
            new Setup("exact/tfim", tfim, (op, m) -> new ExactSampler(op, List.of(), f64, m)),
            new Setup("direct/tfim", tfim, (op, m) -> new DirectSampler(op, List.of(), 64, 7, f64, m)),
            new Setup("local/tfim", tfim, (op, m) -> new MetropolisLocal(op.hilbert(), 64, 16, 5, 1, 7, f64, m)),
            // float32 sampling (TwinSampler): a float32 Jastrow draws, the samples carry the float64 model's log ψ
            new Setup("twin-exchange/heisenberg", heis, (op, m) -> new TwinSampler(new MetropolisExchange(op, 64, 16,
                    5, 1, 7, DataType.FLOAT32, m), twin(op, m))),
            new Setup("twin-direct/tfim", tfim, (op, m) -> new TwinSampler(new DirectSampler(op, List.of(), 64, 7,
                    DataType.FLOAT32, m), twin(op, m))));
    }

    static Lattice lattice(Operator op) {
        return op instanceof Heisenberg h ? h.lattice() : Lattice.parse("chain", "6");
    }

    /** A float32 copy of the contract's model (its values are set by TwinSampler before each draw). */
    static VariationalState twin(Operator op, NDManager m) {
        return new VariationalState(new Jastrow(lattice(op), DataType.FLOAT32, m, 3), 256);
    }

    private VariationalState state(Operator op) {
        Lattice l = lattice(op);
        WaveFunction wf = new Jastrow(l, DataType.FLOAT64, manager, 3);
        // a non-trivial ψ: scale the couplings up so that |ψ|² is far from uniform
        wf.parameters().forEach(e -> e.getValue().muli(8.0));
        return new VariationalState(wf, 256);
    }

    @ParameterizedTest
    @MethodSource("setups")
    void samplesAreValidAndCarryTheModelsLogPsi(Setup s) {
        VariationalState vs = state(s.op());
        try (NDManager sm = manager.newSubManager()) {
            Samples smp = s.sampler(sm).sample(vs, sm, 0);
            double[] sigma = smp.sigma().toType(DataType.FLOAT64, false).toDoubleArray();
            int n = s.op().graph().n();
            assertEquals(smp.size() * n, sigma.length);
            for (int r = 0; r < smp.size(); r++) {
                double[] row = java.util.Arrays.copyOfRange(sigma, r * n, (r + 1) * n);
                for (double v : row) {
                    assertTrue(v == 1 || v == -1, s + ": spin " + v);
                }
                assertTrue(s.op().hilbert().allowed(row), s + ": row " + r + " outside the Hilbert space");
            }
            double[] w = smp.weights().toType(DataType.FLOAT64, false).toDoubleArray();
            double sum = 0;
            for (double x : w) {
                assertTrue(x >= 0, s + ": negative weight " + x);
                sum += x;
            }
            assertEquals(1.0, sum, 1e-12, s + ": weights sum");
            NDArray[] lp = vs.logPsi(smp.sigma());
            assertArrayEquals(lp[0].toDoubleArray(), smp.logRe().toType(DataType.FLOAT64, false).toDoubleArray(),
                    1e-10, s + ": log|ψ|");
            assertArrayEquals(lp[1].toDoubleArray(), smp.logIm().toType(DataType.FLOAT64, false).toDoubleArray(),
                    1e-10, s + ": arg ψ");
        }
    }

    @ParameterizedTest
    @MethodSource("setups")
    void sameSeedSameSamplesAndStateRestoresExactly(Setup s) {
        VariationalState vs = state(s.op());
        try (NDManager sm = manager.newSubManager()) {
            Sampler a = s.sampler(sm);
            Sampler b = s.sampler(sm);
            double[] a0 = a.sample(vs, sm, 0).sigma().toDoubleArray();
            assertArrayEquals(a0, b.sample(vs, sm, 0).sigma().toDoubleArray(), 0.0, s + ": same seed, same step");
            // save a's state after step 0 into a fresh sampler; both continue identically
            Map<String, NDArray> saved = new HashMap<>();
            a.state().forEach((k, v) -> saved.put(k, v.duplicate()));
            Sampler c = s.sampler(sm);
            c.loadState(saved);
            double[] a1 = a.sample(vs, sm, 1).sigma().toDoubleArray();
            assertArrayEquals(a1, c.sample(vs, sm, 1).sigma().toDoubleArray(), 0.0, s + ": restored state");
        }
    }
}
