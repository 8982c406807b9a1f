package org.spinformer.core.nn;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the nn tests: one CPU manager per test class, opened before its first test and closed after its last
 * ({@link org.spinformer.core.testing.CpuTest}); the comparison tolerance per dtype.
 */
abstract class ManagedNnTest extends org.spinformer.core.testing.CpuTest {
    /** The class's CPU manager ({@link #m}, opened and closed by {@code CpuTest}). */
    static NDManager manager;

    @BeforeAll
    static void nameManager() {
        manager = m;
    }

    /** Absolute tolerance against the float64 references: 1e-12 in float64, 3e-5 in float32. */
    static double tol(DataType dt) {
        return dt == DataType.FLOAT64 ? 1e-12 : 3e-5;
    }
}
