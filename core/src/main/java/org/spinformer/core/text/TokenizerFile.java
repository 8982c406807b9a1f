package org.spinformer.core.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.spinformer.core.device.Env;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.core.io.MalformedFileException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one wrapper of a Hugging Face {@code tokenizer.json}: DJL's {@link HuggingFaceTokenizer} (the Rust
 * {@code tokenizers} library; its {@code libtokenizers.so} for linux-x86_64 ships inside the
 * {@code ai.djl.huggingface:tokenizers} jar, so it works offline) plus the file's vocabulary by id, read once.
 * Padding is always off (callers pad); special tokens and truncation are chosen when opening.
 */
public final class TokenizerFile implements AutoCloseable {
    private final HuggingFaceTokenizer tok;
    private final List<String> vocabulary;
    private final boolean specialTokens;

    /** Ids beyond this are rejected (the largest published vocabularies hold about 2^18 tokens). */
    static final long MAX_VOCABULARY = 1L << 24;

    /** Deepest JSON nesting accepted (real tokenizer.json files nest under 10 levels; serde_json stops at 128). */
    static final int MAX_DEPTH = 64;

    private final String where;

    private TokenizerFile(HuggingFaceTokenizer tok, List<String> vocabulary, boolean specialTokens, String where) {
        this.where = where;
        this.tok = tok;
        this.vocabulary = vocabulary;
        this.specialTokens = specialTokens;
    }

