package org.spinformer.nqs.sampler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.nqs.hilbert.Hilbert;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.SplittableRandom;

/**
 * Metropolis with single-spin flips on an unconstrained Hilbert space (NetKet's {@code MetropolisLocal}): a proposal
 * flips one site i chosen uniformly per chain, σ' = σ ⊙ (1 − 2e_i), accepted with probability min(1, |ψ(σ')/ψ(σ)|²)
 * (the proposal is symmetric). All C chains advance together as one batched tensor [C,N]; a sweep is N proposals.
 * Chains start from uniformly random configurations and persist across steps; the first step thermalises for
 * {@code thermalize} sweeps, every step discards {@code discard} sweeps and then records one sample per chain
 * after every sweep, M/C per chain. Random numbers come from a host stream seeded by (seed, step), so a resumed run
 * continues identically.
 */
public final class MetropolisLocal extends MarkovChains {

    public MetropolisLocal(Hilbert hilbert, int samples, int chains, int thermalize, int discard, long seed,
                           DataType dtype, NDManager manager) {
        super(hilbert.sites(), samples, chains, thermalize, discard, seed, dtype, manager);
        if (hilbert.constrained()) {
            throw new IllegalArgumentException("single spin flips leave the Sz = 0 sector of " + hilbert
                    + " (use MetropolisExchange)");
        }
        SplittableRandom r = new SplittableRandom(seed);
        double[] init = new double[chains * n];
        for (int i = 0; i < init.length; i++) {
            init[i] = r.nextBoolean() ? 1 : -1;
        }
        state = manager.create(init, new Shape(chains, n)).toType(dtype, false);
    }

    @Override
    public Samples sample(VariationalState vs, NDManager step, long stepIndex) {
        SplittableRandom rnd = new SplittableRandom(StreamSeeds.of(seed, stepIndex));
        Walk w = new Walk(vs, step);
        int sweeps = sweeps();
        int recordFrom = recordFrom();
        long[] site = new long[chains];
        double[] u = new double[chains];
        NDArray sites = step.arange(0L, n, 1L, DataType.INT64).expandDims(0); // [1,N]
        for (int sw = 0; sw < sweeps; sw++) {
            try (NDManager sub = step.newSubManager()) {
                w.attach(sub);
                for (int p = 0; p < n; p++) {
                    for (int c = 0; c < chains; c++) {
                        site[c] = rnd.nextInt(n);
                        u[c] = rnd.nextDouble();
                    }
                    NDArray oneHot = sub.create(site).expandDims(1).eq(sites).toType(dtype, false); // [C,N]
                    NDArray prop = w.s.sub(w.s.mul(oneHot).mul(2)); // σ ⊙ (1 − 2e_i)
                    NDArray[] lq = vs.logPsi(prop);
                    NDArray logU = sub.create(u).toType(dtype, false).log();
                    w.accept(prop, lq, lq[0].sub(w.re).mul(2).gt(logU).toType(dtype, false));
                }
                w.attach(step);
            }
            w.record(sw, recordFrom);
        }
        return finish(step, w);
    }

    @Override
    public String name() {
        return "metropolis-local";
    }
}
