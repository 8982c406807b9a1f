package org.spinformer.core.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Result files in JSON, written atomically ({@link AtomicFiles}) and always valid JSON: NaN and ±∞ (which JSON
 * does not have, and which most readers reject) are written as {@code null}, and the top-level object gets a
 * {@code "non_finite"} object that says, for each such field by its path, what the value was, e.g.
 * {@code "non_finite": {"rows[2].relative_error": "NaN"}}. A reader thus sees a missing value and its reason.
 */
public final class JsonFiles {
    /** Serialises special floating-point values into the tree, so they can be found and replaced. */
    private static final Gson TREE = new GsonBuilder().serializeSpecialFloatingPointValues().create();
    private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping()
            .create();

    /** The key of the object listing the non-finite values that were written as null. */
    public static final String NON_FINITE = "non_finite";

    private JsonFiles() {
    }

    /**
     * A copy of {@code value} (a {@link JsonElement}, or any object Gson serialises) with every non-finite
     * number replaced by null; when the result is an object and something was replaced, it carries
     * {@value #NON_FINITE}.
     */
    public static JsonElement finite(Object value) {
        JsonElement tree = value instanceof JsonElement ? ((JsonElement) value).deepCopy() : TREE.toJsonTree(value);
        JsonObject reasons = new JsonObject();
        JsonElement clean = clean(tree, "", reasons);
        if (clean.isJsonObject() && reasons.size() > 0) {
            clean.getAsJsonObject().add(NON_FINITE, reasons);
        }
        return clean;
    }

    /** Pretty-printed, finite JSON text of {@code value} (see {@link #finite}), ending in a newline. */
    public static String toJson(Object value) {
        return PRETTY.toJson(finite(value)) + "\n";
    }

    /** Atomically writes {@code value} as pretty-printed, finite JSON. */
    public static void write(Path file, Object value) throws IOException {
        AtomicFiles.write(file, toJson(value).getBytes(StandardCharsets.UTF_8));
    }

    private static JsonElement clean(JsonElement e, String path, JsonObject reasons) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            double d = e.getAsDouble();
            if (!Double.isFinite(d)) {
                reasons.addProperty(path.isEmpty() ? "$" : path, Double.toString(d));
                return JsonNull.INSTANCE;
            }
            return e;
        }
        if (e.isJsonArray()) {
            JsonArray out = new JsonArray();
            JsonArray in = e.getAsJsonArray();
            for (int i = 0; i < in.size(); i++) {
                out.add(clean(in.get(i), path + "[" + i + "]", reasons));
            }
            return out;
        }
        if (e.isJsonObject()) {
            JsonObject out = new JsonObject();
            for (Map.Entry<String, JsonElement> en : e.getAsJsonObject().entrySet()) {
                out.add(en.getKey(), clean(en.getValue(), path.isEmpty() ? en.getKey() : path + "." + en.getKey(),
                        reasons));
            }
            return out;
        }
        return e;
    }

    /**
     * Parses outside JSON strictly, for readers that hand it on to a native library (whose parser may abort the
     * process where ours would throw): the bytes must be UTF-8, the text one strict JSON document (no comments,
     * unquoted strings, NaN or trailing content, which Gson's default lenient parsing lets through) nested at most
     * {@code maxDepth} deep. Any failure is a {@link MalformedFileException} naming {@code file}.
     */
    public static JsonElement parseStrict(byte[] bytes, Path file, int maxDepth) throws MalformedFileException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedFileException(file, null, "not UTF-8 text");
        }
        JsonElement root;
        try (JsonReader r = new JsonReader(new StringReader(text))) {
            r.setStrictness(Strictness.STRICT);
            root = JsonParser.parseReader(r);
            if (r.peek() != JsonToken.END_DOCUMENT) {
                throw new MalformedFileException(file, null, "content after the JSON document");
            }
        } catch (JsonParseException | IllegalStateException | IOException e) {
            if (e instanceof MalformedFileException m) {
                throw m;
            }
            throw new MalformedFileException(file, null, "not strict JSON (" + e.getMessage() + ")");
        }
        // depth, iteratively (a deeply nested input must not overflow our stack either)
        java.util.ArrayDeque<JsonElement> todo = new java.util.ArrayDeque<>();
        java.util.ArrayDeque<Integer> depth = new java.util.ArrayDeque<>();
        todo.push(root);
        depth.push(1);
        while (!todo.isEmpty()) {
            JsonElement e = todo.pop();
            int d = depth.pop();
            if (d > maxDepth) {
                throw new MalformedFileException(file, null, "JSON nested deeper than " + maxDepth + " levels");
            }
            if (e.isJsonArray()) {
                for (JsonElement x : e.getAsJsonArray()) {
                    todo.push(x);
                    depth.push(d + 1);
                }
            } else if (e.isJsonObject()) {
                for (Map.Entry<String, JsonElement> x : e.getAsJsonObject().entrySet()) {
                    todo.push(x.getValue());
                    depth.push(d + 1);
                }
            }
        }
        return root;
    }
}