    /**
     * Opens {@code json} (the bytes of a tokenizer.json named {@code where} in messages).
     *
     * @param specialTokens whether the file's post-processor adds its special tokens ([CLS] … [SEP], &lt;s&gt;)
     * @param maxLength     truncate to this many tokens; ≤ 0: no truncation
     */
    public static TokenizerFile of(byte[] json, String where, boolean specialTokens, int maxLength)
            throws IOException {
        Env.offline();
        // the native tokenizers library aborts the JVM (a Rust panic across JNI) on some malformed files, e.g. a
        // 'decoder' that is not valid JSON: it only ever sees a strict, shallow document re-serialised by us
        JsonElement parsed = JsonFiles.parseStrict(json, Path.of(where), MAX_DEPTH);
        if (!parsed.isJsonObject()) {
            throw new MalformedFileException(Path.of(where), null, "not a tokenizer.json object");
        }
        byte[] canonical = parsed.toString().getBytes(StandardCharsets.UTF_8);
        List<String> vocab = vocabulary(parsed.getAsJsonObject(), where);
        Map<String, String> opt = new HashMap<>();
        opt.put("padding", "false");
        opt.put("addSpecialTokens", Boolean.toString(specialTokens));
        opt.put("truncation", Boolean.toString(maxLength > 0));
        if (maxLength > 0) {
            opt.put("maxLength", Integer.toString(maxLength));
        }
        HuggingFaceTokenizer tok;
        try {
            tok = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(canonical), opt);
        } catch (RuntimeException e) {
            // the native tokenizers library rejects the file with a RuntimeException carrying serde's reason
            throw new MalformedFileException(Path.of(where), null, "not a tokenizer.json the tokenizers library can"
                    + " load (" + MalformedFileException.oneLine(e.getMessage()) + ")");
        }
        return new TokenizerFile(tok, vocab, specialTokens, where);
    }

    /** Opens a tokenizer.json file (a missing file is an IllegalArgumentException naming it). */
    public static TokenizerFile of(Path file, boolean specialTokens, int maxLength) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("tokenizer file not found: " + file);
        }
        return of(Files.readAllBytes(file), file.toString(), specialTokens, maxLength);
    }

    /**
     * The vocabulary by id: the model's vocabulary (a name → id map, or a Unigram list whose index is the id)
     * and the added tokens; ids no entry names are {@code <unusedN>}.
     */
    static List<String> vocabulary(JsonObject root, String where) throws MalformedFileException {
        Map<Integer, String> byId = new HashMap<>();
        JsonElement model = root.get("model");
        JsonElement vocab = model != null && model.isJsonObject() ? model.getAsJsonObject().get("vocab") : null;
        if (vocab != null && vocab.isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
                if (e.getValue().isJsonPrimitive() && e.getValue().getAsJsonPrimitive().isNumber()) {
                    byId.put(id(e.getValue(), e.getKey(), where), e.getKey());
                }
            }
        } else if (vocab != null && vocab.isJsonArray()) {
            if (vocab.getAsJsonArray().size() > MAX_VOCABULARY) {
                throw new MalformedFileException(Path.of(where), null, "vocabulary of more than " + MAX_VOCABULARY
                        + " tokens");
            }
            for (int i = 0; i < vocab.getAsJsonArray().size(); i++) {
                JsonElement p = vocab.getAsJsonArray().get(i);
                JsonElement piece = p.isJsonArray() && p.getAsJsonArray().size() > 0 ? p.getAsJsonArray().get(0) : null;
                if (piece != null && piece.isJsonPrimitive()) {
                    byId.put(i, piece.getAsString());
                }
            }
        }
        JsonElement added = root.get("added_tokens");
        if (added != null && added.isJsonArray()) {
            for (JsonElement t : added.getAsJsonArray()) {
                JsonObject o = t.isJsonObject() ? t.getAsJsonObject() : null;
                JsonElement id = o == null ? null : o.get("id");
                if (id != null && id.isJsonPrimitive() && id.getAsJsonPrimitive().isNumber()) {
                    JsonElement c = o.get("content");
                    String content = c != null && c.isJsonPrimitive() ? c.getAsString() : "<added>";
                    byId.put(id(id, content, where), content);
                }
            }
        }
        int size = byId.keySet().stream().mapToInt(k -> k + 1).max().orElse(0);
        // ids no entry names read as <unusedN>, made on demand (a file may name id 2^24 − 1 and little else)
        return new VocabularyList(Map.copyOf(byId), size);
    }

    /** A token id: an integer in [0, {@link #MAX_VOCABULARY}), else the file is refused naming the token. */
    private static int id(JsonElement e, String token, String where) throws MalformedFileException {
        java.math.BigDecimal v;
        try {
            v = e.getAsBigDecimal();
        } catch (NumberFormatException ex) {
            v = null;
        }
        if (v == null || v.signum() < 0 || v.compareTo(java.math.BigDecimal.valueOf(MAX_VOCABULARY)) >= 0
                || v.stripTrailingZeros().scale() > 0) {
            throw new MalformedFileException(Path.of(where), null, "token '" + token + "' has id " + e
                    + ", not an integer in [0, " + MAX_VOCABULARY + ")");
        }
        return v.intValueExact();
    }

    /** The vocabulary by id, {@code <unusedN>} for ids no entry names. */
    private static final class VocabularyList extends java.util.AbstractList<String> implements java.util.RandomAccess {
        private final Map<Integer, String> byId;
        private final int size;

        VocabularyList(Map<Integer, String> byId, int size) {
            this.byId = byId;
            this.size = size;
        }

        @Override
        public String get(int i) {
            java.util.Objects.checkIndex(i, size);
            String s = byId.get(i);
            return s != null ? s : "<unused" + i + ">";
        }

        @Override
        public int size() {
            return size;
        }
    }

    /** Token ids of one text. */
    public long[] encode(String text) {
        return call(() -> tok.encode(text, specialTokens, false).getIds());
    }

    /** Token ids of many texts (one native call). */
    public long[][] encode(List<String> texts) {
        Encoding[] e = call(() -> tok.batchEncode(texts));
        long[][] ids = new long[e.length][];
        for (int i = 0; i < e.length; i++) {
            ids[i] = e[i].getIds();
        }
        return ids;
    }

    /** The token strings of one text. */
    public String[] tokens(String text) {
        return call(() -> tok.encode(text, specialTokens, false).getTokens());
    }

    /** The text of ids (special tokens kept). */
    public String decode(long[] ids) {
        return call(() -> tok.decode(ids, false));
    }

    /**
     * Runs a native tokenizer call; a file that loaded but cannot tokenize (a WordLevel model without its unknown
     * token, say) fails there with a RuntimeException, which becomes a {@link MalformedFileException} naming the file.
     */
    private <T> T call(java.util.function.Supplier<T> f) {
        try {
            return f.get();
        } catch (RuntimeException e) {
            throw new java.io.UncheckedIOException(new MalformedFileException(Path.of(where), null,
                    "the tokenizer failed (" + MalformedFileException.oneLine(e.getMessage()) + ")"));
        }
    }

    /** The vocabulary by id (size = 1 + the largest id the file names). */
    public List<String> vocabulary() {
        return vocabulary;
    }

    /** The id of the first of {@code names} in the vocabulary, or −1. */
    public int find(String... names) {
        for (String n : names) {
            int i = vocabulary.indexOf(n);
            if (i >= 0) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        tok.close();
    }
}
