package org.spinformer.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.nn.Parameters;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ONNX initializer reader on a small model the test writes itself in the protobuf wire format (a tiny
 * independent encoder below, written from the protobuf encoding spec and onnx.proto field numbers): raw_data and
 * the typed float_data / int32_data / int64_data / double_data fields (packed and unpacked), unknown fields,
 * MatMul weights renamed after their nodes and transposed to PyTorch layout, and malformed files.
 */
class OnnxModelTest extends CpuManagerTest {

    @TempDir
    Path tmp;

    /** Minimal protobuf encoder. */
    static final class Pb {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pb varint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
            return this;
        }

        Pb tag(int field, int wire) {
            return varint(((long) field << 3) | wire);
        }

        Pb uint(int field, long v) {
            return tag(field, 0).varint(v);
        }

        Pb bytes(int field, byte[] b) {
            tag(field, 2).varint(b.length);
            out.writeBytes(b);
            return this;
        }

        Pb str(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Pb msg(int field, Pb m) {
            return bytes(field, m.toBytes());
        }

        Pb fixed32(int field, float f) {
            tag(field, 5);
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(f).array());
            return this;
        }

        Pb packedVarints(int field, long... v) {
            Pb p = new Pb();
            for (long x : v) {
                p.varint(x);
            }
            return bytes(field, p.toBytes());
        }

