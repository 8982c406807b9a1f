package org.spinformer.nqs;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.testing.CpuTest;
import org.spinformer.nqs.driver.TrainSpec;
import org.spinformer.nqs.driver.Training;
import org.spinformer.nqs.driver.Vmc;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.model.Symmetrized;
import org.spinformer.nqs.model.WaveFunction;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nqs train --symmetry}: the groups it builds, the invariance of the projected model under the whole space
 * group once patch translations and the point group are combined, and SR training of a projected ViT (energy falls,
 * stays above the exact one, the trained model stays symmetric).
 */
class SymmetryTrainingTest extends CpuTest {
    private static final TrainSpec SQUARE = TrainSpec.defaults().with("layers", 1, "dim", 8, "heads", 2, "patch", 2,
            "mlpDim", 8, "dtype", "float64");

    private static int groupSize(TrainSpec s, Lattice l) {
        WaveFunction wf = Training.model(s, l, DataType.FLOAT64, m);
        return wf instanceof Symmetrized sym ? sym.groupSize() : 1;
    }

    @Test
    void groupsHaveTheirOrders() {
        Lattice sq = Lattice.square(4);
        assertEquals(1, groupSize(SQUARE, sq));
        assertEquals(4, groupSize(SQUARE.with("symmetry", "patch"), sq)); // 2×2 translations inside a patch
        assertEquals(8, groupSize(SQUARE.with("symmetry", "point"), sq)); // C4v
        assertEquals(32, groupSize(SQUARE.with("symmetry", "patch+point"), sq));
        assertEquals(256, groupSize(SQUARE.with("symmetry", "space+flip"), sq)); // 16 translations × 8 × 2
        for (String bad : new String[] {"rotations", "patch+patch", "space+point", "", "patch+"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SQUARE.with("symmetry", bad));
            assertTrue(e.getMessage().startsWith("--symmetry must be"), e.getMessage());
        }
    }

    /**
     * A patch-2 ViT is invariant under translations by 2 only; projected on the translations inside a patch and on
     * C4v (and the spin flip) it is invariant under every translation, rotation, mirror and the flip.
     */
    @Test
    void patchAndPointProjectionIsInvariantUnderTheSpaceGroup() {
        Lattice sq = Lattice.square(4);
        WaveFunction wf = Training.model(SQUARE.with("symmetry", "patch+point+flip"), sq, DataType.FLOAT64, m);
        int rows = 6;
        double[] s = randomSpins(rows, sq.n(), 3);
        double[] ref = wf.logPsi(m.create(s, new Shape(rows, sq.n())))[0].toDoubleArray();
        WaveFunction plain = Training.model(SQUARE, sq, DataType.FLOAT64, m);
        double[] plainRef = plain.logPsi(m.create(s, new Shape(rows, sq.n())))[0].toDoubleArray();
        double plainMoved = 0;
        for (int[] g : sq.spaceGroup()) {
            for (int sign : new int[] {1, -1}) {
                double[] gs = new double[s.length];
                for (int r = 0; r < rows; r++) {
                    for (int i = 0; i < sq.n(); i++) {
                        gs[r * sq.n() + g[i]] = sign * s[r * sq.n() + i];
                    }
                }
                double[] got = wf.logPsi(m.create(gs, new Shape(rows, sq.n())))[0].toDoubleArray();
                double[] plainGot = plain.logPsi(m.create(gs, new Shape(rows, sq.n())))[0].toDoubleArray();
                for (int r = 0; r < rows; r++) {
                    assertEquals(ref[r], got[r], 1e-12, "row " + r);
                    plainMoved = Math.max(plainMoved, Math.abs(plainRef[r] - plainGot[r]));
                }
            }
        }
        assertTrue(plainMoved > 1e-6, "the unprojected ViT should not be invariant (max change " + plainMoved + ")");
    }

    /** SR on the 8-site chain (J2 = 0) projected on the reflection and the spin flip (|G| = 4). */
    @Test
    void projectedVitTrains(@TempDir Path dir) throws Exception {
        TrainSpec s = TrainSpec.defaults().with("lattice", "chain", "size", "8", "j2", 0.0, "layers", 1, "dim", 4,
                "heads", 2, "mlpDim", 8, "sampler", "exact", "steps", 12, "lr", 0.05, "schedule", "constant",
                "diagShift", 1e-2, "diagShiftFinal", 1e-2, "seed", 4L, "symmetry", "point+flip");
        Vmc.Result r = Training.run(s, dir, false, Device.cpu());
        List<String> log = java.nio.file.Files.readAllLines(dir.resolve("log.jsonl"));
        double first = com.google.gson.JsonParser.parseString(log.get(0)).getAsJsonObject().get("energy")
                .getAsDouble();
        assertTrue(r.energy() < first, "energy " + r.energy() + " not below the first step's " + first);
        assertTrue(r.energy() >= r.exactEnergy() - 1e-9, "variational bound violated");
        assertEquals("point+flip", com.google.gson.JsonParser.parseString(
                java.nio.file.Files.readString(dir.resolve("config.json"))).getAsJsonObject().get("symmetry")
                .getAsString());
        // a resume with another symmetry is refused
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Training.run(s.with("symmetry", "none", "steps", 14), dir, true, Device.cpu()));
        assertTrue(e.getMessage().contains("symmetry"), e.getMessage());
    }

    private static double[] randomSpins(int rows, int n, long seed) {
        Random r = new Random(seed);
        double[] v = new double[rows * n];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextBoolean() ? 1 : -1;
        }
        return v;
    }

}
