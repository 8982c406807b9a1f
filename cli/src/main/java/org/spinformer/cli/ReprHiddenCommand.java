package org.spinformer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import org.spinformer.core.device.Devices;
import org.spinformer.core.io.Npy;
import org.spinformer.core.io.Utf8Lines;
import org.spinformer.representations.models.HiddenStateModel;
import org.spinformer.representations.models.HiddenStates;
import org.spinformer.representations.models.Models;
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
        description = "Write the pooled hidden states of every layer as a float32 .npy [layers+1, N, D] "
                + "(row i = line i of --texts; layer 0 = embeddings).")
public final class ReprHiddenCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.DeviceOption deviceOpt = new CommonOptions.DeviceOption();
    @Mixin
    CommonOptions.JsonOption jsonOpt = new CommonOptions.JsonOption();
    @Option(names = "--model", defaultValue = "minilm",
            description = "minilm (built in) or a Hugging Face directory (bert, roberta, gpt2, llama, qwen2, mistral). "
                    + "Default: ${DEFAULT-VALUE}")
    String model;

    @Option(names = "--texts", required = true, description = "UTF-8 text file, one text per line.")
    Path texts;

    @Option(names = "--pooling", defaultValue = "mean",
            description = "mean|first|last|last-n:N[:K] (last N tokens, dropping the final K), optional +sign. "
                    + "Default: ${DEFAULT-VALUE}")
    String pooling;

    @Option(names = "--out", required = true, description = "Output .npy file.")
    Path out;

    @Option(names = "--dtype", defaultValue = "float32", description = "Compute type float32|float64 "
            + "(default: ${DEFAULT-VALUE}); weights in F32/F16/BF16 are converted on load.")
    String dtype;

    @Option(names = "--batch-tokens", defaultValue = "2048",
            description = "Tokens per batch (B·T), texts sorted by length (default: ${DEFAULT-VALUE}).")
    int batchTokens;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static List<String> readLines(Path file) throws java.io.IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("texts file not found: " + file);
        }
        List<String> lines = new java.util.ArrayList<>(Utf8Lines.read(file, "--texts " + file));
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

    @Override
    public Integer call() throws Exception {
        Pooling pool = CommonOptions.option("--pooling", () -> Pooling.parse(pooling));
        if (batchTokens < 1) {
            throw new IllegalArgumentException("--batch-tokens must be >= 1");
        }
        List<String> lines = readLines(texts);
        Device dev = deviceOpt.parse();
        long t0 = System.nanoTime();
        CommonOptions.checkModel(model);
        try (HiddenStateModel m = Models.load(model, dev, Devices.parseDType(dtype));
             NDManager nd = Devices.manager(dev)) {
            NDArray h = HiddenStates.extract(m, lines, pool, nd, batchTokens);
            Npy.write(out, h.toDevice(Device.cpu(), false));
            double secs = (System.nanoTime() - t0) / 1e9;
            spec.commandLine().getOut().printf("wrote %s %s in %.1f s%n", out, h.getShape(), secs);
            if (jsonOpt.json) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("out", out.toString());
                j.put("shape", h.getShape().getShape());
                j.put("model", m.name());
                j.put("pooling", pool.toString());
                j.put("seconds", secs);
                spec.commandLine().getOut().println(new Gson().toJson(j));
            }
        }
        return 0;
    }
}
