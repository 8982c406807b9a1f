package org.spinformer.core.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordsTest {
    enum Kind { ADAMW, SGD }

    record Inner(double lr, Kind kind) { }

    record Cfg(int[] layers, long bertSteps, double lr, Kind optimizer, Inner inner, String name) {
        Cfg {
            if (bertSteps < 10) {
                throw new IllegalArgumentException("--bert-steps must be >= 10, got " + bertSteps);
            }
        }
    }

    private static final Cfg BASE = new Cfg(new int[] {1, 3}, 300, 2e-3, Kind.ADAMW, new Inner(0.1, Kind.SGD), "x");

    @Test
    void namedCopiesGoThroughTheValidatingConstructor() {
        Cfg c = Records.with(BASE, Map.of("bertSteps", 500, "lr", 1, "layers", new int[] {2}));
        assertEquals(500, c.bertSteps());
        assertEquals(1.0, c.lr());
        assertArrayEquals(new int[] {2}, c.layers());
        assertEquals(BASE.optimizer(), c.optimizer());
        assertEquals(300, BASE.bertSteps(), "the original is unchanged");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Records.with(BASE, "bertSteps", 5L));
        assertEquals("--bert-steps must be >= 10, got 5", bad.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Records.with(BASE, "bertStep", 5L));
        assertTrue(unknown.getMessage().contains("[bertStep]"), unknown.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> Records.with(BASE, "bertSteps", "many"));
        assertTrue(type.getMessage().startsWith("--bert-steps must be a long"), type.getMessage());
    }

    @Test
    void oneJsonFormWithSnakeCaseKeys() {
        assertEquals("{\"layers\":[1,3],\"bert_steps\":300,\"lr\":0.002,\"optimizer\":\"adamw\","
                + "\"inner\":{\"lr\":0.1,\"kind\":\"sgd\"},\"name\":\"x\"}", Records.toJson(BASE).toString());
        assertEquals("--factored-lr", Records.option("factoredLr"));
    }

    record Flat(int vocab, long seed, double eps, boolean readoutAll, String form, Kind optimizer) {
        Flat {
            if (vocab < 2) {
                throw new IllegalArgumentException("vocab must be >= 2, got " + vocab);
            }
        }
    }

    @Test
    void flatRecordsReadBackFromTheirJson() {
        Flat f = new Flat(60, 1L << 40, 1e-12, true, "free", Kind.SGD);
        com.google.gson.JsonObject j = Records.toJson(f);
        assertEquals("{\"vocab\":60,\"seed\":1099511627776,\"eps\":1.0E-12,\"readout_all\":true,\"form\":\"free\","
                + "\"optimizer\":\"sgd\"}", j.toString());
        assertEquals(f, Records.fromJson(Flat.class, j));
        j.addProperty("vocab", 2.5);
        IllegalArgumentException frac = assertThrows(IllegalArgumentException.class,
                () -> Records.fromJson(Flat.class, j));
        assertEquals("Flat JSON: 'vocab' must be a int, got 2.5", frac.getMessage());
        j.addProperty("vocab", 1);
        assertEquals("vocab must be >= 2, got 1", assertThrows(IllegalArgumentException.class,
                () -> Records.fromJson(Flat.class, j)).getMessage());
        j.remove("form");
        assertEquals("Flat JSON lacks a value for 'form'", assertThrows(IllegalArgumentException.class,
                () -> Records.fromJson(Flat.class, j)).getMessage());
    }
}
