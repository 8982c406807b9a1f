package org.spinformer.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Strict UTF-8 lines: the same lines as Files.readAllLines, and bad bytes named by line and byte offset. */
class Utf8LinesTest {
    @Test
    void splitsLikeReadAllLines(@TempDir Path dir) throws Exception {
        String text = "é one\r\ntwo\rthree\n\nfour ∑\n";
        Path f = dir.resolve("t.txt");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        assertEquals(Files.readAllLines(f, StandardCharsets.UTF_8), Utf8Lines.read(f, "x"));
        assertEquals(List.of("a", "b"), Utf8Lines.read(new ByteArrayInputStream("a\nb".getBytes(
                StandardCharsets.UTF_8)), "x"));
        assertEquals(List.of(), Utf8Lines.read(new ByteArrayInputStream(new byte[0]), "x"));
    }

    @Test
    void namesTheLineAndByteOffsetOfABadByte(@TempDir Path dir) throws Exception {
        // line 1 "ok" + \n = 3 bytes; line 2 "é" (2 bytes), then a lone continuation byte at offset 5
        byte[] b = {'o', 'k', '\n', (byte) 0xC3, (byte) 0xA9, (byte) 0x80, 'x', '\n'};
        Path f = dir.resolve("bad.txt");
        Files.write(f, b);
        IOException e = assertThrows(IOException.class, () -> Utf8Lines.read(f, "--texts " + f));
        assertEquals("--texts " + f + ": invalid UTF-8 at line 2 (byte offset 5)", e.getMessage());
        // a multi-byte sequence cut short by the end of a line
        byte[] cut = {'a', '\n', 'b', (byte) 0xE2, (byte) 0x88, '\n'};
        IOException c = assertThrows(IOException.class,
                () -> Utf8Lines.read(new ByteArrayInputStream(cut), "pairs"));
        assertEquals("pairs: invalid UTF-8 at line 2 (byte offset 3)", c.getMessage());
    }
}
