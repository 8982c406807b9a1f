package org.spinformer.core.io;

/**
 * A file whose content is wrong, where the code cannot throw an IOException (a loader whose errors have always
 * been IllegalArgumentExceptions). The CLI reports it like a {@link MalformedFileException}: one line, exit code 1
 * (a bad file), not 2 (a bad argument). The message is made one line ({@link MalformedFileException#oneLine}).
 */
public class BadFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public BadFileException(String message, Throwable cause) {
        super(MalformedFileException.oneLine(message), cause);
    }
}
