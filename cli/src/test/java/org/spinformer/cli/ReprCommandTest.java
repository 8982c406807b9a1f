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
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    /**
     * --layers keeps only the chosen states (equal to those rows of the full output); --chunk writes parts, and a run
     * stopped mid-corpus (the output and its last part gone) continues with --resume to the same file.
     */
    @Test
    void hiddenKeepsChosenLayersAndResumesMidCorpus(@TempDir Path dir) throws Exception {
        Path texts = dir.resolve("t.txt");
        Files.writeString(texts, "In the beginning.\nEN el principio.\nA third, longer line of text here.\nFour.\n"
                + "And a fifth line.\nSix is here too.\nSeven.\n", StandardCharsets.UTF_8);
        String[] base = {"repr", "hidden", "--model", "minilm", "--texts", texts.toString(), "--device", "cpu"};
        Path all = dir.resolve("all.npy");
        assertEquals(0, CliRun.of(concat(base, "--out", all.toString())).code());
        Path some = dir.resolve("some.npy");
        CliRun r = CliRun.of(concat(base, "--out", some.toString(), "--layers", "0,6"));
        assertEquals(0, r.code(), r.err());
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu())) {
            ai.djl.ndarray.NDArray a = Npy.read(all, m);
            ai.djl.ndarray.NDArray b = Npy.read(some, m);
            assertArrayEquals(new long[] {2, 7, 384}, b.getShape().getShape());
            assertEquals(0f, a.get(0).sub(b.get(0)).abs().max().getFloat(), 0f);
            assertEquals(0f, a.get(6).sub(b.get(1)).abs().max().getFloat(), 0f);
            Path parted = dir.resolve("parted.npy");
            String[] chunked = concat(base, "--out", parted.toString(), "--chunk", "3");
            assertEquals(0, CliRun.of(chunked).code());
            ai.djl.ndarray.NDArray c = Npy.read(parted, m);
            // other batch compositions: equal up to float32 rounding
            assertTrue(a.sub(c).abs().max().getFloat() < 1e-5f, "chunked vs whole");
            assertFalse(Files.exists(dir.resolve("parted.npy.parts")), "parts removed when done");
            // a run that dies after its second part, then --resume: only the third part is computed, and the
            // result equals an uninterrupted chunked run's exactly
            ReprHiddenCommand cmd = new ReprHiddenCommand();
            cmd.states.model.name = "minilm";
            cmd.texts = texts;
            cmd.out = dir.resolve("k.npy");
            cmd.chunk = 3;
            cmd.states.compute.dtype = "float32";
            cmd.states.compute.batchTokens = 2048;
            java.util.List<String> lines = ReprHiddenCommand.readLines(texts);
            org.spinformer.representations.pooling.Pooling pool =
                    org.spinformer.representations.pooling.Pooling.parse("mean");
            try (org.spinformer.representations.models.HiddenStateModel mini =
                         org.spinformer.representations.models.Models.load("minilm", ai.djl.Device.cpu(),
                                 ai.djl.ndarray.types.DataType.FLOAT32)) {
                Counting crash = new Counting(mini, 2);
                assertThrows(IllegalStateException.class,
                        () -> cmd.inParts(cmd.whole(crash.model(), pool, m, null), lines, pool, null, m));
                assertTrue(Files.isRegularFile(dir.resolve("k.npy.parts/part-1.npy")));
                assertFalse(Files.exists(dir.resolve("k.npy.parts/part-2.npy")));
                cmd.resume = true;
                Counting counting = new Counting(mini, Integer.MAX_VALUE);
                ai.djl.ndarray.NDArray resumed = cmd.inParts(cmd.whole(counting.model(), pool, m, null), lines,
                        pool, null, m);
                assertEquals(1, counting.calls, "only the missing part is computed");
                assertEquals(0f, resumed.sub(c).abs().max().getFloat(), 0f, "resumed = uninterrupted");
                cmd.texts = dir.resolve("t2.txt");
                Files.writeString(cmd.texts, "other\ntexts\n");
                assertThrows(IllegalArgumentException.class,
                        () -> cmd.inParts(cmd.whole(counting.model(), pool, m, null),
                                ReprHiddenCommand.readLines(cmd.texts), pool, null, m), "other settings are refused");
            }
        }
    }

    /**
     * A model that forwards everything to {@code inner}, counts its forwards and fails after {@code ok} of them (a
     * crash mid-corpus); closing it leaves {@code inner} open.
     */
    static final class Counting implements java.lang.reflect.InvocationHandler {
        final org.spinformer.representations.models.HiddenStateModel inner;
        final int ok;
        int calls;

        Counting(org.spinformer.representations.models.HiddenStateModel inner, int ok) {
            this.inner = inner;
            this.ok = ok;
        }

        /** The counting model. */
        org.spinformer.representations.models.HiddenStateModel model() {
            return (org.spinformer.representations.models.HiddenStateModel) java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(),
                    new Class<?>[] {org.spinformer.representations.models.HiddenStateModel.class}, this);
        }

        @Override
        public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) throws Throwable {
            if (method.getName().equals("close")) {
                return null;
            }
            if (method.getName().equals("hiddenStates") && calls++ >= ok) {
                throw new IllegalStateException("simulated crash");
            }
            try {
                return method.invoke(inner, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        }
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

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
