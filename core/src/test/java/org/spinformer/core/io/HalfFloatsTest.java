package org.spinformer.core.io;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bit-exact half-precision conversions against numpy (F16) and a float64 nearest-even reference (BF16). */
class HalfFloatsTest {

    @Test
    void f16ToFloatMatchesNumpyForAll65536Patterns() throws IOException {
        ByteBuffer g = Golden.bytes("f16_to_f32.bin");
        for (int h = 0; h < 65536; h++) {
            int want = g.getInt();
            int got = Float.floatToRawIntBits(HalfFloats.f16ToFloat((short) h));
            if (want != got) {
                throw new AssertionError(String.format("f16 0x%04x: want 0x%08x got 0x%08x", h, want, got));
            }
        }
    }

    @Test
    void floatToHalfAndBf16MatchGolden() throws IOException {
        ByteBuffer g = Golden.bytes("f32_to_half.bin");
        int n = g.remaining() / 8;
        assertTrue(n > 20000);
        for (int i = 0; i < n; i++) {
            int f = g.getInt();
            short f16 = g.getShort();
            short bf16 = g.getShort();
            float x = Float.intBitsToFloat(f);
            assertEquals(f16, HalfFloats.floatToF16(x), () -> String.format("f16 of 0x%08x (%s)", f, x));
            assertEquals(bf16, HalfFloats.floatToBf16(x), () -> String.format("bf16 of 0x%08x (%s)", f, x));
        }
    }

    @Test
    void bf16WideningIsExactAndRoundTrips() {
        for (int h = 0; h < 65536; h++) {
            float f = HalfFloats.bf16ToFloat((short) h);
            assertEquals(h << 16, Float.floatToRawIntBits(f));
            if (!Float.isNaN(f)) {
                assertEquals((short) h, HalfFloats.floatToBf16(f));
            }
        }
        for (int h = 0; h < 65536; h++) {
            float f = HalfFloats.f16ToFloat((short) h);
            if (!Float.isNaN(f)) {
                assertEquals((short) h, HalfFloats.floatToF16(f), "f16 round trip of " + h);
            }
        }
    }

    @Test
    void knownValues() {
        assertEquals((short) 0x3EAB, HalfFloats.floatToBf16(1f / 3));
        assertEquals((short) 0x3555, HalfFloats.floatToF16(1f / 3));
        assertEquals((short) 0x7BFF, HalfFloats.floatToF16(65504f));
        assertEquals((short) 0x7C00, HalfFloats.floatToF16(65520f));
        assertEquals((short) 0x0001, HalfFloats.floatToF16(5.9604645e-8f));
        assertEquals((short) 0x7FC0, HalfFloats.floatToBf16(Float.NaN));
        assertEquals(-2.0f, HalfFloats.f16ToFloat((short) 0xC000));
    }
}
