package org.spinformer.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spinformer.core.nn.Parameters;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Reader and writer of the safetensors format (Hugging Face): an 8-byte little-endian header length N, N
 * bytes of UTF-8 JSON ({@code {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, ...,
 * "__metadata__": {"k": "v"}}}), then the raw little-endian tensor bytes.
 *
 * <p><b>Validation</b> follows the reference implementation ({@code safetensors} crate, {@code Metadata::validate}):
 * the header length is at most 100,000,000 bytes and fits in the file; the header is strict UTF-8 JSON starting
 * with {@code '{'}; every entry has a known dtype, a shape of non-negative integers and two data offsets with
 * begin &le; end inside the data section; byte length = dtype size &times; prod(shape); sorted by offset the
 * tensors cover the data section exactly (no overlap, no gap, nothing after the last one). Every problem is a
 * {@link MalformedFileException} naming the file and the tensor, raised before any tensor is created.
 *
 * <p><b>Reading</b> memory-maps the file in chunks of at most 1 GiB, so files larger than 2 GB load (DJL's own
 * decoder stops at 2 GB); one tensor must still fit in one buffer (&lt; 2 GB). F16 and BF16 tensors become
 * float32 arrays (converted in Java by {@link HalfFloats}); an optional target type casts floating tensors
 * (integer and boolean tensors keep their type). Tensor order is the header order.
 *
 * <p><b>Writing</b> lays tensors out in the given order, pads the header with spaces to a multiple of 8 bytes
 * and replaces the target atomically ({@link AtomicFiles}).
 */
public final class SafeTensors {
    private static final Logger LOG = LoggerFactory.getLogger(SafeTensors.class);

    /** Largest header accepted, as in the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final String METADATA_KEY = "__metadata__";
    private static final Pattern UNSIGNED = Pattern.compile("0|[1-9][0-9]*");

    private SafeTensors() {
    }

    /** Receives one tensor at a time; the array belongs to the manager passed to the reader. */
    @FunctionalInterface
    public interface TensorConsumer {
        void accept(String name, NDArray array) throws IOException;
    }

    /**
     * One tensor as raw little-endian bytes, for writing exact bit patterns (e.g. BF16) without DJL.
     *
     * @param data {@code dtype.size() * prod(shape)} bytes, little-endian; read from position to limit
     */
    public record RawTensor(String name, SafeDType dtype, long[] shape, ByteBuffer data) {
    }

    // ------------------------------------------------------------------------------------------------ header

    /** Reads and validates the header only (names, dtypes, shapes, offsets, metadata); loads no data. */
    public static SafeTensorsHeader readHeader(Path file) throws IOException {
        try (MappedFile mf = new MappedFile(file, MappedFile.DEFAULT_CHUNK)) {
            return readHeader(mf);
        }
    }

