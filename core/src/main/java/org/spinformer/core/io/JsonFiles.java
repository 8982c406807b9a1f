package org.spinformer.core.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.io.IOException;
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
}
