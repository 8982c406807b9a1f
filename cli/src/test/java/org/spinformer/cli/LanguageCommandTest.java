package org.spinformer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The language subcommands: help and bad input (exit 2, one line, no stack trace, no output files). */
class LanguageCommandTest {
    @Test
    void helpListsSubcommands() {
        CliRun r = CliRun.of("language", "--help");
        assertEquals(0, r.code());
        for (String s : new String[] {"train-factored", "clones", "diagnose", "simplicity", "simplicity-gpt", "potts", "train-gpt", "memory", "attractor"}) {
            assertTrue(r.out().contains(s), s);
        }
    }

    @Test
    void badInputIsExitTwoWithoutStackTrace(@TempDir Path tmp) {
        CliRun[] runs = {
            CliRun.of("language", "potts", "--sites", "1", "--out", tmp.resolve("p").toString()),
            CliRun.of("language", "potts", "--samples", "5", "--out", tmp.resolve("p").toString()),
            CliRun.of("language", "clones", "--model", tmp.resolve("none").toString(), "--out", tmp.resolve("c").toString()),
            CliRun.of("language", "diagnose", "--clones", tmp.resolve("none").toString()),
            CliRun.of("language", "clones", "--model", tmp.toString(), "--rule", "gibbs"),
            CliRun.of("language", "train-factored", "--layers", "9", "--out", tmp.resolve("f").toString()),
        };
        for (CliRun r : runs) {
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().startsWith("error: "), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace");
        }
        assertFalse(tmp.resolve("p").resolve("results.json").toFile().exists());
        // the config records validate, and their messages name the option
        String[][] named = {
            {"--seeds must be >= 1, got 0", "language", "simplicity", "--seeds", "0"},
            {"--teacher-steps must be >= 10, got 5", "language", "simplicity", "--teacher-steps", "5"},
            {"--layers must be in 1..6", "language", "simplicity", "--layers", "0,2"},
            {"--student-steps must be >= 10, got 5", "language", "simplicity-gpt", "--student-steps", "5"},
            {"--student-dim (64) must be a positive multiple of --student-heads (5)", "language", "simplicity-gpt",
                "--student-heads", "5"},
            {"--lr must be finite", "language", "potts", "--lr", "NaN"},
            {"--thin must be >= 1", "language", "potts", "--thin", "0"},
        };
        for (String[] n : named) {
            CliRun r = CliRun.of(java.util.Arrays.copyOfRange(n, 1, n.length));
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().startsWith("error: ") && r.err().contains(n[0]), r.err());
            assertEquals(1, r.err().strip().split("\n").length, r.err());
        }
    }

    /** memory: every point written, PL and pinv store their patterns, a resume recomputes nothing. */
    @Test
    void memoryWritesRecallCurvesAndResumes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        String[] common = {"language", "memory", "--sites", "40", "--loads", "0.1,0.3", "--corruptions", "0,0.1",
            "--trials", "2", "--pl-steps", "200", "--device", "cpu", "--out", tmp.toString()};
        CliRun first = CliRun.of(common);
        assertEquals(0, first.code(), first.err());
        java.util.List<String> csv = java.nio.file.Files.readAllLines(tmp.resolve("memory.csv"));
        assertEquals(1 + 3 * 2 * 2, csv.size());
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",");
            if (!f[0].equals("hebb") && f[3].equals("0.0")) {
                assertEquals(1.0, Double.parseDouble(f[4]), 0.0, "stored patterns are fixed points: " + line);
            }
        }
        byte[] rows = java.nio.file.Files.readAllBytes(tmp.resolve("rows.jsonl"));
        CliRun again = CliRun.of(concat(common, "--resume"));
        assertEquals(0, again.code(), again.err());
        org.junit.jupiter.api.Assertions.assertArrayEquals(rows, java.nio.file.Files.readAllBytes(tmp.resolve("rows.jsonl")));
        assertEquals(csv, java.nio.file.Files.readAllLines(tmp.resolve("memory.csv")));
        assertTrue(java.nio.file.Files.isRegularFile(tmp.resolve("memory_basins.png")));
    }

    /**
     * attractor: every curve written for both models, the trained one denoises its train examples where the
     * untrained one does not, the files are strict JSON; an absurd learning rate stops with one line naming the
     * step and the loss; bad arguments are refused before anything is written.
     */
    @Test
    void attractorWritesCurvesAndStopsOnDivergence(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path out = tmp.resolve("a");
        CliRun r = CliRun.of("language", "attractor", "--train", "12", "--test", "12", "--steps", "100", "--time", "6",
                "--starts", "12", "--device", "cpu", "--json", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        java.util.List<String> csv = java.nio.file.Files.readAllLines(out.resolve("curves.csv"));
        assertEquals(1 + 10 * 7, csv.size(), "2 models x 5 start sets x 7 times");
        String[] lines = r.out().strip().split("\n");
        var summary = com.google.gson.JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject()
                .getAsJsonObject("summary");
        double trained = summary.getAsJsonObject("trained/denoise/train").getAsJsonObject("own").get("peak").getAsDouble();
        double start = summary.getAsJsonObject("trained/denoise/train").getAsJsonObject("own").get("t0").getAsDouble();
        double untrained = summary.getAsJsonObject("untrained/denoise/train").getAsJsonObject("own").get("final")
                .getAsDouble();
        assertTrue(trained > start + 0.05 && untrained < start, trained + " " + start + " " + untrained);
        org.spinformer.core.io.JsonFiles.parseStrict(java.nio.file.Files.readAllBytes(out.resolve("attractor.json")),
                out.resolve("attractor.json"), 64);
        for (String f : new String[] {"attractor_transient", "attractor_denoise", "attractor_masked", "attractor_training"}) {
            assertTrue(java.nio.file.Files.isRegularFile(out.resolve(f + ".png")), f);
            assertTrue(java.nio.file.Files.isRegularFile(out.resolve(f + ".svg")), f);
        }
        CliRun bad = CliRun.of("language", "attractor", "--lr", "1e6", "--steps", "50", "--train", "8", "--starts", "8",
                "--device", "cpu", "--out", tmp.resolve("d").toString());
        assertEquals(1, bad.code(), bad.err());
        assertEquals(1, bad.err().strip().split("\n").length, bad.err());
        assertTrue(bad.err().matches("(?s)error: step \\d+: loss is (NaN|-?Infinity).*"), bad.err());
        for (String line : java.nio.file.Files.readAllLines(tmp.resolve("d").resolve("training.jsonl"))) {
            org.spinformer.core.io.JsonFiles.parseStrict(line.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    tmp.resolve("d"), 8);
        }
    }

    /** train-gpt: two depths, their exact clones, and a resume of a finished run that changes nothing. */
    @Test
    void trainGptWritesModelsClonesAndResumes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        String[] common = {"language", "train-gpt", "--corpus", "moby-dick", "--vocab", "60", "--length", "8",
            "--layers", "1,2", "--dim", "8", "--heads", "2", "--steps", "60", "--batch", "16", "--clones", "50",
            "--checkpoint-every", "20", "--device", "cpu", "--out", tmp.toString()};
        CliRun first = CliRun.of(common);
        assertEquals(0, first.code(), first.err());
        var s1 = summary(tmp);
        for (int n = 1; n <= 2; n++) {
            double loss = s1.get("test_loss_n" + n).getAsDouble();
            assertTrue(loss > 0 && loss < Math.log(60), "test loss below the uniform log V: " + loss);
            java.util.List<String> rows = java.nio.file.Files.readAllLines(tmp.resolve("clone_n" + n).resolve("clones.tsv"));
            assertEquals(50, rows.size());
            assertEquals(8, rows.get(0).split("\t").length);
            assertTrue(java.nio.file.Files.isRegularFile(tmp.resolve("gpt_n" + n + ".jsonl")));
        }
        byte[] clones = java.nio.file.Files.readAllBytes(tmp.resolve("clone_n2").resolve("clones.tsv"));
        CliRun again = CliRun.of(concat(common, "--resume"));
        assertEquals(0, again.code(), again.err());
        assertEquals(s1, summary(tmp));
        org.junit.jupiter.api.Assertions.assertArrayEquals(clones,
                java.nio.file.Files.readAllBytes(tmp.resolve("clone_n2").resolve("clones.tsv")));
    }

    /**
     * train-gpt's curriculum is the default (depth 2 alone still trains depth 1 first, and starts from it);
     * --no-curriculum trains depth 2 alone from scratch.
     */
    @Test
    void trainGptCurriculumIsTheDefault(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        String[] common = {"language", "train-gpt", "--corpus", "moby-dick", "--vocab", "60", "--length", "8",
            "--layers", "2", "--dim", "8", "--heads", "2", "--steps", "20", "--batch", "16", "--clones", "0",
            "--device", "cpu"};
        CliRun warm = CliRun.of(concat(common, "--out", tmp.resolve("warm").toString()));
        assertEquals(0, warm.code(), warm.err());
        assertTrue(java.nio.file.Files.isRegularFile(tmp.resolve("warm/gpt_n1.jsonl")));
        assertTrue(java.nio.file.Files.readString(tmp.resolve("warm/checkpoints/gpt_n2/config.json"))
                .contains("\"warm_start\": \"gpt_n1\""));
        CliRun cold = CliRun.of(concat(common, "--out", tmp.resolve("cold").toString(), "--no-curriculum"));
        assertEquals(0, cold.code(), cold.err());
        assertTrue(!java.nio.file.Files.exists(tmp.resolve("cold/gpt_n1.jsonl")));
        assertTrue(java.nio.file.Files.readString(tmp.resolve("cold/checkpoints/gpt_n2/config.json"))
                .contains("\"warm_start\": \"none\""));
        for (String run : new String[] {"warm", "cold"}) { // only the asked depth is reported
            assertTrue(summary(tmp.resolve(run)).has("test_loss_n2") && !summary(tmp.resolve(run)).has("test_loss_n1"));
        }
    }

    /** A run stopped by its wall-clock budget and resumed gives the uninterrupted run's test losses exactly. */
    @Test
    void trainFactoredResumesThroughTheHarness(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        String[] common = {"language", "train-factored", "--corpus", "moby-dick", "--vocab", "60", "--length", "8",
            "--layers", "1,2", "--dim", "8", "--heads", "2", "--steps", "120", "--batch", "16", "--warmup", "10",
            "--device", "cpu", "--json"};
        CliRun straight = CliRun.of(concat(common, "--out", tmp.resolve("a").toString()));
        assertEquals(0, straight.code(), straight.err());
        CliRun part = CliRun.of(concat(common, "--out", tmp.resolve("b").toString(), "--max-minutes", "1e-9"));
        assertEquals(0, part.code(), part.err());
        assertEquals(false, summary(tmp.resolve("b")).get("complete").getAsBoolean());
        CliRun rest = CliRun.of(concat(common, "--out", tmp.resolve("b").toString(), "--resume"));
        assertEquals(0, rest.code(), rest.err());
        for (String k : new String[] {"test_loss_n1", "test_loss_n2"}) {
            assertEquals(summary(tmp.resolve("a")).get(k).getAsDouble(), summary(tmp.resolve("b")).get(k).getAsDouble(),
                    0.0, k);
        }
    }

    /**
     * simplicity --resume: after a complete run, and after one BERT seed's checkpoint is lost, the resumed run
     * restores or retrains what is needed and writes the same curves.
     */
    @Test
    void simplicityResumesThroughTheHarness(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        String[] common = {"language", "simplicity", "--corpus", "moby-dick", "--vocab", "60", "--length", "8",
            "--layers", "1", "--factored-steps", "20", "--clones", "16", "--bert-clones", "8", "--teacher-steps",
            "20", "--bert-steps", "20", "--seeds", "2", "--eval-points", "2", "--eval-windows", "16", "--sweeps", "2",
            "--device", "cpu", "--out", tmp.toString()};
        CliRun first = CliRun.of(common);
        assertEquals(0, first.code(), first.err());
        String curves = java.nio.file.Files.readString(tmp.resolve("curves.csv"));
        org.spinformer.core.io.AtomicFiles.deleteRecursively(tmp.resolve("checkpoints/bert_seed1"));
        CliRun again = CliRun.of(concat(common, "--resume"));
        assertEquals(0, again.code(), again.err());
        assertEquals(curves, java.nio.file.Files.readString(tmp.resolve("curves.csv")));
        assertTrue(java.nio.file.Files.isRegularFile(tmp.resolve("checkpoints/bert_seed1/checkpoint/manifest.json")));
    }

    /**
     * simplicity-gpt --resume: after a complete run, and after one student seed's checkpoint is lost, the resumed
     * run restores the factored depths and the finished seed, retrains the lost one and writes the same curves.
     */
    @Test
    void simplicityGptResumesThroughTheHarness(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        String[] common = {"language", "simplicity-gpt", "--corpus", "moby-dick", "--vocab", "60", "--length", "8",
            "--layers", "1", "--factored-steps", "20", "--factored-dim", "8", "--clones", "16", "--student-layers",
            "1", "--student-dim", "8", "--student-hidden", "16", "--student-steps", "20", "--student-batch", "8",
            "--seeds", "2", "--eval-points", "2", "--eval-windows", "16", "--device", "cpu", "--json", "--out",
            tmp.toString()};
        CliRun first = CliRun.of(common);
        assertEquals(0, first.code(), first.err());
        String curves = java.nio.file.Files.readString(tmp.resolve("curves.csv"));
        byte[] clones = java.nio.file.Files.readAllBytes(tmp.resolve("clone_n1").resolve("clones.tsv"));
        org.spinformer.core.io.AtomicFiles.deleteRecursively(tmp.resolve("checkpoints/student_seed1"));
        CliRun again = CliRun.of(concat(common, "--resume"));
        assertEquals(0, again.code(), again.err());
        assertEquals(curves, java.nio.file.Files.readString(tmp.resolve("curves.csv")));
        org.junit.jupiter.api.Assertions.assertArrayEquals(clones,
                java.nio.file.Files.readAllBytes(tmp.resolve("clone_n1").resolve("clones.tsv")));
        assertTrue(java.nio.file.Files.isRegularFile(tmp.resolve("checkpoints/student_seed1/checkpoint/manifest.json")));
        // the clones of that run, used by a second run instead of training the factored models again
        CliRun reuse = CliRun.of(concat(java.util.Arrays.copyOf(common, common.length - 1),
                tmp.resolve("b").toString(), "--clones-from", tmp.toString()));
        assertEquals(0, reuse.code(), reuse.err());
        assertEquals(curves, java.nio.file.Files.readString(tmp.resolve("b").resolve("curves.csv")));
    }

    private static com.google.gson.JsonObject summary(java.nio.file.Path dir) {
        try {
            return com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(dir.resolve("summary.json")))
                    .getAsJsonObject();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
