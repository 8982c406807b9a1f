/** Spinformer core: the transformer blocks, weight I/O, training utilities and plots every pipeline reuses. */
package org.spinformer.core;
