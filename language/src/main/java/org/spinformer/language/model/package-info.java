/** Masked language models: n-layer factored attention with x² activations, a pre-LN BERT, checkpoint I/O. */
package org.spinformer.language.model;
