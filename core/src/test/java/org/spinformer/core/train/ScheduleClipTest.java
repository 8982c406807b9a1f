package org.spinformer.core.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.spinformer.core.device.Devices;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Schedules against closed forms; clipping against the float64 formula. */
class ScheduleClipTest {
    @Test
    void constant() {
        Schedule s = Schedule.constant(3e-4);
        assertEquals(3e-4, s.lr(0), 0.0);
        assertEquals(3e-4, s.lr(1_000_000), 0.0);
    }

    /** Asserts lr(step) = lr for each row {step, lr} of the table, to 1e-15. */
    private static void assertClosedForm(Schedule s, double[][] stepAndLr) {
        for (double[] row : stepAndLr) {
            assertEquals(row[1], s.lr((long) row[0]), 1e-15, "lr(" + (long) row[0] + ")");
        }
    }

    @Test
    void warmupCosineClosedForm() {
        Schedule s = Schedule.warmupCosine(1.0, 4, 14, 0.1);
        assertClosedForm(s, new double[][] {
            {0, 0.25}, {2, 0.75}, {3, 1.0},
            {4, 1.0}, // cos(0)
            {9, 0.1 + 0.45 * (1 + Math.cos(Math.PI * 0.5))}, // halfway: 0.55
            {7, 0.1 + 0.45 * (1 + Math.cos(Math.PI * 0.3))},
            {14, 0.1}, {100, 0.1}});
        assertEquals(0.55, s.lr(9), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Schedule.warmupCosine(1, 10, 5, 0));
    }

    @Test
    void warmupExponentialClosedForm() {
        Schedule s = Schedule.warmupExponential(2.0, 2, 0.5, 0.01);
        assertClosedForm(s, new double[][] {{0, 1.0}, {1, 2.0}, {2, 2.0}, {4, 0.5}, {7, 2.0 * Math.pow(0.5, 5)}});
        assertEquals(0.01, s.lr(1000), 0.0);
        assertThrows(IllegalArgumentException.class, () -> Schedule.warmupExponential(1, 1, 1.5, 0));
        Schedule noWarm = Schedule.warmupExponential(1.0, 0, 0.9, 0);
        assertEquals(Math.pow(0.9, 3), noWarm.lr(3), 1e-15);
    }

    @Test
    void clipGlobalNorm() {
        try (NDManager m = Devices.manager(Device.cpu())) {
            double[] a = {3, 0, -1};
            double[] b = {2, 5};
            double norm = Math.sqrt(9 + 1 + 4 + 25);
            NDArray ga = m.create(a);
            NDArray gb = m.create(b);
            NDArray n = GradClip.clipGlobalNorm(List.of(ga, gb), 2.0);
            assertEquals(norm, n.getDouble(), 1e-14);
            double c = 2.0 / (norm + 1e-6);
            assertArrayEquals(new double[] {3 * c, 0, -c}, ga.toDoubleArray(), 1e-14);
            assertArrayEquals(new double[] {2 * c, 5 * c}, gb.toDoubleArray(), 1e-14);
            double after = Math.sqrt(c * c * norm * norm);
            assertEquals(2.0, after, 1e-5);
            // below the threshold nothing changes
            NDArray gc = m.create(new double[] {0.3, 0.4});
            assertEquals(0.5, GradClip.clipGlobalNorm(List.of(gc), 1.0).getDouble(), 1e-15);
            assertArrayEquals(new double[] {0.3, 0.4}, gc.toDoubleArray(), 0.0);
            assertThrows(IllegalArgumentException.class, () -> GradClip.clipGlobalNorm(List.of(gc), 0));
        }
    }
}
