/** Variational states: chunked log ψ, per-sample gradients by weight replication, batched local energies. */
package org.spinformer.nqs.vqs;
