package org.spinformer.nqs.hilbert;

/**
 * The total S<sup>z</sup> = 0 sector of N spins ½ (N even): all bit strings with N/2 set bits (bit i set = spin i
 * up), in colexicographic order, with ranking by the combinatorial number system:
 * rank(s) = Σ_k C(p_k, k+1) over the set-bit positions p_0 &lt; p_1 &lt; ….
 * Size C(N, N/2): 12 870 for N = 16, 2 704 156 for N = 24. Plain Java (a reference tool, not a tensor path).
 */
public final class SzZeroBasis {
    private final int n;
    private final long[][] binom;
    private final long[] states;

    public SzZeroBasis(int n) {
        if (n <= 0 || n % 2 != 0 || n > 62) {
            throw new IllegalArgumentException("Sz=0 basis needs an even number of sites <= 62, got " + n);
        }
        this.n = n;
        binom = new long[n + 1][n + 2];
        for (int i = 0; i <= n; i++) {
            binom[i][0] = 1;
            for (int k = 1; k <= i; k++) {
                binom[i][k] = binom[i - 1][k - 1] + (k <= i - 1 ? binom[i - 1][k] : 0);
            }
        }
        long size = binom[n][n / 2];
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Sz=0 sector of " + n + " sites is too large to enumerate");
        }
        states = new long[(int) size];
        // Gosper's hack enumerates k-subsets in increasing numeric order = colex order.
        long s = (1L << (n / 2)) - 1;
        for (int r = 0; r < size; r++) {
            states[r] = s;
            long c = s & -s;
            long rr = s + c;
            s = (((rr ^ s) >>> 2) / c) | rr;
        }
    }

    public int sites() {
        return n;
    }

    public int size() {
        return states.length;
    }

    /** The state with rank r (bit i = spin i up). */
    public long state(int r) {
        return states[r];
    }

    /** The rank of a state in this sector. */
    public int rank(long s) {
        long r = 0;
        int k = 1;
        long t = s;
        while (t != 0) {
            int p = Long.numberOfTrailingZeros(t);
            r += binom[p][k];
            k++;
            t &= t - 1;
        }
        return (int) r;
    }

    /** All states as ±1 spins, row-major [size][N] (up = +1). */
    public double[] spins() {
        double[] out = new double[states.length * n];
        for (int r = 0; r < states.length; r++) {
            for (int i = 0; i < n; i++) {
                out[r * n + i] = ((states[r] >>> i) & 1L) != 0 ? 1.0 : -1.0;
            }
        }
        return out;
    }
}
