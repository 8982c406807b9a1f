/** Masked-language-model training (single-site or fractional masking, AdamW/SGD, clipping, metrics, checkpoints) and evaluation. */
package org.spinformer.language.train;
