package org.spinformer.language.memory;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Locale;
import java.util.Random;

/**
 * Couplings of an associative memory of P binary patterns ξ^μ ∈ {−1, +1}^N and their basins of attraction, on
 * the engine (D'Amico, Negri et al., "Pseudo-likelihood produces associative memories able to generalize, even for
 * asymmetric couplings", 2025). Three rules, all with J_ii = 0:
 * <ul>
 *   <li>{@link Rule#HEBB}: J = ΞᵀΞ / N (Hopfield; retrieval up to α = P/N ≈ 0.138);</li>
 *   <li>{@link Rule#PSEUDO_INVERSE}: J = Ξᵀ C⁻¹ Ξ / N with C = Ξ Ξᵀ / N (Kanter–Sompolinsky; every pattern a fixed
 *   point for α &lt; 1);</li>
 *   <li>{@link Rule#PSEUDO_LIKELIHOOD}: J maximising the pseudo-likelihood of the patterns,
 *   L(J) = (1/P) Σ_μ Σ_i log σ(2β ξ^μ_i h^μ_i), h^μ_i = Σ_{j≠i} J_ij ξ^μ_j (one logistic regression per neuron,
 *   so J need not be symmetric), by gradient ascent from J = 0 at a large β (the zero-temperature limit is the
 *   maximum-margin perceptron of each neuron; β sets how far the margins are pushed).</li>
 * </ul>
 * Retrieval: a pattern with a fraction c of its spins flipped evolves by zero-temperature asynchronous dynamics
 * s_i ← sign(Σ_j J_ij s_j) (sites in order, ties keep s_i) until no spin changes or {@code maxSweeps}; the
 * overlap m = s·ξ / N with the pattern it started from measures recall.
 */
public final class AssociativeMemory {
    /** The coupling rule. */
    public enum Rule { HEBB, PSEUDO_INVERSE, PSEUDO_LIKELIHOOD }

    private AssociativeMemory() {}

