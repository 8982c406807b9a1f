package org.spinformer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.device.Devices;
import org.spinformer.core.io.Npy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReprCommandTest {
    @Test
    void imbalanceOfASpaceWithItselfIsTwoOverN(@TempDir Path dir) throws Exception {
        int n = 50;
        try (NDManager m = Devices.manager(Device.cpu())) {
            double[] v = new double[n * 3];
            Random r = new Random(1);
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextGaussian();
            }
            NDArray a = m.create(v).reshape(n, 3);
            Npy.write(dir.resolve("a.npy"), a);
            Npy.write(dir.resolve("b.npy"), a.mul(3.0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
        }
        CliRun run = CliRun.of("repr", "imbalance", "--a", dir.resolve("a.npy").toString(), "--b", dir.resolve("b.npy").toString(),
                "--device", "cpu", "--shuffled", "--json");
        assertEquals(0, run.code(), run.err());
        JsonObject j = run.lastJson();
        assertEquals(2.0 / n, j.get("a_to_b").getAsDouble(), 1e-15);
        assertEquals(2.0 / n, j.get("b_to_a").getAsDouble(), 1e-15);
        assertEquals(n, j.get("n").getAsInt());
        assertEquals(1, j.get("k").getAsInt());
        CliRun split = CliRun.of("repr", "imbalance", "--a", dir.resolve("a.npy").toString(), "--b",
                dir.resolve("b.npy").toString(), "--device", "cpu", "--queries", "20", "--json");
        assertEquals(0, split.code(), split.err());
        assertEquals(2.0 / n, split.lastJson().get("a_to_b").getAsDouble(), 1e-15);
    }

    @Test
    void badInputsAreOneLineErrors(@TempDir Path dir) {
        CliRun missing = CliRun.of("repr", "imbalance", "--a", dir.resolve("nope.npy").toString(), "--b",
                dir.resolve("nope.npy").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("error: file not found"), missing.err());
        CliRun pooling = CliRun.of("repr", "hidden", "--texts", dir.resolve("t.txt").toString(), "--pooling", "median",
                "--out", dir.resolve("h.npy").toString());
        assertEquals(2, pooling.code());
        assertTrue(pooling.err().contains("bad pooling 'median'"), pooling.err());
        assertFalse(pooling.err().contains("\tat "));
        assertFalse(Files.exists(dir.resolve("h.npy")));
        CliRun metric = CliRun.of("repr", "layers", "--metric", "manhattan", "--out", dir.resolve("x").toString());
        assertEquals(2, metric.code());
        assertTrue(metric.err().contains("unknown metric"), metric.err());
    }

    @Test
    void hiddenWritesAllLayersForEveryLine(@TempDir Path dir) throws Exception {
        Path texts = dir.resolve("t.txt");
        Files.writeString(texts, "In the beginning.\nEN el principio.\nA third, longer line of text here.\n",
                StandardCharsets.UTF_8);
        Path out = dir.resolve("h.npy");
        CliRun run = CliRun.of("repr", "hidden", "--model", "minilm", "--texts", texts.toString(), "--pooling", "last-n:2:1",
                "--out", out.toString(), "--device", "cpu", "--json");
        assertEquals(0, run.code(), run.err());
        Npy.Header h = Npy.readHeader(out);
        assertArrayEquals(new long[] {7, 3, 768}, h.shape());
        assertEquals(ai.djl.ndarray.types.DataType.FLOAT32, h.dtype());
    }

    @Test
    void layersWritesJsonCsvAndPlots(@TempDir Path dir) throws Exception {
        Path tsv = dir.resolve("pairs.tsv");
        StringBuilder sb = new StringBuilder();
        String[] en = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"};
        String[] es = {"uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once", "doce"};
        for (int i = 0; i < en.length; i++) {
            sb.append("the number ").append(en[i]).append('\t').append("el número ").append(es[i]).append('\n');
        }
        Files.writeString(tsv, sb.toString(), StandardCharsets.UTF_8);
        Path out = dir.resolve("scan");
        CliRun run = CliRun.of("repr", "layers", "--model", "minilm", "--pairs", tsv.toString(), "--n", "12", "--matrix",
                "--out", out.toString(), "--device", "cpu", "--json");
        assertEquals(0, run.code(), run.err());
        JsonObject j = run.lastJson();
        assertEquals(7, j.getAsJsonArray("a_to_b").size());
        for (String f : new String[] {"layers.json", "layers.csv", "imbalance.png", "imbalance.svg", "id.png",
            "matrix.png", "matrix.csv"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertEquals(8, Files.readAllLines(out.resolve("layers.csv")).size());
    }

    @Test
    void invalidUtf8InTextsOrPairsNamesTheLineAndOffset(@TempDir Path dir) throws Exception {
        Path texts = dir.resolve("t.txt");
        Files.write(texts, new byte[] {'o', 'k', '\n', 'b', (byte) 0xFF, 'd', '\n'});
        CliRun run = CliRun.of("repr", "hidden", "--model", "minilm", "--texts", texts.toString(),
                "--out", dir.resolve("h.npy").toString(), "--device", "cpu");
        assertEquals(1, run.code(), run.err());
        assertTrue(run.err().startsWith("error: --texts " + texts + ": invalid UTF-8 at line 2 (byte offset 4)"),
                run.err());
        assertFalse(run.err().contains("Input length"), run.err());
        assertFalse(Files.exists(dir.resolve("h.npy")));
        Path pairs = dir.resolve("p.tsv");
        Files.write(pairs, new byte[] {'a', '\t', 'b', '\n', 'c', '\t', (byte) 0xC3, '\n'});
        CliRun layers = CliRun.of("repr", "layers", "--pairs", pairs.toString(), "--out",
                dir.resolve("x").toString(), "--device", "cpu");
        assertEquals(1, layers.code(), layers.err());
        assertTrue(layers.err().startsWith("error: p.tsv: invalid UTF-8 at line 2 (byte offset 6)"), layers.err());
    }
}
