package org.spinformer.cli;

import org.spinformer.core.config.Records;
import org.spinformer.nqs.driver.TrainSpec;
import org.spinformer.nqs.driver.Training;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.operator.Operator;
import picocli.CommandLine.Option;

import java.util.Map;

/**
 * The spin system shared by {@code nqs train} and {@code nqs exact}: lattice, size, Hamiltonian, its couplings and
 * energy units, with the defaults of {@link TrainSpec} (a command may choose its own J2). {@link TrainSpec} checks
 * them, with messages naming the options.
 */
final class HamiltonianOptions {
    private static final TrainSpec D = TrainSpec.defaults();

    @Option(names = "--lattice", description = "chain, square or triangular (default: ${DEFAULT-VALUE}).")
    String lattice = D.lattice();
    @Option(names = "--size", description = "Lattice size LxL, e.g. 4x4 or 6x6; a chain's length L, e.g. 8 "
            + "(default: ${DEFAULT-VALUE}).")
    String size = D.size();
    @Option(names = "--hamiltonian", description = "heisenberg (J1 = 1, --j2), xxz (J1 = 1, --j2, --delta) or "
            + "tfim (-J sum sz.sz - h sum sx over nearest neighbours, Pauli matrices, --j, --h; no Sz constraint) "
            + "(default: ${DEFAULT-VALUE}).")
    String hamiltonian = Records.lower(D.hamiltonian());
    @Option(names = "--j2", description = "Next-nearest coupling J2 (J1 = 1), heisenberg and xxz "
            + "(default: ${DEFAULT-VALUE}).")
    double j2;
    @Option(names = "--delta", description = "XXZ anisotropy Delta of the Sz.Sz term (1 = Heisenberg) "
            + "(default: ${DEFAULT-VALUE}).")
    double delta = D.delta();
    @Option(names = "--h", description = "TFIM transverse field h (default: ${DEFAULT-VALUE}).")
    double field = D.field();
    @Option(names = "--j", description = "TFIM Ising coupling J (default: ${DEFAULT-VALUE}).")
    double isingJ = D.isingJ();
    @Option(names = "--units", description = "Energy units of heisenberg and xxz: spin (S = sigma/2) or pauli "
            + "(x4, NetKet/VarBench) (default: ${DEFAULT-VALUE}).")
    String units = Records.lower(D.units());

    /** With J2 defaulting to {@code j2}. */
    HamiltonianOptions(double j2) {
        this.j2 = j2;
    }

    /** For picocli; commands pass their default J2. */
    HamiltonianOptions() {
        this(D.j2());
    }

    /**
     * Lattice, size, Hamiltonian and couplings as {@link TrainSpec} names them; not the units, which only heisenberg
     * and xxz read (a command adds them where they apply).
     */
    Map<String, Object> settings() {
        return Records.named("lattice", lattice, "size", size, "j2", j2, "hamiltonian", hamiltonian, "delta", delta,
                "field", field, "isingJ", isingJ);
    }

    /** The lattice. */
    Lattice lattice() {
        return Lattice.parse(lattice, size);
    }

    /** The Hamiltonian on {@code l}. */
    Operator operator(Lattice l) {
        return Training.hamiltonian(hamiltonian, l, j2, units, delta, field, isingJ);
    }
}
