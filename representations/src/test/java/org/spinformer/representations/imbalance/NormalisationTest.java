package org.spinformer.representations.imbalance;

import ai.djl.ndarray.NDArray;
import org.junit.jupiter.api.Test;
import org.spinformer.core.testing.CpuTest;
import org.spinformer.representations.imbalance.InformationImbalance.Normalisation;
import org.spinformer.representations.imbalance.InformationImbalance.Options;
import org.spinformer.representations.imbalance.InformationImbalance.Ties;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The two normalisations of Δ on closed forms and on an example computed by hand (in the comments). */
class NormalisationTest extends CpuTest {

    @Test
    void identicalSpaces() {
        int n = 300;
        NDArray x = InformationImbalanceTest.gaussian(11, n, 8);
        int[][] h = InformationImbalance.halves(n, 5L);
        // paper: 0-based rank 0 of the nearest neighbour in its own space → Δ = 0 exactly
        Options paper = Options.defaults().withNormalisation(Normalisation.PAPER).withSplit(h[0], h[1]);
        InformationImbalance.Pair p = InformationImbalance.pair(x, x, paper);
        assertEquals(0.0, p.aToB(), 0.0);
        assertEquals(0.0, p.bToA(), 0.0);
        assertEquals(0.0, p.aToBErr(), 0.0);
        // DADApy: rank 1 → 2/N over all points, 2/N_r with the split
        assertEquals(2.0 / n, InformationImbalance.pair(x, x, Options.defaults()).aToB(), 0.0);
        Options dadapySplit = Options.defaults().withSplit(h[0], h[1]);
        assertEquals(2.0 / h[1].length, InformationImbalance.pair(x, x, dadapySplit).aToB(), 0.0);
        // k = 3: mean 0-based rank (0+1+2)/3 = 1 → paper 2/(N_r − 2); DADApy (k+1)/N_r
        assertEquals(2.0 / (h[1].length - 2), InformationImbalance.pair(x, x, paper.withK(3)).aToB(), 1e-15);
        assertEquals(4.0 / h[1].length, InformationImbalance.pair(x, x, dadapySplit.withK(3)).aToB(), 1e-15);
    }

    /**
     * N = 8 points on a line, queries 0..3 (first half), references 4..7 (second half).
     * <pre>
     *   A: queries 0, 10, 20, 30; references 1, 11, 21, 31       → A-neighbour of query i is reference i + 4
     *   B: queries −50, 2.2, 2.6, 4; references 5, 1, 2, 3
     * A→B, rank in B of reference i + 4 (1-based, "min"):
     *   q0 (−50): distances 55, 51, 52, 53 → 55 has rank 4
     *   q1 (2.2): 2.8, 1.2, 0.2, 0.8      → 1.2 has rank 3
     *   q2 (2.6): 2.4, 1.6, 0.6, 0.4      → 0.6 has rank 2
     *   q3 (4):   1, 3, 2, 1              → 1 (reference 7) has rank 1 ("min"; reference 4 ties), 2 ("first")
     *   ⟨r⟩ = 10/4 = 2.5 ("min"), 11/4 = 2.75 ("first")
     *   DADApy 2⟨r⟩/N_r = 1.25 / 1.375;  paper 2(⟨r⟩ − 1)/(N_r − 2) = 1.5 / 1.75
     * B→A: B-neighbours (ties to the lower index): q0 → ref 5 (1), q1 → ref 6 (2), q2 → ref 7 (3), q3 → ref 4
     *   (5 and 3 both at 1); their ranks in A: q0 (0): 1, 11, 21, 31 → 11 rank 2; q1 (10): 9, 1, 11, 21 → 11 rank 3;
     *   q2 (20): 19, 9, 1, 11 → 11 rank 3; q3 (30): 29, 19, 9, 1 → 29 rank 4.  ⟨r⟩ = 3
     *   DADApy 1.5; paper 2.0
     * </pre>
     */
    @Test
    void handComputedExample() {
        NDArray a = m.create(new double[] {0, 10, 20, 30, 1, 11, 21, 31}).reshape(8, 1);
        NDArray b = m.create(new double[] {-50, 2.2, 2.6, 4, 5, 1, 2, 3}).reshape(8, 1);
        int[][] h = InformationImbalance.halves(8, null);
        assertArrayEquals(new int[] {0, 1, 2, 3}, h[0]);
        assertArrayEquals(new int[] {4, 5, 6, 7}, h[1]);
        // exact and float64 (plain float32 may split the exact tie of q3: its GEMM distances are rounded)
        for (InformationImbalance.Precision pr : new InformationImbalance.Precision[] {
                InformationImbalance.Precision.EXACT, InformationImbalance.Precision.FLOAT64}) {
            Options dadapy = Options.defaults().withPrecision(pr).withSplit(h[0], h[1]);
            Options paper = dadapy.withNormalisation(Normalisation.PAPER);
            InformationImbalance.Pair d = InformationImbalance.pair(a, b, dadapy);
            InformationImbalance.Pair p = InformationImbalance.pair(a, b, paper);
            assertEquals(1.25, d.aToB(), 1e-15, pr.toString());
            assertEquals(1.5, d.bToA(), 1e-15, pr.toString());
            assertEquals(1.5, p.aToB(), 1e-15, pr.toString());
            assertEquals(2.0, p.bToA(), 1e-15, pr.toString());
            assertEquals(1.375, InformationImbalance.pair(a, b, dadapy.withTies(Ties.FIRST)).aToB(), 1e-15);
            assertEquals(1.75, InformationImbalance.pair(a, b, paper.withTies(Ties.FIRST)).aToB(), 1e-15);
            // standard error: ranks 4, 3, 2, 1 have sample sd √(5/3); × 2/(N_r − 2) / √4
            assertEquals(Math.sqrt(5.0 / 3) / 2, p.aToBErr(), 1e-15);
        }
    }

    @Test
    void halvesAndParsing() {
        int[][] h = InformationImbalance.halves(101, 3L);
        assertEquals(50, h[0].length);
        assertEquals(51, h[1].length);
        int[] all = new int[101];
        System.arraycopy(h[0], 0, all, 0, 50);
        System.arraycopy(h[1], 0, all, 50, 51);
        Arrays.sort(all);
        for (int i = 0; i < all.length; i++) {
            assertEquals(i, all[i], "the halves partition 0..N-1");
        }
        assertArrayEquals(h[0], InformationImbalance.halves(101, 3L)[0], "seeded");
        assertEquals(Normalisation.PAPER, Normalisation.parse(" Paper"));
        assertEquals(Normalisation.DADAPY, Normalisation.parse("dadapy"));
        assertThrows(IllegalArgumentException.class, () -> Normalisation.parse("glielmo"));
        assertThrows(IllegalArgumentException.class, () -> InformationImbalance.halves(3, null));
        // paper subsets: each subset split in halves; identical spaces still give 0
        NDArray x = InformationImbalanceTest.gaussian(12, 200, 4);
        double[][][] sub = InformationImbalance.disjointSubsets(java.util.List.of(x, x),
                Options.defaults().withNormalisation(Normalisation.PAPER), 4, 9);
        assertEquals(0.0, sub[0][0][1], 0.0);
    }
}
