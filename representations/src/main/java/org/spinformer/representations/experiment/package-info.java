/**
 * The experiments of Acevedo, Mascaretti, Rende et al. (2025, arXiv:2505.17101): the layer-by-layer Information
 * Imbalance ({@link org.spinformer.representations.experiment.LayerScan}) and the token analyses
 * ({@link org.spinformer.representations.experiment.TokenSpread},
 * {@link org.spinformer.representations.experiment.PastFuture},
 * {@link org.spinformer.representations.experiment.CrossModel},
 * {@link org.spinformer.representations.experiment.TokenDistance}).
 */
package org.spinformer.representations.experiment;
