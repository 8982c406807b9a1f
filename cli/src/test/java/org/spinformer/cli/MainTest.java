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
    void unknownOptionIsOneLineAndExitTwo() {
        CliRun r = CliRun.of("info", "--bogus");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: Unknown option: '--bogus'"), r.err());
        assertTrue(r.err().contains("(see 'spinformer info --help')"), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
        CliRun bad = CliRun.of("nqs", "train", "--steps", "abc");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--steps") && bad.err().contains("spinformer nqs train --help"), bad.err());
        assertEquals(1, bad.err().strip().split("\n").length, bad.err());
    }

    /** {@code --verbose} gives the stack trace wherever it stands: before the subcommands or after them. */
    @Test
    void verboseWorksAfterTheSubcommand(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path f = java.nio.file.Files.write(dir.resolve("bad.npy"), new byte[] {(byte) 0x93, 'N', 'U'});
        String[] cmd = {"repr", "imbalance", "--a", f.toString(), "--b", f.toString(), "--device", "cpu"};
        CliRun quiet = CliRun.of(cmd);
        assertEquals(1, quiet.code(), quiet.err());
        assertFalse(quiet.err().contains("\tat "), quiet.err());
        assertTrue(quiet.err().contains("--verbose"), quiet.err());
        for (String[] args : new String[][] {
            {"--verbose", "repr", "imbalance", "--a", f.toString(), "--b", f.toString(), "--device", "cpu"},
            {"repr", "imbalance", "--a", f.toString(), "--b", f.toString(), "--device", "cpu", "--verbose"}}) {
            CliRun loud = CliRun.of(args);
            assertEquals(1, loud.code(), loud.err());
            assertTrue(loud.err().contains("\tat "), String.join(" ", args) + ": " + loud.err());
        }
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
