package org.spinformer.core.testing;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.spinformer.core.device.Devices;

/**
 * Base of tests that share one CPU manager per test class: {@link #m} is opened before the class's first test
 * (before the subclass's own {@code @BeforeAll}) and closed after its last (after the subclass's {@code @AfterAll}).
 */
public abstract class CpuTest {
    /** The class's manager. */
    protected static NDManager m;

    @BeforeAll
    static void openCpuManager() {
        m = Devices.manager(Device.cpu());
    }

    @AfterAll
    static void closeCpuManager() {
        m.close();
    }
}
