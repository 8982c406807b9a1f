package org.spinformer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.spinformer.core.io.Checkpoint;
import org.spinformer.core.io.JsonFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The NaN/∞ guard of every training command that takes a learning rate: an absurd rate makes each diverge, and
 * each must stop with exit code 1 and one line naming the step and the quantity, leave only strict JSON (no bare
 * NaN or Infinity) in its output files, and keep a last checkpoint that is intact, from before the bad step and
 * finite in every weight (one case diverges only after its first checkpoints, so that check is exercised).
 */
class DivergenceTest {
    private static final Pattern STOP = Pattern.compile("^error: step (\\d+): (.+?) is (NaN|-?Infinity)\\b.*");

    @TempDir
    static Path tmp;

    /** {quantity expected in the message, command words and options…}; "OUT" is a fresh directory. */
    static Stream<org.junit.jupiter.params.provider.Arguments> cases() {
        return Stream.<String[]>of(
            new String[] {"energy", "nqs", "train", "--size", "4x4", "--lr", "1e6", "--steps", "20",
                "--checkpoint-every", "1", "--out", "OUT"},
            new String[] {"energy", "nqs", "train", "--size", "4x4", "--optimizer", "adam", "--lr", "1e12", "--steps", "20",
                "--checkpoint-every", "1", "--out", "OUT"},
            new String[] {"training loss", "language", "train-factored", "--lr", "1e12", "--steps", "60", "--layers",
                "1", "--vocab", "50", "--batch", "16", "--checkpoint-every", "10", "--out", "OUT"},
            // diverges later (step 40 here), after a checkpoint was written
            new String[] {"", "language", "train-factored", "--lr", "1000", "--steps", "200", "--layers", "1",
                "--vocab", "50", "--batch", "16", "--checkpoint-every", "5", "--out", "OUT"},
            new String[] {"training loss", "language", "train-gpt", "--lr", "1e12", "--steps", "60", "--layers", "1",
                "--vocab", "50", "--batch", "16", "--checkpoint-every", "10", "--out", "OUT"},
            new String[] {"training loss", "language", "potts", "--lr", "1e12", "--checkpoint-every", "20", "--out",
                "OUT"})
                .map(c -> org.junit.jupiter.params.provider.Arguments.of((Object) c));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void absurdLearningRateStopsCleanly(String[] c) throws Exception {
        Path out = Files.createTempDirectory(tmp, "run").resolve("o");
        String[] args = Stream.of(c).skip(1).map(s -> s.equals("OUT") ? out.toString() : s).toArray(String[]::new);
        CliRun r = CliRun.of(args);
        String what = String.join(" ", args) + " -> " + r.err();
        assertEquals(1, r.code(), what);
        assertEquals(1, r.err().strip().split("\n").length, what);
        Matcher m = STOP.matcher(r.err().strip());
        assertTrue(m.matches(), what);
        assertTrue(m.group(2).contains(c[0]), what);
        long badStep = Long.parseLong(m.group(1));

        List<Path> files;
        try (Stream<Path> s = Files.walk(out)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertFalse(files.isEmpty(), what);
        for (Path f : files) {
            assertStrictJson(f);
        }
        List<Path> checkpoints = new ArrayList<>();
        for (Path f : files) {
            if (f.getFileName().toString().equals(Checkpoint.MANIFEST)) {
                checkpoints.add(f.getParent());
            }
        }
        int every = Integer.parseInt(args[List.of(args).indexOf("--checkpoint-every") + 1]);
        if (badStep > every + 1) {
            assertFalse(checkpoints.isEmpty(), "no checkpoint before step " + badStep + ": " + what);
        }
        for (Path dir : checkpoints) {
            Checkpoint.verify(dir);
            try (NDManager mgr = NDManager.newBaseManager(Device.cpu())) {
                Checkpoint.Data d = Checkpoint.load(dir, mgr);
                assertTrue(d.step() < badStep, dir + ": checkpoint of step " + d.step() + ", bad step " + badStep);
                for (Map.Entry<String, NDArray> e : d.weights()) {
                    NDArray bad = e.getValue().isNaN().logicalOr(e.getValue().isInfinite());
                    assertFalse(bad.any().getBoolean(), dir + " " + e.getKey() + " is not finite");
                }
            }
        }
    }

    /** JSON and JSON-lines files must parse as strict JSON (a bare NaN or Infinity does not). */
    private static void assertStrictJson(Path f) throws IOException {
        String name = f.getFileName().toString();
        if (name.endsWith(".json")) {
            JsonFiles.parseStrict(Files.readAllBytes(f), f, 64);
        } else if (name.endsWith(".jsonl")) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    JsonFiles.parseStrict(line.getBytes(StandardCharsets.UTF_8), f, 64);
                }
            }
        }
    }
}
