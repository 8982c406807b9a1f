/**
 * Operators (NetKet's "operator"): the {@link org.spinformer.nqs.operator.Operator} interface (plain-Java matrix
 * elements for exact methods, batched engine-side connections for local energies) and the J1-J2
 * {@link org.spinformer.nqs.operator.Heisenberg} model, the {@link org.spinformer.nqs.operator.Xxz} model and the
 * {@link org.spinformer.nqs.operator.TransverseFieldIsing} model.
 */
package org.spinformer.nqs.operator;
