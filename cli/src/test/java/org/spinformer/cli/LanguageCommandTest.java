package org.spinformer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The language subcommands: help and bad input (exit 2, one line, no stack trace, no output files). */
class LanguageCommandTest {
    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void helpListsSubcommands() {
        Run r = run("language", "--help");
        assertEquals(0, r.code());
        for (String s : new String[] {"train-factored", "clones", "diagnose", "simplicity", "potts"}) {
            assertTrue(r.out().contains(s), s);
        }
    }

    @Test
    void badInputIsExitTwoWithoutStackTrace(@TempDir Path tmp) {
        Run[] runs = {
            run("language", "potts", "--sites", "1", "--out", tmp.resolve("p").toString()),
            run("language", "potts", "--samples", "5", "--out", tmp.resolve("p").toString()),
            run("language", "clones", "--model", tmp.resolve("none").toString(), "--out", tmp.resolve("c").toString()),
            run("language", "diagnose", "--clones", tmp.resolve("none").toString()),
            run("language", "clones", "--model", tmp.toString(), "--rule", "gibbs"),
            run("language", "train-factored", "--layers", "9", "--out", tmp.resolve("f").toString()),
        };
        for (Run r : runs) {
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().startsWith("error: "), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace");
        }
        assertFalse(tmp.resolve("p").resolve("results.json").toFile().exists());
    }
}
