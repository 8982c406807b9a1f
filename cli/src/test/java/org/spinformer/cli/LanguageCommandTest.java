package org.spinformer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The language subcommands: help and bad input (exit 2, one line, no stack trace, no output files). */
class LanguageCommandTest {
    @Test
    void helpListsSubcommands() {
        CliRun r = CliRun.of("language", "--help");
        assertEquals(0, r.code());
        for (String s : new String[] {"train-factored", "clones", "diagnose", "simplicity", "potts"}) {
            assertTrue(r.out().contains(s), s);
        }
    }

    @Test
    void badInputIsExitTwoWithoutStackTrace(@TempDir Path tmp) {
        CliRun[] runs = {
            CliRun.of("language", "potts", "--sites", "1", "--out", tmp.resolve("p").toString()),
            CliRun.of("language", "potts", "--samples", "5", "--out", tmp.resolve("p").toString()),
            CliRun.of("language", "clones", "--model", tmp.resolve("none").toString(), "--out", tmp.resolve("c").toString()),
            CliRun.of("language", "diagnose", "--clones", tmp.resolve("none").toString()),
            CliRun.of("language", "clones", "--model", tmp.toString(), "--rule", "gibbs"),
            CliRun.of("language", "train-factored", "--layers", "9", "--out", tmp.resolve("f").toString()),
        };
        for (CliRun r : runs) {
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().startsWith("error: "), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace");
        }
        assertFalse(tmp.resolve("p").resolve("results.json").toFile().exists());
    }
}
