package org.spinformer.language.memory;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three memories against what is known of them: Hebbian couplings retrieve at low load (α = 0.05) and not
 * above the Amit–Gutfreund–Sompolinsky capacity α_c ≈ 0.138 (α = 0.3); the pseudo-inverse makes every pattern a
 * fixed point (α = 0.3 &lt; 1); pseudo-likelihood couplings make every pattern a fixed point and, at α = 0.3,
 * retrieve from 10 % corruption where Hebb cannot.
 */
class AssociativeMemoryTest {
    static final int N = 100;

    static boolean allStable(NDArray j, NDArray xi) {
        return xi.matMul(j.transpose()).mul(xi).gt(0).all().getBoolean();
    }

    @Test
    void hebbRetrievesBelowCapacityOnly() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray low = AssociativeMemory.randomPatterns(5, N, 1, m);
            NDArray jl = AssociativeMemory.couplings(AssociativeMemory.Rule.HEBB, low, 0, 0);
            assertEquals(0.0, jl.get(0, 0).getFloat(), 0.0, "J_ii = 0");
            AssociativeMemory.Recall r = AssociativeMemory.recall(jl, low, 0.1, 10, 20, 2);
            assertTrue(r.meanOverlap() > 0.98, "alpha 0.05: " + r);
            NDArray high = AssociativeMemory.randomPatterns(30, N, 3, m);
            NDArray jh = AssociativeMemory.couplings(AssociativeMemory.Rule.HEBB, high, 0, 0);
            AssociativeMemory.Recall h = AssociativeMemory.recall(jh, high, 0.0, 4, 20, 4);
            assertTrue(h.meanOverlap() < 0.9, "alpha 0.3 is above capacity: " + h);
        }
    }

    @Test
    void pseudoInverseAndPseudoLikelihoodStoreEveryPattern() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray xi = AssociativeMemory.randomPatterns(30, N, 5, m);
            NDArray pinv = AssociativeMemory.couplings(AssociativeMemory.Rule.PSEUDO_INVERSE, xi, 0, 0);
            assertTrue(allStable(pinv, xi), "pseudo-inverse: every pattern a fixed point");
            NDArray pl = AssociativeMemory.couplings(AssociativeMemory.Rule.PSEUDO_LIKELIHOOD, xi, 1.0, 300);
            assertTrue(allStable(pl, xi), "pseudo-likelihood: every pattern a fixed point");
            NDArray hebb = AssociativeMemory.couplings(AssociativeMemory.Rule.HEBB, xi, 0, 0);
            AssociativeMemory.Recall rPl = AssociativeMemory.recall(pl, xi, 0.1, 4, 30, 6);
            AssociativeMemory.Recall rHebb = AssociativeMemory.recall(hebb, xi, 0.1, 4, 30, 6);
            System.out.printf("alpha 0.3, 10%% corruption: pseudo-likelihood %s, Hebb %s%n", rPl, rHebb);
            assertTrue(rPl.meanOverlap() > 0.95 && rPl.meanOverlap() > rHebb.meanOverlap() + 0.05,
                    "PL " + rPl + " vs Hebb " + rHebb);
        }
    }
}
