package org.spinformer.core.fuzz;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a reader of outside bytes promises: on any input it returns, or throws an {@link IOException} or an
 * {@link IllegalArgumentException} (or an {@link UncheckedIOException} around an IOException, which the CLI
 * unwraps) whose message is one non-empty line (the CLI prints it as its one error line and
 * exits 1 or 2). Anything else (a NullPointerException, an index error, an OutOfMemoryError from a size the file
 * claims, a PyTorch error, a JVM crash) is a finding: {@link #check} rethrows it, so Jazzer records the input.
 */
public final class FuzzContract {
    private static final Path SCRATCH = scratchRoot();
    private static final NDManager BASE = NDManager.newBaseManager(Device.cpu());

    private FuzzContract() {
    }

    /** A read of one input; may use the sub-manager it is given for tensors. */
    @FunctionalInterface
    public interface Read {
        void run(NDManager manager) throws Exception;
    }

    /** Runs {@code read} on a fresh CPU sub-manager (closed after) and enforces the contract. */
    public static void check(Read read) {
        try (NDManager m = BASE.newSubManager()) {
            read.run(m);
        } catch (IOException | IllegalArgumentException | UncheckedIOException e) {
            String msg = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause().getMessage()
                    : e.getMessage();
            if (e instanceof java.nio.charset.CharacterCodingException
                    || e.getCause() instanceof java.nio.charset.CharacterCodingException && e instanceof UncheckedIOException) {
                // "Input length = 1": the JDK's decoder error, which names neither the file nor the line
                throw new AssertionError("a raw decoder error reached the user: " + msg, e);
            }
            if (msg == null || msg.isBlank() || msg.indexOf('\n') >= 0 || msg.indexOf('\r') >= 0) {
                throw new AssertionError("the error for a bad input is not one clear line: "
                        + (msg == null ? "null" : "\"" + msg + "\""), e);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("reader threw " + e, e);
        }
    }

    /**
     * A scratch directory of this JVM for one target (under /dev/shm when there is one, so a million inputs do not
     * touch the disk); the same directory each call, made once.
     */
    public static Path dir(String target) {
        Path d = SCRATCH.resolve(target);
        try {
            return Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code data} to {@code name} inside {@code dir}, replacing what was there; returns the file. */
    public static Path write(Path dir, String name, byte[] data) {
        Path f = dir.resolve(name);
        try {
            return Files.write(f, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path scratchRoot() {
        try {
            Path shm = Path.of("/dev/shm");
            Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty(
                    "java.io.tmpdir"));
            Path d = Files.createTempDirectory(parent, "spinformer-fuzz-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(d)));
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path d) {
        try (var walk = Files.walk(d)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
