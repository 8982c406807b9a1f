package org.spinformer.representations.models;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.spinformer.core.device.Env;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
    private final long idLimit;

    private TextTokenizer(HuggingFaceTokenizer tok, int maxLength, long idLimit) {
        this.tok = tok;
        this.maxLength = maxLength;
        this.idLimit = idLimit;
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
        long limit = idLimit(Files.readString(tokenizerJson, StandardCharsets.UTF_8), tokenizerJson.toString());
        return new TextTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, options(maxLength)), maxLength,
                limit);
    }

    /** Reads a {@code tokenizer.json} stream (e.g. a class-path resource). */
    public static TextTokenizer of(InputStream tokenizerJson, int maxLength) throws IOException {
        Env.offline();
        byte[] json = tokenizerJson.readAllBytes();
        long limit = idLimit(new String(json, StandardCharsets.UTF_8), "tokenizer.json");
        return new TextTokenizer(HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), options(maxLength)),
                maxLength, limit);
    }

    /**
     * 1 + the largest token id of a {@code tokenizer.json}: its model vocabulary (a name → id map, or a Unigram
     * list whose index is the id) and its added tokens; 0 when it lists none.
     */
    static long idLimit(String json, String where) {
        JsonObject root;
        try {
            root = JsonParser.parseString(json).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(where + ": not a tokenizer.json object (" + e.getMessage() + ")");
        }
        long limit = 0;
        JsonElement model = root.get("model");
        JsonElement vocab = model != null && model.isJsonObject() ? model.getAsJsonObject().get("vocab") : null;
        if (vocab != null && vocab.isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
                if (e.getValue().isJsonPrimitive() && e.getValue().getAsJsonPrimitive().isNumber()) {
                    limit = Math.max(limit, e.getValue().getAsLong() + 1);
                }
            }
        } else if (vocab != null && vocab.isJsonArray()) {
            limit = vocab.getAsJsonArray().size();
        }
        JsonElement added = root.get("added_tokens");
        if (added != null && added.isJsonArray()) {
            for (JsonElement t : added.getAsJsonArray()) {
                JsonElement id = t.isJsonObject() ? t.getAsJsonObject().get("id") : null;
                if (id != null && id.isJsonPrimitive() && id.getAsJsonPrimitive().isNumber()) {
                    limit = Math.max(limit, id.getAsLong() + 1);
                }
            }
        }
        return limit;
    }

    /** 1 + the largest token id the tokenizer can produce (vocabulary and added tokens). */
    public long idLimit() {
        return idLimit;
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
