package org.spinformer.core.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.spinformer.core.device.Devices;
import org.spinformer.core.engine.Torch;

/**
 * Base of tests of tiny tensors: PyTorch runs them on one intra-op thread (with its default of one per core, a
 * backward pass of a toy model costs ~15 ms instead of ~0.3 ms on an oversubscribed 2-core machine: OpenMP
 * hand-offs), and the previous count is restored after the class.
 */
public abstract class OneThreadTest {
    private static int threads;

    @BeforeAll
    static void oneThread() {
        Devices.engine();
        threads = Torch.setThreads(1);
    }

    @AfterAll
    static void restoreThreads() {
        Torch.setThreads(threads);
    }
}
