package org.spinformer.nqs.sampler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.nqs.graph.Graph;
import org.spinformer.nqs.hilbert.Hilbert;
import org.spinformer.nqs.operator.Operator;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.SplittableRandom;

/**
 * Metropolis–Hastings with exchange moves for an Sz-conserving operator on the Sz = 0 sector: a proposal picks one
 * of the K(σ) anti-aligned edges (i, j) of the operator's graph (all colours: J1 and J2 bonds) uniformly per chain and swaps σ_i and σ_j (Sz is conserved; no null moves), accepted
 * with probability min(1, |ψ(σ')/ψ(σ)|² K(σ)/K(σ')) (the Hastings factor of the state-dependent proposal). All C chains advance together as one batched tensor [C,N]; a sweep
 * is N proposals. Chains persist across steps; the first step thermalises for {@code thermalize} sweeps, every
 * step discards {@code discard} sweeps and then records one sample per chain after every sweep, M/C per chain.
 * Random numbers come from a host stream seeded by (seed, step), so a resumed run continues identically.
 */
public final class MetropolisExchange extends MarkovChains {
    private final int[][] edges;

    /** Exchange moves on the operator's graph over its Hilbert space (which must be the Sz = 0 sector). */
    public MetropolisExchange(Operator op, int samples, int chains, int thermalize, int discard, long seed,
                              DataType dtype, NDManager manager) {
        this(op.graph(), op.hilbert(), samples, chains, thermalize, discard, seed, dtype, manager);
    }

    /** Exchange moves on the edges of {@code graph} (all colours) over {@code hilbert} (the Sz = 0 sector). */
    public MetropolisExchange(Graph graph, Hilbert hilbert, int samples, int chains, int thermalize, int discard,
                              long seed, DataType dtype, NDManager manager) {
        super(graph.n(), samples, chains, thermalize, discard, seed, dtype, manager);
        if (!hilbert.constrained()) {
            throw new IllegalArgumentException("exchange moves conserve Sz and need the Sz = 0 sector, got "
                    + hilbert + " (use MetropolisLocal)");
        }
        if (hilbert.sites() != graph.n()) {
            throw new IllegalArgumentException(hilbert + " does not match the " + graph.n() + "-site graph");
        }
        this.edges = graph.edges();
        if (edges.length == 0) {
            throw new IllegalArgumentException("exchange moves need a graph with edges, got " + graph);
        }
        SplittableRandom r = new SplittableRandom(seed);
        double[] init = new double[chains * n];
        for (int c = 0; c < chains; c++) {
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int k = r.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[k];
                perm[k] = t;
            }
            for (int i = 0; i < n; i++) {
                init[c * n + perm[i]] = i < n / 2 ? 1 : -1;
            }
        }
        state = manager.create(init, new Shape(chains, n)).toType(dtype, false);
    }

    /**
     * The walk, written for few engine ops per proposal (each op costs ~10 µs of call overhead, and a step of 64
     * chains is a few hundred of them): the random numbers of a sweep are made in one array, the proposal is
     * σ' = σ ⊙ (pick · F) with F = 1 − 2|D| (pick one-hot over the bonds: the two swapped spins change sign, the
     * others are kept; exact in ±1 arithmetic), log K(σ) is carried instead of recomputed, and acceptance selects
     * (where) instead of blending, so an accepted log ψ is the proposal's exactly.
     */
    @Override
    public Samples sample(VariationalState vs, NDManager step, long stepIndex) {
        SplittableRandom rnd = new SplittableRandom(StreamSeeds.of(seed, stepIndex));
        NDArray d = edgeMatrix(step); // [NB,N]
        NDArray dt = d.transpose();
        NDArray flip = d.abs().mul(-2).add(1); // F = 1 − 2|D| [NB,N]
        Walk w = new Walk(vs, step);
        int sweeps = sweeps();
        int recordFrom = recordFrom();
        double[] vu = new double[2 * n * chains];
        NDArray anti = w.s.matMul(dt).abs().gt(1).toType(dtype, false); // [C,NB] anti-aligned bonds
        NDArray nAnti = anti.sum(new int[] {1}); // K(σ) [C]
        NDArray logK = nAnti.log(); // log K(σ) [C]
        for (int sw = 0; sw < sweeps; sw++) {
            try (NDManager sub = step.newSubManager()) {
                w.attach(sub, anti, nAnti, logK);
                // the same stream order as one draw per chain per proposal: v then u, chain by chain
                for (int p = 0; p < n; p++) {
                    for (int c = 0; c < chains; c++) {
                        vu[p * chains + c] = rnd.nextDouble();
                        vu[(n + p) * chains + c] = rnd.nextDouble();
                    }
                }
                NDArray rv = sub.create(vu, new Shape(2L * n, chains)).toType(dtype, false);
                NDArray vAll = rv.get("0:" + n); // [N,C]
                NDArray logUAll = rv.get(n + ":").log(); // [N,C]
                for (int p = 0; p < n; p++) {
                    // pick one of the K(σ) anti-aligned bonds uniformly: the first bond whose running count
                    // of anti-aligned bonds exceeds ⌊v·K⌋
                    NDArray target = vAll.get(p).mul(nAnti).floor().add(1).expandDims(1);
                    NDArray pick = anti.mul(anti.cumSum(1).eq(target)); // [C,NB] one-hot
                    NDArray prop = w.s.mul(pick.matMul(flip)); // σ with σ_i, σ_j swapped [C,N]
                    NDArray antiP = prop.matMul(dt).abs().gt(1).toType(dtype, false);
                    NDArray nAntiP = antiP.sum(new int[] {1});
                    NDArray logKP = nAntiP.log();
                    NDArray[] lq = vs.logPsi(prop);
                    // Metropolis–Hastings: |ψ'/ψ|² · q(σ|σ')/q(σ'|σ) = |ψ'/ψ|² · K(σ)/K(σ')
                    NDArray dre = lq[0].sub(w.re);
                    NDArray logR = dre.add(dre).add(logK).sub(logKP);
                    NDArray a = logR.gt(logUAll.get(p)); // [C] bool
                    NDArray a2 = a.expandDims(1); // where does not broadcast in DJL: expanded to each shape
                    anti = NDArrays.where(a2.broadcast(antiP.getShape()), antiP, anti);
                    nAnti = NDArrays.where(a, nAntiP, nAnti);
                    logK = NDArrays.where(a, logKP, logK);
                    w.select(prop, lq, a, a2.broadcast(prop.getShape()));
                }
                w.attach(step, anti, nAnti, logK);
            }
            w.record(sw, recordFrom);
        }
        return finish(step, w);
    }

    /** Edge difference matrix D [NB,N], D_b = e_i − e_j (c = σDᵀ = σ_i − σ_j). */
    private NDArray edgeMatrix(NDManager m) {
        double[] d = new double[edges.length * n];
        for (int b = 0; b < edges.length; b++) {
            d[b * n + edges[b][0]] = 1;
            d[b * n + edges[b][1]] = -1;
        }
        return m.create(d, new Shape(edges.length, n)).toType(dtype, false);
    }

    @Override
    public String name() {
        return "metropolis";
    }
}