        Pb packedFloats(int field, float... v) {
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float x : v) {
                b.putFloat(x);
            }
            return bytes(field, b.array());
        }

        Pb packedDoubles(int field, double... v) {
            ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            for (double x : v) {
                b.putDouble(x);
            }
            return bytes(field, b.array());
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }

    private static byte[] rawFloats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    private static Pb node(String name, String op, String... inputsThenOutput) {
        Pb n = new Pb();
        for (int i = 0; i < inputsThenOutput.length - 1; i++) {
            n.str(1, inputsThenOutput[i]);
        }
        n.str(2, inputsThenOutput[inputsThenOutput.length - 1]);
        return n.str(3, name).str(4, op).str(7, "doc string, ignored");
    }

    /** A BERT-like fragment as torch.onnx exports it. */
    static byte[] model() {
        Pb graph = new Pb().str(2, "torch_jit");
        graph.msg(1, node("/encoder/layer.0/attention/self/query/MatMul", "MatMul", "x", "onnx::MatMul_101", "q0"));
        graph.msg(1, node("/encoder/layer.0/attention/self/query/Add", "Add", "encoder.layer.0.attention.self.query.bias",
                "q0", "q"));
        graph.msg(1, node("/encoder/layer.0/output/dense/MatMul_1", "MatMul", "h", "onnx::MatMul_102", "o"));
        graph.msg(1, node("/encoder/layer.0/attention/self/MatMul", "MatMul", "q", "k", "scores")); // no initializer
        graph.msg(1, node("MatMul_7", "MatMul", "h", "onnx::MatMul_103", "z")); // unmappable node name
        // [in=3, out=2] weight in raw_data
        graph.msg(5, new Pb().packedVarints(1, 3, 2).uint(2, OnnxModel.FLOAT).str(8, "onnx::MatMul_101")
                .bytes(9, rawFloats(1, 2, 3, 4, 5, 6)));
        // bias in packed float_data, dims unpacked, an unknown field (doc_string 12)
        graph.msg(5, new Pb().uint(1, 2).uint(2, OnnxModel.FLOAT).packedFloats(4, 0.5f, -0.25f)
                .str(8, "encoder.layer.0.attention.self.query.bias").str(12, "unknown field"));
        // [in=2, out=2] weight in unpacked float_data (one fixed32 per element)
        graph.msg(5, new Pb().uint(1, 2).uint(1, 2).uint(2, OnnxModel.FLOAT).fixed32(4, 7).fixed32(4, 8)
                .fixed32(4, 9).fixed32(4, 10).str(8, "onnx::MatMul_102"));
        graph.msg(5, new Pb().packedVarints(1, 1, 2).uint(2, OnnxModel.FLOAT).str(8, "onnx::MatMul_103")
                .packedFloats(4, 11, 12));
        // int64_data with a negative value (ten-byte varint), int32_data, double_data, float16 raw_data
        graph.msg(5, new Pb().packedVarints(1, 1, 3).uint(2, OnnxModel.INT64).packedVarints(7, 0, -5, 1L << 40)
                .str(8, "embeddings.position_ids"));
        graph.msg(5, new Pb().uint(1, 2).uint(2, OnnxModel.INT32).packedVarints(5, -3L, 9).str(8, "i32"));
        graph.msg(5, new Pb().uint(1, 2).uint(2, OnnxModel.DOUBLE).packedDoubles(10, Math.PI, -1e-300)
                .str(8, "f64"));
        graph.msg(5, new Pb().uint(1, 3).uint(2, OnnxModel.FLOAT16).str(8, "f16")
                .bytes(9, new byte[] {0x00, 0x3C, 0x00, (byte) 0xC0, 0x00, 0x7C})); // 1, -2, +inf
        graph.msg(5, new Pb().uint(2, OnnxModel.FLOAT).str(8, "scalar").packedFloats(4, 42f)); // 0-d
        return new Pb().uint(1, 8).str(2, "pytorch").msg(7, graph).toBytes(); // ir_version, producer_name, graph
    }

    @Test
    void readsNodesInitializersAndBothDataEncodings() throws IOException {
        Path f = tmp.resolve("tiny.onnx");
        Files.write(f, model());
        OnnxModel om = OnnxModel.read(f);
        assertEquals(5, om.nodes().size());
        OnnxModel.Node n0 = om.nodes().get(0);
        assertEquals("MatMul", n0.opType());
        assertEquals(List.of("x", "onnx::MatMul_101"), n0.inputs());
        assertEquals(List.of("q0"), n0.outputs());
        assertEquals(List.of("onnx::MatMul_101", "encoder.layer.0.attention.self.query.bias", "onnx::MatMul_102",
                "onnx::MatMul_103", "embeddings.position_ids", "i32", "f64", "f16", "scalar"),
                List.copyOf(om.initializers().keySet()));
        assertEquals(Map.of("onnx::MatMul_101", "/encoder/layer.0/attention/self/query/MatMul",
                "onnx::MatMul_102", "/encoder/layer.0/output/dense/MatMul_1", "onnx::MatMul_103", "MatMul_7"),
                om.matMulWeightNodes());
        try (NDManager m = manager.newSubManager()) {
            Map<String, OnnxModel.Tensor> in = om.initializers();
            NDArray w = om.toNDArray(in.get("onnx::MatMul_101"), m);
            assertEquals(new Shape(3, 2), w.getShape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, w.toFloatArray());
            assertArrayEquals(new float[] {7, 8, 9, 10}, om.toNDArray(in.get("onnx::MatMul_102"), m).toFloatArray());
            NDArray ids = om.toNDArray(in.get("embeddings.position_ids"), m);
            assertEquals(DataType.INT64, ids.getDataType());
            assertArrayEquals(new long[] {0, -5, 1L << 40}, ids.toLongArray());
            assertArrayEquals(new int[] {-3, 9}, om.toNDArray(in.get("i32"), m).toIntArray());
            assertArrayEquals(new double[] {Math.PI, -1e-300}, om.toNDArray(in.get("f64"), m).toDoubleArray());
            NDArray h = om.toNDArray(in.get("f16"), m);
            assertEquals(DataType.FLOAT32, h.getDataType());
            assertArrayEquals(new float[] {1, -2, Float.POSITIVE_INFINITY}, h.toFloatArray());
            NDArray s = om.toNDArray(in.get("scalar"), m);
            assertEquals(new Shape(), s.getShape());
            assertEquals(42f, s.getFloat());
        }
    }

    @Test
    void matMulWeightsGetHuggingFaceNamesInPyTorchLayout() throws IOException {
        OnnxModel om = OnnxModel.parse(Path.of("tiny.onnx"), ByteBuffer.wrap(model()));
        assertEquals("encoder.layer.0.attention.self.query.weight",
                OnnxModel.huggingFaceName("/encoder/layer.0/attention/self/query/MatMul"));
        assertEquals("encoder.layer.0.output.dense.weight",
                OnnxModel.huggingFaceName("/encoder/layer.0/output/dense/MatMul_1"));
        assertNull(OnnxModel.huggingFaceName("MatMul_7"));
        assertNull(OnnxModel.huggingFaceName("/encoder/layer.0/Add"));
        try (NDManager m = manager.newSubManager()) {
            Parameters p = om.huggingFaceParameters(m);
            assertEquals(List.of("encoder.layer.0.attention.self.query.weight",
                    "encoder.layer.0.attention.self.query.bias", "encoder.layer.0.output.dense.weight",
                    "onnx::MatMul_103", "embeddings.position_ids", "i32", "f64", "f16", "scalar"), p.names());
            NDArray q = p.get("encoder.layer.0.attention.self.query.weight");
            assertEquals(new Shape(2, 3), q.getShape(), "[out, in]");
            assertArrayEquals(new float[] {1, 3, 5, 2, 4, 6}, q.toFloatArray());
            assertArrayEquals(new float[] {7, 9, 8, 10}, p.get("encoder.layer.0.output.dense.weight").toFloatArray());
            // unmappable: ONNX name and layout kept
            assertEquals(new Shape(1, 2), p.get("onnx::MatMul_103").getShape());
            // y = x W (ONNX) equals y = x Wᵀ with the renamed [out,in] weight
            NDArray x = m.create(new float[] {1, -1, 2}, new Shape(1, 3));
            NDArray onnx = x.matMul(om.toNDArray(om.initializers().get("onnx::MatMul_101"), m));
            assertArrayEquals(onnx.toFloatArray(), x.matMul(q.transpose()).toFloatArray());
        }
    }

    private void assertMalformed(byte[] bytes, String entry, String keyword) {
        Path src = Path.of("bad.onnx");
        MalformedFileException e = assertThrows(MalformedFileException.class,
                () -> OnnxModel.parse(src, ByteBuffer.wrap(bytes)));
        assertTrue(e.getMessage().startsWith("bad.onnx"), e.getMessage());
        assertTrue(e.getMessage().contains(keyword), keyword + ": " + e.getMessage());
        assertEquals(entry, e.entry(), e.getMessage());
    }

    private static byte[] withInit(Pb tensor) {
        return new Pb().msg(7, new Pb().msg(5, tensor)).toBytes();
    }

    @Test
    void malformedModelsAreRejectedNamingTheTensor() {
        byte[] good = model();
        assertMalformed(java.util.Arrays.copyOf(good, good.length - 7), null, "malformed ONNX protobuf");
        assertMalformed(new Pb().uint(1, 8).toBytes(), null, "no graph");
        assertMalformed(withInit(new Pb().uint(1, 3).uint(2, OnnxModel.FLOAT).str(8, "w").packedFloats(4, 1, 2)),
                "w", "need 12 bytes");
        assertMalformed(withInit(new Pb().uint(1, 2).uint(2, OnnxModel.FLOAT).str(8, "ext").uint(14, 1)), "ext",
                "external data");
        assertMalformed(withInit(new Pb().uint(1, 2).uint(2, 8).str(8, "strings")), "strings",
                "unsupported ONNX data type 8");
        byte[] twice = new Pb().msg(7, new Pb()
                .msg(5, new Pb().uint(2, OnnxModel.FLOAT).str(8, "dup").packedFloats(4, 1))
                .msg(5, new Pb().uint(2, OnnxModel.FLOAT).str(8, "dup").packedFloats(4, 2))).toBytes();
        assertMalformed(twice, "dup", "appears twice");
    }
}
