/** Generalised Potts models with J_ij U_ab couplings: MCMC, exact enumeration, factored-attention and plmDCA fits, the experiment. */
package org.spinformer.language.potts;
