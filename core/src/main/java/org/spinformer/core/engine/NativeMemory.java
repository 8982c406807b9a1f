package org.spinformer.core.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the C heap's free memory back to the operating system now ({@code malloc_trim(0)} of glibc, through JNA).
 * libtorch allocates with malloc; what a closed array frees stays resident in the heap until malloc decides to
 * return it, which with the launcher's settings (no trimming, no mmap'd chunks: the fastest for training, see
 * {@code native/env.sh}) is never, and with glibc's defaults is rarely for memory in the middle of the heap. Work
 * that frees a large amount and then allocates a different shape (layer streaming: one layer's weights, then the
 * next's) would otherwise keep both resident: measured on six 243 MB Llama layers streamed at 512-token batches,
 * the peak grew 618 → 1 204 MiB over five layers without it and stayed at 616–648 MiB with it. A no-op where glibc
 * or JNA is missing (logged once at debug level).
 */
public final class NativeMemory {
    private static final Logger LOG = LoggerFactory.getLogger(NativeMemory.class);

    private NativeMemory() {}

    /** libc's allocator entry point. */
    interface LibC extends Library {
        int malloc_trim(long pad);
    }

    private static final LibC LIBC = load();

    private static LibC load() {
        try {
            LibC c = Native.load("c", LibC.class);
            c.malloc_trim(0); // resolves the symbol now: musl or another libc lacks it
            return c;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.debug("malloc_trim unavailable ({}): freed native memory is returned when the allocator decides",
                    e.toString());
            return null;
        }
    }

    /** Whether {@link #trim} can act on this platform. */
    public static boolean available() {
        return LIBC != null;
    }

    /** Returns free heap memory to the operating system; true if glibc reported releasing some. */
    public static boolean trim() {
        return LIBC != null && LIBC.malloc_trim(0) == 1;
    }
}
