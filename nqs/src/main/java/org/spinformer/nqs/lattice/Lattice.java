package org.spinformer.nqs.lattice;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A periodic Bravais lattice with Lx×Ly sites numbered i = x·Ly + y (the numbering of
 * {@code core.nn.FactoredAttention.torusIndex}); the one-dimensional chain is Lx×1. J1 bonds join nearest
 * neighbours, J2 bonds next-nearest ones:
 * <pre>
 *   chain:       J1 (1,0)                    J2 (2,0)
 *   square:      J1 (1,0),(0,1)              J2 (1,1),(1,−1)
 *   triangular:  J1 (1,0),(0,1),(1,−1)       J2 (1,1),(2,−1),(1,−2)     (rhombic coordinates, a1=(1,0),
 *                                                                        a2=(½,√3/2))
 * </pre>
 * Each bond is listed once (pairs i&lt;j, duplicates from tiny tori removed).
 */
public final class Lattice {
    /** Lattice geometry. */
    public enum Kind { CHAIN, SQUARE, TRIANGULAR }

    private final Kind kind;
    private final int lx;
    private final int ly;
    private final int[][] j1;
    private final int[][] j2;

    private Lattice(Kind kind, int lx, int ly) {
        if (kind == Kind.CHAIN ? lx < 2 || ly != 1 : lx < 2 || ly < 2) {
            throw new IllegalArgumentException(kind == Kind.CHAIN ? "chain length must be >= 2, got " + lx
                    : "lattice sides must be >= 2, got " + lx + "x" + ly);
        }
        this.kind = kind;
        this.lx = lx;
        this.ly = ly;
        int[][] v1 = switch (kind) {
            case CHAIN -> new int[][] {{1, 0}};
            case SQUARE -> new int[][] {{1, 0}, {0, 1}};
            case TRIANGULAR -> new int[][] {{1, 0}, {0, 1}, {1, -1}};
        };
        int[][] v2 = switch (kind) {
            case CHAIN -> new int[][] {{2, 0}};
            case SQUARE -> new int[][] {{1, 1}, {1, -1}};
            case TRIANGULAR -> new int[][] {{1, 1}, {2, -1}, {1, -2}};
        };
        this.j1 = bonds(v1);
        this.j2 = bonds(v2);
    }

    /** Periodic chain of L sites (an L×1 lattice). */
    public static Lattice chain(int l) {
        return new Lattice(Kind.CHAIN, l, 1);
    }

    /** Square L×L lattice. */
    public static Lattice square(int l) {
        return new Lattice(Kind.SQUARE, l, l);
    }

    /** Triangular Lx×Ly lattice (rhombic cell). */
    public static Lattice triangular(int lx, int ly) {
        return new Lattice(Kind.TRIANGULAR, lx, ly);
    }

