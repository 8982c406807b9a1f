package org.spinformer.language.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import org.spinformer.core.config.Records;
import org.spinformer.core.io.Checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Saving and loading any {@link MaskedLm} as a core {@link Checkpoint} (config.json holds the model config). */
public final class Models {
    private Models() {}

    /** Builds a model from its JSON config (kind factored or bert) with the given parameters (may be null). */
    public static MaskedLm build(JsonObject cfg, NDManager m, org.spinformer.core.nn.Parameters p, DataType dtype) {
        String kind = cfg.get("kind").getAsString();
        switch (kind) {
            case "factored":
                return new FactoredMlm(Records.fromJson(FactoredMlm.Config.class, cfg), m, p, dtype);
            case "bert":
                return new BertMlm(Records.fromJson(BertMlm.Config.class, cfg), m, p, dtype);
            default:
                throw new IllegalArgumentException("unknown model kind '" + kind + "'");
        }
    }

    /**
     * A model's config.json: {@code "kind"} (the name {@link #build} reads) and then the components of its
     * configuration record ({@link Records#toJson}).
     */
    static JsonObject configJson(String kind, Record cfg) {
        JsonObject o = new JsonObject();
        o.addProperty("kind", kind);
        Records.toJson(cfg).entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
        return o;
    }

    /** Saves the weights (no optimizer state) and config; {@code extra} entries are added to the config. */
    public static void save(Path dir, MaskedLm model, long step, JsonObject extra) throws IOException {
        JsonObject cfg = model.config().deepCopy();
        if (extra != null) {
            for (Map.Entry<String, com.google.gson.JsonElement> e : extra.entrySet()) {
                cfg.add(e.getKey(), e.getValue());
            }
        }
        Checkpoint.save(dir, model.parameters(), Map.of(), step, cfg, new JsonObject());
    }

    /** Loads a model saved by {@link #save} (or by the trainer's checkpoints). */
    public static MaskedLm load(Path dir, NDManager m) throws IOException {
        if (!Checkpoint.exists(dir)) {
            throw new IllegalArgumentException("no model checkpoint in " + dir);
        }
        Checkpoint.Data d = Checkpoint.load(dir, m);
        DataType dtype = d.weights().asMap().values().iterator().next().getDataType();
        return build(d.config(), m, d.weights(), dtype);
    }
}
