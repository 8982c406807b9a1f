package org.spinformer.core.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Read-only memory map of a file of any size, as a sequence of chunks of at most {@code chunkSize} bytes
 * (a single {@link MappedByteBuffer} cannot exceed 2 GB). One chunk is mapped at a time, on first use, and
 * unmapped when a read moves to another: the pages a read touched count in the process's resident memory for as
 * long as they are mapped, so reading a multi-gigabyte file front to back keeps at most one chunk of it resident.
 * Reads that cross a chunk boundary are stitched together.
 */
final class MappedFile implements Closeable {
    /** Default chunk: 16 MiB (a 2.5 GB file is mapped in 150 pieces; each map costs microseconds). */
    static final long DEFAULT_CHUNK = 16L << 20;

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final long chunkSize;
    private MappedByteBuffer mapped; // chunk `current`, or null
    private int current = -1;
    private int maps;

    MappedFile(Path path, long chunkSize) throws IOException {
        if (chunkSize <= 0 || chunkSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("chunk size must be in [1, 2^31-1], got " + chunkSize);
        }
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.size = channel.size();
        this.chunkSize = chunkSize;
    }

    long size() {
        return size;
    }

    Path path() {
        return path;
    }

    /** Chunks mapped so far (a chunk mapped again after another counts again). */
    int maps() {
        return maps;
    }

    /** Chunks mapped now (0 or 1). */
    int mappedNow() {
        return mapped == null ? 0 : 1;
    }

    private MappedByteBuffer chunk(int i) throws IOException {
        if (i != current) {
            unmap();
            long start = i * chunkSize;
            long len = Math.min(chunkSize, size - start);
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, start, len);
            current = i;
            maps++;
        }
        return mapped;
    }

    private void unmap() {
        if (mapped != null) {
            DirectBuffers.free(mapped);
            mapped = null;
            current = -1;
        }
    }

    /** Copies {@code dst.remaining()} bytes starting at absolute file {@code position} into {@code dst}. */
    void read(long position, ByteBuffer dst) throws IOException {
        if (position < 0 || position + dst.remaining() > size) {
            throw new IOException(path + ": read of " + dst.remaining() + " bytes at " + position
                    + " outside the file (" + size + " bytes)");
        }
        try {
            while (dst.hasRemaining()) {
                int ci = (int) (position / chunkSize);
                int off = (int) (position - ci * chunkSize);
                ByteBuffer src = chunk(ci).duplicate();
                int n = Math.min(dst.remaining(), src.capacity() - off);
                src.position(off).limit(off + n);
                dst.put(src);
                position += n;
            }
        } catch (InternalError e) {
            // a mapped page vanished (file truncated by someone else while we read it)
            throw new IOException(path + ": file changed while being read: " + e.getMessage(), e);
        }
    }

    /** Closes the file and unmaps the chunks now (reads copy out of them, so nothing refers to them afterwards). */
    @Override
    public void close() throws IOException {
        channel.close();
        unmap();
    }
}
