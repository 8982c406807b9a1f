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

    /**
     * Structured data (3 templates, examples with 20 % of spins flipped, N = 100): with few examples every rule
     * keeps them as fixed points and an unseen example falls to a train example, not to its template
     * (memorisation); with many, Hebb's couplings become the templates' (prototype formation: the test examples'
     * end states are their templates), the pseudo-inverse still stores every example and does not generalise, and
     * pseudo-likelihood does both: its train examples stay (nearly) fixed and unseen examples end on their template.
     */
    @Test
    void crossoverFromMemorisationToTemplateAttractors() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray templates = AssociativeMemory.randomPatterns(3, N, 1, m);
            AssociativeMemory.Planted test = AssociativeMemory.planted(templates, 60, 0.2, 3);
            AssociativeMemory.Planted few = AssociativeMemory.planted(templates, 6, 0.2, 2);
            AssociativeMemory.Planted many = AssociativeMemory.planted(templates, 60, 0.2, 2);
            AssociativeMemory.Crossover plFew = cross(AssociativeMemory.Rule.PSEUDO_LIKELIHOOD, few, test);
            AssociativeMemory.Crossover plMany = cross(AssociativeMemory.Rule.PSEUDO_LIKELIHOOD, many, test);
            AssociativeMemory.Crossover pinvMany = cross(AssociativeMemory.Rule.PSEUDO_INVERSE, many, test);
            AssociativeMemory.Crossover hebbMany = cross(AssociativeMemory.Rule.HEBB, many, test);
            System.out.printf("PL few %s%nPL many %s%npinv many %s%nHebb many %s%n", plFew, plMany, pinvMany,
                    hebbMany);
            assertEquals(1.0, plFew.trainOwn(), 1e-9, "few examples: fixed points");
            assertTrue(plFew.testNearestTrain() > plFew.testTemplate() + 0.2, "few examples: memorisation " + plFew);
            assertEquals(0.6, plFew.testStart(), 0.05, "1 - 2 noise");
            assertTrue(plMany.testTemplate() > 0.95 && plMany.trainOwn() > 0.9, "PL generalises and keeps " + plMany);
            assertEquals(1.0, pinvMany.trainOwn(), 1e-9, "pseudo-inverse stores every example");
            assertTrue(pinvMany.testTemplate() < pinvMany.testStart(), "pseudo-inverse does not generalise " + pinvMany);
            assertTrue(hebbMany.testTemplate() > 0.95 && hebbMany.trainOwn() < 0.7, "Hebb: prototypes " + hebbMany);
        }
    }

    static AssociativeMemory.Crossover cross(AssociativeMemory.Rule rule, AssociativeMemory.Planted train,
            AssociativeMemory.Planted test) {
        NDArray j = AssociativeMemory.couplings(rule, train.examples(), 1.0, 500);
        return AssociativeMemory.crossover(j, train, test, 30);
    }
}
