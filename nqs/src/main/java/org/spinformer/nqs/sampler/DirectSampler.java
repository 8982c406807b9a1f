package org.spinformer.nqs.sampler;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.spinformer.nqs.operator.Operator;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.List;

/**
 * Independent samples drawn directly from |ψ|² over the operator's enumerated Hilbert space (Sz = 0 sector or
 * full, up to 20 sites): what NetKet
 * calls {@code ExactSampler}. Monte Carlo noise like Metropolis with M samples, but no autocorrelation and no
 * chain lag, so comparing the two isolates the Markov chain's contribution; comparing with {@link ExactSampler}
 * (full summation) isolates the noise of M samples. Each step draws from its own stream, hashed from (seed, step).
 */
public final class DirectSampler implements Sampler {
    private final ExactSampler exact;
    private final int samples;
    private final long seed;

    public DirectSampler(Operator h, List<int[]> symmetries, int samples, long seed, DataType dtype, NDManager m) {
        if (samples <= 0) {
            throw new IllegalArgumentException("samples must be positive, got " + samples);
        }
        this.exact = new ExactSampler(h, symmetries, dtype, m);
        this.samples = samples;
        this.seed = seed;
    }

    @Override
    public Samples sample(VariationalState vs, NDManager step, long stepIndex) {
        return exact.draw(vs, step, samples, StreamSeeds.of(seed, stepIndex));
    }

    @Override
    public String name() {
        return "direct";
    }
}
