package org.spinformer.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0 read; 1.0 written, 2.0 when the header needs it)
 * for little-endian float32, float64, int32 and int64 arrays in C order. Fortran order, big-endian data and
 * other dtypes are rejected with a message naming the file.
 *
 * <p>Layout: {@code \x93NUMPY}, major, minor, header length (uint16 in 1.0, uint32 in 2.0/3.0), a Python dict
 * literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }} padded with spaces and a newline
 * so the data starts at a multiple of 64 bytes, then the raw data.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final long MAX_HEADER = 1 << 20;

    private Npy() {
    }

    /**
     * A parsed header.
     *
     * @param dtype      the DJL type of the elements
     * @param shape      dimensions
     * @param dataOffset where the data starts in the file
     * @param version    the format major version (1, 2 or 3)
     */
    public record Header(DataType dtype, long[] shape, long dataOffset, int version) {
    }

    /** Reads an array onto {@code manager}. */
    public static NDArray read(Path file, NDManager manager) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = readHeader(file, ch);
            long n;
            long bytes;
            try {
                n = Dims.numel(h.shape());
                bytes = Math.multiplyExact(n, (long) h.dtype().getNumOfBytes());
            } catch (ArithmeticException e) {
                throw new MalformedFileException(file, null, "shape " + java.util.Arrays.toString(h.shape())
                        + " of " + h.dtype() + " has more elements than a 64-bit size can count");
            }
            long have = ch.size() - h.dataOffset();
            if (have != bytes) {
                throw new MalformedFileException(file, null, "shape " + java.util.Arrays.toString(h.shape()) + " of "
                        + h.dtype() + " needs " + bytes + " data bytes, file has " + have
                        + (have < bytes ? " (truncated)" : ""));
            }
            if (bytes > Integer.MAX_VALUE - 16) {
                throw new MalformedFileException(file, null, "arrays over 2 GB are not supported");
            }
            Shape shape = new Shape(h.shape());
            if (n == 0) {
                return manager.zeros(shape, h.dtype());
            }
            ByteBuffer buf = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
            ch.position(h.dataOffset());
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    throw new MalformedFileException(file, null, "unexpected end of file");
                }
            }
            buf.flip();
            return manager.create(buf, shape, h.dtype());
        }
    }

    /** Reads and validates the header only. */
    public static Header readHeader(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(file, ch);
        }
    }

    private static Header readHeader(Path file, FileChannel ch) throws IOException {
        ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        while (pre.hasRemaining() && ch.read(pre) >= 0) {
            // fill
        }
        if (pre.position() < 10) {
            throw new MalformedFileException(file, null, "too short for an .npy header");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (pre.get(i) != MAGIC[i]) {
                throw new MalformedFileException(file, null, "not an .npy file (bad magic)");
            }
        }
        int major = pre.get(6) & 0xFF;
        long hlen;
        long start;
        if (major == 1) {
            hlen = pre.getShort(8) & 0xFFFF;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (pre.position() < 12) {
                throw new MalformedFileException(file, null, "too short for an .npy 2.0 header");
            }
            hlen = pre.getInt(8) & 0xFFFFFFFFL;
            start = 12;
        } else {
            throw new MalformedFileException(file, null, "unsupported .npy format version " + major + "."
                    + (pre.get(7) & 0xFF));
        }
        if (hlen > MAX_HEADER || start + hlen > ch.size()) {
            throw new MalformedFileException(file, null, "header length " + hlen + " does not fit the file");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) hlen);
        ch.position(start);
        while (hb.hasRemaining() && ch.read(hb) >= 0) {
            // fill
        }
        String text = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, Object> dict;
        try {
            dict = new DictParser(text).parse();
        } catch (IllegalArgumentException e) {
            throw new MalformedFileException(file, null, "bad header '" + text.strip() + "': " + e.getMessage());
        }
        Object descr = dict.get("descr");
        Object fortran = dict.get("fortran_order");
        Object shape = dict.get("shape");
        if (!(descr instanceof String d) || !(fortran instanceof Boolean f) || !(shape instanceof List<?> s)) {
            throw new MalformedFileException(file, null, "header must hold 'descr' (str), 'fortran_order' (bool) and"
                    + " 'shape' (tuple): " + text.strip());
        }
        if (f) {
            throw new MalformedFileException(file, null, "Fortran-order arrays are not supported (save with C order,"
                    + " e.g. np.ascontiguousarray)");
        }
        DataType dt = switch (d) {
            case "<f4" -> DataType.FLOAT32;
            case "<f8" -> DataType.FLOAT64;
            case "<i4" -> DataType.INT32;
            case "<i8" -> DataType.INT64;
            default -> throw new MalformedFileException(file, null, "unsupported dtype '" + d + "'"
                    + (d.startsWith(">") ? " (big-endian)" : "") + "; supported: <f4, <f8, <i4, <i8");
        };
        long[] dims = new long[s.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!(s.get(i) instanceof Long v) || v < 0) {
                throw new MalformedFileException(file, null, "shape must hold non-negative integers: " + s);
            }
            dims[i] = v;
        }
        return new Header(dt, dims, start + hlen, major);
    }

    /** Writes {@code array} (float32, float64, int32 or int64) atomically. */
    public static void write(Path file, NDArray array) throws IOException {
        String descr = switch (array.getDataType()) {
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case INT32 -> "<i4";
            case INT64 -> "<i8";
            default -> throw new IllegalArgumentException("npy writer supports float32, float64, int32, int64; got "
                    + array.getDataType());
        };
        long[] shape = array.getShape().getShape();
        StringBuilder sb = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            sb.append(shape[i]);
            if (shape.length == 1 || i < shape.length - 1) {
                sb.append(shape.length == 1 ? "," : ", ");
            }
        }
        sb.append("), }");
        int version = 1;
        int pre = 10;
        int total = (pre + sb.length() + 1 + 63) / 64 * 64;
        if (total - pre > 0xFFFF) {
            version = 2;
            pre = 12;
            total = (pre + sb.length() + 1 + 63) / 64 * 64;
        }
        while (pre + sb.length() + 1 < total) {
            sb.append(' ');
        }
        sb.append('\n');
        byte[] header = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer head = ByteBuffer.allocate(pre + header.length).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).put((byte) version).put((byte) 0);
        if (version == 1) {
            head.putShort((short) header.length);
        } else {
            head.putInt(header.length);
        }
        head.put(header).flip();
        ByteBuffer data = array.toByteBuffer();
        AtomicFiles.write(file, ch -> {
            AtomicFiles.writeFully(ch, head);
            AtomicFiles.writeFully(ch, data);
        });
    }

    /** Parser of the Python literal subset numpy writes: dict, str, True/False, int, tuple. */
    private static final class DictParser {
        private final String s;
        private int i;

        DictParser(String s) {
            this.s = s;
        }

        Map<String, Object> parse() {
            skip();
            Object o = value();
            skip();
            if (i != s.length()) {
                throw new IllegalArgumentException("trailing characters at " + i);
            }
            if (!(o instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("not a dict");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> out = (Map<String, Object>) m;
            return out;
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private char peek() {
            if (i >= s.length()) {
                throw new IllegalArgumentException("unexpected end");
            }
            return s.charAt(i);
        }

        private Object value() {
            skip();
            char c = peek();
            if (c == '{') {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                while (true) {
                    skip();
                    if (peek() == '}') {
                        i++;
                        return m;
                    }
                    Object k = value();
                    if (!(k instanceof String key)) {
                        throw new IllegalArgumentException("dict key must be a string");
                    }
                    skip();
                    expect(':');
                    m.put(key, value());
                    skip();
                    if (peek() == ',') {
                        i++;
                    } else if (peek() != '}') {
                        throw new IllegalArgumentException("expected ',' or '}' at " + i);
                    }
                }
            }
            if (c == '(') {
                i++;
                List<Object> l = new ArrayList<>();
                while (true) {
                    skip();
                    if (peek() == ')') {
                        i++;
                        return l;
                    }
                    l.add(value());
                    skip();
                    if (peek() == ',') {
                        i++;
                    } else if (peek() != ')') {
                        throw new IllegalArgumentException("expected ',' or ')' at " + i);
                    }
                }
            }
            if (c == '\'' || c == '"') {
                int end = s.indexOf(c, i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated string");
                }
                String v = s.substring(i + 1, end);
                i = end + 1;
                return v;
            }
            if (s.startsWith("True", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            int st = i;
            if (c == '-') {
                i++;
            }
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            String num = s.substring(st, i);
            if (i < s.length() && s.charAt(i) == 'L') {
                i++; // Python 2 long suffix, written by very old numpy
            }
            if (num.isEmpty() || num.equals("-")) {
                throw new IllegalArgumentException("unexpected character '" + c + "' at " + st);
            }
            try {
                return Long.parseLong(num);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad integer " + num);
            }
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + i);
            }
            i++;
        }
    }
}
