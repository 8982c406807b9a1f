package org.spinformer.nqs.operator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.nqs.graph.Graph;
import org.spinformer.nqs.hilbert.Hilbert;
import org.spinformer.nqs.lattice.Lattice;

/**
 * H = Σ_b J_b [Δ S^z_i S^z_j + ½(S^+_i S^-_j + S^-_i S^+_j)] over the bonds b = (i, j) of a lattice graph, J_b = J1
 * on colour-0 edges and J2 on colour-1 edges (bonds with J = 0 dropped), in spin-½ units (S = σ/2) or ×4 (Pauli).
 * With σ_i = ±1: the diagonal is ¼ J_b Δ σ_iσ_j and, for anti-aligned spins only, the exchange
 * |…σ_i…σ_j…⟩ → |…σ_j…σ_i…⟩ has element ½J_b. Conserves total Sz: the Hilbert space is the Sz = 0 sector for an
 * even number of sites, else the full space. The shared body of {@link Heisenberg} (Δ = 1) and {@link Xxz}.
 */
abstract class SpinExchange extends GraphOperator {
    private final Lattice lattice;
    private final double delta;
    private final int[][] bonds;
    private final double[] coupling;

    SpinExchange(Lattice lattice, double j1, double j2, double delta, Heisenberg.Units units) {
        super(Graph.of(lattice), lattice.n() % 2 == 0 ? Hilbert.szZero(lattice.n()) : Hilbert.spinHalf(lattice.n()));
        if (!Double.isFinite(j1) || !Double.isFinite(j2)) {
            throw new IllegalArgumentException("couplings must be finite, got J1=" + j1 + " J2=" + j2);
        }
        if (!Double.isFinite(delta)) {
            throw new IllegalArgumentException("anisotropy must be finite, got Delta=" + delta);
        }
        this.lattice = lattice;
        this.delta = delta;
        double scale = units == Heisenberg.Units.PAULI ? 4.0 : 1.0;
        int[][] e1 = j1 == 0 ? new int[0][] : graph().edges(Graph.NEAREST);
        int[][] e2 = j2 == 0 ? new int[0][] : graph().edges(Graph.NEXT_NEAREST);
        bonds = new int[e1.length + e2.length][];
        coupling = new double[bonds.length];
        for (int b = 0; b < e1.length; b++) {
            bonds[b] = e1[b];
            coupling[b] = scale * j1;
        }
        for (int b = 0; b < e2.length; b++) {
            bonds[e1.length + b] = e2[b];
            coupling[e1.length + b] = scale * j2;
        }
    }

    public Lattice lattice() {
        return lattice;
    }

    /** Bonds with non-zero coupling [NB][2]. */
    public int[][] bonds() {
        return bonds;
    }

    /** Coupling of each bond (units applied). */
    public double[] couplings() {
        return coupling.clone();
    }

    /** Diagonal element ⟨s|H|s⟩ of a bit-string state (bit i set = up). */
    @Override
    public double diagonal(long s) {
        double e = 0;
        for (int b = 0; b < bonds.length; b++) {
            boolean same = (((s >>> bonds[b][0]) ^ (s >>> bonds[b][1])) & 1L) == 0;
            e += same ? 0.25 * delta * coupling[b] : -0.25 * delta * coupling[b];
        }
        return e;
    }

    /** Off-diagonal element of an exchange on bond b (½J, units applied). */
    public double exchange(int b) {
        return 0.5 * coupling[b];
    }

    @Override
    public int connected(long s, long[] to, double[] mel) {
        int k = 0;
        for (int b = 0; b < bonds.length; b++) {
            long mask = (1L << bonds[b][0]) | (1L << bonds[b][1]);
            long both = s & mask;
            if (both != 0 && both != mask && coupling[b] != 0) {
                to[k] = s ^ mask;
                mel[k++] = 0.5 * coupling[b];
            }
        }
        return k;
    }

    @Override
    public int maxConnections() {
        return bonds.length;
    }

    /**
     * Bond difference matrix D [NB,N] with D_b = e_i − e_j: for spins σ [.., N], c = σ Dᵀ = σ_i − σ_j and the
     * exchanged configuration is σ − c·D_b.
     */
    public NDArray bondMatrix(NDManager m, DataType dtype) {
        int n = lattice.n();
        double[] d = new double[bonds.length * n];
        for (int b = 0; b < bonds.length; b++) {
            d[b * n + bonds[b][0]] = 1;
            d[b * n + bonds[b][1]] = -1;
        }
        return m.create(d, new Shape(bonds.length, n)).toType(dtype, false);
    }

    /** Couplings as a [NB] tensor (units applied). */
    public NDArray couplingTensor(NDManager m, DataType dtype) {
        return m.create(coupling).toType(dtype, false);
    }

    /** Σ_b ¼ΔJ_b σ_iσ_j with σ_iσ_j = 1 − c_b²/2, c = σDᵀ [M,NB]. */
    @Override
    public NDArray diagonal(NDArray sigma) {
        NDManager m = sigma.getManager();
        DataType dt = sigma.getDataType();
        long ms = sigma.getShape().get(0);
        if (bonds.length == 0) {
            return m.zeros(new Shape(ms), dt);
        }
        NDArray c = sigma.matMul(bondMatrix(m, dt).transpose()); // [M,NB]
        return c.square().mul(-0.5).add(1).mul(couplingTensor(m, dt)).sum(new int[] {1}).mul(0.25 * delta);
    }

    /** conn_b = σ − c_b D_b [M,NB,N], mels_b = ¼|c_b| J_b (½J_b on anti-aligned bonds, else 0). */
    @Override
    public Connections connections(NDArray sigma) {
        if (bonds.length == 0) {
            return none(sigma);
        }
        NDManager m = sigma.getManager();
        DataType dt = sigma.getDataType();
        long ms = sigma.getShape().get(0);
        long n = sigma.getShape().get(1);
        NDArray d = bondMatrix(m, dt); // [NB,N]
        NDArray c = sigma.matMul(d.transpose()); // [M,NB]
        NDArray conn = sigma.expandDims(1).sub(c.expandDims(2).mul(d.expandDims(0))); // [M,NB,N]
        NDArray mels = c.abs().mul(couplingTensor(m, dt)).mul(0.25); // [M,NB]
        return new Connections(conn, mels);
    }
}
