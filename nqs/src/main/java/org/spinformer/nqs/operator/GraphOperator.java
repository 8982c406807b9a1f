package org.spinformer.nqs.operator;

import org.spinformer.nqs.graph.Graph;
import org.spinformer.nqs.hilbert.Hilbert;

/** An operator defined on the edges of a graph, acting in a given Hilbert space. */
abstract class GraphOperator implements Operator {
    private final Graph graph;
    private final Hilbert hilbert;

    GraphOperator(Graph graph, Hilbert hilbert) {
        this.graph = graph;
        this.hilbert = hilbert;
    }

    @Override
    public Graph graph() {
        return graph;
    }

    @Override
    public Hilbert hilbert() {
        return hilbert;
    }
}
