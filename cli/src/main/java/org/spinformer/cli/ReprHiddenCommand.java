package org.spinformer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import org.spinformer.core.device.Devices;
import org.spinformer.core.io.Npy;
import org.spinformer.core.io.Utf8Lines;
import org.spinformer.representations.models.HiddenStateModel;
import org.spinformer.representations.models.HiddenStates;
import org.spinformer.representations.models.ImageStates;
import org.spinformer.representations.models.LayerStream;
import org.spinformer.representations.models.TextTokenizer;
import org.spinformer.representations.models.VisionEncoder;
import org.spinformer.representations.pooling.Pooling;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code spinformer repr hidden}: pooled hidden states of every layer for the lines of a text file. */
@Command(name = "hidden", mixinStandardHelpOptions = true,
        description = "Write the pooled hidden states of every layer (or of --layers) as a float32 .npy "
                + "[layers+1, N, D] (row i = line i of --texts or --images; layer 0 = embeddings); --chunk and --resume make a "
                + "long extraction resumable.")
public final class ReprHiddenCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.DeviceJson deviceJson = new CommonOptions.DeviceJson();
    @Mixin
    HiddenStateOptions states = new HiddenStateOptions();

    @Option(names = "--texts", description = "UTF-8 text file, one text per line.")
    Path texts;

    @Option(names = "--images", description = "Instead of --texts: a file listing one image (PNG, JPEG, BMP, GIF) per "
            + "line, relative paths from the list's folder; --model must be a ViT or DINOv2 directory. Each image is "
            + "resized to the model's image size (bicubic), scaled to [0, 1] and normalised with image_mean/image_std "
            + "of preprocessor_config.json; pooling runs over the class token and the patches (first = class token).")
    Path images;

    @Option(names = "--out", required = true, description = "Output .npy file.")
    Path out;

    /** {@code --layers}: with a list, the output is [len(layers), N, D]. */
    @Mixin
    LayersOption layers = new LayersOption();

    @Option(names = "--chunk", defaultValue = "0", description = "Texts per part: each part is written to "
            + "<out>.parts/ as it is done and the parts are joined into --out at the end, so with --resume a run "
            + "stopped mid-corpus continues from the first missing part (0: one part; default: ${DEFAULT-VALUE}).")
    int chunk;

    @Option(names = "--stream-layers", description = "Load one decoder layer at a time from the (sharded) safetensors "
            + "of --model (a gpt2, llama, qwen2 or mistral directory), push every batch through it and free it; the "
            + "token table is read only for the tokens present, and layers past the deepest of --layers are never "
            + "read. Peak memory: one layer + the activations of all texts at one depth + one batch's intermediates "
            + "+ the outputs; batches default to " + STREAM_BATCH_TOKENS + " tokens here (a batch's intermediates "
            + "grow with its tokens), --batch-tokens overrides. Same results as without.")
    boolean streamLayers;

    /** Tokens per batch with --stream-layers unless --batch-tokens is given (README: peak memory vs batch size). */
    static final int STREAM_BATCH_TOKENS = 128;

    @Option(names = "--resume", description = "With --chunk: keep the parts already in <out>.parts/ (made with the "
            + "same settings) and compute the rest.")
    boolean resume;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static List<String> readLines(Path file) throws java.io.IOException {
        return readLines(file, "--texts");
    }

    /** The non-empty lines of the list given as {@code option}; one clear error for a missing or bad file. */
    static List<String> readLines(Path file, String option) throws java.io.IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(option + " file not found: " + file);
        }
        List<String> lines = new java.util.ArrayList<>(Utf8Lines.read(file, option + " " + file));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + " has no lines");
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + " is empty (one text per line)");
            }
        }
        return lines;
    }

    /** The --texts or --images list. */
    Path input() {
        return texts != null ? texts : images;
    }

    Path parts() {
        return out.resolveSibling(out.getFileName() + ".parts");
    }

    /**
     * The texts in parts of {@code chunk}: part k (texts k·chunk …) is written to {@code <out>.parts/part-<k>.npy}
     * atomically when done; {@code settings.json} there records what the parts were made with, and a resume with
     * other settings is refused. The parts are joined in order.
     */
    NDArray inParts(Extractor x, List<String> lines, Pooling pool, int[] keep, NDManager nd) throws Exception {
        Path dir = parts();
        com.google.gson.JsonObject settings = new com.google.gson.JsonObject();
        settings.addProperty("model", states.model.name);
        settings.addProperty(images != null ? "images" : "texts", input().toAbsolutePath().toString());
        settings.addProperty("lines", lines.size());
        settings.addProperty("text_hash", Integer.toHexString(lines.hashCode()));
        settings.addProperty("pooling", pool.toString());
        settings.addProperty("layers", keep == null ? "all" : java.util.Arrays.toString(keep));
        settings.addProperty("dtype", states.compute.dtype);
        settings.addProperty("chunk", chunk);
        Path sf = dir.resolve("settings.json");
        if (Files.exists(dir) && resume) {
            if (!Files.isRegularFile(sf) || !com.google.gson.JsonParser.parseString(Files.readString(sf))
                    .equals(settings)) {
                throw new IllegalArgumentException(dir + " holds parts made with other settings: not resuming; "
                        + "delete it or run without --resume");
            }
        } else {
            if (Files.exists(dir)) {
                org.spinformer.core.io.AtomicFiles.deleteRecursively(dir);
            }
            Files.createDirectories(dir);
            org.spinformer.core.io.JsonFiles.write(sf, settings);
        }
        NDList all = new NDList();
        int partsCount = (lines.size() + chunk - 1) / chunk;
        for (int k = 0; k < partsCount; k++) {
            Path part = dir.resolve("part-" + k + ".npy");
            NDArray h;
            if (Files.isRegularFile(part)) {
                h = Npy.read(part, nd);
            } else {
                List<String> sub = lines.subList(k * chunk, Math.min(lines.size(), (k + 1) * chunk));
                h = x.extract(sub).toDevice(Device.cpu(), false);
                Npy.write(part, h);
                System.err.printf("part %d/%d written%n", k + 1, partsCount);
            }
            all.add(h);
        }
        return ai.djl.ndarray.NDArrays.concat(all, 1);
    }

    /** Pooled states [S, n, D] of some texts, by the whole model or layer by layer. */
    @FunctionalInterface
    interface Extractor {
        NDArray extract(List<String> texts) throws Exception;
    }

    /** The whole-model extractor of {@code m}. */
    Extractor whole(HiddenStateModel m, Pooling pool, NDManager nd, int[] keep) {
        return sub -> HiddenStates.extractIds(m, m.tokenizer().encode(sub), pool, nd, states.compute.batchTokens, keep);
    }

    @Override
    public Integer call() throws Exception {
        Pooling pool = states.pooling();
        if (states.compute.batchTokens < 1) {
            throw new IllegalArgumentException("--batch-tokens must be >= 1");
        }
        if ((texts == null) == (images == null)) {
            throw new IllegalArgumentException("give exactly one of --texts and --images");
        }
        List<String> lines = images != null ? readLines(images, "--images") : readLines(texts);
        Device dev = deviceJson.device();
        long t0 = System.nanoTime();
        states.checkModel();
        CommonOptions.atLeast("--chunk", chunk, 0);
        int[] keep = layers.checked(states.model.name);
        DataType dt = states.compute.dataType();
        String model = states.model.name;
        if ((streamLayers || images != null) && (org.spinformer.representations.models.Models.builtIn(model) != null
                || !Files.isDirectory(Path.of(model)))) {
            throw new IllegalArgumentException((streamLayers ? "--stream-layers needs --model to be a decoder "
                    + "directory (gpt2, llama, qwen2, mistral)" : "--images needs --model to be a ViT or DINOv2 "
                    + "directory") + ", got '" + model + "'");
        }
        if (streamLayers && images != null) {
            throw new IllegalArgumentException("--stream-layers works on decoders, not with --images");
        }
        try (AutoCloseable loaded = streamLayers ? LayerStream.tokenizer(Path.of(model))
                     : images != null ? VisionEncoder.load(Path.of(model), dev, dt) : states.load(dev);
             NDManager nd = Devices.manager(dev)) {
            String name = loaded instanceof HiddenStateModel m ? m.name() : Path.of(model).getFileName().toString();
            Extractor x;
            if (loaded instanceof HiddenStateModel m) {
                x = whole(m, pool, nd, keep);
            } else if (loaded instanceof VisionEncoder v) {
                ImageStates.Normalisation norm = ImageStates.Normalisation.of(Path.of(model), v.config());
                int batch = (int) Math.max(1, states.compute.batchTokens / (1 + v.config().patches()));
                Path base = images.toAbsolutePath().getParent();
                x = sub -> ImageStates.extract(v, norm, sub.stream().map(base::resolve).toList(), pool, nd, batch,
                        keep);
            } else {
                int batch = spec != null && !spec.commandLine().getParseResult().hasMatchedOption("--batch-tokens")
                        ? STREAM_BATCH_TOKENS : states.compute.batchTokens;
                x = sub -> LayerStream.extract(Path.of(model), dt, ((TextTokenizer) loaded).encode(sub), pool, nd,
                        batch, keep);
            }
            NDArray h = chunk == 0 ? x.extract(lines) : inParts(x, lines, pool, keep, nd);
            Npy.write(out, h.toDevice(Device.cpu(), false));
            if (chunk > 0) {
                org.spinformer.core.io.AtomicFiles.deleteRecursively(parts());
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            spec.commandLine().getOut().printf("wrote %s %s in %.1f s%n", out, h.getShape(), secs);
            if (deviceJson.json()) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("out", out.toString());
                j.put("shape", h.getShape().getShape());
                j.put("model", name);
                j.put("stream_layers", streamLayers);
                j.put("pooling", pool.toString());
                j.put("seconds", secs);
                spec.commandLine().getOut().println(new Gson().toJson(j));
            }
        }
        return 0;
    }
}
