package org.spinformer.representations.experiment;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.core.io.Npy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The finished pieces of a token analysis (the extracted states of each side or half, the Δ of each layer), kept in
 * a directory as they are done so that a killed run continues where it stopped: a resumed run reads a piece instead
 * of computing it, and since a piece is stored exactly (states float32 as computed, Δ float64) it ends with the
 * output of an uninterrupted run.
 *
 * <p>{@code settings.json} in the directory records what the pieces were made with (the command's options and a
 * hash of the texts); a resume with other settings is refused, naming the directory. Without resume an existing
 * directory is emptied first. Every piece is written atomically ({@link Npy#write}), so a kill never leaves a
 * half-written one. {@link #finish} removes the directory once the outputs are written. {@link #none()} keeps
 * nothing (the library default).
 */
public final class Pieces {
    private static final Logger LOG = LoggerFactory.getLogger(Pieces.class);

    private final Path dir;

    private Pieces(Path dir) {
        this.dir = dir;
    }

    /** Keeps nothing: every piece is computed. */
    public static Pieces none() {
        return new Pieces(null);
    }

    /**
     * Pieces in {@code dir} made with {@code settings}: with {@code resume} those already there are kept (when their
     * settings are the same, else an IllegalArgumentException), without it the directory starts empty.
     */
    public static Pieces open(Path dir, JsonObject settings, boolean resume) throws IOException {
        Path sf = dir.resolve("settings.json");
        if (resume && Files.isDirectory(dir)) {
            JsonElement saved = null;
            if (Files.isRegularFile(sf)) {
                try {
                    saved = JsonParser.parseString(Files.readString(sf, StandardCharsets.UTF_8));
                } catch (com.google.gson.JsonParseException | IOException e) {
                    saved = null;
                }
            }
            if (!settings.equals(saved)) {
                throw new IllegalArgumentException(dir + " holds pieces of a run with other settings: not resuming; "
                        + "delete it or run without --resume");
            }
            LOG.info("resuming from the pieces in {}", dir);
        } else {
            if (Files.exists(dir)) {
                AtomicFiles.deleteRecursively(dir);
            }
            Files.createDirectories(dir);
            JsonFiles.write(sf, settings);
        }
        return new Pieces(dir);
    }

    /** Whether pieces are kept. */
    public boolean keeps() {
        return dir != null;
    }

    /** The piece {@code name}: read onto {@code m} when done before, else computed and stored. */
    public NDArray array(String name, NDManager m, Supplier<NDArray> compute) {
        if (dir == null) {
            return compute.get();
        }
        Path f = dir.resolve(name + ".npy");
        try {
            if (Files.isRegularFile(f)) {
                return Npy.read(f, m);
            }
            NDArray a = compute.get();
            Npy.write(f, a.getDevice().equals(Device.cpu()) ? a : a.toDevice(Device.cpu(), false));
            return a;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The numbers {@code name} (finite or not, stored bit for bit), read when done before, else computed and stored. */
    public double[] numbers(String name, NDManager m, Supplier<double[]> compute) {
        if (dir == null) {
            return compute.get();
        }
        try (NDManager t = m.newSubManager(Device.cpu())) {
            return array(name, t, () -> t.create(compute.get())).toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    /** Removes the directory (after the outputs are written). */
    public void finish() throws IOException {
        if (dir != null && Files.exists(dir)) {
            AtomicFiles.deleteRecursively(dir);
        }
    }
}