    /**
     * Parses {@code square|triangular} with {@code LxL} (e.g. {@code 4x4}; a bare {@code 4} is refused), or
     * {@code chain} with {@code L} (or {@code Lx1}).
     */
    public static Lattice parse(String kind, String size) {
        String k = kind == null ? "" : kind.trim().toLowerCase(Locale.ROOT);
        String[] p = size == null ? new String[0] : size.trim().toLowerCase(Locale.ROOT).split("x");
        if (k.equals("chain")) {
            try {
                if (p.length == 1 || (p.length == 2 && p[1].equals("1"))) {
                    return chain(Integer.parseInt(p[0]));
                }
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
            throw new IllegalArgumentException("bad chain size '" + size + "': use L, e.g. 8");
        }
        int a;
        int b;
        try {
            if (p.length == 2) {
                a = Integer.parseInt(p[0]);
                b = Integer.parseInt(p[1]);
            } else {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad lattice size '" + size + "': use LxL, e.g. 4x4");
        }
        switch (k) {
            case "square":
                if (a != b) {
                    throw new IllegalArgumentException("square lattice must be LxL, got " + size);
                }
                return square(a);
            case "triangular":
                return triangular(a, b);
            default:
                throw new IllegalArgumentException("bad lattice '" + kind + "': use chain, square or triangular");
        }
    }

    private int[][] bonds(int[][] vectors) {
        Set<Long> seen = new LinkedHashSet<>();
        List<int[]> out = new ArrayList<>();
        for (int x = 0; x < lx; x++) {
            for (int y = 0; y < ly; y++) {
                int i = site(x, y);
                for (int[] v : vectors) {
                    int j = site(x + v[0], y + v[1]);
                    if (i == j) {
                        continue;
                    }
                    int a = Math.min(i, j);
                    int b = Math.max(i, j);
                    if (seen.add((long) a * 1_000_003L + b)) {
                        out.add(new int[] {a, b});
                    }
                }
            }
        }
        return out.toArray(new int[0][]);
    }

    /** Site index of lattice coordinates (wrapped). */
    public int site(int x, int y) {
        return Math.floorMod(x, lx) * ly + Math.floorMod(y, ly);
    }

    public int x(int site) {
        return site / ly;
    }

    public int y(int site) {
        return site % ly;
    }

    public int n() {
        return lx * ly;
    }

    public int lx() {
        return lx;
    }

    public int ly() {
        return ly;
    }

    public Kind kind() {
        return kind;
    }

    /** Nearest-neighbour bonds [nb][2]. */
    public int[][] j1Bonds() {
        return j1;
    }

    /** Next-nearest-neighbour bonds [nb][2]. */
    public int[][] j2Bonds() {
        return j2;
    }

    /** Translation by (dx, dy) as a permutation: site i moves to {@code perm[i]}. */
    public int[] translation(int dx, int dy) {
        int[] perm = new int[n()];
        for (int i = 0; i < n(); i++) {
            perm[i] = site(x(i) + dx, y(i) + dy);
        }
        return perm;
    }

    /** All translations that are multiples of (bx, by) in each direction (bx | Lx, by | Ly). */
    public List<int[]> translations(int bx, int by) {
        List<int[]> out = new ArrayList<>();
        for (int dx = 0; dx < lx; dx += bx) {
            for (int dy = 0; dy < ly; dy += by) {
                out.add(translation(dx, dy));
            }
        }
        return out;
    }

    /**
     * The point group about site 0 as site permutations ({@code perm[i]} = where site i goes): C4v (8 elements)
     * on an L×L square lattice, C6v (12) on an L×L triangular one (lattice vectors at 60°), the reflection x → −x
     * (2) on a chain. The identity comes first.
     *
     * @throws IllegalArgumentException when the lattice is not L×L (the rotations are then no symmetry)
     */
    public List<int[]> pointGroup() {
        List<int[]> out = new ArrayList<>();
        if (kind == Kind.CHAIN) {
            out.add(map((x, y) -> new int[] {x, y}));
            out.add(map((x, y) -> new int[] {-x, y}));
            return out;
        }
        if (lx != ly) {
            throw new IllegalArgumentException("the point group needs an L×L lattice, got " + this);
        }
        // generators: a rotation by 90° (square) or 60° (triangular) and the mirror swapping the two axes
        java.util.function.BinaryOperator<int[]> compose = (a, b) -> {
            int[] c = new int[a.length];
            for (int i = 0; i < a.length; i++) {
                c[i] = a[b[i]];
            }
            return c;
        };
        int[] rot = kind == Kind.SQUARE ? map((x, y) -> new int[] {-y, x}) : map((x, y) -> new int[] {-y, x + y});
        int[] mirror = map((x, y) -> new int[] {y, x});
        int order = kind == Kind.SQUARE ? 4 : 6;
        int[] r = map((x, y) -> new int[] {x, y});
        for (int k = 0; k < order; k++) {
            out.add(r);
            r = compose.apply(rot, r);
        }
        for (int k = 0; k < order; k++) {
            out.add(compose.apply(mirror, out.get(k)));
        }
        return out;
    }

    /** Every translation composed with every point-group element (the space group), identity first. */
    public List<int[]> spaceGroup() {
        List<int[]> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int[] t : translations(1, 1)) {
            for (int[] g : pointGroup()) {
                int[] c = new int[n()];
                for (int i = 0; i < n(); i++) {
                    c[i] = t[g[i]];
                }
                if (seen.add(java.util.Arrays.toString(c))) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    /** The permutation site(x, y) → site(f(x, y)). */
    private int[] map(CoordinateMap f) {
        int[] perm = new int[n()];
        for (int i = 0; i < n(); i++) {
            int[] xy = f.apply(x(i), y(i));
            perm[i] = site(xy[0], xy[1]);
        }
        return perm;
    }

    @FunctionalInterface
    private interface CoordinateMap {
        int[] apply(int x, int y);
    }

    /** Short description, e.g. {@code square 4x4} or {@code chain 8}. */
    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + " " + lx + (kind == Kind.CHAIN ? "" : "x" + ly);
    }
}
