/**
 * Spinformer language: factored-attention clones of a corpus, the distributional simplicity bias of transformers
 * (Rende, Gerace, Laio, Goldt, NeurIPS 2024, arXiv:2410.19637) and the Potts-model view of one attention layer
 * (Rende et al., Phys. Rev. Research 6, 023057, 2024). Packages: corpus, model, train, clones, diagnose, potts,
 * experiment.
 */
package org.spinformer.language;
