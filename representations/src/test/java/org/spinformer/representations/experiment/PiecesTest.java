package org.spinformer.representations.experiment;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.testing.CpuTest;
import org.spinformer.representations.data.Pairs;
import org.spinformer.representations.imbalance.InformationImbalance.Options;
import org.spinformer.representations.models.BertEncoder;
import org.spinformer.representations.models.Models;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kept pieces: a run that keeps them gives the result of one that does not, bit for bit; a resumed run with some
 * pieces gone (those a killed run had not finished) recomputes exactly those and gives the same result again; other
 * settings are refused, and a run without resume starts afresh.
 */
class PiecesTest extends CpuTest {
    @Test
    void resumedSpreadEqualsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        try (BertEncoder minilm = Models.miniLm(Device.cpu(), DataType.FLOAT32)) {
            Pairs pairs = TokenSpread.longEnough(minilm, Pairs.parse("bible:en_kjv,es_rv1909").sample(40, 3), 4, -1)
                    .sample(24, 1);
            TokenSpread.Settings s = new TokenSpread.Settings(new int[] {1, 4}, new int[] {0, 3, 6}, -1,
                    x -> Options.defaults(), 2048);
            TokenSpread.Result plain = TokenSpread.run(minilm, pairs, s, m);
            JsonObject settings = new JsonObject();
            settings.addProperty("what", "test");
            Path p = dir.resolve("partial");
            TokenSpread.Result kept = TokenSpread.run(minilm, pairs, s, m, Pieces.open(p, settings, false));
            same(plain, kept);
            for (String f : new String[] {"settings.json", "a.npy", "b.npy", "layer-0.npy", "layer-3.npy", "layer-6.npy"}) {
                assertTrue(Files.isRegularFile(p.resolve(f)), f);
            }
            // a run killed before side b and the last two layers
            Files.delete(p.resolve("b.npy"));
            Files.delete(p.resolve("layer-3.npy"));
            Files.delete(p.resolve("layer-6.npy"));
            TokenSpread.Result resumed = TokenSpread.run(minilm, pairs, s, m, Pieces.open(p, settings, true));
            same(plain, resumed);
            JsonObject other = new JsonObject();
            other.addProperty("what", "other");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pieces.open(p, other, true));
            assertTrue(e.getMessage().contains("other settings"), e.getMessage());
            Pieces fresh = Pieces.open(p, other, false);
            assertFalse(Files.exists(p.resolve("a.npy")), "without resume the pieces are dropped");
            fresh.finish();
            assertFalse(Files.exists(p));
        }
    }

    private static void same(TokenSpread.Result x, TokenSpread.Result y) {
        assertEquals(x.n(), y.n());
        for (int mode = 0; mode < 2; mode++) {
            for (int li = 0; li < x.layers().length; li++) {
                assertArrayEquals(x.aToB()[mode][li], y.aToB()[mode][li], 0.0);
                assertArrayEquals(x.aToBErr()[mode][li], y.aToBErr()[mode][li], 0.0);
                assertArrayEquals(x.bToA()[mode][li], y.bToA()[mode][li], 0.0);
                assertArrayEquals(x.bToAErr()[mode][li], y.bToAErr()[mode][li], 0.0);
            }
        }
    }
}
