package org.spinformer.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code .npy}: files written by numpy ({@code make_golden.py}) read exactly, round trips of float32, float64,
 * int32 and int64 (bit-exact, including 0-d and empty arrays), our files byte-identical to numpy's for the same
 * arrays, and bad files rejected with a message naming the file and the problem.
 */
class NpyTest extends CpuManagerTest {

    @TempDir
    Path tmp;

    @Test
    void readsNumpyWrittenFilesOfEveryDtype() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            NDArray f4 = Npy.read(Golden.path("golden_f4.npy"), m);
            assertEquals(DataType.FLOAT32, f4.getDataType());
            assertEquals(new Shape(2, 3, 4), f4.getShape());
            float[] fv = f4.toFloatArray();
            for (int i = 0; i < 24; i++) {
                assertEquals((float) i / 7f, fv[i], 0f, "f4[" + i + "]"); // numpy: float32(i)/float32(7)
            }
            NDArray f8 = Npy.read(Golden.path("golden_f8.npy"), m);
            assertEquals(new Shape(3, 2), f8.getShape());
            double[] dv = f8.toDoubleArray();
            for (int i = 0; i < 6; i++) {
                assertEquals(i / 3.0, dv[i], 0.0);
            }
            NDArray i4 = Npy.read(Golden.path("golden_i4.npy"), m);
            assertEquals(DataType.INT32, i4.getDataType());
            assertArrayEquals(new int[] {-5, -4, -3, -2, -1, 0, 1, 2, 3, 4}, i4.toIntArray());
            NDArray i8 = Npy.read(Golden.path("golden_i8.npy"), m);
            assertEquals(DataType.INT64, i8.getDataType());
            assertArrayEquals(new long[] {-(1L << 40), 7, 3, 1L << 50}, i8.toLongArray());
            Npy.Header h = Npy.readHeader(Golden.path("golden_v2.npy"));
            assertEquals(2, h.version());
            NDArray v2 = Npy.read(Golden.path("golden_v2.npy"), m);
            assertEquals(new Shape(4, 3), v2.getShape());
            assertEquals(5.5, v2.toDoubleArray()[11], 0.0);
        }
    }

    @Test
    void writtenFilesAreByteIdenticalToNumpys() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            for (String name : new String[] {"golden_f4.npy", "golden_f8.npy", "golden_i4.npy", "golden_i8.npy"}) {
                NDArray a = Npy.read(Golden.path(name), m);
                Path out = tmp.resolve(name);
                Npy.write(out, a);
                byte[] ours = Files.readAllBytes(out);
                byte[] numpy = Golden.bytes(name).array();
                // the data must be identical; the header must parse to the same dict (numpy pads differently
                // between versions, so compare the header text without trailing spaces)
                Npy.Header ho = Npy.readHeader(out);
                Npy.Header hn = Npy.readHeader(Golden.path(name));
                assertEquals(0, ho.dataOffset() % 64, "data aligned to 64 bytes");
                assertArrayEquals(hn.shape(), ho.shape());
                assertEquals(hn.dtype(), ho.dtype());
                assertArrayEquals(Arrays.copyOfRange(numpy, (int) hn.dataOffset(), numpy.length),
                        Arrays.copyOfRange(ours, (int) ho.dataOffset(), ours.length), name + " data");
                assertEquals(header(numpy, hn).strip(), header(ours, ho).strip(), name + " header text");
            }
        }
    }

    private static String header(byte[] file, Npy.Header h) {
        int start = h.version() == 1 ? 10 : 12;
        return new String(file, start, (int) h.dataOffset() - start, StandardCharsets.ISO_8859_1);
    }

    @Test
    void roundTripsEveryDtypeBitExactly() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            NDArray[] arrays = {
                m.create(new float[] {1.5f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE, 3e38f},
                        new Shape(2, 3)),
                m.create(new double[] {Math.PI, -0.0, Double.NaN, Double.MIN_VALUE, -1e308}, new Shape(5, 1, 1)),
                m.create(new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE, -1}, new Shape(4)),
                m.create(new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0, -7, 1L << 53, 3}, new Shape(3, 2)),
                m.create(2.25), // 0-d
                m.create(7L),
                m.zeros(new Shape(0, 4), DataType.FLOAT64), // empty
                m.zeros(new Shape(3, 0), DataType.INT32)};
            int k = 0;
            for (NDArray a : arrays) {
                Path f = tmp.resolve("a" + k++ + ".npy");
                Npy.write(f, a);
                NDArray b = Npy.read(f, m);
                assertEquals(a.getDataType(), b.getDataType());
                assertEquals(a.getShape(), b.getShape(), f.toString());
                assertEquals(a.toByteBuffer(), b.toByteBuffer(), f.toString());
            }
            // a transposed (non-contiguous) view is written in C order of its logical shape
            NDArray t = m.arange(6f).reshape(2, 3).transpose();
            Npy.write(tmp.resolve("t.npy"), t);
            assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, Npy.read(tmp.resolve("t.npy"), m).toFloatArray());
            // a shape long enough to need a version 2.0 header is written as 2.0 and read back
            long[] dims = new long[22000];
            Arrays.fill(dims, 1);
            dims[0] = 3;
            NDArray big = m.create(new float[] {1, 2, 3}, new Shape(dims));
            Npy.write(tmp.resolve("v2.npy"), big);
            assertEquals(2, Npy.readHeader(tmp.resolve("v2.npy")).version());
            assertEquals(big.getShape(), Npy.read(tmp.resolve("v2.npy"), m).getShape());
        }
    }

    private void assertRejected(Path f, String keyword) {
        try (NDManager m = manager.newSubManager()) {
            MalformedFileException e = assertThrows(MalformedFileException.class, () -> Npy.read(f, m));
            assertTrue(e.getMessage().startsWith(f.toString()), "names the file: " + e.getMessage());
            assertTrue(e.getMessage().contains(keyword), "explains (" + keyword + "): " + e.getMessage());
            assertEquals(0, m.getManagedArrays().size(), "nothing loaded");
        }
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    private static byte[] npy(int major, String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        int pre = major == 1 ? 10 : 12;
        ByteBuffer b = ByteBuffer.allocate(pre + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) h.length);
        } else {
            b.putInt(h.length);
        }
        b.put(h).put(data);
        return b.array();
    }

    @Test
    void badFilesAreRejectedWithClearMessages() throws IOException {
        assertRejected(Golden.path("bad_fortran.npy"), "Fortran");
        assertRejected(Golden.path("bad_bigendian.npy"), "big-endian");
        assertRejected(Golden.path("bad_f2.npy"), "unsupported dtype '<f2'");
        String ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n";
        assertRejected(file("short.npy", new byte[] {(byte) 0x93, 'N', 'U'}), "too short");
        assertRejected(file("magic.npy", "PK\u0003\u0004 this is a zip file".getBytes(StandardCharsets.ISO_8859_1)),
                "bad magic");
        byte[] v9 = npy(1, ok, new byte[8]);
        v9[6] = 9;
        assertRejected(file("v9.npy", v9), "unsupported .npy format version 9");
        assertRejected(file("truncated.npy", npy(1, ok, new byte[5])), "truncated");
        assertRejected(file("long.npy", npy(1, ok, new byte[12])), "needs 8 data bytes, file has 12");
        assertRejected(file("noshape.npy", npy(1, "{'descr': '<f4', 'fortran_order': False}\n", new byte[4])),
                "'shape'");
        assertRejected(file("garbage.npy", npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)\n",
                new byte[8])), "bad header");
        assertRejected(file("negative.npy", npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }\n",
                new byte[8])), "non-negative");
        byte[] hugeLen = npy(1, ok, new byte[8]);
        hugeLen[8] = (byte) 0xFF;
        hugeLen[9] = (byte) 0x7F;
        assertRejected(file("hlen.npy", hugeLen), "does not fit the file");
        assertRejected(file("v2short.npy", npy(2, ok, new byte[4])), "truncated");
        // element count or byte count past 2^63: named as such, not a bare "long overflow"
        assertRejected(file("overflow.npy", npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': "
                + "(4294967296, 4294967296), }\n", new byte[8])), "more elements than a 64-bit size can count");
        assertRejected(file("overflow8.npy", npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': "
                + "(2305843009213693952,), }\n", new byte[8])), "more elements than a 64-bit size can count");
        try (NDManager m = manager.newSubManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Npy.write(tmp.resolve("f16.npy"), m.zeros(new Shape(2), DataType.FLOAT16)));
            assertTrue(e.getMessage().contains("float16") || e.getMessage().contains("FLOAT16"), e.getMessage());
            assertTrue(Files.notExists(tmp.resolve("f16.npy")), "no file left behind");
        }
    }
}
