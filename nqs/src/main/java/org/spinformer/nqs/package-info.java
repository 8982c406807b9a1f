/**
 * Spinformer nqs: transformer (ViT) neural-network quantum states for J1-J2 Heisenberg models (and any
 * {@link org.spinformer.nqs.operator.Operator}: XXZ, transverse-field Ising), trained by variational Monte Carlo
 * with sample-space stochastic reconfiguration. Cut as NetKet: lattice, graph, hilbert, operator, exact, model,
 * vqs (variational state), sampler, optimizer, driver.
 */
package org.spinformer.nqs;
