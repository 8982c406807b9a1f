package org.spinformer.nqs;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.spinformer.core.device.Devices;
import org.spinformer.nqs.graph.Graph;
import org.spinformer.nqs.hilbert.Hilbert;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.operator.Heisenberg;
import org.spinformer.nqs.operator.Operator;
import org.spinformer.nqs.operator.TransverseFieldIsing;
import org.spinformer.nqs.operator.Xxz;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@link Operator}, written once and run on every implementation (EJML style): over the whole basis
 * of its Hilbert space, (1) the engine-side diagonal equals the plain-Java one, (2) the engine-side connections
 * with non-zero element are the plain-Java connections (same targets, same summed elements, no target equal to the
 * state itself), (3) the plain-Java matrix is symmetric (Hermitian, real) and closed on the Hilbert space, (4) no
 * state has more connections than {@link Operator#maxConnections()}, (5) the graph's symmetries commute with H.
 */
class OperatorContractTest {
    private static List<Operator> operators() {
        Lattice tri = Lattice.triangular(4, 2);
        Lattice chain = Lattice.chain(8);
        Lattice sq = Lattice.square(3);
        return List.of(new Heisenberg(tri, 1.0, 0.5, Heisenberg.Units.SPIN),
                new Heisenberg(Lattice.chain(7), 1.0, 0.3, Heisenberg.Units.PAULI),
                new Xxz(tri, 0.8, 0.4, 0.3, Heisenberg.Units.SPIN), new Xxz(chain, -0.5),
                new TransverseFieldIsing(chain, 1.0, 0.7), new TransverseFieldIsing(sq, -0.5, 1.5),
                new TransverseFieldIsing(sq, 1.0, 0.0));
    }

    private static long bits(double[] spins, int off, int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            if (spins[off + i] > 0) {
                s |= 1L << i;
            }
        }
        return s;
    }

    private static long permute(long s, int[] g) {
        long t = 0;
        for (int i = 0; i < g.length; i++) {
            if ((s >>> i & 1L) != 0) {
                t |= 1L << g[i];
            }
        }
        return t;
    }

    @Test
    void everyOperatorMeetsTheContract() {
        try (NDManager m = Devices.manager(Device.cpu())) {
            for (Operator op : operators()) {
                Hilbert hb = op.hilbert();
                int n = hb.sites();
                assertEquals(op.graph().n(), n, op.toString());
                int d = hb.size();
                long[] to = new long[op.maxConnections()];
                double[] mel = new double[op.maxConnections()];
                List<Map<Long, Double>> rows = new java.util.ArrayList<>();
                for (int r = 0; r < d; r++) {
                    long s = hb.state(r);
                    assertTrue(hb.allowed(s));
                    int k = op.connected(s, to, mel);
                    assertTrue(k <= op.maxConnections());
                    Map<Long, Double> row = new HashMap<>();
                    for (int c = 0; c < k; c++) {
                        assertTrue(hb.allowed(to[c]), op + ": connection leaves " + hb);
                        assertTrue(to[c] != s, op + ": off-diagonal connection to itself");
                        row.merge(to[c], mel[c], Double::sum);
                    }
                    rows.add(row);
                }
                for (int r = 0; r < d; r++) {
                    long s = hb.state(r);
                    for (Map.Entry<Long, Double> e : rows.get(r).entrySet()) {
                        Double back = rows.get(hb.rank(e.getKey())).get(s);
                        assertEquals(e.getValue(), back == null ? 0.0 : back, 1e-14, op + ": not symmetric");
                    }
                    for (int[] g : op.graph().symmetries()) {
                        long gs = permute(s, g);
                        assertEquals(op.diagonal(s), op.diagonal(gs), 1e-12, op + ": symmetry breaks the diagonal");
                        Map<Long, Double> img = rows.get(hb.rank(gs));
                        for (Map.Entry<Long, Double> e : rows.get(r).entrySet()) {
                            assertEquals(e.getValue(), img.getOrDefault(permute(e.getKey(), g), 0.0), 1e-12,
                                    op + ": symmetry does not commute");
                        }
                    }
                }
                try (NDManager sm = m.newSubManager()) {
                    double[] spins = hb.spins();
                    NDArray sigma = sm.create(spins, new Shape(d, n));
                    double[] diag = op.diagonal(sigma).toDoubleArray();
                    Operator.Connections cn = op.connections(sigma);
                    long kk = cn.perSample();
                    assertEquals(op.maxConnections(), kk, op.toString());
                    double[] conn = cn.conn().toDoubleArray();
                    double[] mels = cn.mels().toDoubleArray();
                    for (int r = 0; r < d; r++) {
                        long s = hb.state(r);
                        assertEquals(op.diagonal(s), diag[r], 1e-12, op + ": engine diagonal, state " + s);
                        Map<Long, Double> row = new HashMap<>();
                        for (int c = 0; c < kk; c++) {
                            double v = mels[(int) (r * kk + c)];
                            if (v != 0) {
                                row.merge(bits(conn, (int) ((r * kk + c) * n), n), v, Double::sum);
                            }
                        }
                        assertEquals(rows.get(r).keySet(), row.keySet(), op + ": engine targets, state " + s);
                        for (Map.Entry<Long, Double> e : row.entrySet()) {
                            assertEquals(rows.get(r).get(e.getKey()), e.getValue(), 1e-12, op + ": engine element");
                        }
                    }
                }
            }
        }
    }

    @Test
    void graphHilbertAndChainLattice() {
        Graph g = Graph.of(Lattice.chain(8));
        assertEquals(8, g.n());
        assertEquals(16, g.edgeCount());
        assertEquals(8, g.edges(Graph.NEAREST).length);
        assertEquals(8, g.edges(Graph.NEXT_NEAREST).length);
        assertEquals(8, g.symmetries().size());
        Graph sq = Graph.of(Lattice.square(4));
        assertEquals(32, sq.edges(Graph.NEAREST).length);
        assertEquals(32, sq.edges(Graph.NEXT_NEAREST).length);
        assertEquals(70, Hilbert.szZero(8).size());
        assertEquals(256, Hilbert.spinHalf(8).size());
        assertTrue(Hilbert.szZero(4).allowed(0b0101L));
        assertFalse(Hilbert.szZero(4).allowed(0b0111L));
        assertFalse(Hilbert.spinHalf(4).allowed(0b10000L));
        assertTrue(Hilbert.spinHalf(4).allowed(new double[] {1, 1, 1, -1}));
        assertFalse(Hilbert.szZero(4).allowed(new double[] {1, 1, 1, -1}));
        assertThrows(IllegalArgumentException.class, () -> Hilbert.szZero(7));
        assertEquals("chain 8", Lattice.parse("chain", "8").toString());
        assertEquals(8, Lattice.parse("chain", "8x1").n());
        assertThrows(IllegalArgumentException.class, () -> Lattice.parse("chain", "8x2"));
        assertThrows(IllegalArgumentException.class, () -> Lattice.parse("chain", "1"));
        assertThrows(IllegalArgumentException.class, () -> Lattice.parse("square", "4"));
        assertEquals(1, Lattice.chain(2).j1Bonds().length); // (0,1) once
        assertEquals(0, Lattice.chain(2).j2Bonds().length); // (2,0) wraps onto the site itself
    }
}
