/** Exact diagonalisation (Lanczos, Sz = 0 sector), ground-state correlations and structure factor. */
package org.spinformer.nqs.exact;
