package org.spinformer.language.corpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Word-level tokenizer: the text is lower-cased and cut into words (letters, digits, inner apostrophes and
 * hyphens) and single punctuation marks; the vocabulary is {@code <pad>} (0), {@code <unk>} (1),
 * {@code <mask>} (2) and the V − 3 most frequent pieces of the training text (ties broken alphabetically).
 * Everything else maps to {@code <unk>}. (The papers used byte-level BPE; words keep clones readable.)
 */
public final class WordTokenizer implements Tokenizer {
    public static final String PAD = "<pad>";
    public static final String UNK = "<unk>";
    public static final String MASK = "<mask>";
    private static final Pattern PIECE = Pattern.compile("[\\p{L}\\p{N}]+(?:['’\\-][\\p{L}\\p{N}]+)*|[^\\s\\p{L}\\p{N}]");

    private final List<String> vocab;
    private final Map<String, Integer> index;

    private WordTokenizer(List<String> vocab) {
        this.vocab = List.copyOf(vocab);
        this.index = new HashMap<>();
        for (int i = 0; i < vocab.size(); i++) {
            index.put(vocab.get(i), i);
        }
        if (!PAD.equals(vocab.get(0)) || !UNK.equals(vocab.get(1)) || !MASK.equals(vocab.get(2))) {
            throw new IllegalArgumentException("a word vocabulary must start with <pad>, <unk>, <mask>");
        }
    }

    /** The pieces of a text, lower-cased. */
    public static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = PIECE.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** Builds a vocabulary of size {@code vocabSize} (specials included) from the most frequent pieces. */
    public static WordTokenizer fit(String text, int vocabSize) {
        if (vocabSize < 4) {
            throw new IllegalArgumentException("vocabulary size must be >= 4, got " + vocabSize);
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String p : pieces(text)) {
            counts.merge(p, 1, Integer::sum);
        }
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        entries.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey())
                : Integer.compare(b.getValue(), a.getValue()));
        List<String> vocab = new ArrayList<>(List.of(PAD, UNK, MASK));
        for (Map.Entry<String, Integer> e : entries) {
            if (vocab.size() >= vocabSize) {
                break;
            }
            vocab.add(e.getKey());
        }
        return new WordTokenizer(vocab);
    }

    /** A tokenizer with a given vocabulary (first three entries: pad, unk, mask). */
    public static WordTokenizer of(List<String> vocab) {
        return new WordTokenizer(vocab);
    }

    /** Reads a vocabulary written by {@link #save} (one token per line). */
    public static WordTokenizer load(Path file) throws IOException {
        return new WordTokenizer(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** Writes the vocabulary, one token per line. */
    public void save(Path file) throws IOException {
        org.spinformer.core.io.AtomicFiles.write(file, (String.join("\n", vocab) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int[] encode(String text) {
        List<String> ps = pieces(text);
        int[] ids = new int[ps.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = index.getOrDefault(ps.get(i), 1);
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(id >= 0 && id < vocab.size() ? vocab.get(id) : UNK);
        }
        return sb.toString();
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }

    @Override
    public int maskId() {
        return 2;
    }

    @Override
    public int unkId() {
        return 1;
    }

    @Override
    public int padId() {
        return 0;
    }

    @Override
    public List<String> vocabulary() {
        return Collections.unmodifiableList(vocab);
    }
}
