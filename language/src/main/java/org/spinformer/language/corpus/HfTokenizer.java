package org.spinformer.language.corpus;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's {@link HuggingFaceTokenizer} (no special tokens added).
 * The vocabulary must contain a mask token ({@code [MASK]} or {@code <mask>}), an unknown token and a padding
 * token; V is the full vocabulary size of the file.
 */
public final class HfTokenizer implements Tokenizer {
    private final HuggingFaceTokenizer tok;
    private final List<String> vocab;
    private final int mask;
    private final int unk;
    private final int pad;

    private HfTokenizer(HuggingFaceTokenizer tok, List<String> vocab, int mask, int unk, int pad) {
        this.tok = tok;
        this.vocab = vocab;
        this.mask = mask;
        this.unk = unk;
        this.pad = pad;
    }

    /** Loads {@code tokenizer.json}; fails with a clear message when the file or its special tokens are missing. */
    public static HfTokenizer load(Path tokenizerJson) throws IOException {
        if (!java.nio.file.Files.isRegularFile(tokenizerJson)) {
            throw new IllegalArgumentException("no tokenizer file " + tokenizerJson);
        }
        HuggingFaceTokenizer t = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson)
                .optAddSpecialTokens(false).optTruncation(false).optPadding(false).build();
        com.google.gson.JsonObject root = com.google.gson.JsonParser.parseString(
                java.nio.file.Files.readString(tokenizerJson)).getAsJsonObject();
        com.google.gson.JsonObject model = root.getAsJsonObject("model");
        int size = 0;
        java.util.HashMap<Integer, String> byId = new java.util.HashMap<>();
        if (model != null && model.has("vocab") && model.get("vocab").isJsonObject()) {
            for (Map.Entry<String, com.google.gson.JsonElement> e : model.getAsJsonObject("vocab").entrySet()) {
                byId.put(e.getValue().getAsInt(), e.getKey());
            }
        }
        if (root.has("added_tokens")) {
            for (com.google.gson.JsonElement e : root.getAsJsonArray("added_tokens")) {
                byId.put(e.getAsJsonObject().get("id").getAsInt(), e.getAsJsonObject().get("content").getAsString());
            }
        }
        for (int k : byId.keySet()) {
            size = Math.max(size, k + 1);
        }
        List<String> vocab = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            vocab.add(byId.getOrDefault(i, "<unused" + i + ">"));
        }
        int mask = find(vocab, "[MASK]", "<mask>");
        int unk = find(vocab, "[UNK]", "<unk>");
        int pad = find(vocab, "[PAD]", "<pad>");
        if (mask < 0 || unk < 0 || pad < 0) {
            throw new IllegalArgumentException("tokenizer " + tokenizerJson + " lacks a mask, unknown or padding token");
        }
        return new HfTokenizer(t, vocab, mask, unk, pad);
    }

    private static int find(List<String> vocab, String a, String b) {
        int i = vocab.indexOf(a);
        return i >= 0 ? i : vocab.indexOf(b);
    }

    @Override
    public int[] encode(String text) {
        Encoding e = tok.encode(text, false, false);
        long[] ids = e.getIds();
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
        return tok.decode(l, false);
    }

    @Override
    public int vocabSize() {
        return vocab.size();
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
        return java.util.Collections.unmodifiableList(vocab);
    }
}
