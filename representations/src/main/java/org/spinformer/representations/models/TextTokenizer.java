package org.spinformer.representations.models;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.spinformer.core.device.Env;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's {@link HuggingFaceTokenizer} (the Rust {@code tokenizers}
 * library; its {@code libtokenizers.so} for linux-x86_64 ships inside the {@code ai.djl.huggingface:tokenizers}
 * jar, so it works offline). The file's own normaliser, pre-tokeniser and post-processor apply (BERT adds
 * [CLS] … [SEP], Llama adds &lt;s&gt;, GPT-2 adds nothing); its padding is switched off (batches are padded by
 * {@link HiddenStates}) and sequences are truncated to {@code maxLength} tokens.
 */
public final class TextTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tok;
    private final int maxLength;

    private TextTokenizer(HuggingFaceTokenizer tok, int maxLength) {
        this.tok = tok;
        this.maxLength = maxLength;
    }

    private static Map<String, String> options(int maxLength) {
        return Map.of("padding", "false", "truncation", "true", "maxLength", Integer.toString(maxLength),
                "addSpecialTokens", "true");
    }

    /** Reads {@code tokenizer.json}. */
    public static TextTokenizer of(Path tokenizerJson, int maxLength) throws IOException {
        Env.offline();
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IllegalArgumentException("tokenizer file not found: " + tokenizerJson);
        }
        return new TextTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, options(maxLength)), maxLength);
    }

    /** Reads a {@code tokenizer.json} stream (e.g. a class-path resource). */
    public static TextTokenizer of(InputStream tokenizerJson, int maxLength) throws IOException {
        Env.offline();
        return new TextTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, options(maxLength)), maxLength);
    }

    /** Token ids of one text, special tokens included, at most {@link #maxLength()}. */
    public long[] encode(String text) {
        return tok.encode(text).getIds();
    }

    /** Token ids of many texts. */
    public long[][] encode(List<String> texts) {
        Encoding[] e = tok.batchEncode(texts);
        long[][] ids = new long[e.length][];
        for (int i = 0; i < e.length; i++) {
            ids[i] = e[i].getIds();
        }
        return ids;
    }

    /** The tokens (strings) of one text, for inspection. */
    public String[] tokens(String text) {
        return tok.encode(text).getTokens();
    }

    public int maxLength() {
        return maxLength;
    }

    @Override
    public void close() {
        tok.close();
    }
}
