package org.spinformer.nqs.sampler;

import ai.djl.ndarray.NDArray;

/**
 * One step's samples: σ [M,N], their weights w [M] (Σw = 1: 1/M for Monte Carlo, |ψ|²·multiplicity for exact
 * enumeration), log ψ (re, im) [M], and, for exact enumeration, the local energies already computed from the
 * connection table (else null). Monte Carlo samples are ordered sample-major: row s·C + c is sample s of chain c.
 */
public record Samples(NDArray sigma, NDArray weights, NDArray logRe, NDArray logIm, int chains, boolean exact,
                      double acceptance, NDArray eLocRe, NDArray eLocIm) {
    public long size() {
        return sigma.getShape().get(0);
    }
}
