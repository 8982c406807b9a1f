/** Samplers: exact enumeration (orbit-reduced) and batched Metropolis with exchange moves. */
package org.spinformer.nqs.sampler;
