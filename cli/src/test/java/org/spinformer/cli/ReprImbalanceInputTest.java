package org.spinformer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.device.Devices;
import org.spinformer.core.io.Npy;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code repr imbalance} refuses bad input with one line naming the option and the file. */
class ReprImbalanceInputTest {
    @Test
    void nonFiniteValueNamesTheFileRowAndColumn(@TempDir Path dir) throws Exception {
        double[] v = new double[20 * 2];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.sin(i);
        }
        try (NDManager m = Devices.manager(Device.cpu())) {
            Npy.write(dir.resolve("a.npy"), m.create(v).reshape(20, 2));
            v[3 * 2 + 1] = Double.NaN;
            Npy.write(dir.resolve("b.npy"), m.create(v).reshape(20, 2));
        }
        CliRun r = CliRun.of("repr", "imbalance", "--a", dir.resolve("a.npy").toString(), "--b",
                dir.resolve("b.npy").toString(), "--device", "cpu");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: --b " + dir.resolve("b.npy") + " has a non-finite value (NaN) at row 3, "
                + "column 1"), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
    }

    @Test
    void negativeSubsetsAreRefused(@TempDir Path dir) {
        CliRun r = CliRun.of("repr", "imbalance", "--a", dir.resolve("a.npy").toString(), "--b",
                dir.resolve("b.npy").toString(), "--subsets", "-1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--subsets must be >= 0"), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
    }
}
