package org.spinformer.representations.imbalance;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.spinformer.core.device.Devices;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TwoNNTest {
    /** Uniform points in a d-dimensional cube, rotated into 20 dimensions. */
    static NDArray cube(NDManager m, int n, int d, long seed) {
        Random r = new Random(seed);
        double[] z = new double[n * d];
        for (int i = 0; i < z.length; i++) {
            z[i] = r.nextDouble();
        }
        double[] w = new double[d * 20];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextGaussian();
        }
        return m.create(z).reshape(n, d).matMul(m.create(w).reshape(d, 20));
    }

    @Test
    void recoversTheDimensionOfACube() {
        try (NDManager m = Devices.manager(Device.cpu())) {
            for (int d : new int[] {2, 5}) {
                double id = TwoNN.estimate(cube(m, 2000, d, d));
                assertEquals(d, id, 0.15 * d, "d = " + d);
            }
        }
    }

    @Test
    void fitOfAnExactParetoSampleIsExact() {
        // μ_(i) = (1 − i/N)^(−1/d) lie exactly on the line −log(1 − F) = d log μ
        int n = 1000;
        double d = 3.7;
        double[] mu = new double[n];
        for (int i = 0; i < n; i++) {
            mu[i] = Math.pow(1 - (i + 1.0) / n, -1 / d);
        }
        mu[n - 1] = 1e9; // the last one (F = 1) is excluded by the fraction
        assertEquals(d, TwoNN.fit(mu, 0.9), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> TwoNN.fit(mu, 0));
    }
}
