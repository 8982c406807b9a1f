package org.spinformer.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.nn.Parameters;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Safetensors round trips for every dtype, golden-file reading, order, metadata and chunked mapping. */
class SafeTensorsTest extends CpuManagerTest {

    @TempDir
    Path tmp;

    static void assertBitEqual(NDArray want, NDArray got) {
        assertEquals(want.getDataType(), got.getDataType());
        assertEquals(want.getShape(), got.getShape());
        assertEquals(want.toByteBuffer(), got.toByteBuffer());
    }

    /** One array of every dtype the NDArray writer handles directly (BF16 is covered through storeAs/raw). */
    static Map<String, NDArray> everyDtype(NDManager m, long seed) {
        Random r = new Random(seed);
        Map<String, NDArray> t = new LinkedHashMap<>();
        double[] d = r.doubles(12).map(x -> x * 2 - 1).toArray();
        float[] f = new float[15];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) r.nextGaussian();
        }
        ByteBuffer half = ByteBuffer.allocateDirect(8 * 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i < 8; i++) {
            half.putShort(HalfFloats.floatToF16((float) r.nextGaussian()));
        }
        half.flip();
        ByteBuffer u8 = ByteBuffer.allocateDirect(5);
        for (int i = 0; i < 5; i++) {
            u8.put((byte) (i * 60));
        }
        u8.flip();
        // deliberately not in alphabetical order: order must survive
        t.put("z.float64", m.create(d, new Shape(3, 4)));
        t.put("a.float32", m.create(f, new Shape(3, 1, 5)));
        t.put("m.float16", m.create(half, new Shape(2, 4), DataType.FLOAT16));
        t.put("int64", m.create(new long[] {Long.MIN_VALUE, -1, 0, 1L << 40, Long.MAX_VALUE, 7}, new Shape(2, 3)));
        t.put("int32", m.create(new int[] {Integer.MIN_VALUE, -5, 0, 9, Integer.MAX_VALUE}, new Shape(5)));
        t.put("int8", m.create(new byte[] {-128, -1, 0, 1, 127, 3}, new Shape(3, 2)));
        t.put("uint8", m.create(u8, new Shape(5), DataType.UINT8));
        t.put("bool", m.create(new boolean[] {true, false, false, true}, new Shape(2, 2)));
        t.put("scalar", m.create(2.5f));
        t.put("empty", m.zeros(new Shape(0, 3), DataType.FLOAT32));
        return t;
    }

    @Test
    void roundTripEveryDtypeInOrderWithMetadata() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Map<String, NDArray> t = everyDtype(m, 1);
            Path f = tmp.resolve("all.safetensors");
            SafeTensors.write(f, t, Map.of("format", "pt", "note", "ünïcode ✓"));
            SafeTensorsHeader h = SafeTensors.readHeader(f);
            assertEquals(new ArrayList<>(t.keySet()), h.names());
            assertEquals("ünïcode ✓", h.metadata().get("note"));
            assertEquals(0, h.dataStart() % 8, "header padded to 8 bytes");
            assertEquals(SafeDType.F16, h.tensor("m.float16").dtype());
            assertArrayEquals(new long[] {3, 1, 5}, h.tensor("a.float32").shape());
            Parameters p = SafeTensors.load(f, m);
            assertEquals(new ArrayList<>(t.keySet()), p.names());
            for (String name : t.keySet()) {
                if (name.equals("m.float16")) {
                    // F16 loads as float32, exactly widened
                    NDArray got = p.get(name);
                    assertEquals(DataType.FLOAT32, got.getDataType());
                    ByteBuffer raw = t.get(name).toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                    float[] v = got.toFloatArray();
                    for (float x : v) {
                        assertEquals(Float.floatToRawIntBits(HalfFloats.f16ToFloat(raw.getShort())),
                                Float.floatToRawIntBits(x));
                    }
                } else {
                    assertBitEqual(t.get(name), p.get(name));
                }
            }
            // header padding is spaces; the JSON is valid on its own
            byte[] all = Files.readAllBytes(f);
            String json = new String(all, 8, (int) h.dataStart() - 8, StandardCharsets.UTF_8);
            assertTrue(json.startsWith("{\"__metadata__\""), json);
            assertTrue(json.endsWith("}") || json.endsWith(" "), json);
        }
    }

    @Test
    void storeFloat32AsBf16AndF16MatchesGoldenBits() throws IOException {
        ByteBuffer g = Golden.bytes("f32_to_half.bin");
        int n = g.remaining() / 8;
        float[] x = new float[n];
        short[] f16 = new short[n];
        short[] bf16 = new short[n];
        for (int i = 0; i < n; i++) {
            x[i] = Float.intBitsToFloat(g.getInt());
            f16[i] = g.getShort();
            bf16[i] = g.getShort();
        }
        try (NDManager m = manager.newSubManager()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("as_bf16", m.create(x));
            t.put("as_f16", m.create(x));
            t.put("kept", m.create(x));
            Path f = tmp.resolve("half.safetensors");
            SafeTensors.write(f, t, Map.of(), name -> switch (name) {
                case "as_bf16" -> SafeDType.BF16;
                case "as_f16" -> SafeDType.F16;
                default -> null;
            });
            ByteBuffer rb = SafeTensors.readRaw(f, "as_bf16");
            ByteBuffer rf = SafeTensors.readRaw(f, "as_f16");
            for (int i = 0; i < n; i++) {
                assertEquals(bf16[i], rb.getShort(), "bf16 #" + i);
                assertEquals(f16[i], rf.getShort(), "f16 #" + i);
            }
            Parameters p = SafeTensors.load(f, m);
            float[] back = p.get("as_bf16").toFloatArray();
            for (int i = 0; i < n; i++) {
                assertEquals(bf16[i] << 16, Float.floatToRawIntBits(back[i]));
            }
            assertArrayEquals(x, p.get("kept").toFloatArray());
            // target dtype: floats cast, same values
            Parameters p64 = SafeTensors.load(f, m, DataType.FLOAT64);
            assertEquals(DataType.FLOAT64, p64.get("as_f16").getDataType());
        }
    }

    /** The 65 536 16-bit patterns 0 … 0xFFFF, little-endian. */
    private static ByteBuffer everyHalfBitPattern() {
        ByteBuffer bits = ByteBuffer.allocate(65536 * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int h = 0; h < 65536; h++) {
            bits.putShort((short) h);
        }
        return bits.flip();
    }

    @Test
    void rawBf16WrittenBitsLoadExactly() throws IOException {
        ByteBuffer bits = everyHalfBitPattern();
        Path f = tmp.resolve("bf16.safetensors");
        SafeTensors.writeRaw(f, List.of(new SafeTensors.RawTensor("w", SafeDType.BF16, new long[] {256, 256}, bits)),
                Map.of());
        try (NDManager m = manager.newSubManager()) {
            NDArray w = SafeTensors.load(f, m).get("w");
            assertEquals(new Shape(256, 256), w.getShape());
            float[] v = w.toFloatArray();
            for (int h = 0; h < 65536; h++) {
                assertEquals(h << 16, Float.floatToRawIntBits(v[h]));
            }
        }
    }

    @Test
    void stagedReadingOfLargeTensorsEqualsWholeReading() throws IOException {
        // every 16-bit pattern as BF16 and as F16 (NaNs and infinities included), shape [16, 64, 64], and a float32
        // tensor; read in blocks of rows (stage = chunk size) and whole (stage larger than the file)
        ByteBuffer bits = everyHalfBitPattern();
        ByteBuffer f32 = ByteBuffer.allocate(33 * 17 * 4).order(ByteOrder.LITTLE_ENDIAN);
        Random r = new Random(5);
        while (f32.hasRemaining()) {
            f32.putFloat((float) r.nextGaussian());
        }
        f32.flip();
        Path f = tmp.resolve("staged.safetensors");
        long[] cube = {16, 64, 64};
        SafeTensors.writeRaw(f, List.of(new SafeTensors.RawTensor("b", SafeDType.BF16, cube, bits.duplicate()),
                new SafeTensors.RawTensor("h", SafeDType.F16, cube, bits.duplicate()),
                new SafeTensors.RawTensor("s", SafeDType.F32, new long[] {33, 17}, f32.duplicate())), Map.of());
        try (NDManager m = manager.newSubManager()) {
            for (DataType target : new DataType[] {null, DataType.FLOAT64, DataType.FLOAT16}) {
                Map<String, NDArray> whole = new LinkedHashMap<>();
                SafeTensors.forEach(f, m, target, Integer.MAX_VALUE, whole::put);
                float[] b = whole.get("b").toType(DataType.FLOAT32, false).toFloatArray();
                if (target == null) {
                    for (int h = 0; h < 65536; h++) {
                        assertEquals(h << 16, Float.floatToRawIntBits(b[h]), "bf16 #" + h);
                    }
                    float[] hv = whole.get("h").toFloatArray();
                    for (int h = 0; h < 65536; h++) {
                        assertEquals(Float.floatToRawIntBits(HalfFloats.f16ToFloat((short) h)),
                                Float.floatToRawIntBits(hv[h]), "f16 #" + h);
                    }
                }
                // 8192 bytes: 1 row of a [64,64] BF16 slab per block; 100: one 68-byte float32 row; 20000: 2 slabs
                for (long chunk : new long[] {100, 8192, 20000}) {
                    Map<String, NDArray> got = new LinkedHashMap<>();
                    SafeTensors.forEach(f, m, target, chunk, got::put);
                    for (String name : whole.keySet()) {
                        assertEquals(whole.get(name).getShape(), got.get(name).getShape());
                        assertBitEqual(whole.get(name), got.get(name));
                    }
                }
            }
        }
    }

    @Test
    void readsFileWrittenByIndependentNumpyWriter() throws IOException {
        Path f = Golden.path("numpy_written.safetensors");
        SafeTensorsHeader h = SafeTensors.readHeader(f);
        assertEquals(List.of("z.f64", "a.f32", "m.f16", "b.bf16", "i64", "i32", "i8", "u8", "bool"), h.names());
        assertEquals("written by make_golden.py", h.metadata().get("note"));
        try (NDManager m = manager.newSubManager()) {
            Parameters p = SafeTensors.load(f, m);
            double[] z = p.get("z.f64").toDoubleArray();
            for (int i = 0; i < 6; i++) {
                assertEquals(-1 + 2.0 * i / 5, z[i], 1e-15);
            }
            float[] a = p.get("a.f32").toFloatArray();
            for (int i = 0; i < 5; i++) {
                assertEquals(i / 3f, a[i]);
            }
            float[] mh = p.get("m.f16").toFloatArray();
            assertArrayEquals(new float[] {1.5f, -2.25f, 65504f}, java.util.Arrays.copyOf(mh, 3));
            assertEquals(6.1e-5, mh[3], 3e-8);
            float[] b = p.get("b.bf16").toFloatArray();
            assertEquals(1f, b[0]);
            assertEquals(-3f, b[1]);
            assertEquals(Float.intBitsToFloat(0x3EAB0000), b[2]);
            assertEquals(Float.POSITIVE_INFINITY, b[3]);
            assertEquals(Float.intBitsToFloat(0x00010000), b[4]);
            assertArrayEquals(new long[] {-(1L << 62), 1, 1L << 40}, p.get("i64").toLongArray());
            assertArrayEquals(new int[] {-7, 8, 9, -10}, p.get("i32").toIntArray());
            assertEquals(new Shape(2, 2), p.get("i32").getShape());
            assertArrayEquals(new byte[] {-128, 0, 127}, p.get("i8").toByteArray());
            assertEquals(DataType.UINT8, p.get("u8").getDataType());
            assertArrayEquals(new byte[] {0, (byte) 200, (byte) 255}, p.get("u8").toByteArray());
            assertArrayEquals(new boolean[] {true, false, true, true}, p.get("bool").toBooleanArray());
        }
    }

    @Test
    void chunkedMappingGivesTheSameTensorsForAnyChunkSize() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Map<String, NDArray> t = everyDtype(m, 2);
            Path f = tmp.resolve("chunks.safetensors");
            SafeTensors.write(f, t);
            Parameters ref = SafeTensors.load(f, m);
            long size = Files.size(f);
            for (long chunk : new long[] {1, 3, 7, 64, 100, size - 1, size, Integer.MAX_VALUE}) {
                Map<String, NDArray> got = new LinkedHashMap<>();
                SafeTensors.forEach(f, m, null, chunk, got::put);
                assertEquals(ref.names(), new ArrayList<>(got.keySet()), "chunk " + chunk);
                for (String name : ref.names()) {
                    assertBitEqual(ref.get(name), got.get(name));
                }
            }
            try (MappedFile mf = new MappedFile(f, 64)) {
                ByteBuffer all = ByteBuffer.allocate((int) size);
                mf.read(0, all);
                assertEquals(ByteBuffer.wrap(Files.readAllBytes(f)), all.flip());
                assertEquals((size + 63) / 64, mf.maps(), "every chunk mapped once");
                assertEquals(1, mf.mappedNow(), "one chunk mapped at a time");
                assertThrows(IOException.class, () -> mf.read(size - 2, ByteBuffer.allocate(4)));
            }
        }
    }

    @Test
    void consumerSeesOneTensorAtATimeAndCanClose() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Path f = tmp.resolve("stream.safetensors");
            SafeTensors.write(f, everyDtype(m, 3));
            List<String> seen = new ArrayList<>();
            SafeTensors.forEach(f, m, DataType.FLOAT64, (name, a) -> {
                seen.add(name);
                if (name.equals("a.float32")) {
                    assertEquals(DataType.FLOAT64, a.getDataType());
                }
                if (name.equals("int32")) {
                    assertEquals(DataType.INT32, a.getDataType(), "integers keep their type");
                }
                a.close();
            });
            assertEquals(10, seen.size());
        }
    }

    @Test
    void writeIsAtomicAndRejectsBadInput() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Path f = tmp.resolve("x.safetensors");
            Map<String, NDArray> good = Map.of("w", m.create(new float[] {1, 2}));
            SafeTensors.write(f, good);
            byte[] before = Files.readAllBytes(f);
            Map<String, NDArray> bad = new LinkedHashMap<>();
            bad.put("w", m.create(new float[] {3, 4}));
            bad.put("i", m.create(new int[] {1}));
            assertThrows(IllegalArgumentException.class,
                    () -> SafeTensors.write(f, bad, Map.of(), n -> n.equals("i") ? SafeDType.BF16 : null));
            assertArrayEquals(before, Files.readAllBytes(f), "failed write leaves the old file");
            try (var s = Files.list(tmp)) {
                assertEquals(1, s.count(), "no temporary file left");
            }
            assertThrows(IllegalArgumentException.class, () -> SafeTensors.load(f, m, DataType.INT32));
        }
    }
}
