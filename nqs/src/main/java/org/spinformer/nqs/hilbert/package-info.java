/** Hilbert spaces: the total-Sz = 0 sector of spins ½ with ranking for exact enumeration. */
package org.spinformer.nqs.hilbert;
