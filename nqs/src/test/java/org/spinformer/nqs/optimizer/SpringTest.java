package org.spinformer.nqs.optimizer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.spinformer.core.device.Devices;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SR with SPRING momentum against its defining formula δ = Xᵀ(XXᵀ + λI)⁻¹(ε − μXδ_prev) + μδ_prev, built with X
 * and ε concatenated explicitly and a dense inverse, in both the sample-space (2M ≤ P) and the parameter-space
 * (2M > P) branch; μ = 0 is plain SR.
 */
class SpringTest {
    @Test
    void bothBranchesMatchTheFormula() {
        try (NDManager s = Devices.manager(Device.cpu())) {
            for (int[] mp : new int[][] {{40, 120}, {90, 60}}) {
                int mm = mp[0];
                int p = mp[1];
                NDArray ore = s.randomNormal(0, 1, new Shape(mm, p), DataType.FLOAT64).add(0.3);
                NDArray oim = s.randomNormal(0, 1, new Shape(mm, p), DataType.FLOAT64);
                NDArray ere = s.randomNormal(0, 1, new Shape(mm), DataType.FLOAT64).sub(2);
                NDArray eim = s.randomNormal(0, 1, new Shape(mm), DataType.FLOAT64);
                NDArray w = s.ones(new Shape(mm), DataType.FLOAT64).div(mm);
                NDArray prev = s.randomNormal(0, 1, new Shape(p), DataType.FLOAT64);
                double shift = 1e-2;
                double mu = 0.9;
                StochasticReconfiguration.Update u = StochasticReconfiguration.compute(ore, oim, ere, eim, w, shift,
                        prev, mu);
                assertEquals(2 * mm <= p, u.sampleSpace());

                NDArray sw = w.sqrt().expandDims(1);
                NDArray x = NDArrays.concat(new NDList(ore.sub(w.expandDims(0).matMul(ore)).mul(sw),
                        oim.sub(w.expandDims(0).matMul(oim)).mul(sw)));
                NDArray eps = NDArrays.concat(new NDList(ere.sub(ere.mul(w).sum()).mul(sw.squeeze(1)),
                        eim.sub(eim.mul(w).sum()).mul(sw.squeeze(1)))).mul(2);
                NDArray k = x.matMul(x.transpose()).add(s.eye(2 * mm, 2 * mm, 0, DataType.FLOAT64).mul(shift));
                NDArray want = x.transpose().matMul(k.inverse().matMul(eps.sub(x.matMul(prev).mul(mu))))
                        .add(prev.mul(mu));
                double scale = want.abs().max().getDouble();
                assertTrue(u.delta().sub(want).abs().max().getDouble() <= 1e-8 * scale,
                        "SPRING delta, M=" + mm + " P=" + p);
                // the reported gradient is still F = Xᵀε, and μ = 0 is plain SR
                assertArrayEquals(x.transpose().matMul(eps).toDoubleArray(), u.gradient().toDoubleArray(), 1e-10);
                assertArrayEquals(StochasticReconfiguration.compute(ore, oim, ere, eim, w, shift).delta().toDoubleArray(),
                        StochasticReconfiguration.compute(ore, oim, ere, eim, w, shift, prev, 0).delta().toDoubleArray(),
                        0);
            }
            NDArray o = s.ones(new Shape(2, 3), DataType.FLOAT64);
            NDArray e = s.ones(new Shape(2), DataType.FLOAT64);
            assertThrows(IllegalArgumentException.class,
                    () -> StochasticReconfiguration.compute(o, o, e, e, e.div(2), 1e-2, null, 1.0));
        }
    }
}
