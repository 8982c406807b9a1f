package org.spinformer.core.io;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed safetensors files: each must be rejected by {@link SafeTensors#readHeader} and
 * {@link SafeTensors#load} with a {@link MalformedFileException} that names the file and, where the problem
 * belongs to one, the tensor.
 */
class SafeTensorsMalformedTest extends CpuManagerTest {

    @TempDir
    Path tmp;

    /** 8-byte length + header bytes + {@code data} zero bytes. */
    static byte[] file(byte[] header, long declaredLength, int data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(header);
        return b.array();
    }

    static byte[] file(String header, int data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return file(h, h.length, data);
    }

    static Arguments bad(String name, byte[] bytes, String tensor, String keyword) {
        return Arguments.of(name, bytes, tensor, keyword);
    }

    static final String W16 = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";

    static Stream<Arguments> cases() {
        String two = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[%d,%d]}}";
        byte[] valid = file(W16, 16);
        return Stream.of(
                bad("empty file", new byte[0], null, "too short"),
                bad("five bytes", new byte[] {1, 0, 0, 0, 0}, null, "too short"),
                bad("truncated data", Arrays.copyOf(valid, valid.length - 4), "w", "outside the data section"),
                bad("truncated header", Arrays.copyOf(valid, 20), null, "larger than"),
                bad("header length beyond 2^63", file(W16.getBytes(StandardCharsets.UTF_8), -5L, 16), null,
                        "exceeds the limit"),
                bad("header too long", file(W16.getBytes(StandardCharsets.UTF_8), 200_000_000L, 16), null,
                        "exceeds the limit"),
                bad("header length larger than file", file(W16.getBytes(StandardCharsets.UTF_8), 4096, 16), null,
                        "larger than"),
                bad("offsets outside file",
                        file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4,4],\"data_offsets\":[0,64]}}", 16), "w",
                        "outside the data section"),
                bad("begin after end",
                        file("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[16,0]}}", 16), "w",
                        "begin > end"),
                bad("overlapping tensors", file(String.format(two, 4, 12), 12), "b", "overlap"),
                bad("gap between tensors", file(String.format(two, 12, 20), 20), "b", "gap"),
                bad("bytes after last tensor", file(W16, 24), "w", "not covered"),
                bad("unknown dtype", file("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[16],\"data_offsets\":[0,16]}}", 16),
                        "w", "unknown or unsupported dtype"),
                bad("shape-length mismatch",
                        file("{\"w\":{\"dtype\":\"F64\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16), "w",
                        "needs 32 bytes"),
                bad("non-UTF-8 header", file(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}, 8, 0),
                        null, "not valid UTF-8"),
                bad("invalid JSON", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}", 16),
                        null, "not valid JSON"),
                bad("lenient JSON (single quotes)", file("{'w':{'dtype':'F32','shape':[4],'data_offsets':[0,16]}}", 16),
                        null, "not valid JSON"),
                bad("header is an array", file("[1, 2, 3]   ", 0), null, "does not start with '{'"),
                bad("negative shape", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2,-2],\"data_offsets\":[0,16]}}", 16),
                        "w", "non-negative integers"),
                bad("fractional shape", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,16]}}", 16),
                        "w", "non-negative integers"),
                bad("negative offset", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[-16,0]}}", 16),
                        "w", "non-negative integers"),
                bad("missing dtype", file("{\"w\":{\"shape\":[4],\"data_offsets\":[0,16]}}", 16), "w", "missing 'dtype'"),
                bad("missing shape", file("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,16]}}", 16), "w",
                        "missing 'shape'"),
                bad("missing data_offsets", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"offsets\":[0,16]}}", 16),
                        "w", "missing 'data_offsets'"),
                bad("three offsets", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,8,16]}}", 16),
                        "w", "must hold 2 numbers"),
                bad("dtype not a string", file("{\"w\":{\"dtype\":4,\"shape\":[4],\"data_offsets\":[0,16]}}", 16), "w",
                        "'dtype' must be one string"),
                bad("entry not an object", file("{\"w\":5}", 0), "w", "must be an object"),
                bad("duplicate tensor", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16), "w", "appears twice"),
                bad("metadata value not a string", file("{\"__metadata__\":{\"k\":1}}", 0), null, "must be a string"),
                bad("metadata not an object", file("{\"__metadata__\":\"x\"}", 0), null, "must be an object"),
                bad("shape overflows", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],"
                        + "\"data_offsets\":[0,16]}}", 16), "w", "overflows"),
                bad("content after the object", file("{} {}", 0), null, "not valid JSON"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejectedWithMessageNamingFileAndTensor(String name, byte[] bytes, String tensor, String keyword)
            throws IOException {
        Path f = tmp.resolve(name.replaceAll("[^a-zA-Z0-9]+", "_") + ".safetensors");
        Files.write(f, bytes);
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> SafeTensors.readHeader(f));
        String msg = e.getMessage();
        assertTrue(msg.contains(f.toString()), "message names the file: " + msg);
        assertTrue(msg.contains(keyword), "message explains (" + keyword + "): " + msg);
        assertEquals(tensor, e.entry(), "tensor named: " + msg);
        if (tensor != null) {
            assertTrue(msg.contains("'" + tensor + "'"), msg);
        }
        try (NDManager m = manager.newSubManager()) {
            MalformedFileException e2 = assertThrows(MalformedFileException.class, () -> SafeTensors.load(f, m));
            assertEquals(msg, e2.getMessage());
            assertEquals(0, m.getManagedArrays().size(), "nothing loaded");
        }
    }

    @Test
    void atLeastTwentyCases() {
        assertTrue(cases().count() >= 20);
    }

    @Test
    void validBaselineLoads() throws IOException {
        Path f = tmp.resolve("ok.safetensors");
        Files.write(f, file(W16, 16));
        try (NDManager m = manager.newSubManager()) {
            assertEquals(4, SafeTensors.load(f, m).get("w").size());
        }
        Path empty = tmp.resolve("empty.safetensors");
        Files.write(empty, file("{}      ", 0));
        assertEquals(0, SafeTensors.readHeader(empty).tensors().size());
    }
}
