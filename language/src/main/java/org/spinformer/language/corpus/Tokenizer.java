package org.spinformer.language.corpus;

import java.util.List;

/** Text → token ids, with the three special tokens every masked language model here needs. */
public interface Tokenizer {
    /** Token ids of a text (any length). */
    int[] encode(String text);

    /** Text of a sequence of ids (words joined by spaces, or the tokenizer's own decoding). */
    String decode(int[] ids);

    /** Vocabulary size V (ids are 0..V-1, special tokens included). */
    int vocabSize();

    /** Id of {@code <mask>}. */
    int maskId();

    /** Id of {@code <unk>}. */
    int unkId();

    /** Id of {@code <pad>}. */
    int padId();

    /** The token strings, index = id. */
    List<String> vocabulary();
}
