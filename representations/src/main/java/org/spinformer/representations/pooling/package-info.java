/** Pooling token states into one vector per text: mean, first, last, last-n with drop, sign binarisation. */
package org.spinformer.representations.pooling;
