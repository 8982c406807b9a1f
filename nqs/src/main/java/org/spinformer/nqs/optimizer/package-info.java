/** Optimisers: stochastic reconfiguration in sample or parameter space with a float64 SPD solver. */
package org.spinformer.nqs.optimizer;
