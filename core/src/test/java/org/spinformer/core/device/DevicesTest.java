package org.spinformer.core.device;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DevicesTest {
    @Test
    void parsesCpuAndAuto() {
        assertEquals(Device.cpu(), Devices.parse("cpu"));
        assertEquals(Device.cpu(), Devices.parse("CPU"));
        // Surefire pins spinformer.device=cpu, and CI has no GPU either way.
        assertEquals(Device.cpu(), Devices.parse("auto"));
    }

    @Test
    void rejectsBadSpecsWithTheSpecInTheMessage() {
        for (String bad : new String[] {"tpu", "gpu:x", "gpu3", "cuda:-1x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Devices.parse(bad));
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void gpuBeyondCountIsRejected() {
        int n = Devices.engine().getGpuCount();
        assertThrows(IllegalArgumentException.class, () -> Devices.parse("gpu:" + n));
    }

    @Test
    void dtypes() {
        assertEquals(DataType.FLOAT32, Devices.parseDType("float32"));
        assertEquals(DataType.FLOAT64, Devices.parseDType("f64"));
        assertThrows(IllegalArgumentException.class, () -> Devices.parseDType("int7"));
    }

    @Test
    void offlineIsSet() {
        Env.offline();
        assertEquals("true", System.getProperty("ai.djl.offline"));
        assertEquals("true", System.getProperty("OPT_OUT_TRACKING"));
    }
}
