package org.spinformer.cli;

import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    @Test
    void helpListsEveryGroup() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.code());
        for (String g : new String[] {"info", "demo", "nqs", "language", "repr"}) {
            assertTrue(r.out().contains(g), "help mentions " + g);
        }
    }

    @Test
    void unknownOptionIsOneLinePlusUsageAndExitTwo() {
        CliRun r = CliRun.of("info", "--bogus");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: Unknown option: '--bogus'"), r.err());
        assertTrue(r.err().contains("Usage: spinformer info"));
    }

    @Test
    void badDeviceIsAClearErrorWithoutStackTrace() {
        CliRun r = CliRun.of("info", "--device", "tpu");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("bad device 'tpu'"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void missingGpuIsReportedNotCrashed() {
        CliRun r = CliRun.of("info", "--device", "gpu:7");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("GPU"), r.err());
    }

    @Test
    void infoReportsTheEngine() {
        var report = InfoCommand.report(ai.djl.Device.cpu());
        assertEquals("PyTorch", report.get("engine"));
        assertEquals("2.5.1", report.get("engine_version"));
        assertEquals("0.32.0", report.get("djl_version"));
    }
}
