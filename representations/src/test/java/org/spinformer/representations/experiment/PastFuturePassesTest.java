package org.spinformer.representations.experiment;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.testing.CpuTest;
import org.spinformer.representations.models.HiddenStateModel;
import org.spinformer.representations.models.HiddenStates;
import org.spinformer.representations.models.Models;
import org.spinformer.representations.models.TinyModels;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --passes separate} on a tiny causal GPT-2: the prefix (suffix) states are those of the prefix (suffix) text
 * run by itself, bit for bit; the joint pass gives other suffix states (its suffix has seen the prefix).
 */
class PastFuturePassesTest extends CpuTest {
    @TempDir
    static Path dir;
    static HiddenStateModel gpt2;
    static List<String> texts = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        gpt2 = Models.load(TinyModels.gpt2(dir).toString(), Device.cpu(), DataType.FLOAT32);
        Random r = new Random(5);
        for (int i = 0; i < 12; i++) {
            StringBuilder t = new StringBuilder();
            for (int w = 0; w < 3 + r.nextInt(10); w++) {
                t.append(w == 0 ? "" : " ").append("w").append(1 + r.nextInt(11));
            }
            texts.add(t.toString());
        }
    }

    @AfterAll
    static void close() {
        gpt2.close();
    }

    @Test
    void separatePassesEqualStandaloneRunsOfTheHalves() {
        assertArrayEquals(new int[] {0, 0}, gpt2.tokenizer().specialTokens(), "the fixture adds no special tokens");
        List<String> prefixes = new ArrayList<>();
        List<String> suffixes = new ArrayList<>();
        for (String t : texts) {
            String[] w = t.split(" ");
            prefixes.add(String.join(" ", Arrays.copyOfRange(w, 0, w.length / 2)));
            suffixes.add(String.join(" ", Arrays.copyOfRange(w, w.length / 2, w.length)));
        }
        long[][] ids = gpt2.tokenizer().encode(texts);
        int[] layers = {0, 1, 2};
        long d = gpt2.dim();
        try (NDManager bm = m.newSubManager()) {
            NDArray sep = PastFuture.states(gpt2, ids, layers, PastFuture.Passes.SEPARATE, 64, bm); // [S,N,2D]
            NDArray joint = PastFuture.states(gpt2, ids, layers, PastFuture.Passes.JOINT, 64, bm);
            NDArray p = HiddenStates.extract(gpt2, prefixes, PastFuture.contentMean(0, 0), bm, 64);
            NDArray f = HiddenStates.extract(gpt2, suffixes, PastFuture.contentMean(0, 0), bm, 64);
            NDIndex past = new NDIndex(":, :, 0:" + d);
            NDIndex future = new NDIndex(":, :, " + d + ":");
            assertArrayEquals(p.toFloatArray(), sep.get(past).toFloatArray(), 0f, "prefix = the prefix text alone");
            assertArrayEquals(f.toFloatArray(), sep.get(future).toFloatArray(), 0f, "suffix = the suffix text alone");
            // one text at a time (no padding, no other rows): the same states up to float32 rounding
            for (int i = 0; i < texts.size(); i++) {
                NDArray alone = HiddenStates.extract(gpt2, List.of(suffixes.get(i)), PastFuture.contentMean(0, 0),
                        bm, 64);
                float[] a = alone.toFloatArray();
                float[] s = sep.get(new NDIndex(":, " + i + ", " + d + ":")).toFloatArray();
                for (int k = 0; k < a.length; k++) {
                    assertTrue(Math.abs(a[k] - s[k]) <= 1e-5f * Math.max(1f, Math.abs(a[k])), "text " + i);
                }
            }
            // the joint suffix has seen the prefix: layer 0 (embeddings + positions) and the deeper layers differ
            float diff = joint.get(future).sub(sep.get(future)).abs().max().getFloat();
            assertTrue(diff > 1e-2f, "joint and separate suffix states differ: " + diff);
        }
    }
}
