package org.spinformer.nqs.graph;

import org.spinformer.nqs.lattice.Lattice;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An undirected graph on N sites with coloured edges (NetKet's {@code Graph}): each edge (i, j), i &lt; j, has a
 * colour, {@link #NEAREST} (0, J1 bonds) or {@link #NEXT_NEAREST} (1, J2 bonds) for a lattice, and the graph keeps
 * the site permutations that leave it invariant (the lattice translations). Immutable; accessors return copies.
 */
public final class Graph {
    /** Colour of nearest-neighbour (J1) edges. */
    public static final int NEAREST = 0;
    /** Colour of next-nearest-neighbour (J2) edges. */
    public static final int NEXT_NEAREST = 1;

    private final int n;
    private final int[][] edges;
    private final int[] colors;
    private final List<int[]> symmetries;
    private final Lattice lattice;

    /**
     * @param edges [E][2] site pairs; colors [E] their colours (≥ 0); symmetries site permutations (site i goes to
     *              {@code g[i]}) that map the edge set of each colour onto itself
     */
    public Graph(int n, int[][] edges, int[] colors, List<int[]> symmetries) {
        this(n, edges, colors, symmetries, null);
    }

    private Graph(int n, int[][] edges, int[] colors, List<int[]> symmetries, Lattice lattice) {
        if (n <= 0) {
            throw new IllegalArgumentException("a graph needs at least one site, got " + n);
        }
        if (edges.length != colors.length) {
            throw new IllegalArgumentException(edges.length + " edges but " + colors.length + " colours");
        }
        this.n = n;
        this.edges = new int[edges.length][];
        for (int e = 0; e < edges.length; e++) {
            int[] p = edges[e];
            if (p.length != 2 || p[0] < 0 || p[1] < 0 || p[0] >= n || p[1] >= n || p[0] == p[1] || colors[e] < 0) {
                throw new IllegalArgumentException("bad edge " + Arrays.toString(p) + " (colour " + colors[e]
                        + ") on " + n + " sites");
            }
            this.edges[e] = new int[] {Math.min(p[0], p[1]), Math.max(p[0], p[1])};
        }
        this.colors = colors.clone();
        List<int[]> sym = new ArrayList<>();
        for (int[] g : symmetries) {
            if (g.length != n) {
                throw new IllegalArgumentException("symmetry of " + g.length + " sites on a graph of " + n);
            }
            sym.add(g.clone());
        }
        this.symmetries = List.copyOf(sym);
        this.lattice = lattice;
    }

    /** The lattice's J1 bonds (colour 0), then its J2 bonds (colour 1), and its translations as symmetries. */
    public static Graph of(Lattice l) {
        int n1 = l.j1Bonds().length;
        int n2 = l.j2Bonds().length;
        int[][] e = new int[n1 + n2][];
        int[] c = new int[n1 + n2];
        for (int b = 0; b < n1; b++) {
            e[b] = l.j1Bonds()[b];
            c[b] = NEAREST;
        }
        for (int b = 0; b < n2; b++) {
            e[n1 + b] = l.j2Bonds()[b];
            c[n1 + b] = NEXT_NEAREST;
        }
        return new Graph(l.n(), e, c, l.translations(1, 1), l);
    }

    /** Number of sites N. */
    public int n() {
        return n;
    }

    /** Number of edges E. */
    public int edgeCount() {
        return edges.length;
    }

    /** Edges [E][2] (i &lt; j), a copy. */
    public int[][] edges() {
        int[][] out = new int[edges.length][];
        for (int e = 0; e < edges.length; e++) {
            out[e] = edges[e].clone();
        }
        return out;
    }

    /** Edge e's sites {i, j}, a copy. */
    public int[] edge(int e) {
        return edges[e].clone();
    }

    /** Colours [E], a copy. */
    public int[] colors() {
        return colors.clone();
    }

    /** Colour of edge e. */
    public int color(int e) {
        return colors[e];
    }

    /** Edges of one colour [E_c][2], in edge order. */
    public int[][] edges(int color) {
        List<int[]> out = new ArrayList<>();
        for (int e = 0; e < edges.length; e++) {
            if (colors[e] == color) {
                out.add(edges[e].clone());
            }
        }
        return out.toArray(new int[0][]);
    }

    /** Site permutations leaving the graph invariant (copies; the identity is implied and may be listed). */
    public List<int[]> symmetries() {
        List<int[]> out = new ArrayList<>();
        for (int[] g : symmetries) {
            out.add(g.clone());
        }
        return out;
    }

    /** The lattice this graph was built from, or null for a graph built from an edge list. */
    public Lattice lattice() {
        return lattice;
    }

    @Override
    public String toString() {
        return lattice != null ? lattice.toString() : "graph(" + n + " sites, " + edges.length + " edges)";
    }
}
