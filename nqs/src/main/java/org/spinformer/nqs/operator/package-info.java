/** Operators: the J1-J2 Heisenberg Hamiltonian (spin-½ or Pauli units). */
package org.spinformer.nqs.operator;
