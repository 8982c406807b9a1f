package org.spinformer.representations.pooling;

import org.spinformer.core.testing.CpuTest;

import ai.djl.ndarray.NDArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PoolingTest extends CpuTest {
    // S = 2 layers, B = 2 texts, T = 4 tokens, D = 2; h[s][b][t][c] = 1000 s + 100 b + 10 t + c
    static NDArray h;
    static NDArray mask;

    @BeforeAll
    static void init() {
        double[] v = new double[2 * 2 * 4 * 2];
        int i = 0;
        for (int s = 0; s < 2; s++) {
            for (int b = 0; b < 2; b++) {
                for (int t = 0; t < 4; t++) {
                    for (int c = 0; c < 2; c++) {
                        v[i++] = 1000 * s + 100 * b + 10 * t + c;
                    }
                }
            }
        }
        h = m.create(v).reshape(2, 2, 4, 2);
        mask = m.create(new long[] {1, 1, 1, 1, 1, 1, 0, 0}).reshape(2, 4); // lengths 4 and 2
    }

    double[] pool(String spec) {
        return Pooling.parse(spec).apply(h, mask).toDoubleArray();
    }

    @Test
    void meanSkipsPadding() {
        // text 0: t = 0..3 → mean 15 (+c); text 1: t = 0,1 → mean 5
        assertArrayEquals(new double[] {15, 16, 105, 106, 1015, 1016, 1105, 1106}, pool("mean"), 1e-12);
    }

    @Test
    void firstAndLastUseTheRealLength() {
        assertArrayEquals(new double[] {0, 1, 100, 101, 1000, 1001, 1100, 1101}, pool("first"), 0);
        assertArrayEquals(new double[] {30, 31, 110, 111, 1030, 1031, 1110, 1111}, pool("last"), 0);
    }

    @Test
    void lastNConcatenatesAndDrops() {
        // last-n:2:1 → tokens n−3, n−2: text 0 → t 1,2; text 1 (n = 2) → t −1 (clamped to 0), 0
        double[] v = pool("last-n:2:1");
        assertEquals(16, v.length);
        assertArrayEquals(new double[] {10, 11, 20, 21, 100, 101, 100, 101}, java.util.Arrays.copyOf(v, 8), 0);
        assertEquals(64L, Pooling.parse("last-n:2:1").width(32));
    }

    @Test
    void signBinarises() {
        NDArray x = m.create(new double[] {-2, 0, 3, -1}).reshape(1, 1, 2, 2);
        NDArray mk = m.create(new long[] {1, 1}).reshape(1, 2);
        assertArrayEquals(new double[] {-1, 0}, Pooling.parse("first+sign").apply(x, mk).toDoubleArray(), 0);
        assertArrayEquals(new double[] {1, -1}, Pooling.parse("last+sign").apply(x, mk).toDoubleArray(), 0);
    }

    @Test
    void badSpecsAreRejected() {
        for (String s : new String[] {"median", "last-n:0", "last-n:x", "last-n:2:-1", "last-n:1:2:3"}) {
            assertThrows(IllegalArgumentException.class, () -> Pooling.parse(s), s);
        }
        assertEquals("last-n:4:1+sign", Pooling.parse("LAST-N:4:1+sign").toString());
    }
}
