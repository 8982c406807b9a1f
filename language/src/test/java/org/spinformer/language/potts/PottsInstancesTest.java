package org.spinformer.language.potts;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The planted strength in the zero-sum gauge, the coupling export, and the aggregate over planted instances. */
class PottsInstancesTest {

    @Test
    void gaugedStrengthOfOneCouplingIsAQuarter() {
        // K_01 = [[1, 0], [0, 0]] (K_10 its transpose): zero-sum gauge [[1/4, −1/4], [−1/4, 1/4]], RMS 1/4
        double[][][][] k = new double[2][2][2][2];
        k[0][1][0][0] = 1;
        k[1][0][0][0] = 1;
        assertEquals(0.25, Couplings.gaugedStrength(k), 1e-15);
    }

    @Test
    void spearmanMatchesScipy() {
        // golden values: scipy.stats.spearmanr (1.x) on the same inputs, ties included
        assertEquals(0.3768511731740915, PottsExperiment.spearman(new double[] {0.3, 0.1, 0.5, 0.2, 0.9, 0.4},
                new double[] {1.0, 2.5, 2.5, 0.7, 3.0, -1.0}), 1e-12);
        assertEquals(-1.0, PottsExperiment.spearman(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, 1}), 1e-15);
        assertTrue(Double.isNaN(PottsExperiment.spearman(new double[] {1, 1}, new double[] {2, 3})));
    }

    @Test
    void exportedCouplingsAreTheGaugedOnes(@TempDir Path dir) throws Exception {
        double[][][][] k = new double[3][3][2][2];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int a = 0; a < 2; a++) {
                    for (int b = 0; b < 2; b++) {
                        k[i][j][a][b] = r.nextGaussian();
                    }
                }
            }
        }
        Path f = dir.resolve("j.txt");
        Couplings.writeText(f, k);
        List<String> lines = Files.readAllLines(f);
        assertEquals(3 * 4, lines.size()); // 3 pairs × q²
        double[] want = Couplings.gaugedPairs(Couplings.symmetrize(k));
        for (int n = 0; n < lines.size(); n++) {
            String[] w = lines.get(n).split(" ");
            assertEquals("J", w[0]);
            assertEquals(6, w.length);
            assertEquals(want[n], Double.parseDouble(w[5]), 1e-7 * Math.max(1, Math.abs(want[n])));
        }
        assertEquals("J 0 1 0 0", lines.get(0).substring(0, 9));
        assertEquals("J 1 2 1 1", lines.get(11).substring(0, 9));
    }

    @Test
    void instancesAreAggregatedAsMeanAndSpread(@TempDir Path dir) throws Exception {
        PottsExperiment.Options o = org.spinformer.core.config.Records.with(PottsExperiment.Options.defaults(4, 2,
                new int[] {60, 120}, 3), Map.of("steps", 60, "chains", 60, "burnIn", 20, "thin", 2, "testSamples",
                30, "plmSteps", 30, "checkpointEvery", 30));
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            JsonObject s = PottsExperiment.runInstances(o, 3, dir, m, false);
            assertEquals(2, s.getAsJsonArray("aggregate").size());
            assertEquals(3, s.getAsJsonArray("instances").size());
            java.util.Set<Double> strengths = new java.util.HashSet<>();
            for (var e : s.getAsJsonArray("instances")) {
                strengths.add(e.getAsJsonObject().get("planted_strength").getAsDouble());
            }
            assertEquals(3, strengths.size(), "instances differ");
            for (long seed = 3; seed < 6; seed++) {
                Path inst = dir.resolve("instance_" + seed);
                JsonObject r = JsonParser.parseString(Files.readString(inst.resolve("results.json"))).getAsJsonObject();
                assertTrue(r.get("planted_strength").getAsDouble() > 0);
                for (String f : new String[] {"couplings_planted.txt", "couplings_factored_60.txt",
                        "couplings_plm_120.txt"}) {
                    assertEquals(6 * 4, Files.readAllLines(inst.resolve(f)).size(), f); // 6 pairs × q²
                }
            }
            // the aggregate is the mean and sample std of the instances' rows
            double[] c = new double[3];
            for (int k = 0; k < 3; k++) {
                c[k] = s.getAsJsonArray("instances").get(k).getAsJsonObject().getAsJsonArray("results").get(1)
                        .getAsJsonObject().get("coupling_correlation").getAsDouble();
            }
            double mean = (c[0] + c[1] + c[2]) / 3;
            double sd = Math.sqrt(((c[0] - mean) * (c[0] - mean) + (c[1] - mean) * (c[1] - mean)
                    + (c[2] - mean) * (c[2] - mean)) / 2);
            JsonObject a = s.getAsJsonArray("aggregate").get(1).getAsJsonObject();
            assertEquals(mean, a.get("coupling_correlation_mean").getAsDouble(), 1e-12);
            assertEquals(sd, a.get("coupling_correlation_std").getAsDouble(), 1e-12);
            assertTrue(Files.isRegularFile(dir.resolve("instances.csv")));
            assertTrue(Files.isRegularFile(dir.resolve("potts_correlation_instances.png")));
        }
    }
}
