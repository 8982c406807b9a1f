package org.spinformer.core.io;

/**
 * Conversions between float32 and the two 16-bit float formats, by bit manipulation.
 *
 * <ul>
 *   <li>IEEE 754 binary16 (safetensors {@code F16}, numpy {@code float16}): 1 sign, 5 exponent, 10 mantissa bits;
 *       float32 to half rounds to nearest, ties to even, handles subnormals, overflow to infinity and NaN
 *       (the same results as numpy's {@code astype(np.float16)} and {@link Float#floatToFloat16} in Java 20+).</li>
 *   <li>bfloat16 (safetensors {@code BF16}): the upper 16 bits of a float32; float32 to bfloat16 rounds to
 *       nearest, ties to even, like PyTorch's {@code round_to_nearest_even}; NaN becomes the quiet NaN
 *       {@code 0x7FC0}.</li>
 * </ul>
 * Widening (half to float) is exact in both cases.
 */
public final class HalfFloats {
    private HalfFloats() {
    }

    /** bfloat16 bits to float32 (exact). */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** float32 to bfloat16 bits, rounding to nearest even; NaN stays NaN. */
    public static short floatToBf16(float f) {
        int x = Float.floatToRawIntBits(f);
        if ((x & 0x7FFFFFFF) > 0x7F800000) {
            return (short) 0x7FC0;
        }
        int rounding = 0x7FFF + ((x >>> 16) & 1);
        return (short) ((x + rounding) >>> 16);
    }

    /** IEEE binary16 bits to float32 (exact, including subnormals, infinities and NaN payloads). */
    public static float f16ToFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal: value = mant * 2^-24, exactly representable in float32
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** float32 to IEEE binary16 bits, rounding to nearest even. */
    public static short floatToF16(float f) {
        int x = Float.floatToRawIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        int abs = x & 0x7FFFFFFF;
        if (abs > 0x7F800000) {
            // NaN: keep the top 10 payload bits, never let them all vanish (numpy's rule)
            int payload = (abs >>> 13) & 0x3FF;
            return (short) (sign | 0x7C00 | (payload == 0 ? 1 : payload));
        }
        if (abs >= 0x477FF000) {
            // >= 65520 rounds to infinity (65504 is the largest half; halfway 65520 ties to even -> inf)
            return (short) (sign | 0x7C00);
        }
        int exp = abs >>> 23;
        if (exp >= 113) {
            // normal half: rebias exponent 127 -> 15 and round the 13 dropped mantissa bits
            int m = abs - (112 << 23);
            int rounded = m + 0xFFF + ((m >>> 13) & 1);
            return (short) (sign | (rounded >>> 13));
        }
        if (exp < 102) {
            // below half of the smallest subnormal (2^-25): rounds to zero; exactly 2^-25 ties to 0 (even)
            return (short) sign;
        }
        // subnormal half: value / 2^-24 rounded to nearest even integer
        int mant = (abs & 0x7FFFFF) | 0x800000;
        int shift = 126 - exp; // exp in [102,112] -> shift in [14,24]
        int q = mant >>> shift;
        int rem = mant & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rem > half || (rem == half && (q & 1) == 1)) {
            q++;
        }
        return (short) (sign | q);
    }
}
