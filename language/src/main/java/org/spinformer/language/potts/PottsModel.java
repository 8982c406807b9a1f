package org.spinformer.language.potts;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.core.engine.NoGrad;
import org.spinformer.core.train.TrainLoop;

import java.util.Random;

/**
 * Generalised Potts model with factored couplings J_ij U(a,b) (Rende, Gerace, Laio, Goldt, PRR 6, 023057,
 * 2024) on L sites with q colours:
 * <pre>
 *   p(x) ∝ exp( Σ_i h_i(x_i) + Σ_{i&lt;j} J_ij U(x_i, x_j) )        J symmetric [L,L], J_ii = 0; U symmetric [q,q]
 *   p(x_i = a | x_{∖i}) = softmax_a( h_i(a) + Σ_{j≠i} J_ij U(a, x_j) )
 * </pre>
 * {@link #planted}: J_ij = β g_ij/√L with g_ij ~ 𝒩(0,1), U_ab ~ 𝒩(0,1) (symmetrised), h = 0.
 * {@link #sample}: batched heat-bath (Gibbs) MCMC on the PyTorch engine: C chains from uniform random states,
 * {@code burnIn} sweeps discarded, then one sample per chain every {@code thin} sweeps (a sweep updates sites
 * 0..L−1 in order), until M samples. Exact enumeration ({@link #probabilities}) for q^L ≤ 2^21 states.
 */
public final class PottsModel {
    private final int l;
    private final int q;
    private final double[][] j;
    private final double[][] u;
    private final double[][] h;

    public PottsModel(double[][] j, double[][] u, double[][] h) {
        this.l = j.length;
        this.q = u.length;
        this.j = j;
        this.u = u;
        this.h = h == null ? new double[l][q] : h;
    }

    /** Planted couplings J_ij = β g_ij/√L, U ~ 𝒩(0,1) symmetric, zero fields, from one seed. */
    public static PottsModel planted(int sites, int colors, double beta, long seed) {
        if (sites < 2 || colors < 2) {
            throw new IllegalArgumentException("need at least 2 sites and 2 colours, got L=" + sites + " q=" + colors);
        }
        Random r = new Random(seed);
        double[][] j = new double[sites][sites];
        for (int a = 0; a < sites; a++) {
            for (int b = a + 1; b < sites; b++) {
                j[a][b] = beta * r.nextGaussian() / Math.sqrt(sites);
                j[b][a] = j[a][b];
            }
        }
        double[][] u = new double[colors][colors];
        for (int a = 0; a < colors; a++) {
            for (int b = a; b < colors; b++) {
                u[a][b] = r.nextGaussian();
                u[b][a] = u[a][b];
            }
        }
        return new PottsModel(j, u, null);
    }

    public int sites() {
        return l;
    }

    public int colors() {
        return q;
    }

    public double[][] couplingJ() {
        return j;
    }

    public double[][] couplingU() {
        return u;
    }

    /** log of the unnormalised weight: Σ_i h_i(x_i) + Σ_{i<j} J_ij U(x_i,x_j). */
    public double logWeight(int[] x) {
        double w = 0;
        for (int a = 0; a < l; a++) {
            w += h[a][x[a]];
            for (int b = a + 1; b < l; b++) {
                w += j[a][b] * u[x[a]][x[b]];
            }
        }
        return w;
    }

    /** The exact conditional p(x_i = · | x_{∖i}) (plain Java reference). */
    public double[] conditional(int[] x, int i) {
        double[] f = new double[q];
        for (int a = 0; a < q; a++) {
            f[a] = h[i][a];
            for (int b = 0; b < l; b++) {
                if (b != i) {
                    f[a] += j[i][b] * u[a][x[b]];
                }
            }
        }
        return normalizeExp(f);
    }

