package org.spinformer.representations.models;

import org.spinformer.core.text.TokenizerFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A model's Hugging Face {@code tokenizer.json} (core {@link TokenizerFile}) as the hidden-state models use it: the
 * file's own normaliser, pre-tokeniser and post-processor apply (BERT adds [CLS] … [SEP], Llama adds &lt;s&gt;,
 * GPT-2 adds nothing); padding is off (batches are padded by {@link HiddenStates}) and sequences are truncated to
 * {@code maxLength} tokens.
 */
public final class TextTokenizer implements AutoCloseable {
    private final TokenizerFile tok;
    private final int maxLength;

    private TextTokenizer(TokenizerFile tok, int maxLength) {
        this.tok = tok;
        this.maxLength = maxLength;
    }

    /** Reads {@code tokenizer.json}. */
    public static TextTokenizer of(Path tokenizerJson, int maxLength) throws IOException {
        return new TextTokenizer(TokenizerFile.of(tokenizerJson, true, maxLength), maxLength);
    }

    /** Reads a {@code tokenizer.json} stream (e.g. a class-path resource). */
    public static TextTokenizer of(InputStream tokenizerJson, int maxLength) throws IOException {
        return new TextTokenizer(TokenizerFile.of(tokenizerJson.readAllBytes(), "tokenizer.json", true, maxLength),
                maxLength);
    }

    /** 1 + the largest token id the tokenizer can produce (vocabulary and added tokens). */
    public long idLimit() {
        return tok.vocabulary().size();
    }

    /** Token ids of one text, special tokens included, at most {@link #maxLength()}. */
    public long[] encode(String text) {
        return tok.encode(text);
    }

    /** Token ids of many texts. */
    public long[][] encode(List<String> texts) {
        return tok.encode(texts);
    }

    /** The tokens (strings) of one text, for inspection. */
    public String[] tokens(String text) {
        return tok.tokens(text);
    }

    /**
     * How many special tokens the post-processor puts before and after a text: {lead, trail} (BERT [CLS] … [SEP]:
     * {1, 1}; Llama &lt;s&gt; …: {1, 0}; GPT-2: {0, 0}), found by encoding "" and a word.
     */
    public int[] specialTokens() {
        long[] empty = encode("");
        long[] word = encode("hello");
        int lead = 0;
        while (lead < empty.length && lead < word.length && empty[lead] == word[lead]) {
            lead++;
        }
        return new int[] {lead, empty.length - lead};
    }

    public int maxLength() {
        return maxLength;
    }

    @Override
    public void close() {
        tok.close();
    }
}
