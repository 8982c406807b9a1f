/**
 * Self-attention as an attractor network (D'Amico and Negri, "Self-attention as an attractor network: transient
 * memories without backpropagation", 2024, arXiv:2409.16112): tokens are unit vectors x_i ∈ R^D at positions
 * i = 1..T, one step of the recurrent dynamics is one self-attention layer with per-pair couplings J_ij (D×D),
 * x_i(t+1) ∝ Σ_{j≠i} softmax_j(β x_iᵀ J_ij x_j) J_ij x_j + γ x_i, and the couplings are trained without
 * backpropagation by minimising each position's own local energy on the data.
 *
 * <ul>
 *   <li>{@link org.spinformer.language.attractor.AttractorNetwork}: the update, the local energies, the training
 *   loss and its closed-form gradient, the local training rule, all as batched tensor operations;</li>
 *   <li>{@link org.spinformer.language.attractor.TokenPatterns}: data (sequences of T tokens from a vocabulary
 *   of Q random unit vectors, i.i.d. or planted around a few templates) and the corruptions of the two tasks
 *   (a masked position, noise on every position);</li>
 *   <li>{@link org.spinformer.language.attractor.TransientMemory}: the overlap of the dynamics' states with the
 *   example a start came from and with the nearest train and test examples, as a function of time.</li>
 * </ul>
 * Shapes: B examples (or starts), T positions (the paper's N), D token width (the paper's d), Q vocabulary size.
 */
package org.spinformer.language.attractor;
