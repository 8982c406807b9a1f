package org.spinformer.nqs.driver;

/**
 * Training compute of one VMC step in floating-point operations, by phase, counted analytically from the model's
 * forward cost F ({@link org.spinformer.nqs.model.WaveFunction#forwardFlops()}, FLOPs per configuration) and the
 * sizes of the step (the convention of the NQS scaling-law study: every forward, backward and solve counts; a
 * multiply-add is 2 FLOPs):
 * <pre>
 *   sampling      R_s · F          R_s configurations evaluated by the sampler (Metropolis: C chains + one proposal
 *                                  per chain per move; exact enumeration: the basis)
 *   local energy  R_e · F          R_e connected configurations σ' with ⟨σ'|H|σ⟩ ≠ 0, σ' ≠ σ
 *   Jacobian      2M · 3F          forward and backward (≈ 2F, the usual estimate) on [σ; σ] for Re and Im rows
 *   SR solve      sample space (2M ≤ P): K = X Xᵀ 2(2M)²P, Cholesky (2M)³/3, two solves 2(2M)², Xᵀy and
 *                 Xᵀε 2·2(2M)P;  parameter space: S = XᵀX 2(2M)P², Cholesky P³/3, solves 2P², Xᵀε 2(2M)P
 *   Adam          2M·P (gradient Xᵀε) + 10P (the moment updates)
 * </pre>
 * R_s and R_e are counted rows of {@link org.spinformer.nqs.vqs.VariationalState#logPsi}, not estimates, so the
 * only formula is F's.
 */
public record Compute(double sampling, double localEnergy, double jacobian, double solve) {

    /** The step's total. */
    public double total() {
        return sampling + localEnergy + jacobian + solve;
    }

    /**
     * @param forward      F, FLOPs of one forward per configuration
     * @param sampledRows  R_s; {@code energyRows} R_e; {@code samples} M; {@code params} P
     * @param sr           SR (true) or Adam (false)
     */
    public static Compute step(long forward, long sampledRows, long energyRows, long samples, long params,
                               boolean sr) {
        double f = forward;
        double rows = 2.0 * samples;
        double p = params;
        double solve;
        if (!sr) {
            solve = rows * p + 10 * p;
        } else if (rows <= p) {
            solve = 2 * rows * rows * p + rows * rows * rows / 3 + 2 * rows * rows + 4 * rows * p;
        } else {
            solve = 2 * rows * p * p + p * p * p / 3 + 2 * p * p + 2 * rows * p;
        }
        return new Compute(sampledRows * f, energyRows * f, rows * 3 * f, solve);
    }
}
