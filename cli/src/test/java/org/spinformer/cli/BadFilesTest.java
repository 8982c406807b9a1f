package org.spinformer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inputs the fuzzer found, fed to the commands that read them: each is one line naming the file, exit code 1 (a bad
 * file; 2 is for bad arguments), and nothing is written.
 */
class BadFilesTest {
    @TempDir
    Path tmp;

    private Path seed(String resource, Path to) throws Exception {
        try (InputStream in = BadFilesTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("seed " + resource + " missing from the core test jar");
            }
            Files.createDirectories(to.getParent());
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
        return to;
    }

    private static void oneLineExit1(CliRun r, Path file) {
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains(file.toString()), r.err());
    }

    @Test
    void npyWithOverflowingStrides() throws Exception {
        Path a = seed("/org/spinformer/core/fuzz/ReaderFuzzTestInputs/npy/found-empty-shape-stride-overflow",
                tmp.resolve("a.npy"));
        CliRun r = CliRun.of("repr", "imbalance", "--a", a.toString(), "--b", a.toString(), "--device", "cpu");
        oneLineExit1(r, a);
    }

    @Test
    void modelDirectoryWithABadConfig() throws Exception {
        Path dir = tmp.resolve("model");
        Path cfg = dir.resolve("config.json");
        Files.createDirectories(dir);
        Files.writeString(cfg, "{\"model_type\": \"llama\", \"vocab_size\": 16, \"hidden_size\": 8, "
                + "\"num_attention_heads\": 2, \"num_hidden_layers\": \"two\", \"intermediate_size\": 12}");
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        Path texts = Files.writeString(tmp.resolve("t.txt"), "a text\n");
        Path out = tmp.resolve("h.npy");
        CliRun r = CliRun.of("repr", "hidden", "--model", dir.toString(), "--texts", texts.toString(), "--out",
                out.toString(), "--device", "cpu");
        oneLineExit1(r, cfg);
        assertTrue(r.err().contains("num_hidden_layers"), r.err());
        assertTrue(!Files.exists(out), "an output was written");
    }

    @Test
    void checkpointWhoseManifestIsNotJson() throws Exception {
        Path out = tmp.resolve("run");
        String[] args = {"nqs", "train", "--lattice", "triangular", "--size", "4x2", "--layers", "1", "--dim", "4",
            "--heads", "2", "--patch", "2", "--mlp-dim", "8", "--samples", "16", "--steps", "2", "--device", "cpu",
            "--out", out.toString()};
        assertEquals(0, CliRun.of(args).code());
        Path manifest = seed("/org/spinformer/core/fuzz/ReaderFuzzTestInputs/checkpointManifest/not-json",
                out.resolve("checkpoint/manifest.json"));
        String[] resume = java.util.Arrays.copyOf(args, args.length + 1);
        resume[args.length] = "--resume";
        CliRun r = CliRun.of(resume);
        oneLineExit1(r, manifest);
    }
}
