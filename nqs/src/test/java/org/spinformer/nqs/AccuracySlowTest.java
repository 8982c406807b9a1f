package org.spinformer.nqs;

import ai.djl.Device;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.nqs.driver.TrainSpec;
import org.spinformer.nqs.driver.Training;
import org.spinformer.nqs.driver.Vmc;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accuracy target with the defaults ({@code nqs train --lattice square --size 4x4 --j2 0.5 --sampler
 * exact --steps 300}): relative energy error ≤ 2e-3. Slow (minutes); run with {@code -Pslow}.
 */
@Tag("slow")
class AccuracySlowTest {
    @Test
    void defaultsReachTargetOn4x4(@TempDir Path dir) throws Exception {
        Vmc.Result r = Training.run(TrainSpec.defaults(), dir, false, Device.cpu());
        System.out.printf("4x4 J2=0.5 defaults: E/N = %.8f, relative error %.3e, %.0f s%n", r.energyPerSite(),
                r.relativeError(), r.seconds());
        assertTrue(Files.exists(dir.resolve("summary.json")));
        assertTrue(r.relativeError() <= 2e-3, "relative error " + r.relativeError());
    }
}
