package org.spinformer.nqs.sampler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.Map;

/**
 * What the Metropolis samplers share: C persistent chains [C,N] on the run's manager (checkpointed as
 * {@code sampler.chains}), the sweep schedule (thermalise once, then discard, then record one sample per chain
 * after each sweep) and the assembly of a step's samples.
 */
abstract class MarkovChains implements Sampler {
    protected final int n;
    protected final int samples;
    protected final int chains;
    protected final int thermalize;
    protected final int discard;
    protected final long seed;
    protected final DataType dtype;
    protected final NDManager manager;
    protected NDArray state; // [C,N] ±1, on manager
    protected boolean thermalized;

    MarkovChains(int n, int samples, int chains, int thermalize, int discard, long seed, DataType dtype,
                 NDManager manager) {
        if (samples <= 0 || chains <= 0 || samples % chains != 0) {
            throw new IllegalArgumentException("samples (" + samples + ") must be a positive multiple of chains ("
                    + chains + ")");
        }
        this.n = n;
        this.samples = samples;
        this.chains = chains;
        this.thermalize = thermalize;
        this.discard = discard;
        this.seed = seed;
        this.dtype = dtype;
        this.manager = manager;
    }

    public int chains() {
        return chains;
    }

    /** Sweeps of this step: thermalisation (first step) or discarded sweeps, then one per recorded sample. */
    protected int sweeps() {
        return (thermalized ? discard : thermalize) + samples / chains;
    }

    /** The first sweep whose end state is recorded. */
    protected int recordFrom() {
        return sweeps() - samples / chains;
    }

    /**
     * The chains during one step: configurations σ [C,N], log|ψ| and arg ψ [C], accepted moves per chain [C], the
     * recorded samples, and the proposal count.
     */
    protected final class Walk {
        NDArray s;
        NDArray re;
        NDArray im;
        NDArray acc;
        long proposals;
        final NDList outS = new NDList();
        final NDList outRe = new NDList();
        final NDList outIm = new NDList();

        /** Starts from the persistent chains (copied onto {@code step}) and their amplitudes. */
        Walk(VariationalState vs, NDManager step) {
            s = state.duplicate();
            s.attach(step);
            NDArray[] lp = vs.logPsi(s);
            re = lp[0];
            im = lp[1];
            acc = step.zeros(new Shape(chains), dtype);
        }

        /** Moves the walk's arrays (and {@code extra}) to {@code m}: a sweep's sub-manager, then back. */
        void attach(NDManager m, NDArray... extra) {
            s.attach(m);
            re.attach(m);
            im.attach(m);
            acc.attach(m);
            for (NDArray e : extra) {
                e.attach(m);
            }
        }

        /**
         * Accepts {@code prop} [C,N] (amplitudes {@code lq}) where {@code a} [C] is 1: σ ← σ + (σ' − σ)·a, the
         * same for log ψ, and counts the C proposals.
         */
        void accept(NDArray prop, NDArray[] lq, NDArray a) {
            s = s.add(prop.sub(s).mul(a.expandDims(1)));
            re = re.add(lq[0].sub(re).mul(a));
            im = im.add(lq[1].sub(im).mul(a));
            acc = acc.add(a);
            proposals += chains;
        }

        /**
         * As {@link #accept} with a boolean mask {@code a} [C] ({@code a2}: a broadcast to [C,N]): accepted rows take the
         * proposal and its log ψ exactly (one select per array).
         */
        void select(NDArray prop, NDArray[] lq, NDArray a, NDArray a2) {
            s = NDArrays.where(a2, prop, s);
            re = NDArrays.where(a, lq[0], re);
            im = NDArrays.where(a, lq[1], im);
            acc = acc.add(a);
            proposals += chains;
        }

        /** Records the chains after sweep {@code sw} when it is one of the recorded sweeps. */
        void record(int sw, int recordFrom) {
            if (sw >= recordFrom) {
                outS.add(s.duplicate());
                outRe.add(re.duplicate());
                outIm.add(im.duplicate());
            }
        }
    }

    /** Keeps the final chains for the next step and assembles the samples (sample-major, weights 1/M). */
    protected Samples finish(NDManager step, Walk w) {
        return finish(step, w.s, w.outS, w.outRe, w.outIm, w.acc, w.proposals);
    }

    private Samples finish(NDManager step, NDArray s, NDList outS, NDList outRe, NDList outIm, NDArray accepted,
                           long proposals) {
        thermalized = true;
        NDArray next = s.duplicate();
        next.attach(manager);
        state.close();
        state = next;
        NDArray sigma = NDArrays.concat(outS); // [S·C, N], sample-major
        NDArray w = step.ones(new Shape(samples), dtype).div(samples);
        double acceptance = accepted.sum().toType(DataType.FLOAT64, false).getDouble() / proposals;
        return new Samples(sigma, w, NDArrays.concat(outRe), NDArrays.concat(outIm), chains, false, acceptance,
                null, null);
    }

    @Override
    public Map<String, NDArray> state() {
        return Map.of("sampler.chains", state);
    }

    @Override
    public void loadState(Map<String, NDArray> st) {
        NDArray c = st.get("sampler.chains");
        if (c != null) {
            if (!c.getShape().equals(state.getShape())) {
                throw new IllegalArgumentException("checkpoint chains " + c.getShape() + " do not match "
                        + state.getShape());
            }
            NDArray next = c.toType(dtype, false);
            next.attach(manager);
            state.close();
            state = next;
            thermalized = true;
        }
    }
}