    static SafeTensorsHeader readHeader(MappedFile mf) throws IOException {
        Path file = mf.path();
        long size = mf.size();
        if (size < 8) {
            throw new MalformedFileException(file, null, "file is " + size
                    + " bytes, too short for the 8-byte header length (truncated or not a safetensors file)");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        mf.read(0, lenBuf);
        long n = lenBuf.getLong(0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new MalformedFileException(file, null, "header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes (not a safetensors file?)");
        }
        if (n > size - 8) {
            throw new MalformedFileException(file, null, "header length " + n + " is larger than the "
                    + (size - 8) + " bytes that follow it (truncated file)");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        mf.read(8, hb);
        return parseHeader(file, hb.array(), size);
    }

    static SafeTensorsHeader parseHeader(Path file, byte[] header, long fileSize) throws MalformedFileException {
        String json;
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(header));
            json = cb.toString();
        } catch (CharacterCodingException e) {
            throw new MalformedFileException(file, null, "header is not valid UTF-8 (" + e + ")");
        }
        if (json.isEmpty() || json.charAt(0) != '{') {
            throw new MalformedFileException(file, null, "header does not start with '{' (not a JSON object)");
        }
        long dataStart = 8L + header.length;
        long dataLen = fileSize - dataStart;
        List<TensorInfo> tensors = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        String current = null;
        try {
            JsonReader r = new JsonReader(new StringReader(json));
            r.setStrictness(Strictness.STRICT);
            r.beginObject();
            while (r.hasNext()) {
                String name = r.nextName();
                current = name;
                if (!seen.add(name)) {
                    throw new MalformedFileException(file, name, "appears twice in the header");
                }
                if (METADATA_KEY.equals(name)) {
                    current = null;
                    readMetadata(file, r, metadata);
                } else {
                    tensors.add(readEntry(file, name, r, dataLen));
                }
                current = null;
            }
            r.endObject();
            if (r.peek() != JsonToken.END_DOCUMENT) {
                throw new MalformedFileException(file, null, "header has content after the JSON object");
            }
        } catch (MalformedFileException e) {
            throw e;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new MalformedFileException(file, current, "header is not valid JSON: " + e.getMessage(), e);
        }
        checkCoverage(file, tensors, dataLen);
        return new SafeTensorsHeader(file, tensors, metadata, dataStart, fileSize);
    }

    private static void readMetadata(Path file, JsonReader r, Map<String, String> metadata) throws IOException {
        if (r.peek() != JsonToken.BEGIN_OBJECT) {
            throw new MalformedFileException(file, null, "__metadata__ must be an object of strings, got " + r.peek());
        }
        r.beginObject();
        while (r.hasNext()) {
            String k = r.nextName();
            if (r.peek() != JsonToken.STRING) {
                throw new MalformedFileException(file, null, "__metadata__ value of '" + k + "' must be a string, got "
                        + r.peek());
            }
            metadata.put(k, r.nextString());
        }
        r.endObject();
    }

