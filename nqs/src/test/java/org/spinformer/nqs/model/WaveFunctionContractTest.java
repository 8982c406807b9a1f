package org.spinformer.nqs.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.core.io.CpuManagerTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.spinformer.core.device.Devices;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every {@link WaveFunction} keeps, run against the ViT (patch 1 and 2), the Jastrow, the Marshall
 * sign decorator and the symmetric projection: per-sample parameters (each replicated over the batch) give the shared-parameter log ψ; the fast
 * Jacobian equals the weight-replication reference; ψ is invariant under every symmetry it declares; it reports
 * positive FLOPs and a config.
 */
class WaveFunctionContractTest extends CpuManagerTest {
    record Model(String name, Lattice lattice, Function<NDManager, WaveFunction> make) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Model> models() {
        Lattice tri = Lattice.parse("triangular", "4x2");
        Lattice sq = Lattice.parse("square", "4x4");
        DataType f64 = DataType.FLOAT64;
        return Stream.of(
            new Model("vit patch 1", tri, m -> new ViT(tri, new ViT.Config(8, 2, 2, 1, 16, 1.0), f64, m, 5)),
            new Model("vit patch 2", sq, m -> new ViT(sq, new ViT.Config(8, 1, 2, 2, 16, 1.0), f64, m, 5)),
            new Model("jastrow", tri, m -> new Jastrow(tri, f64, m, 5)),
            new Model("marshall(vit)", sq, m -> new MarshallSign(new ViT(sq, new ViT.Config(8, 1, 2, 2, 16, 1.0),
                    f64, m, 5), sq, f64, m)),
            new Model("symmetrized(vit patch 2; patch+point+flip)", sq, m -> new Symmetrized(new ViT(sq,
                    new ViT.Config(8, 1, 2, 2, 16, 1.0), f64, m, 5), org.spinformer.nqs.driver.Training.sector(
                    "patch+point+flip", sq, 2, "heisenberg").perms(), true, 1, f64, m)));
    }

    /** {@code rows} random ±1 configurations of {@code n} spins from {@code seed} (float64). */
    static NDArray spins(NDManager m, int rows, int n, long seed) {
        Random r = new Random(seed);
        double[] v = new double[rows * n];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextBoolean() ? 1 : -1;
        }
        return m.create(v, new Shape(rows, n));
    }

    @ParameterizedTest
    @MethodSource("models")
    void perSampleParametersGiveTheSharedLogPsi(Model md) {
        try (NDManager sm = manager.newSubManager()) {
            WaveFunction wf = md.make().apply(sm);
            int b = 5;
            NDArray sigma = spins(sm, b, md.lattice().n(), 11);
            NDArray[] shared = wf.logPsi(sigma);
            Map<String, NDArray> rep = new LinkedHashMap<>();
            for (var e : wf.parameters()) {
                NDArray p = e.getValue();
                rep.put(e.getKey(), p.expandDims(0).repeat(0, b));
            }
            NDArray[] per = wf.logPsi(sigma, rep, true);
            assertArrayEquals(shared[0].toDoubleArray(), per[0].toDoubleArray(), 1e-12, md + ": re");
            assertArrayEquals(shared[1].toDoubleArray(), per[1].toDoubleArray(), 1e-12, md + ": im");
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void fastJacobianEqualsTheReplicationReference(Model md) {
        try (NDManager sm = manager.newSubManager()) {
            WaveFunction wf = md.make().apply(sm);
            VariationalState vs = new VariationalState(wf, 3);
            NDArray sigma = spins(sm, 7, md.lattice().n(), 12);
            NDArray[] fast = vs.jacobian(sigma);
            NDArray[] ref = vs.jacobianReplicated(sigma);
            assertArrayEquals(ref[0].toDoubleArray(), fast[0].toDoubleArray(), 1e-10, md + ": Re O");
            assertArrayEquals(ref[1].toDoubleArray(), fast[1].toDoubleArray(), 1e-10, md + ": Im O");
            assertTrue(ref[0].getShape().get(1) == wf.parameters().numel(), md + ": one column per parameter");
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void invariantUnderItsDeclaredSymmetriesAndDescribed(Model md) {
        try (NDManager sm = manager.newSubManager()) {
            WaveFunction wf = md.make().apply(sm);
            int n = md.lattice().n();
            NDArray sigma = spins(sm, 6, n, 13);
            double[] base = wf.logPsi(sigma)[0].toDoubleArray();
            double[] s = sigma.toDoubleArray();
            for (int[] g : wf.symmetries()) {
                double[] moved = new double[s.length];
                for (int r = 0; r < 6; r++) {
                    for (int i = 0; i < n; i++) {
                        moved[r * n + i] = s[r * n + g[i]];
                    }
                }
                double[] lp = wf.logPsi(sm.create(moved, new Shape(6, n)))[0].toDoubleArray();
                assertArrayEquals(base, lp, 1e-10, md + ": symmetry " + java.util.Arrays.toString(g));
            }
            assertTrue(wf.forwardFlops() > 0, md + ": FLOPs");
            assertTrue(wf.config().size() > 0, md + ": config");
        }
    }
}
