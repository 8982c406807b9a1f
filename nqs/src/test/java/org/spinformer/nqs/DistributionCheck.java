package org.spinformer.nqs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.model.ViT;
import org.spinformer.nqs.operator.Operator;
import org.spinformer.nqs.sampler.ExactSampler;
import org.spinformer.nqs.sampler.Sampler;
import org.spinformer.nqs.sampler.Samples;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.List;
import java.util.function.LongToIntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whether a sampler draws from |ψ|²: the exact distribution by enumeration, the histogram of one draw over the
 * basis states, and the total-variation bounds of {@link Reference#totalVariation} (shared by the Metropolis and
 * direct sampler tests).
 */
final class DistributionCheck {
    private DistributionCheck() {}

    /** A random ViT (seed 21, float64) whose |ψ|² is sharpened (real head's LayerNorm gain ×30) far from uniform. */
    static VariationalState sharpViT(Lattice lattice, ViT.Config cfg, NDManager m) {
        ViT vit = new ViT(lattice, cfg, DataType.FLOAT64, m, 21);
        vit.parameters().get("head.re.norm.weight").muli(30.0);
        return new VariationalState(vit, 1024);
    }

    /** |ψ|² over the operator's Hilbert space, in basis order. */
    static double[] exact(Operator op, VariationalState vs, NDManager m) {
        try (NDManager s = m.newSubManager()) {
            return new ExactSampler(op, List.of(), DataType.FLOAT64, s).sample(vs, s, 0).weights().toDoubleArray();
        }
    }

    /** One draw's total-variation distances from p and its acceptance rate. */
    record Draw(Reference.Tv tv, double acceptance) {}

    /**
     * Draws {@code total} samples once (step 0; they must carry weights summing to 1) and compares their histogram
     * with p, where {@code rank} numbers a state's bit string s (bit i set = spin i up) in p's order.
     */
    static Draw draw(Sampler sampler, VariationalState vs, int total, double[] p, LongToIntFunction rank,
                     NDManager m) {
        try (NDManager s = m.newSubManager()) {
            Samples smp = sampler.sample(vs, s, 0);
            assertEquals(total, smp.size());
            assertEquals(1.0, smp.weights().sum().getDouble(), 1e-12);
            return new Draw(Reference.totalVariation(histogram(smp, p.length, rank, s), total, p), smp.acceptance());
        }
    }

    /** Counts of each basis state (numbered by rank) among the samples. */
    private static double[] histogram(Samples smp, int states, LongToIntFunction rank, NDManager m) {
        int n = (int) smp.sigma().getShape().get(1);
        NDArray up = smp.sigma().add(1).div(2); // bit i
        double[] pow = new double[n];
        for (int i = 0; i < n; i++) {
            pow[i] = Math.pow(2, i);
        }
        double[] counts = new double[states];
        for (double c : up.matMul(m.create(pow)).toDoubleArray()) {
            counts[rank.applyAsInt((long) c)]++;
        }
        return counts;
    }

    /**
     * Markov chains: TV within the chain bound (M/4 effective samples, {@link Reference.Tv#chains}), which the
     * uniform distribution exceeds twice over (else the test has no power).
     */
    static void assertChainsMatch(String name, Draw d) {
        double tv = d.tv().tv();
        double bound = d.tv().chains();
        double tvUniform = d.tv().uniform();
        System.out.printf("%s TV = %.4f (bound %.4f, uniform %.4f, acceptance %.3f)%n", name, tv, bound, tvUniform,
                d.acceptance());
        assertTrue(tv <= bound, "TV " + tv + " > bound " + bound);
        assertTrue(tvUniform > 2 * bound, "test has no power: uniform TV " + tvUniform + " vs bound " + bound);
    }

    /** Independent draws: TV within 1.5 times its expectation ({@link Reference.Tv#independent}). */
    static void assertIndependentMatch(String name, Draw d) {
        double tv = d.tv().tv();
        double expected = d.tv().independent();
        System.out.printf("%s TV = %.4f (expected %.4f, uniform %.4f)%n", name, tv, expected, d.tv().uniform());
        assertTrue(tv <= 1.5 * expected, "TV " + tv + " > 1.5 x expected " + expected);
    }
}
