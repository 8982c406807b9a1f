package org.spinformer.nqs.exact;

import org.spinformer.nqs.hilbert.Hilbert;
import org.spinformer.nqs.operator.Operator;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Ground state of an {@link Operator} on its Hilbert space (the total Sz = 0 sector or all 2^N states) by the
 * Lanczos method in double precision (plain Java, matrix free, from the operator's plain-Java matrix elements; a
 * reference tool). Two passes: the first builds the tridiagonal matrix until the lowest Ritz value has a residual
 * estimate β_k|c_k| below 1e-11, the second regenerates the Lanczos vectors to assemble the ground-state vector
 * (memory: a few vectors of the basis dimension). The energy reported is the Rayleigh quotient of the assembled
 * vector; the residual ‖Hv − Ev‖ is reported too.
 *
 * <p>Sz = 0 ranking uses two lookup tables (low and high halves of the bit string), so a connection costs a few
 * operations; 24 sites (2.7 M states) take about a minute on two cores. The full space ranks by the bit string.
 */
public final class ExactDiagonalization {
    /** The result: energy (total), the normalised ground state in rank order, residual, iterations. */
    public record Result(double energy, double[] vector, double residual, int iterations, Hilbert basis) {
        public double energyPerSite() {
            return energy / basis.sites();
        }
    }

    /** Rows per parallel block of {@link #apply} (each block owns its connection buffers). */
    private static final int BLOCK = 4096;
    private final Operator h;
    private final Hilbert basis;
    private final double[] diag;
    private final int half;
    private final long[] lowRank;
    private final long[][] highRank;

    public ExactDiagonalization(Operator h) {
        Hilbert hilbert = h.hilbert();
        int n = hilbert.sites();
        if (hilbert.constrained() ? n > 32 : n > Hilbert.MAX_FULL_SITES) {
            throw new IllegalArgumentException("exact diagonalisation is limited to "
                    + (hilbert.constrained() ? 32 : Hilbert.MAX_FULL_SITES) + " sites on " + hilbert + ", got " + n);
        }
        this.h = h;
        this.basis = hilbert;
        this.diag = new double[basis.size()];
        IntStream.range(0, basis.size()).parallel().forEach(r -> diag[r] = h.diagonal(basis.state(r)));
        if (!hilbert.constrained()) {
            half = 0;
            lowRank = null;
            highRank = null;
            return;
        }
        this.half = n / 2;
        long[][] binom = new long[n + 1][n + 2];
        for (int i = 0; i <= n; i++) {
            binom[i][0] = 1;
            for (int k = 1; k <= i; k++) {
                binom[i][k] = binom[i - 1][k - 1] + binom[i - 1][k];
            }
        }
        lowRank = new long[1 << half];
        for (int lo = 0; lo < lowRank.length; lo++) {
            long r = 0;
            int k = 1;
            for (int p = 0; p < half; p++) {
                if ((lo >>> p & 1) != 0) {
                    r += binom[p][k++];
                }
            }
            lowRank[lo] = r;
        }
        int hiBits = n - half;
        highRank = new long[half + 1][1 << hiBits];
        for (int pc = 0; pc <= half; pc++) {
            for (int hi = 0; hi < (1 << hiBits); hi++) {
                long r = 0;
                int k = pc + 1;
                for (int p = 0; p < hiBits; p++) {
                    if ((hi >>> p & 1) != 0) {
                        r += binom[p + half][k++];
                    }
                }
                highRank[pc][hi] = r;
            }
        }
    }

    /** The Hilbert space (basis in rank order). */
    public Hilbert basis() {
        return basis;
    }

    private int rank(long s) {
        if (lowRank == null) {
            return (int) s;
        }
        int lo = (int) (s & ((1L << half) - 1));
        return (int) (lowRank[lo] + highRank[Integer.bitCount(lo)][(int) (s >>> half)]);
    }

