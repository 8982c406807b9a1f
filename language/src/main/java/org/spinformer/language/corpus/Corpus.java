package org.spinformer.language.corpus;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.spinformer.core.io.Utf8Lines;

/**
 * Raw text sources: the embedded public-domain corpora ({@code moby-dick}: Melville, 208k words;
 * {@code sotu}: 233 State of the Union addresses, 1.8M words) or any file: plain text, a TSV column
 * ({@code file.tsv[.gz]#column}) or a JSON-lines field ({@code file.jsonl#field}).
 */
public final class Corpus {
    private Corpus() {}

    /** The text of a source spec: {@code moby-dick}, {@code sotu}, {@code path}, {@code path#column-or-field}. */
    public static String load(String spec) throws IOException {
        if (spec.equals("moby-dick")) {
            try (InputStream in = resource("moby-dick.txt")) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        if (spec.equals("sotu")) {
            return column(new GZIPInputStream(resource("sotu.tsv.gz")), "text", false, "sotu");
        }
        String field = null;
        String file = spec;
        int hash = spec.lastIndexOf('#');
        if (hash > 0) {
            field = spec.substring(hash + 1);
            file = spec.substring(0, hash);
        }
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("no corpus file " + p + " (use moby-dick, sotu or a path)");
        }
        InputStream in = Files.newInputStream(p);
        if (file.endsWith(".gz")) {
            in = new GZIPInputStream(in);
        }
        String name = file.endsWith(".gz") ? file.substring(0, file.length() - 3) : file;
        if (field == null) {
            try (InputStream s = in) {
                return new String(s.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return column(in, field, name.endsWith(".jsonl") || name.endsWith(".json"), file);
    }

    private static InputStream resource(String name) {
        InputStream in = Corpus.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("embedded corpus " + name + " missing from the jar");
        }
        return in;
    }

    private static String column(InputStream raw, String field, boolean json, String what) throws IOException {
        StringBuilder sb = new StringBuilder();
        java.util.List<String> lines;
        try (InputStream in = raw) {
            lines = Utf8Lines.read(in, what);
        }
        int col = -1;
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            if (json) {
                JsonElement v = jsonField(line, field);
                if (v == null) {
                    throw new IOException(what + " line " + lineNo + ": not a JSON object with a string field '"
                            + field + "'");
                }
                sb.append(v.getAsString()).append('\n');
            } else if (col < 0) {
                String[] head = line.split("\t", -1);
                for (int i = 0; i < head.length; i++) {
                    if (head[i].equals(field)) {
                        col = i;
                    }
                }
                if (col < 0) {
                    throw new IllegalArgumentException(what + ": no column '" + field + "' in the header");
                }
            } else {
                String[] cells = line.split("\t", -1);
                if (col < cells.length) {
                    sb.append(cells[col]).append('\n');
                }
            }
        }
        return sb.toString();
    }

    /** The string value of {@code field} in a JSON-lines row, or null when the row is not such an object. */
    private static JsonElement jsonField(String line, String field) {
        JsonElement row;
        try {
            row = JsonParser.parseString(line);
        } catch (com.google.gson.JsonParseException e) {
            return null;
        }
        JsonElement v = row.isJsonObject() ? row.getAsJsonObject().get(field) : null;
        return v != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isString() ? v : null;
    }
}
