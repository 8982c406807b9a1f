/**
 * Transformer building blocks: pure static functions on {@code NDArray} (the maths) and thin blocks that hold
 * parameters. Shapes use B batch, T tokens, D model width, H heads, N sites, M samples, P params.
 */
package org.spinformer.core.nn;
