/**
 * Information Imbalance (Glielmo et al., PNAS Nexus 2022), exact and blocked on the tensor engine, with
 * metrics, errors and the shuffled control; TwoNN intrinsic dimension (Facco et al., Sci. Rep. 2017).
 */
package org.spinformer.representations.imbalance;
