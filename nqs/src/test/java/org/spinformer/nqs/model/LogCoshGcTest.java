package org.spinformer.nqs.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The log-cosh head's gradients against the closed form ∂/∂x Re log cosh(x + iy) = Re tanh = sinh 2x / (cosh 2x +
 * cos 2y), and unchanged by a garbage collection between forward and backward (the "BERT NaN" bug: DJL's
 * mul(Number) hands autograd a scalar backed by a Java buffer that a GC frees before backward).
 */
class LogCoshGcTest {
    private static final double[] X = {-3.0, -0.7, 0.0, 0.4, 2.5, 30.0};
    private static final double[] Y = {0.3, -1.2, 2.0, 0.0, 1.0, -0.5};

    private static List<ByteBuffer> pressure() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(30);
        }
        List<ByteBuffer> junk = new ArrayList<>();
        for (int i = 0; i < 20000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
            b.putDouble(0, Double.NaN);
            junk.add(b);
        }
        return junk;
    }

    private static double[][] grads(boolean disturb) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray x = m.create(X);
            NDArray y = m.create(Y);
            x.setRequiresGradient(true);
            y.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray[] lc = Params.logCosh(x, y);
                NDArray loss = lc[0].sum();
                List<ByteBuffer> keep = disturb ? pressure() : List.of();
                gc.backward(loss);
                assertEquals(disturb ? 20000 : 0, keep.size(), "native blocks refilled with NaN while the graph waits");
                java.lang.ref.Reference.reachabilityFence(keep);
            }
            return new double[][] {x.getGradient().toDoubleArray(), y.getGradient().toDoubleArray()};
        }
    }

    @Test
    void gradientMatchesClosedFormAndSurvivesGarbageCollection() throws Exception {
        double[][] ref = grads(false);
        for (int i = 0; i < X.length; i++) {
            double dx = Math.sinh(2 * X[i]) / (Math.cosh(2 * X[i]) + Math.cos(2 * Y[i]));
            double dy = -Math.sin(2 * Y[i]) / (Math.cosh(2 * X[i]) + Math.cos(2 * Y[i]));
            if (Math.abs(X[i]) > 20) { // cosh overflows nothing here, but the ratio is 1 and 0 to double precision
                dx = Math.signum(X[i]);
                dy = 0;
            }
            assertEquals(dx, ref[0][i], 1e-12, "d/dx at " + i);
            assertEquals(dy, ref[1][i], 1e-12, "d/dy at " + i);
        }
        for (int rep = 0; rep < 3; rep++) {
            double[][] g = grads(true);
            assertArrayEquals(ref[0], g[0], "x gradient changed by a GC between forward and backward");
            assertArrayEquals(ref[1], g[1], "y gradient changed by a GC between forward and backward");
        }
    }
}
