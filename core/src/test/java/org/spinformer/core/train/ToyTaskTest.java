package org.spinformer.core.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.spinformer.core.engine.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.device.Devices;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo task: translation-invariant factored attention learns the ring-neighbour map, plain MHA cannot. */
class ToyTaskTest {
    @Test
    void factoredAttentionLearnsTheRingMapAndMhaCannot(@TempDir Path dir) throws Exception {
        Devices.engine();
        int threads = Torch.setThreads(1);
        try (NDManager base = Devices.manager(Device.cpu())) {
            int before = base.getManagedArrays().size();
            List<ToyTask.Curve> c = ToyTask.run(base, 150, 1, DataType.FLOAT32);
            assertEquals(before, base.getManagedArrays().size(), "nothing left behind");
            assertEquals(3, c.size());
            org.slf4j.LoggerFactory.getLogger(ToyTaskTest.class).info("final losses: {} {} {}; seconds {} {} {}",
                    c.get(0).finalLoss(), c.get(1).finalLoss(), c.get(2).finalLoss(), c.get(0).seconds(),
                    c.get(1).seconds(), c.get(2).seconds());
            assertTrue(c.get(0).finalLoss() < 1e-3, "translation-invariant: " + c.get(0).finalLoss());
            assertTrue(c.get(1).finalLoss() < 0.1, "free: " + c.get(1).finalLoss());
            // floor ½ − 1/7 ≈ 0.357 (see ToyTask), minus batch noise
            assertTrue(c.get(2).finalLoss() > 0.3, "MHA without positions: " + c.get(2).finalLoss());
            assertTrue(c.get(0).loss()[0] > 0.3, "starts high");
            Path[] files = ToyTask.plot(c, dir.resolve("toy"));
            assertTrue(Files.size(files[0]) > 1000 && Files.size(files[1]) > 1000);
        } finally {
            Torch.setThreads(threads);
        }
    }
}
