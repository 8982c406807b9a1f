package org.spinformer.nqs.hilbert;

/**
 * The Hilbert space of N spins ½ (NetKet's {@code Spin(s=1/2, N, total_sz)}): either all 2<sup>N</sup>
 * configurations or the total S<sup>z</sup> = 0 sector. A configuration is a bit string (bit i set = spin i up,
 * σ_i = +1). For exact methods it enumerates its basis: the Sz = 0 sector through {@link SzZeroBasis}
 * (colexicographic, combinatorial ranking), the full space in numeric order (rank = the bit string itself, up to
 * {@link #MAX_FULL_SITES} sites). Plain Java, immutable.
 */
public final class Hilbert {
    /** Largest N whose full 2^N basis is enumerated (16 M states). */
    public static final int MAX_FULL_SITES = 24;

    private final int n;
    private final boolean szZero;
    private volatile SzZeroBasis basis; // built on first use

    private Hilbert(int n, boolean szZero) {
        if (n <= 0 || n > 62) {
            throw new IllegalArgumentException("spin-1/2 Hilbert space needs 1..62 sites, got " + n);
        }
        if (szZero && n % 2 != 0) {
            throw new IllegalArgumentException("the Sz = 0 sector needs an even number of sites, got " + n);
        }
        this.n = n;
        this.szZero = szZero;
    }

    /** All 2^N configurations (no constraint). */
    public static Hilbert spinHalf(int n) {
        return new Hilbert(n, false);
    }

    /** The total Sz = 0 sector (N even). */
    public static Hilbert szZero(int n) {
        return new Hilbert(n, true);
    }

    /** Number of sites N. */
    public int sites() {
        return n;
    }

    /** True for the Sz = 0 sector, false for the unconstrained space. */
    public boolean constrained() {
        return szZero;
    }

    /** Whether the bit string is a configuration of this space (its Sz is 0 when constrained). */
    public boolean allowed(long s) {
        if (n < 64 && (s >>> n) != 0) {
            return false;
        }
        return !szZero || Long.bitCount(s) == n / 2;
    }

    /** Whether ±1 spins σ [N] are a configuration of this space. */
    public boolean allowed(double[] sigma) {
        if (sigma.length != n) {
            return false;
        }
        int up = 0;
        for (double v : sigma) {
            if (v == 1) {
                up++;
            } else if (v != -1) {
                return false;
            }
        }
        return !szZero || up == n / 2;
    }

    /** The Sz = 0 basis (constrained spaces only). */
    public SzZeroBasis szZeroBasis() {
        SzZeroBasis b = basis;
        if (b != null) {
            return b;
        }
        if (!szZero) {
            throw new IllegalStateException("the unconstrained space has no Sz = 0 basis");
        }
        synchronized (this) {
            if (basis == null) {
                basis = new SzZeroBasis(n);
            }
            return basis;
        }
    }

    private void checkEnumerable() {
        if (!szZero && n > MAX_FULL_SITES) {
            throw new IllegalArgumentException("the full basis of " + n + " sites is too large to enumerate (max "
                    + MAX_FULL_SITES + ")");
        }
    }

    /** Dimension of the basis: C(N, N/2) or 2^N. */
    public int size() {
        checkEnumerable();
        return szZero ? szZeroBasis().size() : 1 << n;
    }

    /** The basis state of rank r. */
    public long state(int r) {
        return szZero ? szZeroBasis().state(r) : r;
    }

    /** The rank of an allowed state. */
    public int rank(long s) {
        return szZero ? szZeroBasis().rank(s) : (int) s;
    }

    /** All basis states as ±1 spins, row-major [size][N] (up = +1). */
    public double[] spins() {
        if (szZero) {
            return szZeroBasis().spins();
        }
        int d = size();
        double[] out = new double[d * n];
        for (int r = 0; r < d; r++) {
            for (int i = 0; i < n; i++) {
                out[r * n + i] = ((r >>> i) & 1) != 0 ? 1.0 : -1.0;
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hilbert h && h.n == n && h.szZero == szZero;
    }

    @Override
    public int hashCode() {
        return 31 * n + (szZero ? 1 : 0);
    }

    @Override
    public String toString() {
        return "spin-1/2 x " + n + (szZero ? ", Sz = 0" : "");
    }
}
