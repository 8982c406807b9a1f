package org.spinformer.nqs.sampler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.nqs.hilbert.Hilbert;
import org.spinformer.nqs.operator.Operator;
import org.spinformer.nqs.vqs.LocalEnergies;
import org.spinformer.nqs.vqs.LocalEnergy;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.List;

/**
 * Exact enumeration of the operator's Hilbert space (the Sz = 0 sector or all 2^N configurations, up to 20 sites):
 * weights |ψ|², no noise. When the model is invariant under a group of site permutations
 * ({@code WaveFunction.symmetries()}, which must commute with the operator) only one representative per orbit is
 * kept, with its orbit size as multiplicity, which makes every average exact at a fraction of the cost. Local
 * energies come from a connection table built once from the operator's plain-Java matrix elements (rows of
 * connected configurations), so a step needs one forward pass over the representatives.
 */
public final class ExactSampler implements Sampler {
    /** Largest number of sites enumerated. */
    public static final int MAX_SITES = 20;
    private final NDArray sigma; // [R,N]
    private final NDArray mult; // [R]
    private final NDArray idx; // [R,K] int64
    private final NDArray coef; // [R,K]
    private final NDArray diag; // [R]
    private final int basisSize;

    /**
     * @param symmetries site permutations leaving ψ invariant (may be empty); the identity is implied
     */
    public ExactSampler(Operator op, List<int[]> symmetries, DataType dtype, NDManager m) {
        Hilbert hilbert = op.hilbert();
        int n = hilbert.sites();
        if (n > MAX_SITES) {
            throw new IllegalArgumentException("exact enumeration is limited to " + MAX_SITES + " sites, got " + n
                    + " (use --sampler metropolis)");
        }
        basisSize = hilbert.size();
        int[] repOf = new int[basisSize];
        int[] count = new int[basisSize];
        int reps = 0;
        int[] rowOfRep = new int[basisSize];
        java.util.Arrays.fill(rowOfRep, -1);
        for (int r = 0; r < basisSize; r++) {
            long s = hilbert.state(r);
            int best = r;
            for (int[] g : symmetries) {
                long t = 0;
                for (int i = 0; i < n; i++) {
                    if ((s >>> i & 1L) != 0) {
                        t |= 1L << g[i];
                    }
                }
                best = Math.min(best, hilbert.rank(t));
            }
            repOf[r] = best;
        }
        for (int r = 0; r < basisSize; r++) {
            if (rowOfRep[repOf[r]] < 0) {
                rowOfRep[repOf[r]] = reps++;
            }
            count[rowOfRep[repOf[r]]]++;
        }
        int nb = op.maxConnections();
        long[] to = new long[nb];
        double[] mel = new double[nb];
        double[] spins = new double[reps * n];
        double[] mu = new double[reps];
        long[] ix = new long[reps * nb];
        double[] cf = new double[reps * nb];
        double[] dg = new double[reps];
        for (int r = 0; r < basisSize; r++) {
            if (repOf[r] != r) {
                continue;
            }
            int row = rowOfRep[r];
            long s = hilbert.state(r);
            for (int i = 0; i < n; i++) {
                spins[row * n + i] = (s >>> i & 1L) != 0 ? 1 : -1;
            }
            mu[row] = count[row];
            dg[row] = op.diagonal(s);
            int k = op.connected(s, to, mel);
            for (int b = 0; b < nb; b++) {
                if (b < k) {
                    if (!hilbert.allowed(to[b])) {
                        throw new IllegalStateException(op + " leaves its Hilbert space " + hilbert);
                    }
                    ix[row * nb + b] = rowOfRep[repOf[hilbert.rank(to[b])]];
                    cf[row * nb + b] = mel[b];
                } else {
                    ix[row * nb + b] = row;
                }
            }
        }
        sigma = m.create(spins, new Shape(reps, n)).toType(dtype, false);
        mult = m.create(mu).toType(dtype, false);
        idx = m.create(ix, new Shape(reps, nb));
        coef = m.create(cf, new Shape(reps, nb)).toType(dtype, false);
        diag = m.create(dg).toType(dtype, false);
    }

    /** Number of rows (orbit representatives). */
    public long rows() {
        return sigma.getShape().get(0);
    }

    /** Size of the enumerated basis (before orbit reduction). */
    public int basisSize() {
        return basisSize;
    }

    /** The representatives [R,N] and their multiplicities [R]. */
    public NDArray configurations() {
        return sigma;
    }

    public NDArray multiplicities() {
        return mult;
    }

    @Override
    public Samples sample(VariationalState vs, NDManager step, long stepIndex) {
        NDArray s = sigma.duplicate();
        s.attach(step);
        NDArray[] lp = vs.logPsi(s);
        NDArray lw = lp[0].mul(2).sub(lp[0].max().mul(2));
        NDArray w = lw.exp().mul(mult);
        w = w.div(w.sum());
        LocalEnergies e = LocalEnergy.fromTable(local(idx, step), local(coef, step), local(diag, step), lp[0], lp[1]);
        return new Samples(s, w, lp[0], lp[1], 1, true, Double.NaN, e.re(), e.im());
    }

    /** Draws per [chunk, rows] comparison block of {@link #draw}. */
    private static final int DRAW_CHUNK = 1024;

    /**
     * M independent draws from |ψ|² (NetKet's {@code ExactSampler}): the weights of the enumerated basis as in
     * {@link #sample}, then M rows chosen by inverse-CDF on the tensor engine (uniforms from a host stream seeded
     * by {@code seed}). Weights 1/M, local energies from the connection table; each draw is its own "chain".
     */
    Samples draw(VariationalState vs, NDManager step, int m, long seed) {
        Samples all = sample(vs, step, 0);
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        double[] u = new double[m];
        for (int i = 0; i < m; i++) {
            u[i] = r.nextDouble();
        }
        DataType dt = all.weights().getDataType();
        NDArray cdf = all.weights().toType(DataType.FLOAT64, false).cumSum(0); // [R]
        long rows = cdf.getShape().get(0);
        NDArray uu = step.create(u).mul(cdf.get(rows - 1)); // scale by the total (≈ 1) so rounding never overflows
        // row index = number of cdf entries ≤ u, by [chunk,R] comparisons (bounded memory for large M and R)
        ai.djl.ndarray.NDList picks = new ai.djl.ndarray.NDList();
        for (int c0 = 0; c0 < m; c0 += DRAW_CHUNK) {
            NDArray part = uu.get(c0 + ":" + Math.min(m, c0 + DRAW_CHUNK));
            picks.add(part.expandDims(1).gte(cdf.expandDims(0)).toType(DataType.INT64, false).sum(new int[] {1}));
        }
        NDArray pick = ai.djl.ndarray.NDArrays.concat(picks).minimum(rows - 1); // [M]
        long n = all.sigma().getShape().get(1);
        NDArray flat = pick.expandDims(1).mul(n).add(step.arange(0L, n, 1L, DataType.INT64)); // [M,N]
        NDArray s = all.sigma().take(step, flat);
        NDArray w = step.ones(new Shape(m), dt).div(m);
        return new Samples(s, w, all.logRe().take(step, pick), all.logIm().take(step, pick), m, false, Double.NaN,
                all.eLocRe().take(step, pick), all.eLocIm().take(step, pick));
    }

    private static NDArray local(NDArray a, NDManager step) {
        NDArray d = a.duplicate();
        d.attach(step);
        return d;
    }

    @Override
    public String name() {
        return "exact";
    }
}