    private static TensorInfo readEntry(Path file, String name, JsonReader r, long dataLen) throws IOException {
        if (r.peek() != JsonToken.BEGIN_OBJECT) {
            throw new MalformedFileException(file, name, "entry must be an object, got " + r.peek());
        }
        String dtypeName = null;
        long[] shape = null;
        long[] offsets = null;
        r.beginObject();
        while (r.hasNext()) {
            String field = r.nextName();
            switch (field) {
                case "dtype" -> {
                    if (dtypeName != null || r.peek() != JsonToken.STRING) {
                        throw new MalformedFileException(file, name, "'dtype' must be one string");
                    }
                    dtypeName = r.nextString();
                }
                case "shape" -> {
                    if (shape != null) {
                        throw new MalformedFileException(file, name, "'shape' appears twice");
                    }
                    shape = readUnsignedArray(file, name, "shape", r);
                }
                case "data_offsets" -> {
                    if (offsets != null) {
                        throw new MalformedFileException(file, name, "'data_offsets' appears twice");
                    }
                    offsets = readUnsignedArray(file, name, "data_offsets", r);
                }
                default -> r.skipValue();
            }
        }
        r.endObject();
        if (dtypeName == null) {
            throw new MalformedFileException(file, name, "missing 'dtype'");
        }
        if (shape == null) {
            throw new MalformedFileException(file, name, "missing 'shape'");
        }
        if (offsets == null) {
            throw new MalformedFileException(file, name, "missing 'data_offsets'");
        }
        SafeDType dtype = SafeDType.parseOrNull(dtypeName);
        if (dtype == null) {
            throw new MalformedFileException(file, name, "unknown or unsupported dtype '" + dtypeName
                    + "' (supported: " + SafeDType.supported() + ")");
        }
        if (offsets.length != 2) {
            throw new MalformedFileException(file, name, "'data_offsets' must hold 2 numbers, got " + offsets.length);
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new MalformedFileException(file, name, "data_offsets [" + begin + ", " + end + "] have begin > end");
        }
        if (end > dataLen) {
            throw new MalformedFileException(file, name, "data_offsets [" + begin + ", " + end
                    + "] lie outside the data section of " + dataLen + " bytes (truncated file?)");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(Dims.numel(shape), (long) dtype.size());
        } catch (ArithmeticException e) {
            throw new MalformedFileException(file, name, "shape " + Arrays.toString(shape) + " overflows 64 bits");
        }
        if (bytes != end - begin) {
            throw new MalformedFileException(file, name, "shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + bytes + " bytes but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static long[] readUnsignedArray(Path file, String name, String field, JsonReader r) throws IOException {
        if (r.peek() != JsonToken.BEGIN_ARRAY) {
            throw new MalformedFileException(file, name, "'" + field + "' must be an array, got " + r.peek());
        }
        List<Long> out = new ArrayList<>();
        r.beginArray();
        while (r.hasNext()) {
            if (r.peek() != JsonToken.NUMBER) {
                throw new MalformedFileException(file, name, "'" + field + "' must hold non-negative integers, got "
                        + r.peek());
            }
            String s = r.nextString();
            if (!UNSIGNED.matcher(s).matches()) {
                throw new MalformedFileException(file, name, "'" + field + "' must hold non-negative integers, got "
                        + s);
            }
            try {
                out.add(Long.parseLong(s));
            } catch (NumberFormatException e) {
                throw new MalformedFileException(file, name, "'" + field + "' value " + s + " is too large");
            }
        }
        r.endArray();
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static void checkCoverage(Path file, List<TensorInfo> tensors, long dataLen)
            throws MalformedFileException {
        List<TensorInfo> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long pos = 0;
        TensorInfo prev = null;
        for (TensorInfo t : sorted) {
            if (t.begin() < pos) {
                throw new MalformedFileException(file, t.name(), "data_offsets [" + t.begin() + ", " + t.end()
                        + "] overlap tensor '" + prev.name() + "' [" + prev.begin() + ", " + prev.end() + "]");
            }
            if (t.begin() > pos) {
                throw new MalformedFileException(file, t.name(), "gap of " + (t.begin() - pos)
                        + " unused bytes before its data_offsets [" + t.begin() + ", " + t.end()
                        + "] (the data section must be covered contiguously)");
            }
            pos = t.end();
            prev = t;
        }
        if (pos != dataLen) {
            throw new MalformedFileException(file, prev == null ? null : prev.name(), (dataLen - pos)
                    + " bytes after the last tensor are not covered by any tensor (data section " + dataLen
                    + " bytes, tensors end at " + pos + ")");
        }
    }

    // ------------------------------------------------------------------------------------------------ reading

    /** Loads every tensor, in header order, with its stored type (F16/BF16 become float32). */
    public static Parameters load(Path file, NDManager manager) throws IOException {
        return load(file, manager, null);
    }

    /**
     * Loads every tensor, in header order. Floating tensors are cast to {@code target} when it is not null
     * (FLOAT32, FLOAT64 or FLOAT16); integer and boolean tensors keep their type. On any error the arrays
     * already created are closed and nothing is returned.
     */
    public static Parameters load(Path file, NDManager manager, DataType target) throws IOException {
        Parameters out = new Parameters();
        try {
            forEach(file, manager, target, MappedFile.DEFAULT_CHUNK, out::put);
        } catch (IOException | RuntimeException e) {
            for (Map.Entry<String, NDArray> en : out) {
                en.getValue().close();
            }
            throw e;
        }
        return out;
    }

    /**
     * Validates the header, then hands each tensor to {@code consumer} one at a time in header order, so a
     * caller that moves or converts each tensor never holds the whole file twice.
     */
    public static void forEach(Path file, NDManager manager, DataType target, TensorConsumer consumer)
            throws IOException {
        forEach(file, manager, target, MappedFile.DEFAULT_CHUNK, consumer);
    }

    /**
     * As {@link #forEach(Path, NDManager, DataType, TensorConsumer)}, handing over only the tensors whose name
     * {@code which} accepts; the bytes of the others are never read (a layer of a mapped model file costs only
     * its own tensors).
     */
    public static void forEach(Path file, NDManager manager, DataType target, Predicate<String> which,
            TensorConsumer consumer) throws IOException {
        forEach(file, manager, target, MappedFile.DEFAULT_CHUNK, which, consumer);
    }

    /** As {@link #forEach(Path, NDManager, DataType, TensorConsumer)} with an explicit mapping chunk size. */
    static void forEach(Path file, NDManager manager, DataType target, long chunkSize, TensorConsumer consumer)
            throws IOException {
        forEach(file, manager, target, chunkSize, null, consumer);
    }

    private static void forEach(Path file, NDManager manager, DataType target, long chunkSize,
            Predicate<String> which, TensorConsumer consumer) throws IOException {
        checkTarget(target);
        try (MappedFile mf = new MappedFile(file, chunkSize)) {
            SafeTensorsHeader h = readHeader(mf);
            LOG.debug("{}: {} tensors, {} bytes of data", file, h.tensors().size(), h.fileSize() - h.dataStart());
            for (TensorInfo t : h.tensors()) {
                if (which == null || which.test(t.name())) {
                    consumer.accept(t.name(), toNDArray(mf, h, t, manager, target,
                            (int) Math.min(chunkSize, STAGE_BYTES)));
                }
            }
        }
    }

    /**
     * Rows {@code rows} of the 2-D tensor {@code name}, [rows.length, C], reading only those rows' bytes (F16/BF16
     * widened to float32, floating types cast to {@code target} when it is not null): an embedding table's rows
     * for the tokens at hand, without the table (Llama 3's is 2.1 GB in float32).
     */
    public static NDArray readRows(Path file, String name, long[] rows, NDManager manager, DataType target)
            throws IOException {
        checkTarget(target);
        try (MappedFile mf = new MappedFile(file, MappedFile.DEFAULT_CHUNK)) {
            SafeTensorsHeader h = readHeader(mf);
            TensorInfo t = h.tensor(name);
            if (t == null) {
                throw new MalformedFileException(file, name, "no such tensor");
            }
            if (t.shape().length != 2) {
                throw new MalformedFileException(file, name, "rows need a 2-D tensor, shape is "
                        + Arrays.toString(t.shape()));
            }
            long cols = t.shape()[1];
            long rowBytes = cols * t.dtype().size();
            if (rows.length * rowBytes > Integer.MAX_VALUE - 16 || rows.length * cols * 4 > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException(name + ": " + rows.length + " rows exceed 2 GB");
            }
            ByteBuffer raw = ByteBuffer.allocateDirect((int) (rows.length * rowBytes)).order(ByteOrder.LITTLE_ENDIAN);
            for (long r : rows) {
                if (r < 0 || r >= t.shape()[0]) {
                    throw new IllegalArgumentException(name + ": row " + r + " outside [0, " + t.shape()[0] + ")");
                }
                ByteBuffer slice = raw.slice().order(ByteOrder.LITTLE_ENDIAN).limit((int) rowBytes);
                mf.read(h.dataStart() + t.begin() + r * rowBytes, slice);
                raw.position(raw.position() + (int) rowBytes);
            }
            raw.flip();
            return toNDArray(raw, t.dtype(), new Shape(rows.length, cols), manager, target);
        }
    }

    /** The raw little-endian bytes of one tensor (exact bit patterns, no conversion). */
    public static ByteBuffer readRaw(Path file, String name) throws IOException {
        try (MappedFile mf = new MappedFile(file, MappedFile.DEFAULT_CHUNK)) {
            SafeTensorsHeader h = readHeader(mf);
            TensorInfo t = h.tensor(name);
            if (t == null) {
                throw new IllegalArgumentException(file + ": no tensor '" + name + "' (have " + h.names() + ")");
            }
            return readBytes(mf, h, t);
        }
    }

    static void checkTarget(DataType target) {
        if (target != null && target != DataType.FLOAT32 && target != DataType.FLOAT64
                && target != DataType.FLOAT16) {
            throw new IllegalArgumentException("target dtype must be FLOAT32, FLOAT64 or FLOAT16, got " + target);
        }
    }

    private static ByteBuffer readBytes(MappedFile mf, SafeTensorsHeader h, TensorInfo t) throws IOException {
        long len = t.byteLength();
        if (len > Integer.MAX_VALUE - 16) {
            throw new MalformedFileException(mf.path(), t.name(), len + " bytes: a single tensor over 2 GB cannot be"
                    + " loaded into one array");
        }
        ByteBuffer buf = ByteBuffer.allocateDirect((int) len).order(ByteOrder.LITTLE_ENDIAN);
        mf.read(h.dataStart() + t.begin(), buf);
        buf.flip();
        return buf;
    }

    static NDArray toNDArray(MappedFile mf, SafeTensorsHeader h, TensorInfo t, NDManager manager, DataType target,
            int stageBytes) throws IOException {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("big-endian platforms are not supported");
        }
        Shape shape = t.djlShape();
        SafeDType dt = t.dtype();
        if (dt == SafeDType.F16 || dt == SafeDType.BF16) {
            if (t.numel() * 4 > Integer.MAX_VALUE - 16) {
                throw new MalformedFileException(mf.path(), t.name(), "as float32 it would exceed 2 GB");
            }
        }
        if (t.numel() == 0) {
            NDArray a = manager.zeros(shape, dt == SafeDType.F16 || dt == SafeDType.BF16 ? DataType.FLOAT32 : dt.djl());
            return cast(a, dt, target);
        }
        if (dt.isFloating() && shape.dimension() > 0 && t.byteLength() > stageBytes
                && t.byteLength() / shape.get(0) <= stageBytes) {
            return staged(mf, h, t, manager, target, stageBytes);
        }
        return toNDArray(readBytes(mf, h, t), dt, shape, manager, target);
    }

    /** Bytes of the file read (and, for F16/BF16, widened) at a time by {@link #staged}. */
    static final int STAGE_BYTES = 8 << 20;

    /**
     * A floating tensor larger than {@code stageBytes} (whose rows are not), read in blocks of whole rows of the first axis into an
     * array allocated once in its final type: the only other memory is one block's staging buffers (at most
     * 3 × {@code stageBytes}), where reading the whole tensor first would hold its bytes twice or three times (file
     * type, float32, libtorch's copy) at the moment it is created. Layer streaming relies on this to keep its peak
     * near one layer.
     */
    private static NDArray staged(MappedFile mf, SafeTensorsHeader h, TensorInfo t, NDManager manager,
            DataType target, int stageBytes) throws IOException {
        SafeDType dt = t.dtype();
        boolean half = dt == SafeDType.F16 || dt == SafeDType.BF16;
        DataType read = half ? DataType.FLOAT32 : dt.djl();
        DataType type = target != null ? target : read;
        long[] dims = t.djlShape().getShape();
        long rowBytes = t.byteLength() / dims[0];
        long rowsPerBlock = Math.max(1, stageBytes / rowBytes);
        ByteBuffer raw = ByteBuffer.allocateDirect((int) (rowsPerBlock * rowBytes)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer wide = half ? ByteBuffer.allocateDirect((int) (rowsPerBlock * rowBytes * 2))
                .order(ByteOrder.LITTLE_ENDIAN) : null;
        NDArray out = manager.create(t.djlShape(), type);
        try {
            for (long r0 = 0; r0 < dims[0]; r0 += rowsPerBlock) {
                long n = Math.min(rowsPerBlock, dims[0] - r0);
                raw.clear().limit((int) (n * rowBytes));
                mf.read(h.dataStart() + t.begin() + r0 * rowBytes, raw);
                raw.flip();
                ByteBuffer data = half ? widen(raw, dt, wide) : raw;
                long[] block = dims.clone();
                block[0] = n;
                // the block array is made on the staging buffer (from_blob) and copied into out before it is reused
                try (NDArray b = manager.create(data, new Shape(block), read);
                     NDArray c = b.getDataType() == type ? null : b.toType(type, false)) {
                    out.set(new ai.djl.ndarray.index.NDIndex("{}:{}", r0, r0 + n), c != null ? c : b);
                }
            }
        } catch (RuntimeException | IOException e) {
            out.close();
            throw e;
        } finally {
            DirectBuffers.free(raw);
            DirectBuffers.free(wide);
        }
        return out;
    }

    /** Little-endian bytes of {@code dt} → an array (F16/BF16 widened to float32), cast to {@code target}. */
    private static NDArray toNDArray(ByteBuffer raw, SafeDType dt, Shape shape, NDManager manager, DataType target) {
        ByteBuffer data = raw;
        if (dt == SafeDType.F16 || dt == SafeDType.BF16) {
            data = halfToFloat(raw, dt);
            DirectBuffers.free(raw); // read once, by halfToFloat
        }
        NDArray a = manager.create(data, shape, data == raw ? dt.djl() : DataType.FLOAT32);
        // libtorch's from_blob shares the direct buffer, which only a garbage collection would free once the tensor
        // is closed; a copy in libtorch's own memory is freed with its tensor, so the buffer goes now
        NDArray c = target != null && dt.isFloating() && a.getDataType() != target ? a.toType(target, false)
                : a.duplicate();
        a.close();
        DirectBuffers.free(data);
        return c;
    }

    private static NDArray cast(NDArray a, SafeDType dt, DataType target) {
        if (target != null && dt.isFloating() && a.getDataType() != target) {
            NDArray c = a.toType(target, false);
            a.close();
            a = c;
        }
        return a;
    }

    /** Widens little-endian F16/BF16 bytes into a direct little-endian float32 buffer. */
    static ByteBuffer halfToFloat(ByteBuffer raw, SafeDType dt) {
        return widen(raw, dt, ByteBuffer.allocateDirect(raw.remaining() * 2).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** Widens little-endian F16/BF16 bytes into {@code out} (cleared first, at least twice their size), flipped. */
    private static ByteBuffer widen(ByteBuffer raw, SafeDType dt, ByteBuffer out) {
        int n = raw.remaining() / 2;
        out.clear();
        ByteBuffer in = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (dt == SafeDType.BF16) {
            for (int i = 0; i < n; i++) {
                out.putFloat(HalfFloats.bf16ToFloat(in.getShort()));
            }
        } else {
            for (int i = 0; i < n; i++) {
                out.putFloat(HalfFloats.f16ToFloat(in.getShort()));
            }
        }
        out.flip();
        return out;
    }

    // ------------------------------------------------------------------------------------------------ writing

    /** Writes tensors with their own types, in map order. */
    public static void write(Path file, Map<String, NDArray> tensors) throws IOException {
        write(file, tensors, Map.of(), null);
    }

    /** Writes tensors with their own types, in map order, with a {@code __metadata__} map. */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata)
            throws IOException {
        write(file, tensors, metadata, null);
    }

    /** Writes parameters in their order. */
    public static void write(Path file, Parameters params, Map<String, String> metadata) throws IOException {
        write(file, params.asMap(), metadata, null);
    }

    /**
     * Writes tensors in map order. {@code storeAs} picks the stored type per tensor name (null function or
     * null result: the array's own type); a floating array may be stored as F64, F32, F16 or BF16 (rounded to
     * nearest even in Java), other arrays only as their own type.
     */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata,
                             Function<String, SafeDType> storeAs) throws IOException {
        List<TensorSource> sources = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            SafeDType own = SafeDType.of(a.getDataType());
            SafeDType to = storeAs == null ? null : storeAs.apply(e.getKey());
            if (to == null) {
                to = own;
            }
            if (to != own && !(own.isFloating() && to.isFloating())) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' of type " + own
                        + " cannot be stored as " + to);
            }
            if (own == SafeDType.BF16 && to != SafeDType.BF16) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' is BFLOAT16 in DJL; it can only be"
                        + " stored as BF16 (DJL's BF16 cast crashes)");
            }
            SafeDType target = to;
            sources.add(new TensorSource(e.getKey(), target, a.getShape().getShape(),
                    () -> encode(a, own, target)));
        }
        writeSources(file, sources, metadata);
    }

    /** Writes raw tensors (exact bytes) in list order. */
    public static void writeRaw(Path file, List<RawTensor> tensors, Map<String, String> metadata)
            throws IOException {
        List<TensorSource> sources = new ArrayList<>();
        for (RawTensor t : tensors) {
            sources.add(new TensorSource(t.name(), t.dtype(), t.shape(),
                    () -> t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN)));
        }
        writeSources(file, sources, metadata);
    }

    private interface Bytes {
        ByteBuffer get() throws IOException;
    }

    private record TensorSource(String name, SafeDType dtype, long[] shape, Bytes bytes) {
    }

    private static ByteBuffer encode(NDArray a, SafeDType own, SafeDType to) {
        if (own == to) {
            return a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        if (to == SafeDType.F64 || to == SafeDType.F32) {
            try (NDArray c = a.toType(to.djl(), false)) {
                return c.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            }
        }
        // F16/BF16 from a float array: go through float32, round in Java
        ByteBuffer f;
        if (own == SafeDType.F32) {
            f = a.toByteBuffer();
        } else {
            try (NDArray c = a.toType(DataType.FLOAT32, false)) {
                f = c.toByteBuffer();
            }
        }
        f.order(ByteOrder.LITTLE_ENDIAN);
        int n = f.remaining() / 4;
        ByteBuffer out = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            float v = f.getFloat();
            out.putShort(to == SafeDType.BF16 ? HalfFloats.floatToBf16(v) : HalfFloats.floatToF16(v));
        }
        out.flip();
        return out;
    }

    private static void writeSources(Path file, List<TensorSource> sources, Map<String, String> metadata)
            throws IOException {
        StringWriter sw = new StringWriter();
        long offset = 0;
        Set<String> names = new HashSet<>();
        try (JsonWriter w = new JsonWriter(sw)) {
            w.beginObject();
            if (metadata != null && !metadata.isEmpty()) {
                w.name(METADATA_KEY).beginObject();
                for (Map.Entry<String, String> e : metadata.entrySet()) {
                    w.name(e.getKey()).value(e.getValue());
                }
                w.endObject();
            }
            for (TensorSource s : sources) {
                if (METADATA_KEY.equals(s.name()) || !names.add(s.name())) {
                    throw new IllegalArgumentException("invalid or duplicate tensor name '" + s.name() + "'");
                }
                long bytes = s.dtype().size();
                for (long d : s.shape()) {
                    if (d < 0) {
                        throw new IllegalArgumentException("tensor '" + s.name() + "' has a negative dimension");
                    }
                    bytes = Math.multiplyExact(bytes, d);
                }
                w.name(s.name()).beginObject();
                w.name("dtype").value(s.dtype().name());
                w.name("shape").beginArray();
                for (long d : s.shape()) {
                    w.value(d);
                }
                w.endArray();
                w.name("data_offsets").beginArray().value(offset).value(offset + bytes).endArray();
                w.endObject();
                offset += bytes;
            }
            w.endObject();
        }
        byte[] json = sw.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        AtomicFiles.write(file, ch -> {
            AtomicFiles.writeFully(ch, head);
            for (TensorSource s : sources) {
                long expect = s.dtype().size();
                for (long d : s.shape()) {
                    expect *= d;
                }
                ByteBuffer b = s.bytes().get();
                if (b.remaining() != expect) {
                    throw new IllegalArgumentException("tensor '" + s.name() + "': " + b.remaining()
                            + " data bytes, expected " + expect);
                }
                AtomicFiles.writeFully(ch, b);
            }
        });
    }
}
