package org.spinformer.benchmarks;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The runners' argument parser: given values, defaults, unknown names and a name without a value. */
class BenchArgsTest {
    @Test
    void givenValuesWinAndDefaultsFillTheRest() {
        BenchArgs a = BenchArgs.parse(new String[] {"--steps", "7", "--out", "x/y.json", "--interval-ms", "20"},
                "--device", "--steps", "--out", "--interval-ms", "--fixtures");
        assertEquals(7, a.integer("--steps", 3));
        assertEquals(Path.of("x/y.json"), a.path("--out", "default.json"));
        assertEquals(20L, a.longValue("--interval-ms", 1000));
        assertEquals("cpu", a.string("--device", "cpu"));
        assertNull(a.path("--fixtures", null));
    }

    @Test
    void anUnknownNameListsTheKnownOnesAndANameNeedsAValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchArgs.parse(new String[] {"--stepz", "7"}, "--device", "--steps"));
        assertEquals("unknown argument --stepz (use --device --steps)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BenchArgs.parse(new String[] {"--steps"}, "--device", "--steps"));
        assertEquals("no value after --steps", e.getMessage());
    }
}
