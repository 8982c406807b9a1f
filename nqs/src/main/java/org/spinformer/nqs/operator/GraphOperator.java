package org.spinformer.nqs.operator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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

    /** 0: S^z_i S^z_j, S^+_i S^-_j, σ^z_i σ^z_j and σ^x_i (i ≠ j) are all traceless (checked by enumeration in tests). */
    @Override
    public double infiniteTemperatureEnergy() {
        return 0;
    }

    /** No connected configuration: conn [M,0,N] and mels [M,0]. */
    static Connections none(NDArray sigma) {
        NDManager m = sigma.getManager();
        DataType dt = sigma.getDataType();
        long ms = sigma.getShape().get(0);
        long n = sigma.getShape().get(1);
        return new Connections(m.zeros(new Shape(ms, 0, n), dt), m.zeros(new Shape(ms, 0), dt));
    }
}
