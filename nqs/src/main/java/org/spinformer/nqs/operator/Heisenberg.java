package org.spinformer.nqs.operator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.nqs.lattice.Lattice;

import java.util.Locale;

/**
 * The J1-J2 Heisenberg model H = J1 Σ⟨ij⟩ S_i·S_j + J2 Σ⟨⟨ij⟩⟩ S_i·S_j on a {@link Lattice}, in spin-½ units
 * (S = σ/2) by default; {@link Units#PAULI} multiplies every coupling by 4 (the convention of NetKet and VarBench,
 * whose energies are 4× larger).
 *
 * <p>With σ_i = ±1: S_i·S_j = ¼σ_iσ_j on the diagonal and, for anti-aligned spins, ½ times the exchange
 * |…σ_i…σ_j…⟩ → |…σ_j…σ_i…⟩. Bonds with J = 0 are dropped.
 */
public final class Heisenberg {
    /** Energy units. */
    public enum Units {
        /** S = σ/2 (the physics convention; literature values in the issue). */
        SPIN,
        /** Pauli matrices σ: every coupling ×4 (NetKet, VarBench). */
        PAULI;

        public static Units parse(String s) {
            switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
                case "spin": case "spin-1/2": case "s": return SPIN;
                case "pauli": return PAULI;
                default: throw new IllegalArgumentException("bad units '" + s + "': use spin or pauli");
            }
        }
    }

    private final Lattice lattice;
    private final double j1;
    private final double j2;
    private final Units units;
    private final int[][] bonds;
    private final double[] coupling;

    public Heisenberg(Lattice lattice, double j1, double j2, Units units) {
        if (!Double.isFinite(j1) || !Double.isFinite(j2)) {
            throw new IllegalArgumentException("couplings must be finite, got J1=" + j1 + " J2=" + j2);
        }
        this.lattice = lattice;
        this.j1 = j1;
        this.j2 = j2;
        this.units = units;
        double scale = units == Units.PAULI ? 4.0 : 1.0;
        int n1 = j1 == 0 ? 0 : lattice.j1Bonds().length;
        int n2 = j2 == 0 ? 0 : lattice.j2Bonds().length;
        bonds = new int[n1 + n2][];
        coupling = new double[n1 + n2];
        for (int b = 0; b < n1; b++) {
            bonds[b] = lattice.j1Bonds()[b];
            coupling[b] = scale * j1;
        }
        for (int b = 0; b < n2; b++) {
            bonds[n1 + b] = lattice.j2Bonds()[b];
            coupling[n1 + b] = scale * j2;
        }
    }

    /** J1 = 1, spin units. */
    public Heisenberg(Lattice lattice, double j2) {
        this(lattice, 1.0, j2, Units.SPIN);
    }

    public Lattice lattice() {
        return lattice;
    }

    public double j1() {
        return j1;
    }

    public double j2() {
        return j2;
    }

    public Units units() {
        return units;
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
    public double diagonal(long s) {
        double e = 0;
        for (int b = 0; b < bonds.length; b++) {
            boolean same = (((s >>> bonds[b][0]) ^ (s >>> bonds[b][1])) & 1L) == 0;
            e += same ? 0.25 * coupling[b] : -0.25 * coupling[b];
        }
        return e;
    }

    /** Off-diagonal element of an exchange on bond b (½J, units applied). */
    public double exchange(int b) {
        return 0.5 * coupling[b];
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

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Heisenberg(%s, J1=%g, J2=%g, %s units)", lattice, j1, j2,
                units.name().toLowerCase(Locale.ROOT));
    }
}
