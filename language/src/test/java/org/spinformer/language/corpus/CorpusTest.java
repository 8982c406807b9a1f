package org.spinformer.language.corpus;

import org.junit.jupiter.api.Test;
import org.spinformer.language.train.MaskedBatch;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorpusTest {
    @Test
    void wordTokenizer() {
        WordTokenizer t = WordTokenizer.fit("The whale, the WHALE! Ahab's ship — the sea.", 8);
        assertEquals(List.of("<pad>", "<unk>", "<mask>", "the", "whale", "!", ",", "."), t.vocabulary());
        assertArrayEquals(new int[] {3, 4, 1, 5}, t.encode("the whale sea!"));
        assertEquals("the whale <unk> !", t.decode(new int[] {3, 4, 1, 5}));
        assertEquals(List.of("ahab's", "ship", "—", "well-known"), WordTokenizer.pieces("Ahab's ship — well-known"));
    }

    @Test
    void embeddedCorporaLoad() throws Exception {
        String moby = Corpus.load("moby-dick");
        assertTrue(moby.startsWith("CHAPTER 1. Loomings."));
        String sotu = Corpus.load("sotu");
        assertTrue(sotu.length() > 5_000_000, "sotu has " + sotu.length() + " chars");
        assertThrows(IllegalArgumentException.class, () -> Corpus.load("/no/such/file.txt"));
    }

    @Test
    void windowsSplitByPositionWithoutOverlap() {
        int[] ids = new int[105];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        Windows w = Windows.split(ids, 10, 0.2);
        assertEquals(8, w.train().length); // first 84 tokens → 8 windows
        assertEquals(2, w.test().length); // last 21 → 2 windows
        assertEquals(84, w.test()[0][0]);
        assertTrue(w.train()[7][9] < w.test()[0][0]);
    }

    @Test
    void maskingReallyReplacesTokens() {
        int[][] win = {{5, 6, 7, 8}, {9, 10, 11, 12}};
        MaskedBatch b = MaskedBatch.of(win, new int[] {0, 1, 1}, 2, 0.5, new Random(1));
        assertEquals(6, b.masked());
        for (int k = 0; k < b.masked(); k++) {
            int row = (int) b.rows()[k];
            assertEquals(2, b.ids()[row]);
            int seq = row / 4;
            int src = seq == 0 ? 0 : 1;
            assertEquals(win[src][row % 4], b.targets()[k]);
        }
        assertNotEquals(b.rows()[0], b.rows()[1]);
        MaskedBatch all = MaskedBatch.allPositions(win, 0, 2, 2);
        assertEquals(8, all.masked());
        assertEquals(2, all.ids()[0]);
        assertEquals(6, all.ids()[1]);
    }
}
