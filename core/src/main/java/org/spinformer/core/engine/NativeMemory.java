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

    /** libc's allocator entry points. */
    interface LibC extends Library {
        int malloc_trim(long pad);

        int mallopt(int param, int value);
    }

    /** glibc's mallopt parameters (malloc.h). */
    private static final int M_MMAP_THRESHOLD = -3;
    private static final int M_MMAP_MAX = -4;

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

    /**
     * Serves every allocation of {@code bytes} or more with its own mapping, returned to the system when freed, for
     * the rest of the process (glibc {@code mallopt}: a fixed M_MMAP_THRESHOLD, which also ends glibc's dynamic
     * threshold, and M_MMAP_MAX re-enabled in case the launcher's {@code mmap_max=0} turned mapping off). For
     * one-shot work whose temporaries would otherwise fragment the heap around the arrays it keeps: layer
     * streaming's batches (six 243 MB Llama layers, 64 batches of 128 tokens each: peak 597 → 516 MiB, i.e. one
     * layer + the activations + 2 %). Training keeps the launcher's settings (reused heap memory, no page faults).
     * Returns false where glibc is missing.
     */
    public static boolean mapLargeAllocations(int bytes) {
        return LIBC != null && LIBC.mallopt(M_MMAP_MAX, 1 << 16) == 1 && LIBC.mallopt(M_MMAP_THRESHOLD, bytes) == 1;
    }

    /** Returns free heap memory to the operating system; true if glibc reported releasing some. */
    public static boolean trim() {
        return LIBC != null && LIBC.malloc_trim(0) == 1;
    }
}
