package org.spinformer.representations.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairsTest {
    @Test
    void embeddedBibleHasAllVerses() throws Exception {
        Pairs p = Pairs.parse("bible:en_kjv,es_rv1909");
        assertTrue(p.size() > 31000, "verses " + p.size());
        assertEquals("Genesis 1:1", p.ids().get(0));
        assertEquals("In the beginning God created the heaven and the earth.", p.a().get(0));
        assertTrue(p.b().get(0).contains("principio"));
        Pairs s = p.sample(100, 3);
        assertEquals(100, s.size());
        assertEquals(s, p.sample(100, 3));
        assertThrows(IllegalArgumentException.class, () -> Pairs.parse("bible:en_kjv,fr"));
    }

    @Test
    void twoColumnFilesAndErrors(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("p.tsv");
        Files.writeString(f, "hello\thola\n\tvacío\ncat\tgato\n");
        Pairs p = Pairs.parse(f.toString());
        assertEquals(2, p.size());
        assertEquals("gato", p.b().get(1));
        Files.writeString(f, "a\tb\tc\n");
        assertThrows(IllegalArgumentException.class, () -> Pairs.parse(f.toString()));
        assertThrows(IllegalArgumentException.class, () -> Pairs.parse(dir.resolve("none.tsv").toString()));
    }
}
