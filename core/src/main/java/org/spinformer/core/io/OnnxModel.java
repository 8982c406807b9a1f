package org.spinformer.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.core.nn.Parameters;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights and the node list of an ONNX model, read straight from the protobuf wire format (no ONNX or
 * protobuf library): {@code ModelProto.graph (7) -> GraphProto.node (1), .initializer (5)};
 * {@code TensorProto}: dims (1), data_type (2), float_data (4), int32_data (5), int64_data (7), name (8),
 * raw_data (9), double_data (10), uint64_data (11), data_location (14);
 * {@code NodeProto}: input (1), output (2), name (3), op_type (4).
 *
 * <p>Exporters such as {@code torch.onnx} keep Hugging Face names for biases and LayerNorm parameters but give
 * the weights of {@code nn.Linear} anonymous names ({@code onnx::MatMul_1234}), stored transposed ([in, out])
 * as the second input of a MatMul node named after the module
 * ({@code /encoder/layer.0/attention/self/query/MatMul}). {@link #matMulWeightNodes()} recovers that link and
 * {@link #huggingFaceParameters(NDManager)} returns every weight under its Hugging Face name in PyTorch layout
 * ([out, in]).
 */
public final class OnnxModel {
    /** ONNX {@code TensorProto.DataType} codes used here. */
    public static final int FLOAT = 1;
    public static final int UINT8 = 2;
    public static final int INT8 = 3;
    public static final int INT32 = 6;
    public static final int INT64 = 7;
    public static final int BOOL = 9;
    public static final int FLOAT16 = 10;
    public static final int DOUBLE = 11;
    public static final int BFLOAT16 = 16;

    /** One graph node. */
    public record Node(String name, String opType, List<String> inputs, List<String> outputs) {
    }

    /**
     * One initializer.
     *
     * @param name     ONNX name
     * @param dataType ONNX data type code
     * @param dims     dimensions
     * @param data     little-endian element bytes (raw_data as is, or the typed field re-encoded); read-only
     */
    public record Tensor(String name, int dataType, long[] dims, ByteBuffer data) {
        /** Number of elements. */
        public long numel() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }
    }

    private final Path file;
    private final List<Node> nodes;
    private final LinkedHashMap<String, Tensor> initializers;

    private OnnxModel(Path file, List<Node> nodes, LinkedHashMap<String, Tensor> initializers) {
        this.file = file;
        this.nodes = Collections.unmodifiableList(nodes);
        this.initializers = initializers;
    }

    /** Reads a {@code .onnx} file (under 2 GB, as protobuf itself requires; external data is not supported). */
    public static OnnxModel read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                throw new MalformedFileException(file, null, "ONNX files over 2 GB (external data) are not supported");
            }
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            return parse(file, buf);
        }
    }

    /** Parses a serialized {@code ModelProto}; {@code source} names it in error messages. */
    public static OnnxModel parse(Path source, ByteBuffer bytes) throws MalformedFileException {
        List<Node> nodes = new ArrayList<>();
        LinkedHashMap<String, Tensor> inits = new LinkedHashMap<>();
        boolean sawGraph = false;
        String current = null;
        try {
            ProtoReader model = new ProtoReader(bytes);
            while (model.hasNext()) {
                if (model.next() == 7 && model.wireType() == ProtoReader.LEN) {
                    sawGraph = true;
                    ProtoReader g = new ProtoReader(model.bytes());
                    while (g.hasNext()) {
                        int f = g.next();
                        if (f == 1 && g.wireType() == ProtoReader.LEN) {
                            nodes.add(parseNode(g.bytes()));
                        } else if (f == 5 && g.wireType() == ProtoReader.LEN) {
                            ByteBuffer tb = g.bytes();
                            current = "#" + inits.size();
                            Tensor t = parseTensor(source, tb);
                            current = t.name();
                            if (inits.put(t.name(), t) != null) {
                                throw new MalformedFileException(source, t.name(), "initializer appears twice");
                            }
                            current = null;
                        } else {
                            g.skip();
                        }
                    }
                } else {
                    model.skip();
                }
            }
        } catch (IllegalArgumentException e) {
            throw new MalformedFileException(source, current, "malformed ONNX protobuf: " + e.getMessage(), e);
        }
        if (!sawGraph) {
            throw new MalformedFileException(source, null, "no graph in the ONNX model (not an ONNX file?)");
        }
        return new OnnxModel(source, nodes, inits);
    }

    private static Node parseNode(ByteBuffer b) {
        ProtoReader r = new ProtoReader(b);
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String name = "";
        String op = "";
        while (r.hasNext()) {
            switch (r.next()) {
                case 1 -> in.add(r.string());
                case 2 -> out.add(r.string());
                case 3 -> name = r.string();
                case 4 -> op = r.string();
                default -> r.skip();
            }
        }
        return new Node(name, op, List.copyOf(in), List.copyOf(out));
    }

    private static Tensor parseTensor(Path source, ByteBuffer b) throws MalformedFileException {
        ProtoReader r = new ProtoReader(b);
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        String name = "";
        ByteBuffer raw = null;
        int location = 0;
        java.io.ByteArrayOutputStream f32 = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream f64 = new java.io.ByteArrayOutputStream();
        List<Long> i32 = new ArrayList<>();
        List<Long> i64 = new ArrayList<>();
        List<Long> u64 = new ArrayList<>();
        while (r.hasNext()) {
            int f = r.next();
            switch (f) {
                case 1 -> readVarints(r, dims);
                case 2 -> dataType = (int) r.varint();
                case 4 -> readFixed(r, f32, 4);
                case 5 -> readVarints(r, i32);
                case 7 -> readVarints(r, i64);
                case 8 -> name = r.string();
                case 9 -> raw = r.bytes();
                case 10 -> readFixed(r, f64, 8);
                case 11 -> readVarints(r, u64);
                case 14 -> location = (int) r.varint();
                default -> r.skip();
            }
        }
        if (location != 0) {
            throw new MalformedFileException(source, name, "stored as external data, which is not supported");
        }
        long[] d = dims.stream().mapToLong(Long::longValue).toArray();
        for (long x : d) {
            if (x < 0) {
                throw new MalformedFileException(source, name, "negative dimension in " + Arrays.toString(d));
            }
        }
        int size = elementSize(dataType);
        if (size < 0) {
            throw new MalformedFileException(source, name, "unsupported ONNX data type " + dataType);
        }
        ByteBuffer data;
        if (raw != null) {
            data = raw;
        } else {
            data = switch (dataType) {
                case FLOAT -> ByteBuffer.wrap(f32.toByteArray());
                case DOUBLE -> ByteBuffer.wrap(f64.toByteArray());
                case INT64 -> packLongs(i64, 8);
                case INT32 -> packLongs(i32, 4);
                case INT8, UINT8, BOOL -> packLongs(i32, 1);
                case FLOAT16, BFLOAT16 -> packLongs(i32, 2);
                default -> throw new MalformedFileException(source, name, "no data for type " + dataType);
            };
        }
        long numel = 1;
        try {
            for (long x : d) {
                if (x < 0) {
                    throw new MalformedFileException(source, name, "negative dimension in " + Arrays.toString(d));
                }
            }
            numel = Dims.numel(d);
            Math.multiplyExact(numel, (long) size);
        } catch (ArithmeticException e) {
            throw new MalformedFileException(source, name, "dims " + Arrays.toString(d) + " overflow 64 bits");
        }
        if ((long) data.remaining() != numel * size) {
            throw new MalformedFileException(source, name, "dims " + Arrays.toString(d) + " need " + numel * size
                    + " bytes of type " + dataType + ", found " + data.remaining());
        }
        return new Tensor(name, dataType, d, data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }

    private static void readVarints(ProtoReader r, List<Long> out) {
        if (r.wireType() == ProtoReader.LEN) {
            ProtoReader p = new ProtoReader(r.bytes());
            while (p.hasNext()) {
                out.add(p.varint());
            }
        } else if (r.wireType() == ProtoReader.VARINT) {
            out.add(r.varint());
        } else {
            throw r.fail("field " + r.field() + " expects varints");
        }
    }

    private static void readFixed(ProtoReader r, java.io.ByteArrayOutputStream out, int width) {
        if (r.wireType() == ProtoReader.LEN) {
            ByteBuffer b = r.bytes();
            if (b.remaining() % width != 0) {
                throw r.fail("packed field " + r.field() + " length not a multiple of " + width);
            }
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.write(a, 0, a.length);
        } else if (width == 4 && r.wireType() == ProtoReader.FIXED32) {
            int v = r.fixed32();
            out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array(), 0, 4);
        } else if (width == 8 && r.wireType() == ProtoReader.FIXED64) {
            long v = r.fixed64();
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array(), 0, 8);
        } else {
            throw r.fail("field " + r.field() + " has wire type " + r.wireType());
        }
    }

    private static ByteBuffer packLongs(List<Long> v, int width) {
        ByteBuffer b = ByteBuffer.allocate(v.size() * width).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            switch (width) {
                case 1 -> b.put((byte) x);
                case 2 -> b.putShort((short) x);
                case 4 -> b.putInt((int) x);
                default -> b.putLong(x);
            }
        }
        b.flip();
        return b;
    }

    private static int elementSize(int dataType) {
        return switch (dataType) {
            case FLOAT, INT32 -> 4;
            case DOUBLE, INT64 -> 8;
            case INT8, UINT8, BOOL -> 1;
            case FLOAT16, BFLOAT16 -> 2;
            default -> -1;
        };
    }

    /** The file (or source name) this model came from. */
    public Path file() {
        return file;
    }

    /** Graph nodes in file order. */
    public List<Node> nodes() {
        return nodes;
    }

    /** Initializers by name, in file order. */
    public Map<String, Tensor> initializers() {
        return Collections.unmodifiableMap(initializers);
    }

    /**
     * For every MatMul node whose second input is an initializer: initializer name to node name, e.g.
     * {@code onnx::MatMul_1234 -> /encoder/layer.0/attention/self/query/MatMul}. In file order.
     */
    public LinkedHashMap<String, String> matMulWeightNodes() {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        for (Node n : nodes) {
            if ("MatMul".equals(n.opType()) && n.inputs().size() == 2 && initializers.containsKey(n.inputs().get(1))) {
                out.putIfAbsent(n.inputs().get(1), n.name());
            }
        }
        return out;
    }

    /**
     * Hugging Face parameter name of the weight used by a MatMul node named after its module:
     * {@code /encoder/layer.0/attention/self/query/MatMul -> encoder.layer.0.attention.self.query.weight}.
     * Returns null when the node name does not have that form.
     */
    public static String huggingFaceName(String nodeName) {
        if (nodeName == null || !nodeName.startsWith("/")) {
            return null;
        }
        int slash = nodeName.lastIndexOf('/');
        String last = nodeName.substring(slash + 1);
        if (slash <= 0 || !last.matches("MatMul(_\\d+)?")) {
            return null;
        }
        return nodeName.substring(1, slash).replace('/', '.') + ".weight";
    }

    /** One initializer as an NDArray (FLOAT16 and BFLOAT16 become float32). */
    public NDArray toNDArray(Tensor t, NDManager manager) throws MalformedFileException {
        return toNDArray(t, manager, false);
    }

    private NDArray toNDArray(Tensor t, NDManager manager, boolean transpose2d) throws MalformedFileException {
        long numel = t.numel();
        long[] dims = t.dims();
        if (transpose2d && dims.length != 2) {
            throw new MalformedFileException(file, t.name(), "MatMul weight is not 2-D: " + Arrays.toString(dims));
        }
        ByteBuffer src = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        DataType dt;
        ByteBuffer bytes;
        switch (t.dataType()) {
            case FLOAT16, BFLOAT16 -> {
                bytes = SafeTensors.halfToFloat(src, t.dataType() == FLOAT16 ? SafeDType.F16 : SafeDType.BF16);
                dt = DataType.FLOAT32;
            }
            default -> {
                bytes = ByteBuffer.allocateDirect(src.remaining()).order(ByteOrder.LITTLE_ENDIAN);
                bytes.put(src).flip();
                dt = switch (t.dataType()) {
                    case FLOAT -> DataType.FLOAT32;
                    case DOUBLE -> DataType.FLOAT64;
                    case INT32 -> DataType.INT32;
                    case INT64 -> DataType.INT64;
                    case INT8 -> DataType.INT8;
                    case UINT8 -> DataType.UINT8;
                    case BOOL -> DataType.BOOLEAN;
                    default -> throw new MalformedFileException(file, t.name(), "unsupported type " + t.dataType());
                };
            }
        }
        Shape shape = new Shape(dims);
        if (transpose2d) {
            int rows = (int) dims[0];
            int cols = (int) dims[1];
            int w = dt.getNumOfBytes();
            ByteBuffer tr = ByteBuffer.allocateDirect(bytes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
            byte[] tmp = new byte[w];
            for (int c = 0; c < cols; c++) {
                for (int r = 0; r < rows; r++) {
                    bytes.position((r * cols + c) * w);
                    bytes.get(tmp);
                    tr.put(tmp);
                }
            }
            tr.flip();
            bytes = tr;
            shape = new Shape(cols, rows);
        }
        if (numel == 0) {
            return manager.zeros(shape, dt);
        }
        return manager.create(bytes, shape, dt);
    }

    /**
     * Every initializer as a parameter: MatMul weights under their Hugging Face name (from the node name) and
     * transposed to PyTorch layout [out, in]; all others under their own name. Initializers used by MatMul nodes
     * whose names cannot be mapped keep their ONNX name and layout.
     */
    public Parameters huggingFaceParameters(NDManager manager) throws MalformedFileException {
        Map<String, String> mm = matMulWeightNodes();
        Parameters p = new Parameters();
        for (Tensor t : initializers.values()) {
            String hf = mm.containsKey(t.name()) ? huggingFaceName(mm.get(t.name())) : null;
            if (hf != null && !p.contains(hf) && !initializers.containsKey(hf)) {
                p.put(hf, toNDArray(t, manager, true));
            } else {
                p.put(t.name(), toNDArray(t, manager, false));
            }
        }
        return p;
    }
}
