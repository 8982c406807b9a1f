package org.spinformer.nqs.operator;

import org.spinformer.nqs.lattice.Lattice;

import java.util.Locale;

/**
 * The J1-J2 Heisenberg model H = J1 Σ⟨ij⟩ S_i·S_j + J2 Σ⟨⟨ij⟩⟩ S_i·S_j on a {@link Lattice} (J1 on the graph's
 * colour-0 edges, J2 on colour 1), in spin-½ units (S = σ/2) by default; {@link Units#PAULI} multiplies every
 * coupling by 4 (the convention of NetKet and VarBench, whose energies are 4× larger).
 *
 * <p>With σ_i = ±1: S_i·S_j = ¼σ_iσ_j on the diagonal and, for anti-aligned spins, ½ times the exchange
 * |…σ_i…σ_j…⟩ → |…σ_j…σ_i…⟩. Bonds with J = 0 are dropped. The {@link Xxz} model at Δ = 1. Acts on the Sz = 0
 * sector (even N) or the full space (odd N).
 */
public final class Heisenberg extends SpinExchange {
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

    private final double j1;
    private final double j2;
    private final Units units;

    public Heisenberg(Lattice lattice, double j1, double j2, Units units) {
        super(lattice, j1, j2, 1.0, units);
        this.j1 = j1;
        this.j2 = j2;
        this.units = units;
    }

    /** J1 = 1, spin units. */
    public Heisenberg(Lattice lattice, double j2) {
        this(lattice, 1.0, j2, Units.SPIN);
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

    /** Exact ground-state energies per site (spin-½ units, J1 = 1) known from the literature, or NaN. */
    public static double referenceEnergyPerSite(Lattice l, double j2) {
        if (l.kind() == Lattice.Kind.SQUARE && l.lx() == 6 && l.ly() == 6 && j2 == 0.5) {
            return -0.5038096539; // VarBench, 6×6 J1-J2 at J2 = 0.5
        }
        return Double.NaN;
    }

    /** {@link #referenceEnergyPerSite} × N in this model's units (J1 = 1 only), else NaN. */
    @Override
    public double knownGroundStateEnergy() {
        if (j1 != 1.0) {
            return Double.NaN;
        }
        return referenceEnergyPerSite(lattice(), j2) * lattice().n() * (units == Units.PAULI ? 4.0 : 1.0);
    }

    @Override
    public String kind() {
        return "heisenberg";
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Heisenberg(%s, J1=%g, J2=%g, %s units)", lattice(), j1, j2,
                units.name().toLowerCase(Locale.ROOT));
    }
}
