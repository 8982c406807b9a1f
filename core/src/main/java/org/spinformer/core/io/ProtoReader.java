package org.spinformer.core.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Minimal reader of the protocol-buffers wire format over a byte buffer: varints, fixed32/64, length-delimited
 * fields, skipping of unknown fields. Every read is bounds-checked; malformed input raises
 * {@link IllegalArgumentException} with the byte position.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int FIXED32 = 5;

    private final ByteBuffer buf;
    private int fieldNumber;
    private int wireType;

    /** Reads {@code buf} from its position to its limit. */
    ProtoReader(ByteBuffer buf) {
        this.buf = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    boolean hasNext() {
        return buf.hasRemaining();
    }

    /** Reads the next tag; then call one of the value readers or {@link #skip()}. */
    int next() {
        long tag = varint();
        fieldNumber = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        if (fieldNumber <= 0) {
            throw fail("invalid field number " + fieldNumber);
        }
        return fieldNumber;
    }

    int field() {
        return fieldNumber;
    }

    int wireType() {
        return wireType;
    }

    long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!buf.hasRemaining()) {
                throw fail("truncated varint");
            }
            byte b = buf.get();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw fail("varint longer than 10 bytes");
    }

    int fixed32() {
        need(4);
        return buf.getInt();
    }

    long fixed64() {
        need(8);
        return buf.getLong();
    }

    /** The payload of a length-delimited field, as a zero-copy little-endian slice. */
    ByteBuffer bytes() {
        if (wireType != LEN) {
            throw fail("field " + fieldNumber + " has wire type " + wireType + ", expected length-delimited");
        }
        long len = varint();
        if (len < 0 || len > buf.remaining()) {
            throw fail("length " + len + " of field " + fieldNumber + " runs past the end (" + buf.remaining()
                    + " bytes left)");
        }
        ByteBuffer s = buf.slice().limit((int) len).order(ByteOrder.LITTLE_ENDIAN);
        buf.position(buf.position() + (int) len);
        return s;
    }

    String string() {
        ByteBuffer b = bytes();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, StandardCharsets.UTF_8);
    }

    /** Skips the value of the current field. */
    void skip() {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> need(8).position(buf.position() + 8);
            case LEN -> bytes();
            case FIXED32 -> need(4).position(buf.position() + 4);
            default -> throw fail("unsupported wire type " + wireType + " (field " + fieldNumber + ")");
        }
    }

    private ByteBuffer need(int n) {
        if (buf.remaining() < n) {
            throw fail("truncated field " + fieldNumber);
        }
        return buf;
    }

    IllegalArgumentException fail(String msg) {
        return new IllegalArgumentException(msg + " at byte " + buf.position());
    }
}
