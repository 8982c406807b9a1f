package org.spinformer.nqs.optimizer;

import org.spinformer.core.testing.CpuTest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The blocked Cholesky solver and the blocked SR kernel against LAPACK's dense inverse (libtorch {@code inverse}),
 * at sizes that cross the block boundaries (several Cholesky blocks with a partial last one; several kernel blocks
 * per half of X), plus the pseudo-inverse fallback and the NaN guard.
 */
class SrSolverTest extends CpuTest {

    @BeforeAll
    static void up() {
        m.getEngine().setRandomSeed(42);
    }

    static double maxAbs(NDArray x) {
        return x.abs().max().getDouble();
    }

    @Test
    void choleskyMatchesDenseInverseAcrossBlocks() {
        try (NDManager s = m.newSubManager()) {
            int n = 300; // blocks 128, 128, 44
            NDArray b0 = s.randomNormal(0, 1, new Shape(n, 2 * n), DataType.FLOAT64);
            NDArray a = b0.matMul(b0.transpose()).div(2 * n).add(s.eye(n, n, 0, DataType.FLOAT64).mul(1e-3));
            NDArray b = s.randomNormal(0, 1, new Shape(n), DataType.FLOAT64);
            SpdSolver.Solution sol = SpdSolver.solve(a, b, 1e-12);
            assertEquals(SpdSolver.Method.CHOLESKY, sol.method());
            NDArray ref = a.inverse().matMul(b);
            assertTrue(maxAbs(sol.x().sub(ref)) <= 1e-9 * maxAbs(ref), "x differs from A⁻¹b");
            assertTrue(maxAbs(a.matMul(sol.x()).sub(b)) <= 1e-10 * maxAbs(b), "residual");
        }
    }

    @Test
    void singularMatrixFallsBackToPseudoInverse() {
        try (NDManager s = m.newSubManager()) {
            int n = 40;
            NDArray half = s.randomNormal(0, 1, new Shape(n, n / 2), DataType.FLOAT64);
            NDArray a = half.matMul(half.transpose()); // rank n/2: Cholesky fails
            NDArray b = a.matMul(s.randomNormal(0, 1, new Shape(n), DataType.FLOAT64)); // in A's range
            SpdSolver.Solution sol = SpdSolver.solve(a, b, 1e-12);
            assertEquals(SpdSolver.Method.PSEUDO_INVERSE, sol.method());
            assertTrue(maxAbs(a.matMul(sol.x()).sub(b)) <= 1e-9 * maxAbs(b), "A x = b in A's range");
            // the minimum-norm solution lies in A's range: x = A A⁺ x = H (HᵀH)⁻¹ Hᵀ x
            NDArray proj = half.matMul(half.transpose().matMul(half).inverse()).matMul(half.transpose());
            assertTrue(maxAbs(proj.matMul(sol.x()).sub(sol.x())) <= 1e-9 * maxAbs(sol.x()), "minimum norm");
        }
    }

    @Test
    void nanIsAnErrorNotASilentResult() {
        try (NDManager s = m.newSubManager()) {
            NDArray a = s.eye(4, 4, 0, DataType.FLOAT64);
            NDArray b = s.create(new double[] {1, Double.NaN, 0, 0});
            assertThrows(IllegalStateException.class, () -> SpdSolver.solve(a, b, 1e-12));
        }
    }

    /** δ = Xᵀ (X Xᵀ + λ)⁻¹ ε with X and ε concatenated explicitly and a dense inverse. */
    @Test
    void sampleSpaceUpdateMatchesDenseFormula() {
        try (NDManager s = m.newSubManager()) {
            int mm = 600; // two kernel blocks per half of X; 2M = 1200: ten Cholesky blocks
            int p = 1300;
            NDArray ore = s.randomNormal(0, 1, new Shape(mm, p), DataType.FLOAT64).add(0.5);
            NDArray oim = s.randomNormal(0, 1, new Shape(mm, p), DataType.FLOAT64).sub(0.2);
            NDArray ere = s.randomNormal(0, 1, new Shape(mm), DataType.FLOAT64).sub(3);
            NDArray eim = s.randomNormal(0, 1, new Shape(mm), DataType.FLOAT64);
            NDArray w = s.randomUniform(0.5f, 1.5f, new Shape(mm), DataType.FLOAT64);
            w = w.div(w.sum());
            double shift = 1e-2;
            StochasticReconfiguration.Update u = StochasticReconfiguration.compute(ore, oim, ere, eim, w, shift);
            assertTrue(u.sampleSpace());
            assertEquals(SpdSolver.Method.CHOLESKY, u.method());

            NDArray sw = w.sqrt().expandDims(1);
            NDArray xr = ore.sub(w.expandDims(0).matMul(ore)).mul(sw);
            NDArray xi = oim.sub(w.expandDims(0).matMul(oim)).mul(sw);
            NDArray x = NDArrays.concat(new NDList(xr, xi));
            NDArray er = ere.sub(ere.mul(w).sum()).mul(sw.squeeze(1));
            NDArray ei = eim.sub(eim.mul(w).sum()).mul(sw.squeeze(1));
            NDArray eps = NDArrays.concat(new NDList(er, ei)).mul(2);
            NDArray k = x.matMul(x.transpose()).add(s.eye(2 * mm, 2 * mm, 0, DataType.FLOAT64).mul(shift));
            NDArray grad = x.transpose().matMul(eps);
            NDArray delta = x.transpose().matMul(k.inverse().matMul(eps));
            assertTrue(maxAbs(u.gradient().sub(grad)) <= 1e-12 * maxAbs(grad), "gradient");
            assertTrue(maxAbs(u.delta().sub(delta)) <= 1e-8 * maxAbs(delta), "delta");
            assertArrayEquals(grad.toDoubleArray(),
                    StochasticReconfiguration.gradient(ore, oim, ere, eim, w).toDoubleArray(), 1e-12 * maxAbs(grad));
        }
    }

    /** float32 inputs are promoted once (and centred in place in the copy); the inputs are left untouched. */
    @Test
    void float32InputsAreNotModified() {
        try (NDManager s = m.newSubManager()) {
            int mm = 30;
            int p = 80;
            NDArray ore = s.randomNormal(0, 1, new Shape(mm, p), DataType.FLOAT32);
            NDArray oim = s.randomNormal(0, 1, new Shape(mm, p), DataType.FLOAT32);
            NDArray e = s.randomNormal(0, 1, new Shape(mm), DataType.FLOAT32);
            NDArray w = s.ones(new Shape(mm), DataType.FLOAT32).div(mm);
            float[] before = ore.toFloatArray();
            NDArray d32 = StochasticReconfiguration.compute(ore, oim, e, e, w, 1e-2).delta();
            assertArrayEquals(before, ore.toFloatArray());
            NDArray d64 = StochasticReconfiguration.compute(ore.toType(DataType.FLOAT64, true),
                    oim.toType(DataType.FLOAT64, true), e.toType(DataType.FLOAT64, true),
                    e.toType(DataType.FLOAT64, true), w.toType(DataType.FLOAT64, true), 1e-2).delta();
            assertArrayEquals(d64.toDoubleArray(), d32.toDoubleArray(), 1e-12 * maxAbs(d64));
        }
    }
}
