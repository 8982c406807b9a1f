package org.spinformer.core.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Result JSON is strict JSON: non-finite numbers become null, with the reason listed under "non_finite". */
class JsonFilesTest {
    @Test
    void nonFiniteNumbersBecomeNullWithTheirReason(@TempDir Path dir) throws Exception {
        JsonObject o = new JsonObject();
        o.addProperty("energy", -2.0);
        o.addProperty("variance", Double.NaN);
        JsonArray rows = new JsonArray();
        rows.add(1.5);
        rows.add(Double.NEGATIVE_INFINITY);
        o.add("rows", rows);
        JsonObject inner = new JsonObject();
        inner.addProperty("v_score", Double.POSITIVE_INFINITY);
        o.add("fit", inner);
        Path f = dir.resolve("summary.json");
        JsonFiles.write(f, o);
        String text = Files.readString(f);
        // a strict reader (no NaN, no Infinity) accepts it
        JsonReader strict = new JsonReader(new StringReader(text));
        strict.setLenient(false);
        JsonObject back = JsonParser.parseReader(strict).getAsJsonObject();
        assertEquals(-2.0, back.get("energy").getAsDouble());
        assertTrue(back.get("variance").isJsonNull());
        assertTrue(back.getAsJsonArray("rows").get(1).isJsonNull());
        assertTrue(back.getAsJsonObject("fit").get("v_score").isJsonNull());
        JsonObject why = back.getAsJsonObject(JsonFiles.NON_FINITE);
        assertEquals(Map.of("variance", "NaN", "rows[1]", "-Infinity", "fit.v_score", "Infinity"),
                Map.of("variance", why.get("variance").getAsString(), "rows[1]", why.get("rows[1]").getAsString(),
                        "fit.v_score", why.get("fit.v_score").getAsString()));
        assertEquals(3, why.size());
        // the input is not modified, and plain objects (records) are serialised the same way
        assertTrue(Double.isNaN(o.get("variance").getAsDouble()));
        record Row(String name, double value) { }
        assertEquals("{\n  \"name\": \"a\",\n  \"value\": null,\n  \"non_finite\": {\n    \"value\": \"NaN\"\n  }\n}\n",
                JsonFiles.toJson(new Row("a", Double.NaN)));
        assertTrue(!JsonFiles.toJson(new Row("b", 1)).contains(JsonFiles.NON_FINITE));
    }
}
