package org.spinformer.nqs.operator;

import ai.djl.ndarray.NDArray;
import org.spinformer.nqs.graph.Graph;
import org.spinformer.nqs.hilbert.Hilbert;

/**
 * A Hermitian operator with real matrix elements on spin-½ configurations (NetKet's {@code DiscreteOperator}),
 * in two forms:
 * <ul>
 *   <li>plain Java, for exact methods: a configuration is a bit string s (bit i set = spin i up, σ_i = +1);
 *       {@link #diagonal(long)} is ⟨s|H|s⟩ and {@link #connected(long, long[], double[])} lists the states
 *       s' ≠ s with ⟨s|H|s'⟩ ≠ 0 and their elements;</li>
 *   <li>on the tensor engine, for a batch σ [M,N] (±1, the model dtype): {@link #diagonal(NDArray)} [M] and
 *       {@link #connections(NDArray)}: K candidate configurations per sample, conn [M,K,N], with elements
 *       mels [M,K] (0 where a term does not act on that sample; such rows are never sent to the model).</li>
 * </ul>
 * The generic local energy E_loc(σ) = H_σσ + Σ_k mels_k ψ(conn_k)/ψ(σ) is {@code vqs.LocalEnergy}.
 */
public interface Operator {
    /** The batched off-diagonal part: conn [M,K,N] (±1) and mels [M,K] (0 where the term does not act). */
    record Connections(NDArray conn, NDArray mels) {
        /** K, the number of candidate connections per sample. */
        public long perSample() {
            return conn.getShape().get(1);
        }
    }

    /** The graph the operator's terms live on. */
    Graph graph();

    /** The Hilbert space the operator acts on (closed under it). */
    Hilbert hilbert();

    /** ⟨s|H|s⟩ of a bit-string state (bit i set = up). */
    double diagonal(long s);

    /**
     * The off-diagonal connections of s: writes the states s' ≠ s with non-zero ⟨s|H|s'⟩ into {@code to} and their
     * elements into {@code mel} (arrays of length ≥ {@link #maxConnections()}) and returns how many; a state may
     * appear more than once (elements then add).
     */
    int connected(long s, long[] to, double[] mel);

    /** Upper bound on the number of connections of any state (K of {@link #connections}). */
    int maxConnections();

    /** Diagonal elements H_σσ [M] of spins σ [M,N], on σ's manager. */
    NDArray diagonal(NDArray sigma);

    /** Candidate connected configurations and their elements for spins σ [M,N], on σ's manager. */
    Connections connections(NDArray sigma);

    /**
     * The exact ground-state energy (total, this operator's units) where it is known from the literature for systems
     * beyond exact diagonalisation, else NaN (the default).
     */
    default double knownGroundStateEnergy() {
        return Double.NaN;
    }

    /**
     * E∞ = Tr H / 2^N over the whole spin-½ space (the infinite-temperature energy of the V-score,
     * N·Var(E)/(E − E∞)²). The default sums the diagonal over all 2^N states (off-diagonal terms add nothing to the
     * trace), up to 24 sites; models whose terms are all traceless return 0 without the sum.
     */
    default double infiniteTemperatureEnergy() {
        int n = graph().n();
        if (n > 24) {
            throw new IllegalArgumentException("Tr H by enumeration is limited to 24 sites, got " + n);
        }
        return java.util.stream.LongStream.range(0, 1L << n).parallel().mapToDouble(this::diagonal).sum()
                / (1L << n);
    }

    /** Short kind name, as the CLI spells it ({@code heisenberg}, {@code xxz}, {@code tfim}). */
    String kind();
}
