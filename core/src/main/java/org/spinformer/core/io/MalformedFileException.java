package org.spinformer.core.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that does not follow its format (safetensors, npy, ONNX, checkpoint manifest). The message always
 * names the file, and the tensor or entry when the problem belongs to one.
 */
public class MalformedFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String entry;

    public MalformedFileException(Path file, String entry, String problem) {
        super(format(file, entry, problem));
        this.file = file;
        this.entry = entry;
    }

    public MalformedFileException(Path file, String entry, String problem, Throwable cause) {
        super(format(file, entry, problem), cause);
        this.file = file;
        this.entry = entry;
    }

    private static String format(Path file, String entry, String problem) {
        return oneLine(file + (entry == null ? "" : ": tensor '" + entry + "'") + ": " + oneLine(problem));
    }

    /**
     * {@code message} as one line, so the CLI's error stays one line: Gson's second line (a troubleshooting link)
     * dropped, and control characters (a tensor name or shard name from the file may hold a newline or a NUL)
     * written as escapes; "unknown problem" when there is no message.
     */
    public static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "unknown problem";
        }
        String s = message.strip();
        int see = s.indexOf("\nSee ");
        if (see >= 0) {
            s = s.substring(0, see).strip();
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** The offending file. */
    public Path file() {
        return file;
    }

    /** The tensor or entry the problem belongs to, or null when it concerns the whole file. */
    public String entry() {
        return entry;
    }
}
