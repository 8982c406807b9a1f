/**
 * Pooling token states into one vector per text: mean, first, last, last-n with drop, sign binarisation
 * ({@link org.spinformer.representations.pooling.Pooling}), fixed absolute positions
 * ({@link org.spinformer.representations.pooling.Positions}), behind the
 * {@link org.spinformer.representations.pooling.TokenPooler} interface.
 */
package org.spinformer.representations.pooling;
