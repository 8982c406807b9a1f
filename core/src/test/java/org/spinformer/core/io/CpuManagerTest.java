package org.spinformer.core.io;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Shared fixture of the reader/writer tests: one CPU base manager per test class, opened before its first test
 * and closed after its last; tests take sub-managers of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class CpuManagerTest {
    /** The class's CPU manager. */
    protected NDManager manager;

    @BeforeAll
    public void openManager() {
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    public void closeManager() {
        manager.close();
    }
}
