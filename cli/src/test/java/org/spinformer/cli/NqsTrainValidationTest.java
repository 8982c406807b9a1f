package org.spinformer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nqs train} boundary checks (D, F) and the resume config check (A); none of these trains. */
class NqsTrainValidationTest {

    private static void assertRefused(String option, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(option), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
    }

    @Test
    void badOptionsExitTwoNamingTheOption(@TempDir Path tmp) {
        String out = tmp.resolve("o").toString();
        assertRefused("--momentum", "nqs", "train", "--out", out, "--momentum", "NaN");
        assertRefused("--discard", "nqs", "train", "--out", out, "--discard", "-1");
        assertRefused("--patch", "nqs", "train", "--out", out, "--patch", "-1");
        assertRefused("--max-minutes", "nqs", "train", "--out", out, "--max-minutes", "NaN");
        assertRefused("--size", "nqs", "train", "--out", out, "--size", "4");
        assertRefused("--lr", "nqs", "train", "--out", out, "--lr", "Infinity");
        assertRefused("--hamiltonian", "nqs", "train", "--out", out, "--hamiltonian", "potts");
        assertRefused("--delta", "nqs", "train", "--out", out, "--hamiltonian", "xxz", "--delta", "NaN");
        assertRefused("--h", "nqs", "train", "--out", out, "--hamiltonian", "tfim", "--h", "Infinity");
        assertRefused("--j", "nqs", "train", "--out", out, "--hamiltonian", "tfim", "--j", "NaN");
        assertRefused("--size", "nqs", "train", "--out", out, "--lattice", "chain", "--size", "4x4");
        assertEquals(false, Files.exists(tmp.resolve("o")));
        assertRefused("--hamiltonian", "nqs", "exact", "--hamiltonian", "potts");
        assertRefused("--h", "nqs", "exact", "--hamiltonian", "tfim", "--h", "NaN");
    }

    @Test
    void resumeWithAnotherHamiltonianOrCouplingIsRefused(@TempDir Path tmp) throws Exception {
        // a config written before --hamiltonian existed is a Heisenberg run
        String cfg = "{\"lattice\":\"chain\",\"size\":\"8\",\"j2\":0.5,\"model\":\"vit\","
                + "\"hamiltonian\":\"Heisenberg(chain 8, J1=1, J2=0.5, spin units)\"}";
        Files.writeString(tmp.resolve("config.json"), cfg);
        CliRun r = CliRun.of("nqs", "train", "--out", tmp.toString(), "--resume", "--lattice", "chain",
                "--size", "8", "--j2", "0.5", "--hamiltonian", "tfim", "--h", "2");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("hamiltonian (checkpoint heisenberg, now tfim)"), r.err());
        String tfim = "{\"lattice\":\"chain\",\"size\":\"8\",\"model\":\"vit\",\"hamiltonian\":\"tfim\","
                + "\"h\":1.0,\"j\":1.0}";
        Files.writeString(tmp.resolve("config.json"), tfim);
        r = CliRun.of("nqs", "train", "--out", tmp.toString(), "--resume", "--lattice", "chain",
                "--size", "8", "--hamiltonian", "tfim", "--h", "2");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("h (checkpoint 1.0, now 2.0)") && !r.err().contains("j ("), r.err());
        assertEquals(tfim, Files.readString(tmp.resolve("config.json")));
    }

    @Test
    void outIsARegularFile(@TempDir Path tmp) throws Exception {
        Path f = Files.writeString(tmp.resolve("file"), "x");
        assertRefused("--out", "nqs", "train", "--out", f.toString());
        assertEquals("x", Files.readString(f));
    }

    @Test
    void resumeWithDifferentSettingsIsRefused(@TempDir Path tmp) throws Exception {
        String cfg = "{\"lattice\":\"square\",\"size\":\"4x4\",\"j2\":0.5,\"model\":\"vit\"}";
        Files.writeString(tmp.resolve("config.json"), cfg);
        CliRun r = CliRun.of("nqs", "train", "--out", tmp.toString(), "--resume", "--lattice", "square",
                "--size", "2x2", "--j2", "0.0", "--model", "jastrow");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("size") && r.err().contains("j2") && r.err().contains("model"), r.err());
        assertTrue(!r.err().contains("lattice ("), r.err());
        assertEquals(cfg, Files.readString(tmp.resolve("config.json")));
    }
}
