package org.spinformer.nqs.operator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.nqs.graph.Graph;
import org.spinformer.nqs.hilbert.Hilbert;
import org.spinformer.nqs.lattice.Lattice;

import java.util.Locale;

/**
 * The transverse-field Ising model H = −J Σ_⟨ij⟩ σᶻ_iσᶻ_j − h Σ_i σˣ_i with <b>Pauli matrices</b> (not S = σ/2;
 * the convention of NetKet's {@code Ising} and of the free-fermion solution of the chain), the sum over the
 * nearest-neighbour (colour-0) edges of the graph. σˣ_i flips spin i with element −h, so the Hilbert space is the
 * full 2^N space (no Sz constraint). On the periodic chain the ground state is critical at h = J.
 */
public final class TransverseFieldIsing extends GraphOperator {
    private final double j;
    private final double h;
    private final int[][] bonds;

    public TransverseFieldIsing(Graph graph, double j, double h) {
        super(graph, Hilbert.spinHalf(graph.n()));
        if (!Double.isFinite(j) || !Double.isFinite(h)) {
            throw new IllegalArgumentException("couplings must be finite, got J=" + j + " h=" + h);
        }
        this.j = j;
        this.h = h;
        this.bonds = j == 0 ? new int[0][] : graph.edges(Graph.NEAREST);
    }

    public TransverseFieldIsing(Lattice lattice, double j, double h) {
        this(Graph.of(lattice), j, h);
    }

    /** The Ising coupling J. */
    public double j() {
        return j;
    }

    /** The transverse field h. */
    public double h() {
        return h;
    }

    /** −J Σ_⟨ij⟩ σ_iσ_j. */
    @Override
    public double diagonal(long s) {
        double e = 0;
        for (int[] b : bonds) {
            boolean same = (((s >>> b[0]) ^ (s >>> b[1])) & 1L) == 0;
            e += same ? -j : j;
        }
        return e;
    }

    /** Every single flip s ^ 2^i with element −h (none when h = 0). */
    @Override
    public int connected(long s, long[] to, double[] mel) {
        if (h == 0) {
            return 0;
        }
        int n = graph().n();
        for (int i = 0; i < n; i++) {
            to[i] = s ^ (1L << i);
            mel[i] = -h;
        }
        return n;
    }

    @Override
    public int maxConnections() {
        return h == 0 ? 0 : graph().n();
    }

    /** −J Σ_⟨ij⟩ σ_iσ_j [M] with σ_iσ_j = 1 − c²/2, c = σ_i − σ_j. */
    @Override
    public NDArray diagonal(NDArray sigma) {
        NDManager m = sigma.getManager();
        DataType dt = sigma.getDataType();
        long ms = sigma.getShape().get(0);
        int n = graph().n();
        if (bonds.length == 0) {
            return m.zeros(new Shape(ms), dt);
        }
        double[] d = new double[bonds.length * n];
        for (int b = 0; b < bonds.length; b++) {
            d[b * n + bonds[b][0]] = 1;
            d[b * n + bonds[b][1]] = -1;
        }
        NDArray dm = m.create(d, new Shape(bonds.length, n)).toType(dt, false);
        NDArray c = sigma.matMul(dm.transpose()); // [M,NB]
        return c.square().mul(-0.5).add(1).sum(new int[] {1}).mul(-j);
    }

    /** conn_i = σ with spin i flipped, σ ⊙ (1 − 2e_i) [M,N,N]; mels = −h [M,N] (K = 0 when h = 0). */
    @Override
    public Connections connections(NDArray sigma) {
        if (h == 0) {
            return none(sigma);
        }
        NDManager m = sigma.getManager();
        DataType dt = sigma.getDataType();
        long ms = sigma.getShape().get(0);
        long n = sigma.getShape().get(1);
        NDArray flip = m.eye((int) n).mul(-2).add(1).toType(dt, false); // [N,N], row i = 1 − 2e_i
        NDArray conn = sigma.expandDims(1).mul(flip.expandDims(0)); // [M,N,N]
        NDArray mels = m.ones(new Shape(ms, n), dt).mul(-h);
        return new Connections(conn, mels);
    }

    /**
     * On a periodic chain (a {@code Lattice.chain} graph) the free-fermion ground-state energy (Pfeuty 1970)
     * E0 = −Σ_k sqrt(J² + h² − 2Jh cos k), k = (2m+1)π/N, m = 0..N−1 (even sector of ∏σˣ); valid for J ≥ 0 and for
     * even N (the signs of J and h are then gauge choices). Else NaN.
     */
    @Override
    public double knownGroundStateEnergy() {
        Lattice l = graph().lattice();
        int n = graph().n();
        if (l == null || l.kind() != Lattice.Kind.CHAIN || n < 3 || (j < 0 && n % 2 != 0)) {
            return Double.NaN;
        }
        double e = 0;
        for (int m = 0; m < n; m++) {
            e -= Math.sqrt(j * j + h * h - 2 * j * h * Math.cos((2 * m + 1) * Math.PI / n));
        }
        return e;
    }

    @Override
    public String kind() {
        return "tfim";
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TransverseFieldIsing(%s, J=%g, h=%g, Pauli)", graph(), j, h);
    }
}
