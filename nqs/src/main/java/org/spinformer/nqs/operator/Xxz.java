package org.spinformer.nqs.operator;

import org.spinformer.nqs.lattice.Lattice;

import java.util.Locale;

/**
 * The J1-J2 XXZ model H = Σ_b J_b [Δ S^z_i S^z_j + ½(S^+_i S^-_j + S^-_i S^+_j)] = Σ_b J_b [Δ S^z_i S^z_j
 * + S^x_i S^x_j + S^y_i S^y_j], J_b = J1 on nearest-neighbour bonds and J2 on next-nearest ones, spin-½ units
 * (S = σ/2; {@link Heisenberg.Units#PAULI}: every coupling ×4). Δ = 1 is the {@link Heisenberg} model, Δ = 0 the
 * XY model. Conserves total Sz (Sz = 0 sector for even N).
 */
public final class Xxz extends SpinExchange {
    private final double j1;
    private final double j2;
    private final double delta;
    private final Heisenberg.Units units;

    public Xxz(Lattice lattice, double j1, double j2, double delta, Heisenberg.Units units) {
        super(lattice, j1, j2, delta, units);
        this.j1 = j1;
        this.j2 = j2;
        this.delta = delta;
        this.units = units;
    }

    /** J1 = 1, J2 = 0, spin units. */
    public Xxz(Lattice lattice, double delta) {
        this(lattice, 1.0, 0.0, delta, Heisenberg.Units.SPIN);
    }

    public double j1() {
        return j1;
    }

    public double j2() {
        return j2;
    }

    /** The anisotropy Δ. */
    public double delta() {
        return delta;
    }

    public Heisenberg.Units units() {
        return units;
    }

    @Override
    public String kind() {
        return "xxz";
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Xxz(%s, J1=%g, J2=%g, Delta=%g, %s units)", lattice(), j1, j2, delta,
                units.name().toLowerCase(Locale.ROOT));
    }
}
