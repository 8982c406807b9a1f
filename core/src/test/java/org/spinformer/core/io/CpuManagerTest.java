package org.spinformer.core.io;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.spinformer.core.testing.CpuTest;

/**
 * {@link CpuTest} with the class's CPU manager as an instance field {@code manager} (per-class test instance), for
 * the reader/writer tests and others that take sub-managers of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class CpuManagerTest extends CpuTest {
    /** The class's CPU manager (the same as {@link CpuTest#m}). */
    protected NDManager manager;

    @BeforeAll
    public void nameManager() {
        manager = m;
    }
}
