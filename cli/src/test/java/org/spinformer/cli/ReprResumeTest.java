package org.spinformer.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.representations.models.HiddenStateModel;
import org.spinformer.representations.models.Models;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --resume} of the token analyses, in-process: a run whose model fails halfway through its forward passes
 * (a crash mid-extraction) leaves its finished pieces in {@code <out>/partial/}; the same command with --resume
 * computes only the missing passes and ends with the output of an uninterrupted run (wall-clock fields aside), the
 * pieces removed; a resume with other options is refused.
 */
class ReprResumeTest {
    static HiddenStateModel minilm;

    @BeforeAll
    static void load() throws Exception {
        minilm = Models.load("minilm", ai.djl.Device.cpu(), ai.djl.ndarray.types.DataType.FLOAT32);
    }

    @AfterAll
    static void close() {
        minilm.close();
    }

    /** The command's arguments (without --out). */
    static List<String> args(String command) {
        return switch (command) {
            case "pastfuture" -> List.of("repr", "pastfuture", "--n", "24", "--layers", "0,3,6", "--batch-tokens", "256",
                    "--device", "cpu", "--json");
            case "spread" -> List.of("repr", "spread", "--n", "24", "--tokens", "1,4", "--layers", "2,6",
                    "--batch-tokens", "256", "--device", "cpu", "--json");
            default -> List.of("repr", "cross", "--model-a", "minilm", "--model-b", "minilm", "--n", "20",
                    "--batch-tokens", "256", "--device", "cpu", "--json");
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"pastfuture", "spread", "cross"})
    void stoppedRunResumesToTheUninterruptedOutput(String command, @TempDir Path dir) throws Exception {
        ReprCommandTest.Counting straight = new ReprCommandTest.Counting(minilm, Integer.MAX_VALUE);
        Path ref = dir.resolve("ref");
        CliRun r = run(straight, command, ref);
        assertEquals(0, r.code(), r.err());
        int forwards = straight.calls;
        assertTrue(forwards >= 2, "at least two forward batches: " + forwards);
        assertFalse(Files.exists(ref.resolve("partial")), "pieces removed when done");

        // the model fails after half of its forward passes
        Path out = dir.resolve("stopped");
        ReprCommandTest.Counting crash = new ReprCommandTest.Counting(minilm, forwards / 2);
        CliRun stopped = run(crash, command, out);
        assertEquals(1, stopped.code(), stopped.err());
        assertTrue(stopped.err().contains("simulated crash"), stopped.err());
        assertTrue(Files.isRegularFile(out.resolve("partial/settings.json")));
        assertFalse(Files.exists(out.resolve(command + ".json")), "no output before the end");

        // other options: refused, the pieces kept
        List<String> other = new ArrayList<>(args(command));
        other.addAll(List.of("--seed", "99", "--out", out.toString(), "--resume"));
        CliRun refused = CliRun.with(factory(new ReprCommandTest.Counting(minilm, Integer.MAX_VALUE)),
                other.toArray(String[]::new));
        assertEquals(2, refused.code(), refused.err());
        assertTrue(refused.err().contains("other settings"), refused.err());

        ReprCommandTest.Counting rest = new ReprCommandTest.Counting(minilm, Integer.MAX_VALUE);
        CliRun resumed = run(rest, command, out, "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(rest.calls < forwards, "finished passes are read, not computed: " + rest.calls + " of " + forwards);
        assertTrue(rest.calls >= forwards - forwards / 2, rest.calls + " of " + forwards);
        assertFalse(Files.exists(out.resolve("partial")), "pieces removed when done");
        assertEquals(untimed(JsonParser.parseString(Files.readString(ref.resolve(command + ".json")))),
                untimed(JsonParser.parseString(Files.readString(out.resolve(command + ".json")))));
        assertEquals(Files.readAllLines(ref.resolve(command + ".csv")), Files.readAllLines(out.resolve(command + ".csv")));
        assertEquals(untimed(r.lastJson()).toString().replace(ref.toString(), "OUT"),
                untimed(resumed.lastJson()).toString().replace(out.toString(), "OUT"));
    }

    private static CliRun run(ReprCommandTest.Counting model, String command, Path out, String... more) {
        List<String> a = new ArrayList<>(args(command));
        a.addAll(List.of("--out", out.toString()));
        a.addAll(List.of(more));
        return CliRun.with(factory(model), a.toArray(String[]::new));
    }

    /** Commands as usual, the token analyses loading {@code model} (whatever name they are given). */
    private static CommandLine.IFactory factory(ReprCommandTest.Counting model) {
        return new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                K o = CommandLine.defaultFactory().create(cls);
                if (o instanceof ReprAnalysisCommand c) {
                    c.loader = (spec, device, dtype) -> model.model();
                }
                return o;
            }
        };
    }

    /** A JSON tree without its wall-clock fields. */
    private static JsonElement untimed(JsonElement e) {
        if (e.isJsonObject()) {
            JsonObject o = new JsonObject();
            for (Map.Entry<String, JsonElement> en : e.getAsJsonObject().entrySet()) {
                if (!en.getKey().contains("seconds")) {
                    o.add(en.getKey(), untimed(en.getValue()));
                }
            }
            return o;
        }
        return e;
    }
}
