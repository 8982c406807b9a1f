/** Graphs (NetKet's "graph"): sites, coloured edges (J1 = colour 0, J2 = colour 1) and site symmetries. */
package org.spinformer.nqs.graph;
