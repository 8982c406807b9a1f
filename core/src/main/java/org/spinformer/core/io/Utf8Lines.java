package org.spinformer.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Strict UTF-8 text lines. Unlike {@code Files.readAllLines} (whose error says only "Input length = 1") or an
 * {@code InputStreamReader} (which silently puts U+FFFD in place of bad bytes), a malformed or unmappable
 * sequence fails with the line and the byte offset: {@code WHAT: invalid UTF-8 at line N (byte offset B)}.
 * Lines end at {@code \n}, {@code \r\n} or {@code \r}, as in {@code Files.readAllLines}.
 */
public final class Utf8Lines {
    private Utf8Lines() {
    }

    /** The lines of {@code file}; errors start with {@code what} (e.g. {@code "--texts FILE"}). */
    public static List<String> read(Path file, String what) throws IOException {
        return decode(Files.readAllBytes(file), what);
    }

    /** The lines of a stream read to its end (not closed); errors start with {@code what}. */
    public static List<String> read(InputStream in, String what) throws IOException {
        return decode(in.readAllBytes(), what);
    }

    /** The lines of UTF-8 bytes; errors start with {@code what}. */
    static List<String> decode(byte[] bytes, String what) throws IOException {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        int start = 0;
        int n = bytes.length;
        while (start < n) {
            int end = start;
            while (end < n && bytes[end] != '\n' && bytes[end] != '\r') { // ASCII: never inside a multi-byte char
                end++;
            }
            lines.add(line(dec, bytes, start, end, lines.size() + 1, what));
            if (end < n && bytes[end] == '\r' && end + 1 < n && bytes[end + 1] == '\n') {
                end++;
            }
            start = end + 1;
        }
        return lines;
    }

    private static String line(CharsetDecoder dec, byte[] bytes, int start, int end, int lineNo, String what)
            throws IOException {
        ByteBuffer in = ByteBuffer.wrap(bytes, start, end - start);
        CharBuffer out = CharBuffer.allocate(end - start);
        dec.reset();
        CoderResult r = dec.decode(in, out, true);
        if (!r.isError()) {
            r = dec.flush(out);
        }
        if (r.isError()) {
            throw new IOException(what + ": invalid UTF-8 at line " + lineNo + " (byte offset " + in.position()
                    + ")");
        }
        return out.flip().toString();
    }
}