    /** y = H x (matrix free, parallel over blocks of rows). */
    public void apply(double[] x, double[] y) {
        int dim = basis.size();
        int k = h.maxConnections();
        IntStream.range(0, (dim + BLOCK - 1) / BLOCK).parallel().forEach(blk -> {
            long[] to = new long[k];
            double[] mel = new double[k];
            int end = Math.min(dim, (blk + 1) * BLOCK);
            for (int r = blk * BLOCK; r < end; r++) {
                long s = basis.state(r);
                double acc = diag[r] * x[r];
                int c = h.connected(s, to, mel);
                for (int j = 0; j < c; j++) {
                    acc += mel[j] * x[rank(to[j])];
                }
                y[r] = acc;
            }
        });
    }

    /** Runs Lanczos with at most {@code maxIter} steps; returns the ground state. */
    public Result groundState(int maxIter, long seed) {
        return lowestOrthogonalTo(new double[0][], maxIter, seed); // nothing to project out
    }

    /**
     * The lowest state orthogonal to the given normalised states (Lanczos on H restricted to their orthogonal
     * complement: the start vector and every H v are projected). With the ground state as {@code deflate} this is
     * the first excited state of the Hilbert space, which shows whether the ground state is degenerate.
     */
    public Result lowestOrthogonalTo(double[][] deflate, int maxIter, long seed) {
        return lowest(deflate, null, maxIter, seed);
    }

    /**
     * A symmetry sector: the site permutations of a group (the identity among them) in the trivial representation,
     * optionally times the global spin flip with character ±1 ({@code flipCharacter}; ignored without
     * {@code flip}).
     */
    public record Sector(java.util.List<int[]> perms, boolean flip, int flipCharacter) {
        public Sector {
            if (perms.isEmpty()) {
                throw new IllegalArgumentException("a sector needs at least the identity");
            }
            if (flip && Math.abs(flipCharacter) != 1) {
                throw new IllegalArgumentException("the spin-flip character must be +1 or -1, got " + flipCharacter);
            }
        }
    }

    /**
     * The lowest state of a symmetry sector: Lanczos from a start vector projected onto it, every H v projected
     * again (H commutes with the group, so that only removes round-off). The projector P = (1/|G|) Σ_g χ(g) U_g
     * works on the full basis through one precomputed rank table per group element.
     */
    public Result groundState(Sector sector, int maxIter, long seed) {
        return lowest(new double[0][], new Projector(sector), maxIter, seed);
    }

    /** P v = (1/|G|) Σ_g χ(g) U_g v, in place. */
    private final class Projector {
        private final int[][] to; // [G][dim]: rank of g(s_r)
        private final double[] chi;

        Projector(Sector sector) {
            int n = basis.sites();
            int g = sector.perms().size() * (sector.flip() ? 2 : 1);
            to = new int[g][];
            chi = new double[g];
            long mask = n == 64 ? -1L : (1L << n) - 1;
            for (int k = 0; k < g; k++) {
                int[] perm = sector.perms().get(k % sector.perms().size());
                if (perm.length != n) {
                    throw new IllegalArgumentException("permutation of " + perm.length + " sites on " + n + " sites");
                }
                boolean flipped = k >= sector.perms().size();
                chi[k] = flipped ? sector.flipCharacter() : 1;
                int[] t = new int[basis.size()];
                IntStream.range(0, basis.size()).parallel().forEach(r -> {
                    long st = basis.state(r);
                    long img = 0;
                    for (int i = 0; i < n; i++) {
                        if ((st >>> i & 1L) != 0) {
                            img |= 1L << perm[i];
                        }
                    }
                    t[r] = rank(flipped ? ~img & mask : img);
                });
                to[k] = t;
            }
        }

        void apply(double[] v) {
            double[] y = new double[v.length];
            for (int k = 0; k < to.length; k++) {
                int[] t = to[k];
                double c = chi[k] / to.length;
                for (int r = 0; r < v.length; r++) {
                    y[t[r]] += c * v[r];
                }
            }
            System.arraycopy(y, 0, v, 0, v.length);
        }
    }

