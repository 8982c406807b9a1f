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
        return file + (entry == null ? "" : ": tensor '" + entry + "'") + ": " + oneLine(problem);
    }

    /**
     * The first line of {@code message}, stripped (a parser's message may run on: Gson adds a line with a
     * troubleshooting link), so the CLI's error stays one line; "unknown problem" when there is none.
     */
    public static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "unknown problem";
        }
        String s = message.strip();
        int nl = s.indexOf('\n');
        int cr = s.indexOf('\r');
        int cut = nl < 0 ? cr : cr < 0 ? nl : Math.min(nl, cr);
        return (cut < 0 ? s : s.substring(0, cut)).strip();
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
