package org.spinformer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The long jobs (SR training, MLM training, the Potts experiment, clone sampling) killed with SIGKILL at random moments (after random numbers of logged rows, and inside checkpoint
 * saves) and resumed each time end with the output of an uninterrupted run with the same seed: same logs and results
 * (wall-clock fields aside), byte-identical weights, no half-written or temporary file after any kill. The default
 * build kills each job {@value #DEFAULT_KILLS} times; {@code -Pslow} sets {@code spinformer.soak.kills=20} and makes
 * the jobs long enough for it.
 */
class KillResumeTest {
    static final int DEFAULT_KILLS = 3;

    @TempDir
    Path tmp;

    private final int kills = KillSoak.kills(DEFAULT_KILLS);

    @Test
    void nqsTrain() throws Exception {
        soak("nqs", List.of("nqs", "train", "--lattice", "triangular", "--size", "4x2", "--j2", "0.5", "--layers", "1",
                "--dim", "4", "--heads", "2", "--patch", "2", "--mlp-dim", "8", "--sampler", "metropolis",
                "--samples", "64", "--chains", "16", "--steps", Integer.toString(10 + 8 * kills), "--lr", "0.05",
                "--schedule", "constant", "--diag-shift", "1e-2", "--diag-shift-final", "1e-2", "--checkpoint-every",
                "3", "--seed", "3", "--device", "cpu", "--json"));
    }

    /** The scaling sweep: two runs, each an nqs train run with its own checkpoint, under one manifest. */
    @Test
    void nqsScalingSweep() throws Exception {
        soak("scaling", List.of("nqs", "scaling", "--lattice", "square", "--sizes", "4x4", "--j2", "0.5", "--models",
                "4:1:2", "--seeds", "1,2", "--budget", "1e15", "--train", "sampler=metropolis,samples=64,chains=16,"
                        + "thermalize=2,discard=1,checkpoint_every=2,lr=0.05,schedule=constant,steps="
                        + (6 + 4 * kills), "--bootstrap", "20", "--device", "cpu", "--json"));
    }

    /** MLM training of factored-attention models, two depths (the second starts from the first's weights). */
    @Test
    void languageTrainFactored() throws Exception {
        soak("mlm", List.of("language", "train-factored", "--corpus", "moby-dick", "--vocab", "60", "--length", "8",
                "--layers", "1,2", "--dim", "8", "--heads", "2", "--steps", Integer.toString(100 + 75 * kills),
                "--batch", "16", "--warmup", "10", "--checkpoint-every", "25", "--seed", "4", "--device", "cpu",
                "--json"));
    }

    /** Planted Potts data by MCMC, then factored-attention fits for two sample counts. */
    @Test
    void languagePotts() throws Exception {
        soak("potts", List.of("language", "potts", "--sites", "5", "--colors", "3", "--samples", "100,200",
                "--steps", Integer.toString(150 + 75 * kills), "--chains", "50", "--burn-in", "20", "--thin", "2",
                "--test-samples", "50", "--checkpoint-every", "50", "--seed", "5", "--device", "cpu", "--json"));
    }

    /** Clone sampling from a small trained factored model, checkpointed after every chunk of 8 chains. */
    @Test
    void languageClones() throws Exception {
        Path model = tmp.resolve("model");
        CliRun t = CliRun.of("language", "train-factored", "--corpus", "moby-dick", "--vocab", "60", "--length", "8",
                "--layers", "1", "--dim", "8", "--heads", "2", "--steps", "50", "--batch", "16", "--warmup", "5",
                "--seed", "6", "--device", "cpu", "--out", model.toString());
        assertEquals(0, t.code(), t.err());
        soak("clones", List.of("language", "clones", "--model", model.resolve("model_n1").toString(), "--start",
                "random", "--count", Integer.toString(8 * (12 + 6 * kills)), "--sweeps", "2", "--chunk", "8",
                "--seed", "7", "--device", "cpu", "--json"));
    }

    private void soak(String name, List<String> job) throws Exception {
        Path ref = tmp.resolve(name + "-ref");
        List<String> straight = new ArrayList<>(job);
        straight.addAll(List.of("--out", ref.toString()));
        KillSoak.runStraight(tmp, straight);

        Path out = tmp.resolve(name + "-killed");
        List<String> resumed = new ArrayList<>(job);
        resumed.addAll(List.of("--out", out.toString(), "--resume"));
        KillSoak.Report rep = KillSoak.run(tmp, resumed, out, kills, name.hashCode());
        assertEquals(kills, rep.kills());
        assertTrue(kills < 3 || rep.inSave() >= 1, "no kill landed inside a checkpoint save: " + rep);
        KillSoak.assertSameRun(ref, out);
        System.err.printf("kill soak %s: %d kills (%d inside a save) in %d children, same output%n", name,
                rep.kills(), rep.inSave(), rep.children());
    }
}
