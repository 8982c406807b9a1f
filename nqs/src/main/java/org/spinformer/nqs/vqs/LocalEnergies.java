package org.spinformer.nqs.vqs;

import ai.djl.ndarray.NDArray;

/** Local energies E_loc(σ) [M] as a (real, imaginary) pair of real tensors. */
public record LocalEnergies(NDArray re, NDArray im) {}
