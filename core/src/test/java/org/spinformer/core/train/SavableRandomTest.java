package org.spinformer.core.train;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The same numbers as java.util.Random (the reference), and a saved state continues the same sequence. */
class SavableRandomTest {
    private static double draw(Random r, int k) {
        switch (k % 6) {
            case 0: return r.nextInt(1000);
            case 1: return r.nextDouble();
            case 2: return r.nextGaussian();
            case 3: return r.nextLong();
            case 4: return r.nextFloat();
            default: return r.nextBoolean() ? 1 : 0;
        }
    }

    @Test
    void sameSequenceAsJavaUtilRandom() {
        for (long seed : new long[] {0, 1, -7, 123456789L, Long.MIN_VALUE}) {
            Random ref = new Random(seed);
            SavableRandom ours = new SavableRandom(seed);
            for (int i = 0; i < 5000; i++) {
                assertEquals(draw(ref, i * 7 % 11), draw(ours, i * 7 % 11), "seed " + seed + " draw " + i);
            }
        }
    }

    @Test
    void restoredStateContinuesTheSequenceIncludingTheGaussianSpare() {
        SavableRandom a = new SavableRandom(42);
        for (int i = 0; i < 17; i++) {
            draw(a, i);
        }
        a.nextGaussian(); // leaves a spare Gaussian
        JsonObject saved = a.toJson();
        SavableRandom b = new SavableRandom(999);
        b.restore(saved);
        for (int i = 0; i < 1000; i++) {
            assertEquals(draw(a, i), draw(b, i), "draw " + i);
        }
        JsonObject bad = new JsonObject();
        bad.addProperty("type", "lcg48");
        bad.addProperty("state", "ffffffffffffffff");
        assertThrows(IllegalArgumentException.class, () -> b.restore(bad));
    }
}
