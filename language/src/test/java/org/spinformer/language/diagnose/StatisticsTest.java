package org.spinformer.language.diagnose;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Statistics against hand-computed values. */
class StatisticsTest {
    // two windows of an alternating sequence: positions averaged, P(a)=1/2, P(x_I=0,x_{I+1}=1)=1/2
    static final int[][] ALT = {{0, 1, 0, 1}, {1, 0, 1, 0}};

    @Test
    void frequenciesAndTwoPoint() {
        assertArrayEquals(new double[] {0.5, 0.5, 0}, Statistics.frequencies(ALT, 3), 0);
        double[][][] c = Statistics.twoPoint(ALT, 3, new int[] {0, 1}, 2);
        // r = 1: P(0,1) = 1/2, P(x_I=0)=P(x_{I+1}=1)=1/2 → C = 1/4; C(0,0) = 0 − 1/4
        assertEquals(0.25, c[0][0][1], 1e-15);
        assertEquals(-0.25, c[0][0][0], 1e-15);
        // r = 2: tokens repeat: C(0,0) = 1/2 − 1/4
        assertEquals(0.25, c[1][0][0], 1e-15);
        // mutual information: r = 1 and r = 2 determine the token: I = log 2
        double[] mi = Statistics.mutualInformation(ALT, 3, 2);
        assertEquals(Math.log(2), mi[0], 1e-15);
        assertEquals(Math.log(2), mi[1], 1e-15);
    }

    @Test
    void threePointCumulantOfAParityCorpus() {
        // x_3 = x_1 xor x_2 with x_1, x_2 uniform: all pairs independent, so C2 = 0 but the cumulant
        // κ3(δ0, δ0, δ0) = P(0,0,0) − 3·(1/4)(1/2) + 2/8 = 1/4 − 3/8 + 1/4 = 1/8
        int[][] w = {{0, 0, 0}, {0, 1, 1}, {1, 0, 1}, {1, 1, 0}};
        double[] c3 = Statistics.threePoint(w, 2, new int[] {0, 1},
                new Statistics.Triple[] {new Statistics.Triple(1, 1, 0, 0, 0), new Statistics.Triple(1, 1, 1, 1, 1)});
        assertEquals(0.125, c3[0], 1e-15);
        assertEquals(-0.125, c3[1], 1e-15);
        double[][][] c2 = Statistics.twoPoint(w, 2, new int[] {0, 1}, 2);
        for (double v : Statistics.flatten(c2)) {
            assertEquals(0, v, 1e-15);
        }
    }

    @Test
    void topTokensSkipExcluded() {
        assertArrayEquals(new int[] {2, 0}, Statistics.topTokens(new double[] {0.2, 0.5, 0.3}, 2, Set.of(1)));
    }
}
