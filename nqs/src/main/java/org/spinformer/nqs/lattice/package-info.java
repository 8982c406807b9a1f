/** Periodic square and triangular lattices with J1/J2 bond lists and translations (NetKet's "graph"). */
package org.spinformer.nqs.lattice;
