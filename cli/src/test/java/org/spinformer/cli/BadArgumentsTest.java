package org.spinformer.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nonsense values for every command: each is refused before any work with exit code 2 and one line that names
 * the option, never a stack trace, and nothing is written into the output directory.
 */
class BadArgumentsTest {
    @TempDir
    static Path tmp;

    /** {expected text in the message, command words and options…}; "OUT" is replaced by a fresh directory. */
    static Stream<org.junit.jupiter.params.provider.Arguments> cases() {
        return Stream.<String[]>of(
            new String[] {"--device", "info", "--device", "tpu"},
            new String[] {"unknown demo part", "demo", "--only", "nope", "--out", "OUT"},
            new String[] {"--lattice", "nqs", "exact", "--lattice", "hexagonal"},
            new String[] {"--size", "nqs", "exact", "--size", "0x0"},
            new String[] {"--j2", "nqs", "exact", "--j2", "NaN"},
            new String[] {"--hamiltonian", "nqs", "exact", "--hamiltonian", "ising3d"},
            new String[] {"--samples", "nqs", "train", "--samples", "0", "--out", "OUT"},
            new String[] {"--chains", "nqs", "train", "--chains", "0", "--out", "OUT"},
            new String[] {"--steps", "nqs", "train", "--steps", "-1", "--out", "OUT"},
            new String[] {"--energy-dtype", "nqs", "train", "--energy-dtype", "float32", "--out", "OUT"},
            new String[] {"--distances", "repr", "distance", "--device", "cpu", "--out", "OUT", "--distances", "4, 2"},
            new String[] {"--distances", "repr", "distance", "--device", "cpu", "--out", "OUT", "--distances", "-1, 2"},
            new String[] {"--distances", "repr", "distance", "--device", "cpu", "--out", "OUT", "--distances", "one"},
            new String[] {"--distances", "repr", "distance", "--device", "cpu", "--out", "OUT", "--distances", "1, 600"},
            new String[] {"--anchors", "repr", "distance", "--device", "cpu", "--out", "OUT", "--anchors", "0"},
            new String[] {"--layers", "repr", "distance", "--device", "cpu", "--out", "OUT", "--layers", "9"},
            new String[] {"--layers", "repr", "distance", "--device", "cpu", "--out", "OUT", "--layers", "x"},
            new String[] {"--side", "repr", "distance", "--device", "cpu", "--out", "OUT", "--side", "c"},
            new String[] {"--model", "repr", "distance", "--device", "cpu", "--out", "OUT", "--model", "no-such-model"},
            new String[] {"--k", "repr", "distance", "--device", "cpu", "--out", "OUT", "--k", "0"},
            new String[] {"--halves", "repr", "distance", "--device", "cpu", "--out", "OUT", "--normalisation", "paper", "--halves", "odd"},
            new String[] {"--lr", "nqs", "train", "--lr", "NaN", "--out", "OUT"},
            new String[] {"--h", "nqs", "train", "--hamiltonian", "tfim", "--h", "Infinity", "--out", "OUT"},
            new String[] {"--dim", "nqs", "train", "--dim", "0", "--out", "OUT"},
            new String[] {"--heads", "nqs", "train", "--dim", "16", "--heads", "3", "--out", "OUT"},
            new String[] {"--sampler", "nqs", "train", "--sampler", "gibbs", "--out", "OUT"},
            new String[] {"--symmetry", "nqs", "train", "--symmetry", "rotations", "--out", "OUT"},
            new String[] {"--max-flops", "nqs", "train", "--max-flops", "-1", "--out", "OUT"},
            new String[] {"--models", "nqs", "scaling", "--models", "16:2", "--out", "OUT"},
            new String[] {"--budget", "nqs", "scaling", "--budget", "lots", "--out", "OUT"},
            new String[] {"unknown setting 'sample'", "nqs", "scaling", "--train", "sample=10", "--out", "OUT"},
            new String[] {"lattice size", "nqs", "scaling", "--sizes", "4x4,5x", "--out", "OUT"},
            new String[] {"--checkpoint-every", "language", "potts", "--checkpoint-every", "0", "--out", "OUT"},
            new String[] {"--checkpoint-every", "language", "train-factored", "--checkpoint-every", "0", "--out",
                "OUT"},
            new String[] {"--optimizer", "nqs", "train", "--optimizer", "lbfgs", "--out", "OUT"},
            new String[] {"--schedule", "nqs", "train", "--schedule", "linear", "--out", "OUT"},
            new String[] {"--dtype", "nqs", "train", "--dtype", "float16", "--out", "OUT"},
            new String[] {"--colors", "language", "potts", "--colors", "1", "--out", "OUT"},
            new String[] {"--sweeps", "language", "clones", "--model", "MODEL", "--sweeps", "0", "--out", "OUT"},
            new String[] {"--rule", "language", "clones", "--model", "MODEL", "--rule", "gibbs", "--out", "OUT"},
            new String[] {"--top-k", "language", "diagnose", "--clones", "MODEL", "--top-k", "0", "--out", "OUT"},
            new String[] {"--instances", "language", "potts", "--instances", "0", "--out", "OUT"},
            new String[] {"--layers", "language", "train-gpt", "--layers", "0", "--out", "OUT"},
            new String[] {"--rules", "language", "memory", "--rules", "storkey", "--out", "OUT"},
            new String[] {"--loads", "language", "memory", "--loads", "1.5", "--out", "OUT"},
            new String[] {"--noise", "language", "memory", "--templates", "3", "--noise", "0.7", "--out", "OUT"},
            new String[] {"--data", "language", "attractor", "--data", "zipf", "--out", "OUT"},
            new String[] {"--mask", "language", "attractor", "--mask", "half", "--out", "OUT"},
            new String[] {"--positions", "language", "attractor", "--positions", "1", "--out", "OUT"},
            new String[] {"--beta", "language", "attractor", "--beta", "NaN", "--out", "OUT"},
            new String[] {"--mutation", "language", "attractor", "--mutation", "1.5", "--out", "OUT"},
            new String[] {"--lr", "language", "attractor", "--lr", "0", "--out", "OUT"},
            new String[] {"--lr", "language", "potts", "--lr", "-1", "--out", "OUT"},
            new String[] {"--layers", "language", "train-factored", "--layers", "9", "--out", "OUT"},
            new String[] {"--steps", "language", "train-factored", "--steps", "0", "--out", "OUT"},
            new String[] {"--optimizer", "language", "train-factored", "--optimizer", "adam", "--out", "OUT"},
            new String[] {"--max-minutes", "language", "train-factored", "--max-minutes", "NaN", "--out", "OUT"},
            new String[] {"--heads", "language", "train-factored", "--dim", "10", "--heads", "4", "--out", "OUT"},
            new String[] {"--form", "language", "train-factored", "--form", "linear", "--out", "OUT"},
            new String[] {"--batch", "language", "train-factored", "--batch", "0", "--out", "OUT"},
            new String[] {"--seeds", "language", "simplicity", "--seeds", "0", "--out", "OUT"},
            new String[] {"--vocab", "language", "simplicity", "--vocab", "2", "--out", "OUT"},
            new String[] {"--student-lr", "language", "simplicity-gpt", "--student-lr", "NaN", "--out", "OUT"},
            new String[] {"--eval-points", "language", "simplicity-gpt", "--eval-points", "0", "--out", "OUT"},
            new String[] {"--clones-from", "language", "simplicity-gpt", "--clones-from", "MODEL", "--out", "OUT"},
            new String[] {"--k", "repr", "imbalance", "--a", "A", "--b", "B", "--k", "0"},
            new String[] {"--metric", "repr", "imbalance", "--a", "A", "--b", "B", "--metric", "manhattan"},
            new String[] {"--ties", "repr", "imbalance", "--a", "A", "--b", "B", "--ties", "random"},
            new String[] {"--precision", "repr", "imbalance", "--a", "A", "--b", "B", "--precision", "half"},
            new String[] {"--queries", "repr", "imbalance", "--a", "A", "--b", "B", "--queries", "-1"},
            new String[] {"--pooling", "repr", "hidden", "--texts", "TEXTS", "--pooling", "median", "--out", "OUT/h.npy"},
            new String[] {"--stream-layers", "repr", "hidden", "--texts", "TEXTS", "--stream-layers", "--out",
                "OUT/h.npy"},
            new String[] {"--images", "repr", "hidden", "--texts", "TEXTS", "--images", "TEXTS", "--out", "OUT/h.npy"},
            new String[] {"--images", "repr", "hidden", "--images", "TEXTS", "--out", "OUT/h.npy"},
            new String[] {"bfloat16", "repr", "hidden", "--texts", "TEXTS", "--dtype", "bf16", "--out", "OUT/h.npy"},
            new String[] {"--model", "repr", "hidden", "--texts", "TEXTS", "--model", "no-such-model", "--out", "OUT/h.npy"},
            new String[] {"--n", "repr", "layers", "--n", "0", "--out", "OUT"},
            new String[] {"--pooling", "repr", "layers", "--pooling", "last-n:0", "--out", "OUT"},
            new String[] {"--normalisation", "repr", "layers", "--normalisation", "glielmo", "--out", "OUT"},
            new String[] {"--tokens", "repr", "spread", "--tokens", "4,2", "--out", "OUT"},
            new String[] {"--tokens", "repr", "spread", "--tokens", "one", "--out", "OUT"},
            new String[] {"--layers", "repr", "spread", "--layers", "x", "--out", "OUT"},
            new String[] {"which has 6 layers", "repr", "spread", "--layers", "0,7", "--out", "OUT"},
            new String[] {"which has 6 layers", "repr", "pastfuture", "--layers", "-1", "--out", "OUT"},
            new String[] {"which has 12 layers", "repr", "pastfuture", "--model", "bge-small", "--layers", "13", "--out",
                "OUT"},
            new String[] {"--layers", "repr", "hidden", "--texts", "TEXTS", "--layers", "0,,3", "--out", "OUT/h.npy"},
            new String[] {"which has 6 layers", "repr", "hidden", "--texts", "TEXTS", "--layers", "-2", "--out",
                "OUT/h.npy"},
            new String[] {"which has 6 layers", "repr", "hidden", "--texts", "TEXTS", "--layers", "0,6,8", "--chunk", "1",
                "--out", "OUT/h.npy"},
            new String[] {"--drop", "repr", "spread", "--drop", "-2", "--out", "OUT"},
            new String[] {"--model", "repr", "spread", "--model", "no-such-model", "--out", "OUT"},
            new String[] {"--halves", "repr", "spread", "--normalisation", "paper", "--halves", "odd", "--out", "OUT"},
            new String[] {"--side", "repr", "pastfuture", "--side", "c", "--out", "OUT"},
            new String[] {"--min-tokens", "repr", "pastfuture", "--min-tokens", "1", "--out", "OUT"},
            new String[] {"--k", "repr", "pastfuture", "--k", "0", "--out", "OUT"},
            new String[] {"--passes", "repr", "pastfuture", "--passes", "both", "--out", "OUT"},
            new String[] {"--model-b", "repr", "cross", "--model-b", "no-such-model", "--out", "OUT"},
            new String[] {"--metric", "repr", "cross", "--metric", "manhattan", "--out", "OUT"},
            new String[] {"--pooling", "repr", "cross", "--pooling", "median", "--out", "OUT"})
                .map(c -> org.junit.jupiter.params.provider.Arguments.of((Object) c));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void refusedWithOneLineAndExitTwo(String[] c) throws Exception {
        Path out = Files.createTempDirectory(tmp, "out").resolve("o");
        Path a = tmp.resolve("a.npy");
        Path texts = Files.writeString(tmp.resolve("texts.txt"), "one line\nanother line\n");
        String[] args = Arrays.stream(c, 1, c.length).map(s -> s.replace("OUT", out.toString())
                .replace("TEXTS", texts.toString()).replace("MODEL", tmp.resolve("no-model").toString())
                .replace("A", s.equals("A") ? a.toString() : "A").replace("B", s.equals("B") ? a.toString() : "B"))
                .toArray(String[]::new);
        if (!Files.exists(a)) {
            try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu())) {
                org.spinformer.core.io.Npy.write(a, m.create(new double[] {1, 2, 3, 4, 5, 6, 7, 8}).reshape(4, 2));
            }
        }
        CliRun r = CliRun.of(args);
        String what = String.join(" ", args) + " -> " + r.err();
        assertEquals(2, r.code(), what);
        assertTrue(r.err().startsWith("error: ") && r.err().contains(c[0]), what);
        assertEquals(1, r.err().strip().split("\n").length, what);
        assertFalse(r.err().contains("\tat "), what);
        assertFalse(Files.exists(out) && Files.list(out).findAny().isPresent(), "wrote into " + out + ": " + what);
    }
}
