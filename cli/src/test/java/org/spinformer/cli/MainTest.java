package org.spinformer.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryGroup() {
        Run r = run("--help");
        assertEquals(0, r.code());
        for (String g : new String[] {"info", "demo", "nqs", "language", "repr"}) {
            assertTrue(r.out().contains(g), "help mentions " + g);
        }
    }

    @Test
    void unknownOptionIsOneLinePlusUsageAndExitTwo() {
        Run r = run("info", "--bogus");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: Unknown option: '--bogus'"), r.err());
        assertTrue(r.err().contains("Usage: spinformer info"));
    }

    @Test
    void badDeviceIsAClearErrorWithoutStackTrace() {
        Run r = run("info", "--device", "tpu");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("bad device 'tpu'"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void missingGpuIsReportedNotCrashed() {
        Run r = run("info", "--device", "gpu:7");
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
