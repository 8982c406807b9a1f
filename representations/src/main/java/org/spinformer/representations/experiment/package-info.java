/** The layer-by-layer Information Imbalance experiment (Acevedo, Mascaretti, Rende et al. 2025). */
package org.spinformer.representations.experiment;
