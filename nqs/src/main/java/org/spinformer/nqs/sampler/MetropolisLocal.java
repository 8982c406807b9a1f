package org.spinformer.nqs.sampler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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
        NDArray s = state.duplicate();
        s.attach(step);
        NDArray[] lp = vs.logPsi(s);
        NDArray re = lp[0];
        NDArray im = lp[1];
        int sweeps = sweeps();
        int recordFrom = recordFrom();
        NDList outS = new NDList();
        NDList outRe = new NDList();
        NDList outIm = new NDList();
        NDArray accepted = step.zeros(new Shape(chains), dtype);
        long proposals = 0;
        long[] site = new long[chains];
        double[] u = new double[chains];
        NDArray sites = step.arange(0L, n, 1L, DataType.INT64).expandDims(0); // [1,N]
        for (int sw = 0; sw < sweeps; sw++) {
            try (NDManager sub = step.newSubManager()) {
                NDArray acc = accepted;
                s.attach(sub);
                re.attach(sub);
                im.attach(sub);
                acc.attach(sub);
                for (int p = 0; p < n; p++) {
                    for (int c = 0; c < chains; c++) {
                        site[c] = rnd.nextInt(n);
                        u[c] = rnd.nextDouble();
                    }
                    NDArray oneHot = sub.create(site).expandDims(1).eq(sites).toType(dtype, false); // [C,N]
                    NDArray prop = s.sub(s.mul(oneHot).mul(2)); // σ ⊙ (1 − 2e_i)
                    NDArray[] lq = vs.logPsi(prop);
                    NDArray logU = sub.create(u).toType(dtype, false).log();
                    NDArray a = lq[0].sub(re).mul(2).gt(logU).toType(dtype, false); // [C]
                    s = s.add(prop.sub(s).mul(a.expandDims(1)));
                    re = re.add(lq[0].sub(re).mul(a));
                    im = im.add(lq[1].sub(im).mul(a));
                    acc = acc.add(a);
                    proposals += chains;
                }
                s.attach(step);
                re.attach(step);
                im.attach(step);
                acc.attach(step);
                accepted = acc;
            }
            record(sw, recordFrom, s, re, im, outS, outRe, outIm);
        }
        return finish(step, s, outS, outRe, outIm, accepted, proposals);
    }

    @Override
    public String name() {
        return "metropolis-local";
    }
}