    private Result lowest(double[][] deflate, Projector sector, int maxIter, long seed) {
        int dim = basis.size();
        double[] v0 = new double[dim];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < dim; i++) {
            v0[i] = rnd.nextDouble() - 0.5;
        }
        project(v0, deflate);
        if (sector != null) {
            sector.apply(v0);
            if (dot(v0, v0) < 1e-20) {
                throw new IllegalArgumentException("the symmetry sector is empty in " + basis);
            }
        }
        scale(v0, 1.0 / Math.sqrt(dot(v0, v0)));
        double[] alpha = new double[maxIter];
        double[] beta = new double[maxIter];
        int k = lanczos(v0, alpha, beta, maxIter, null, deflate, sector);
        double[] c = lowestVector(Arrays.copyOf(alpha, k), Arrays.copyOf(beta, k), k);
        double[] gs = new double[dim];
        lanczos(v0, alpha, beta, k, (j, vj) -> {
            double cj = c[j];
            for (int i = 0; i < dim; i++) {
                gs[i] += cj * vj[i];
            }
        }, deflate, sector);
        project(gs, deflate);
        if (sector != null) {
            sector.apply(gs);
        }
        scale(gs, 1.0 / Math.sqrt(dot(gs, gs)));
        double[] hv = new double[dim];
        apply(gs, hv);
        double e = dot(gs, hv);
        double res = 0;
        for (int i = 0; i < dim; i++) {
            double d = hv[i] - e * gs[i];
            res += d * d;
        }
        return new Result(e, gs, Math.sqrt(res), k, basis);
    }

    /** The {@code k} lowest states of the Hilbert space by successive deflation (k small). */
    public Result[] lowestStates(int k) {
        Result[] out = new Result[k];
        double[][] found = new double[0][];
        for (int i = 0; i < k; i++) {
            out[i] = lowestOrthogonalTo(found, 400, 1L + i);
            found = Arrays.copyOf(found, i + 1);
            found[i] = out[i].vector();
        }
        return out;
    }

    /**
     * ⟨ψ|T|ψ⟩ for a real normalised state ψ and a site permutation T (site i goes to {@code perm[i]}, as
     * {@code Lattice.translation} gives). For a non-degenerate eigenstate of a T-symmetric H this is T's eigenvalue:
     * +1 at momentum zero, −1 for a sign change under T, and |·| &lt; 1 for a state that is not T-invariant.
     */
    public double permutationExpectation(double[] psi, int[] perm) {
        int n = basis.sites();
        if (perm.length != n || psi.length != basis.size()) {
            throw new IllegalArgumentException("permutation of " + perm.length + " sites / state of " + psi.length
                    + " amplitudes do not match " + n + " sites / " + basis.size() + " states");
        }
        return IntStream.range(0, basis.size()).parallel().mapToDouble(r -> {
            long s = basis.state(r);
            long t = 0;
            for (int i = 0; i < n; i++) {
                if ((s >>> i & 1L) != 0) {
                    t |= 1L << perm[i];
                }
            }
            return psi[r] * psi[rank(t)];
        }).sum();
    }

    private static void project(double[] v, double[][] deflate) {
        for (double[] q : deflate) {
            double a = dot(q, v);
            for (int i = 0; i < v.length; i++) {
                v[i] -= a * q[i];
            }
        }
    }

    /** Ground state with defaults (300 iterations at most, seed 1). */
    public Result groundState() {
        return groundState(300, 1L);
    }

    private interface VectorSink {
        void accept(int j, double[] v);
    }

    /**
     * Plain Lanczos; returns the number of steps done. With a sink, replays exactly {@code steps} steps. Every H v
     * is projected off the {@code deflate} vectors.
     */
    private int lanczos(double[] v0, double[] alpha, double[] beta, int steps, VectorSink sink, double[][] deflate,
                        Projector sector) {
        int dim = v0.length;
        double[] v = v0.clone();
        double[] vPrev = new double[dim];
        double[] w = new double[dim];
        for (int j = 0; j < steps; j++) {
            if (sink != null) {
                sink.accept(j, v);
            }
            apply(v, w);
            project(w, deflate);
            if (sector != null) {
                sector.apply(w);
            }
            double a = dot(w, v);
            double bPrev = j == 0 ? 0 : beta[j - 1];
            for (int i = 0; i < dim; i++) {
                w[i] -= a * v[i] + bPrev * vPrev[i];
            }
            double b = Math.sqrt(dot(w, w));
            if (sink == null) {
                alpha[j] = a;
                beta[j] = b;
                if (j >= 4 && (j % 3 == 0 || b < 1e-12)) {
                    // Residual of the Ritz vector: ‖Hv − θv‖ = β_j |c_j| (last component of the Ritz vector).
                    double[] c = lowestVector(Arrays.copyOf(alpha, j + 1), Arrays.copyOf(beta, j + 1), j + 1);
                    if (b * Math.abs(c[j]) < 1e-11 || b < 1e-12) {
                        return j + 1;
                    }
                }
            }
            if (j == steps - 1) {
                break;
            }
            double[] t = vPrev;
            vPrev = v;
            v = t;
            for (int i = 0; i < dim; i++) {
                v[i] = w[i] / b;
            }
        }
        return steps;
    }

    /** Number of eigenvalues of the tridiagonal (a, b) below x (Sturm sequence). */
    private static int sturm(double[] a, double[] b, int k, double x) {
        int count = 0;
        double q = 1;
        for (int i = 0; i < k; i++) {
            double bb = i == 0 ? 0 : b[i - 1] * b[i - 1];
            q = a[i] - x - (i == 0 ? 0 : bb / q);
            if (q == 0) {
                q = 1e-300;
            }
            if (q < 0) {
                count++;
            }
        }
        return count;
    }

    static double lowestEigenvalue(double[] a, double[] b, int k) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            double r = (i > 0 ? Math.abs(b[i - 1]) : 0) + (i < k - 1 ? Math.abs(b[i]) : 0);
            lo = Math.min(lo, a[i] - r);
            hi = Math.max(hi, a[i] + r);
        }
        for (int it = 0; it < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); it++) {
            double mid = 0.5 * (lo + hi);
            if (sturm(a, b, k, mid) >= 1) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /** Eigenvector of the lowest eigenvalue of a symmetric tridiagonal matrix by inverse iteration. */
    static double[] lowestVector(double[] a, double[] b, int k) {
        double e0 = lowestEigenvalue(a, b, k);
        double mu = e0 - 1e-10 * Math.max(1.0, Math.abs(e0));
        double[] x = new double[k];
        Arrays.fill(x, 1.0 / Math.sqrt(k));
        for (int it = 0; it < 4; it++) {
            // Solve (T − μ) y = x by the Thomas algorithm (T − μ is positive definite).
            double[] c = new double[k];
            double[] d = new double[k];
            for (int i = 0; i < k; i++) {
                double diagI = a[i] - mu - (i > 0 ? b[i - 1] * c[i - 1] : 0);
                c[i] = i < k - 1 ? b[i] / diagI : 0;
                d[i] = (x[i] - (i > 0 ? b[i - 1] * d[i - 1] : 0)) / diagI;
            }
            double[] y = new double[k];
            for (int i = k - 1; i >= 0; i--) {
                y[i] = d[i] - (i < k - 1 ? c[i] * y[i + 1] : 0);
            }
            double norm = Math.sqrt(dot(y, y));
            for (int i = 0; i < k; i++) {
                x[i] = y[i] / norm;
            }
        }
        return x;
    }

    /**
     * Spin correlations ⟨S_0·S_j⟩ (spin-½ units, independent of the Hamiltonian's units) for every site j of a
     * normalised state.
     */
    public double[] correlations(double[] psi) {
        int n = basis.sites();
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            if (j == 0) {
                out[0] = 0.75;
                continue;
            }
            long mask = 1L | (1L << j);
            final int jj = j;
            out[j] = IntStream.range(0, basis.size()).parallel().mapToDouble(r -> {
                long s = basis.state(r);
                boolean same = ((s ^ (s >>> jj)) & 1L) == 0;
                double v = 0.25 * (same ? 1 : -1) * psi[r] * psi[r];
                if (!same) {
                    v += 0.5 * psi[r] * psi[rank(s ^ mask)];
                }
                return v;
            }).sum();
        }
        return out;
    }

    static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    private static void scale(double[] x, double f) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= f;
        }
    }
}
