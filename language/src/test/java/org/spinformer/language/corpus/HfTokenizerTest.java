package org.spinformer.language.corpus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A Hugging Face tokenizer.json (word-level model) through DJL, offline. */
class HfTokenizerTest {
    static final String JSON = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[],"
            + "\"normalizer\":{\"type\":\"Lowercase\"},\"pre_tokenizer\":{\"type\":\"Whitespace\"},"
            + "\"post_processor\":null,\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{\"[PAD]\":0,"
            + "\"[UNK]\":1,\"[MASK]\":2,\"the\":3,\"whale\":4,\".\":5},\"unk_token\":\"[UNK]\"}}";

    @Test
    void encodesWithSpecialIds(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("tokenizer.json");
        Files.writeString(f, JSON);
        HfTokenizer t = HfTokenizer.load(f);
        assertEquals(6, t.vocabSize());
        assertEquals(2, t.maskId());
        assertEquals(1, t.unkId());
        assertEquals(0, t.padId());
        assertArrayEquals(new int[] {3, 4, 1, 5}, t.encode("The whale sea ."));
    }

    @Test
    void missingFileIsABadArgument(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> HfTokenizer.load(dir.resolve("nope.json")));
    }
}
