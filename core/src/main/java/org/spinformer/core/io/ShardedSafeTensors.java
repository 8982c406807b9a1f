package org.spinformer.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.spinformer.core.nn.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Sharded safetensors checkpoints as published on the Hugging Face hub: {@code model.safetensors.index.json}
 * ({@code {"metadata": {...}, "weight_map": {"tensor name": "model-00001-of-00002.safetensors", ...}}}) beside
 * the shard files.
 *
 * <p>Every shard header is validated, and the index is checked against the shards (each listed tensor is in
 * its shard, each shard tensor is listed), before the first tensor is loaded. Loading then goes shard by shard,
 * one tensor at a time.
 */
public final class ShardedSafeTensors {
    /** The file name Hugging Face uses for the index. */
    public static final String INDEX_FILE = "model.safetensors.index.json";
    /** The file name Hugging Face uses for an unsharded checkpoint. */
    public static final String SINGLE_FILE = "model.safetensors";

    private ShardedSafeTensors() {
    }

    /** The parsed index: tensor name to shard file name, in index order. */
    public static LinkedHashMap<String, String> readWeightMap(Path indexFile) throws IOException {
        JsonObject root;
        try {
            JsonElement e = JsonParser.parseString(Files.readString(indexFile, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new MalformedFileException(indexFile, null, "index is not a JSON object");
            }
            root = e.getAsJsonObject();
        } catch (JsonParseException | java.nio.charset.MalformedInputException e) {
            throw new MalformedFileException(indexFile, null, "index is not valid JSON: " + e.getMessage(), e);
        }
        JsonElement wm = root.get("weight_map");
        if (wm == null || !wm.isJsonObject()) {
            throw new MalformedFileException(indexFile, null, "index has no 'weight_map' object");
        }
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> en : wm.getAsJsonObject().entrySet()) {
            JsonElement v = en.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw new MalformedFileException(indexFile, en.getKey(), "weight_map value must be a file name");
            }
            String shard = v.getAsString();
            if (shard.contains("/") || shard.contains("\\") || shard.equals("..") || shard.isEmpty()
                    || shard.chars().anyMatch(Character::isISOControl)) {
                throw new MalformedFileException(indexFile, en.getKey(), "shard '" + shard
                        + "' must be a plain file name beside the index");
            }
            out.put(en.getKey(), shard);
        }
        return out;
    }

    /**
     * Validates the index and every shard header; returns the headers by shard name in order of first
     * appearance in the weight map.
     */
    public static LinkedHashMap<String, SafeTensorsHeader> readHeaders(Path indexFile) throws IOException {
        LinkedHashMap<String, String> weightMap = readWeightMap(indexFile);
        Path dir = indexFile.toAbsolutePath().getParent();
        LinkedHashMap<String, SafeTensorsHeader> headers = new LinkedHashMap<>();
        for (String shard : new LinkedHashSet<>(weightMap.values())) {
            Path p = dir.resolve(shard);
            if (!Files.isRegularFile(p)) {
                throw new MalformedFileException(indexFile, null, "shard file " + p + " is missing");
            }
            headers.put(shard, SafeTensors.readHeader(p));
        }
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
            if (headers.get(e.getValue()).tensor(e.getKey()) == null) {
                throw new MalformedFileException(dir.resolve(e.getValue()), e.getKey(),
                        "listed in " + indexFile.getFileName() + " but absent from the shard");
            }
        }
        for (Map.Entry<String, SafeTensorsHeader> e : headers.entrySet()) {
            for (TensorInfo t : e.getValue().tensors()) {
                if (!e.getKey().equals(weightMap.get(t.name()))) {
                    throw new MalformedFileException(e.getValue().file(), t.name(), "present in the shard but "
                            + (weightMap.containsKey(t.name()) ? "mapped to " + weightMap.get(t.name())
                            : "not listed") + " in " + indexFile.getFileName());
                }
            }
        }
        return headers;
    }

    /** Validates everything, then hands the tensors to {@code consumer} shard by shard, one at a time. */
    public static void forEach(Path indexFile, NDManager manager, DataType target,
                               SafeTensors.TensorConsumer consumer) throws IOException {
        LinkedHashMap<String, SafeTensorsHeader> headers = readHeaders(indexFile);
        Path dir = indexFile.toAbsolutePath().getParent();
        for (String shard : headers.keySet()) {
            SafeTensors.forEach(dir.resolve(shard), manager, target, consumer);
        }
    }

    /** As {@link #forEach(Path, NDManager, DataType, SafeTensors.TensorConsumer)}, only the tensors {@code which} accepts. */
    public static void forEach(Path indexFile, NDManager manager, DataType target, Predicate<String> which,
                               SafeTensors.TensorConsumer consumer) throws IOException {
        LinkedHashMap<String, SafeTensorsHeader> headers = readHeaders(indexFile);
        Path dir = indexFile.toAbsolutePath().getParent();
        for (Map.Entry<String, SafeTensorsHeader> e : headers.entrySet()) {
            if (e.getValue().names().stream().anyMatch(which)) {
                SafeTensors.forEach(dir.resolve(e.getKey()), manager, target, which, consumer);
            }
        }
    }

    /** {@link SafeTensors#readRows} of the shard that holds {@code name}. */
    public static NDArray readRows(Path indexFile, String name, long[] rows, NDManager manager, DataType target)
            throws IOException {
        String shard = readWeightMap(indexFile).get(name);
        if (shard == null) {
            throw new MalformedFileException(indexFile, name, "not listed in the weight map");
        }
        return SafeTensors.readRows(indexFile.toAbsolutePath().getParent().resolve(shard), name, rows, manager,
                target);
    }

    /** Loads all tensors, ordered as in the weight map; closes what it created if anything fails. */
    public static Parameters load(Path indexFile, NDManager manager, DataType target) throws IOException {
        LinkedHashMap<String, String> weightMap = readWeightMap(indexFile);
        Map<String, NDArray> got = new HashMap<>();
        try {
            forEach(indexFile, manager, target, got::put);
        } catch (IOException | RuntimeException e) {
            got.values().forEach(NDArray::close);
            throw e;
        }
        Parameters p = new Parameters();
        for (String name : weightMap.keySet()) {
            p.put(name, got.get(name));
        }
        return p;
    }

    /**
     * Loads a Hugging Face style model directory or file: a {@code .safetensors} file, an index file, or a
     * directory holding {@value #INDEX_FILE} or {@value #SINGLE_FILE}.
     */
    public static Parameters loadAny(Path path, NDManager manager, DataType target) throws IOException {
        if (Files.isDirectory(path)) {
            Path index = path.resolve(INDEX_FILE);
            if (Files.isRegularFile(index)) {
                return load(index, manager, target);
            }
            Path single = path.resolve(SINGLE_FILE);
            if (Files.isRegularFile(single)) {
                return SafeTensors.load(single, manager, target);
            }
            throw new IllegalArgumentException(path + ": neither " + INDEX_FILE + " nor " + SINGLE_FILE + " found");
        }
        if (path.getFileName().toString().endsWith(".json")) {
            return load(path, manager, target);
        }
        return SafeTensors.load(path, manager, target);
    }

    /**
     * Writes {@code tensors} as shards of at most {@code maxShardBytes} bytes of data each (a tensor larger than
     * that gets a shard of its own) plus the index, in the Hugging Face naming
     * {@code model-0000i-of-0000n.safetensors}. Returns the shard paths.
     */
    public static List<Path> write(Path dir, Map<String, NDArray> tensors, long maxShardBytes) throws IOException {
        List<Map<String, NDArray>> shards = new ArrayList<>();
        Map<String, NDArray> cur = new LinkedHashMap<>();
        long curBytes = 0;
        long total = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            long b = e.getValue().size() * SafeDType.of(e.getValue().getDataType()).size();
            if (!cur.isEmpty() && curBytes + b > maxShardBytes) {
                shards.add(cur);
                cur = new LinkedHashMap<>();
                curBytes = 0;
            }
            cur.put(e.getKey(), e.getValue());
            curBytes += b;
            total += b;
        }
        if (!cur.isEmpty()) {
            shards.add(cur);
        }
        Files.createDirectories(dir);
        List<Path> paths = new ArrayList<>();
        JsonObject weightMap = new JsonObject();
        int n = shards.size();
        for (int i = 0; i < n; i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, n);
            Path p = dir.resolve(name);
            SafeTensors.write(p, shards.get(i), Map.of("format", "pt"));
            paths.add(p);
            for (String t : shards.get(i).keySet()) {
                weightMap.addProperty(t, name);
            }
        }
        JsonObject meta = new JsonObject();
        meta.addProperty("total_size", total);
        JsonObject root = new JsonObject();
        root.add("metadata", meta);
        root.add("weight_map", weightMap);
        AtomicFiles.write(dir.resolve(INDEX_FILE), new com.google.gson.GsonBuilder().setPrettyPrinting().create()
                .toJson(root).getBytes(StandardCharsets.UTF_8));
        return paths;
    }
}
