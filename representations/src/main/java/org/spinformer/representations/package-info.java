/**
 * Hidden states of pretrained transformers, layer by layer, and the exact Information Imbalance between them
 * (Acevedo, Mascaretti, Rende et al. 2025; Glielmo et al. 2022): {@code models}, {@code pooling}, {@code data},
 * {@code imbalance}, {@code experiment}.
 */
package org.spinformer.representations;
