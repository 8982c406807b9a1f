/**
 * The scaling-law study of transformer wave functions: a resumable sweep of training runs over lattice sizes,
 * J2, model sizes and seeds under a compute budget ({@link org.spinformer.nqs.scaling.ScalingStudy}), and the fits
 * of its logs: V-score frontier against training compute, power-law exponents with bootstrap intervals, the
 * collapse of sizes under C/N^z ({@link org.spinformer.nqs.scaling.ScalingFit}).
 */
package org.spinformer.nqs.scaling;
