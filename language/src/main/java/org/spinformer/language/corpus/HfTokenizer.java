package org.spinformer.language.corpus;

import org.spinformer.core.text.TokenizerFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A Hugging Face {@code tokenizer.json} (core {@link TokenizerFile}, no special tokens added, no truncation) as a
 * corpus {@link Tokenizer}. The vocabulary must contain a mask token ({@code [MASK]} or {@code <mask>}), an
 * unknown token and a padding token; V is the full vocabulary size of the file.
 */
public final class HfTokenizer implements Tokenizer {
    private final TokenizerFile tok;
    private final int mask;
    private final int unk;
    private final int pad;

    private HfTokenizer(TokenizerFile tok, int mask, int unk, int pad) {
        this.tok = tok;
        this.mask = mask;
        this.unk = unk;
        this.pad = pad;
    }

    /** Loads {@code tokenizer.json}; fails with a clear message when the file or its special tokens are missing. */
    public static HfTokenizer load(Path tokenizerJson) throws IOException {
        TokenizerFile t = TokenizerFile.of(tokenizerJson, false, 0);
        int mask = t.find("[MASK]", "<mask>");
        int unk = t.find("[UNK]", "<unk>");
        int pad = t.find("[PAD]", "<pad>");
        if (mask < 0 || unk < 0 || pad < 0) {
            t.close();
            throw new IllegalArgumentException("tokenizer " + tokenizerJson + " lacks a mask, unknown or padding token");
        }
        return new HfTokenizer(t, mask, unk, pad);
    }

    @Override
    public int[] encode(String text) {
        long[] ids = tok.encode(text);
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tok.decode(l);
    }

    @Override
    public int vocabSize() {
        return tok.vocabulary().size();
    }

    @Override
    public int maskId() {
        return mask;
    }

    @Override
    public int unkId() {
        return unk;
    }

    @Override
    public int padId() {
        return pad;
    }

    @Override
    public List<String> vocabulary() {
        return tok.vocabulary();
    }
}
