/** Samplers: exact enumeration of the Hilbert space (orbit-reduced), direct draws, batched Metropolis with exchange moves (Sz = 0) or single-spin flips (unconstrained). */
package org.spinformer.nqs.sampler;