    /** In place, f ← exp(f − max f) / Σ exp(f − max f): log-weights to probabilities, without overflow. */
    private static double[] normalizeExp(double[] f) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : f) {
            max = Math.max(max, v);
        }
        double z = 0;
        for (int a = 0; a < f.length; a++) {
            f[a] = Math.exp(f[a] - max);
            z += f[a];
        }
        for (int a = 0; a < f.length; a++) {
            f[a] /= z;
        }
        return f;
    }

    /** Number of states q^L, or −1 when above 2^21 (too many to enumerate). */
    public long stateCount() {
        double n = Math.pow(q, l);
        return n > (1 << 21) ? -1 : (long) n;
    }

    /** State number s → configuration (base-q digits, x_0 most significant). */
    public int[] decode(long s) {
        return decode(s, l, q);
    }

    /** Configuration → state number. */
    public long encode(int[] x) {
        return encode(x, q);
    }

    /** State number s → configuration of {@code sites} base-{@code colors} digits, x_0 most significant. */
    public static int[] decode(long s, int sites, int colors) {
        int[] x = new int[sites];
        for (int i = sites - 1; i >= 0; i--) {
            x[i] = (int) (s % colors);
            s /= colors;
        }
        return x;
    }

    /** Configuration of base-{@code colors} digits (x_0 most significant) → state number. */
    public static long encode(int[] x, int colors) {
        long s = 0;
        for (int v : x) {
            s = s * colors + v;
        }
        return s;
    }

    /** Exact p(x) for every state (exact enumeration). */
    public double[] probabilities() {
        long n = stateCount();
        if (n < 0) {
            throw new IllegalArgumentException("q^L = " + q + "^" + l + " too large to enumerate");
        }
        double[] p = new double[(int) n];
        for (int s = 0; s < n; s++) {
            p[s] = logWeight(decode(s));
        }
        return normalizeExp(p);
    }

    /**
     * The exact conditional entropy per site, S = −(1/L) Σ_i E_p[log p(x_i | x_{∖i})] (nats): the lowest test
     * loss any model of the single-site conditionals can reach. By exact enumeration.
     */
    public double exactConditionalEntropy() {
        double[] p = probabilities();
        double s = 0;
        for (int st = 0; st < p.length; st++) {
            if (p[st] == 0) {
                continue;
            }
            int[] x = decode(st);
            double acc = 0;
            for (int i = 0; i < l; i++) {
                acc -= Math.log(conditional(x, i)[x[i]]);
            }
            s += p[st] * acc / l;
        }
        return s;
    }

    /**
     * M samples by batched heat-bath MCMC (see class doc).
     *
     * @param chains number of chains C (≤ M); each contributes M/C samples (rounded up, then truncated)
     */
    public int[][] sample(int m, int chains, int burnIn, int thin, long seed, NDManager base) {
        if (m < 1 || chains < 1 || burnIn < 0 || thin < 1) {
            throw new IllegalArgumentException("bad sampler settings: M=" + m + " chains=" + chains + " burn-in="
                    + burnIn + " thin=" + thin);
        }
        int c = Math.min(chains, m);
        Random r = new Random(seed);
        int[][] x = new int[c][l];
        for (int[] row : x) {
            for (int i = 0; i < l; i++) {
                row[i] = r.nextInt(q);
            }
        }
        double[] k = new double[l * q * l * q]; // K[(i,a),(j,b)] = J_ij U(a,b)
        double[] hf = new double[l * q];
        for (int i = 0; i < l; i++) {
            for (int a = 0; a < q; a++) {
                hf[i * q + a] = h[i][a];
                for (int jj = 0; jj < l; jj++) {
                    for (int b = 0; b < q; b++) {
                        k[((i * q + a) * l + jj) * q + b] = j[i][jj] * u[a][b];
                    }
                }
            }
        }
        int[][] out = new int[m][];
        int got = 0;
        try (NoGrad noGrad = NoGrad.enter(); NDManager pm = base.newSubManager()) {
            NDArray kt = pm.create(k, new Shape(l * q, l * q)).transpose().duplicate(); // [(j,b),(i,a)]
            NDArray hv = pm.create(hf, new Shape(1, l * q));
            for (int sweep = 0; got < m; sweep++) {
                for (int i = 0; i < l; i++) {
                    gibbsSite(x, i, kt, hv, r, base);
                }
                if (sweep + 1 > burnIn && (sweep + 1 - burnIn) % thin == 0) {
                    for (int a = 0; a < c && got < m; a++) {
                        out[got++] = x[a].clone();
                    }
                }
            }
        }
        return out;
    }

    private void gibbsSite(int[][] x, int site, NDArray kt, NDArray hv, Random r, NDManager base) {
        int c = x.length;
        long[] ids = new long[c * l];
        double[] uu = new double[c];
        for (int a = 0; a < c; a++) {
            for (int b = 0; b < l; b++) {
                ids[a * l + b] = x[a][b];
            }
            uu[a] = r.nextDouble();
        }
        long[] pick = TrainLoop.inStep(base, m -> {
            NDArray onehot = m.create(ids, new Shape(c, l)).oneHot(q, DataType.FLOAT64).reshape(c, (long) l * q);
            NDArray field = onehot.matMul(kt.get(":, " + site * q + ":" + (site + 1) * q))
                    .add(hv.get(":, " + site * q + ":" + (site + 1) * q)); // [C,q]
            NDArray cdf = field.softmax(1).cumSum(1);
            NDArray thr = cdf.get(":, -1:").mul(m.create(uu, new Shape(c, 1)));
            return cdf.lt(thr).toType(DataType.INT64, false).sum(new int[] {1}).toLongArray();
        });
        for (int a = 0; a < c; a++) {
            x[a][site] = (int) pick[a];
        }
    }
}