    /** P random patterns [P,N] of ±1 (float32) from {@code seed}. */
    public static NDArray randomPatterns(int p, int n, long seed, NDManager m) {
        Random r = new Random(seed);
        float[] v = new float[p * n];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextBoolean() ? 1f : -1f;
        }
        return m.create(v, new Shape(p, n));
    }

    /** The couplings [N,N] of {@code rule} for patterns ξ [P,N]; {@code beta}, {@code steps}: pseudo-likelihood only. */
    public static NDArray couplings(Rule rule, NDArray xi, double beta, int steps) {
        NDManager m = xi.getManager();
        long p = xi.getShape().get(0);
        long n = xi.getShape().get(1);
        NDArray offDiag = m.ones(new Shape(n, n), xi.getDataType()).sub(m.eye((int) n).toType(xi.getDataType(), false));
        switch (rule) {
            case HEBB:
                return xi.transpose().matMul(xi).div(n).mul(offDiag);
            case PSEUDO_INVERSE: {
                NDArray c = xi.matMul(xi.transpose()).div(n); // [P,P]
                NDArray cInv = c.toType(DataType.FLOAT64, false).inverse().toType(xi.getDataType(), false);
                return xi.transpose().matMul(cInv).matMul(xi).div(n).mul(offDiag);
            }
            default:
                return pseudoLikelihood(xi, beta, steps, offDiag);
        }
    }

    /**
     * Gradient ascent on L(J): ∂L/∂J_ij = (2β/P) Σ_μ (1 − σ(2β ξ_i h_i)) ξ_i ξ_j, J ← J + ∂L/∂J / (2βN) (a step
     * moves each field by at most 1). On separable patterns plain gradient ascent on this logistic likelihood
     * turns each row of J towards the maximum-margin direction as the steps go on (the zero-temperature limit).
     */
    static NDArray pseudoLikelihood(NDArray xi, double beta, int steps, NDArray offDiag) {
        NDManager m = xi.getManager();
        long p = xi.getShape().get(0);
        long n = xi.getShape().get(1);
        NDArray j = m.zeros(new Shape(n, n), xi.getDataType());
        double eta = 1 / (2 * beta);
        for (int s = 0; s < steps; s++) {
            try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) { // frees the step's intermediates
                scope.suppressNotUsedWarning();
                NDArray h = xi.matMul(j.transpose()); // [P,N]: h^μ_i = Σ_j J_ij ξ^μ_j
                NDArray w = ai.djl.nn.Activation.sigmoid(xi.mul(h).mul(-2 * beta)); // σ(−2βξh) = 1 − σ(2βξh)
                NDArray grad = xi.mul(w).transpose().matMul(xi).mul(2 * beta / p).mul(offDiag); // [N,N]
                j.addi(grad.mul(eta).div(n));
            }
        }
        return j;
    }

    /** Mean overlap and the fraction of trials with overlap ≥ 0.95, for one corruption level. */
    public record Recall(double corruption, double meanOverlap, double stdOverlap, double retrieved) {}

    /**
     * Recall of every pattern from {@code trials} corrupted copies each (each spin flipped with probability
     * {@code corruption}, from {@code seed}), by asynchronous zero-temperature dynamics, all copies together.
     */
    public static Recall recall(NDArray j, NDArray xi, double corruption, int trials, int maxSweeps, long seed) {
        NDManager m = xi.getManager();
        int p = (int) xi.getShape().get(0);
        int n = (int) xi.getShape().get(1);
        Random r = new Random(seed);
        float[] flip = new float[trials * p * n];
        for (int i = 0; i < flip.length; i++) {
            flip[i] = r.nextDouble() < corruption ? -1f : 1f;
        }
        try (NDManager s = m.newSubManager()) {
            NDArray target = xi.tile(new long[] {trials, 1}); // [B,N], B = trials·P
            NDArray state = relax(j, target.mul(s.create(flip, new Shape((long) trials * p, n))), maxSweeps);
            NDArray overlap = state.mul(target).sum(new int[] {1}).div(n).toType(DataType.FLOAT64, false); // [B]
            double mean = overlap.mean().getDouble();
            double sd = overlap.sub(mean).square().mean().sqrt().getDouble();
            double retrieved = overlap.gte(0.95).toType(DataType.FLOAT64, false).mean().getDouble();
            return new Recall(corruption, mean, sd, retrieved);
        }
    }

    /**
     * The states [B,N] reached from {@code start} [B,N] (all rows together) by zero-temperature asynchronous
     * dynamics s_i ← sign(Σ_j J_ij s_j) (sites in order, ties keep s_i), until no spin changes or {@code maxSweeps}.
     * The result is owned by {@code start}'s manager.
     */
    public static NDArray relax(NDArray j, NDArray start, int maxSweeps) {
        int n = (int) start.getShape().get(1);
        NDArray state = start.duplicate();
        NDArray jt = j.transpose(); // column i: the couplings into spin i
        for (int sweep = 0; sweep < maxSweeps; sweep++) {
            NDArray before = state.duplicate();
            for (int i = 0; i < n; i++) {
                try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDIndex col = new NDIndex(":, {}", i);
                    NDArray field = state.matMul(jt.get(col).expandDims(1)).squeeze(1); // [B]
                    NDArray old = state.get(col);
                    NDArray next = field.sign();
                    next = next.add(next.eq(0).toType(next.getDataType(), false).mul(old)); // ties keep s_i
                    state.set(col, next);
                }
            }
            boolean moved = state.neq(before).any().getBoolean();
            before.close();
            if (!moved) {
                break;
            }
        }
        return state;
    }

    /**
     * Structured data: examples [P,N] drawn around K templates [K,N] (example μ from template μ mod K, each spin
     * flipped with probability {@code noise}); {@code template} [P,N] is each example's own template.
     */
    public record Planted(NDArray examples, NDArray template) {}

    /** {@code p} examples around {@code templates} [K,N] with flip probability {@code noise}, from {@code seed}. */
    public static Planted planted(NDArray templates, int p, double noise, long seed) {
        int k = (int) templates.getShape().get(0);
        int n = (int) templates.getShape().get(1);
        Random r = new Random(seed);
        float[] flip = new float[p * n];
        long[] which = new long[p];
        for (int mu = 0; mu < p; mu++) {
            which[mu] = mu % k;
            for (int i = 0; i < n; i++) {
                flip[mu * n + i] = r.nextDouble() < noise ? -1f : 1f;
            }
        }
        NDManager m = templates.getManager();
        NDArray own = templates.get(new NDIndex("{}", m.create(which)));
        return new Planted(own.mul(m.create(flip, new Shape(p, n))), own);
    }

    /**
     * Memorisation against generalisation, for couplings trained on {@code train}: the dynamics run from every
     * train example and from every test example (new examples of the same templates). {@code trainOwn}: overlap of
     * a train example's end state with itself (1: the examples are memorised as fixed points); {@code testTemplate}:
     * overlap of a test example's end state with its template (1: the attractors are the templates, correlated
     * with unseen examples); {@code testNearestTrain}: its largest overlap with any train example; {@code
     * testStart}: the test examples' own overlap with their template before the dynamics (1 − 2·noise).
     */
    public record Crossover(double trainOwn, double testTemplate, double testNearestTrain, double testStart) {}

    /** The {@link Crossover} measures of couplings {@code j}. */
    public static Crossover crossover(NDArray j, Planted train, Planted test, int maxSweeps) {
        NDManager m = j.getManager();
        long n = train.examples().getShape().get(1);
        try (NDManager s = m.newSubManager()) {
            NDArray fromTrain = relax(j, train.examples(), maxSweeps);
            NDArray fromTest = relax(j, test.examples(), maxSweeps);
            fromTrain.attach(s);
            fromTest.attach(s);
            double trainOwn = meanRowOverlap(fromTrain, train.examples(), n);
            double testTemplate = meanRowOverlap(fromTest, test.template(), n);
            double nearest = fromTest.matMul(train.examples().transpose()).div(n).max(new int[] {1})
                    .toType(DataType.FLOAT64, false).mean().getDouble();
            double start = meanRowOverlap(test.examples(), test.template(), n);
            return new Crossover(trainOwn, testTemplate, nearest, start);
        }
    }

    private static double meanRowOverlap(NDArray a, NDArray b, long n) {
        return a.mul(b).sum(new int[] {1}).div(n).toType(DataType.FLOAT64, false).mean().getDouble();
    }

    /** {@code hebb}, {@code pinv} (or {@code pseudo-inverse}), {@code pl} (or {@code pseudo-likelihood}). */
    public static Rule parse(String s) {
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "hebb":
            case "hebbian":
                return Rule.HEBB;
            case "pinv":
            case "pseudo-inverse":
                return Rule.PSEUDO_INVERSE;
            case "pl":
            case "pseudo-likelihood":
                return Rule.PSEUDO_LIKELIHOOD;
            default:
                throw new IllegalArgumentException("--rules takes hebb, pinv or pl, got '" + s + "'");
        }
    }
}
