package org.spinformer.nqs.vqs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.spinformer.nqs.operator.Operator;

/**
 * Local energies E_loc(σ) = Σ_σ' H_σσ' ψ(σ')/ψ(σ) of any {@link Operator}, batched on the tensor engine: with the
 * operator's diagonal H_σσ [M] and its candidate connections conn [M,K,N] with elements mels [M,K],
 * <pre>
 *   E_loc(σ) = H_σσ + Σ_k mels_k · exp(log ψ(conn_k) − log ψ(σ))
 * </pre>
 * Only the connections with a non-zero element are sent to the model, all of them in one chunked batched forward
 * (for the Heisenberg model: the anti-aligned bonds); no Java loop over tensor elements.
 */
public final class LocalEnergy {
    private LocalEnergy() {}

    /**
     * @param sigma samples [M,N]; logRe, logIm their log ψ [M]
     * @return Re, Im E_loc [M], owned by σ's manager
     */
    public static LocalEnergies compute(Operator op, VariationalState vs, NDArray sigma, NDArray logRe,
                                        NDArray logIm) {
        return compute(op, vs, null, sigma, logRe, logIm);
    }

    /**
     * As {@link #compute(Operator, VariationalState, NDArray, NDArray, NDArray)}, with the connected configurations'
     * forwards run by {@code twin}, a copy of the model in another precision (float32; its parameters are set from
     * the model's here), and the ratios taken between the twin's own amplitudes,
     * <pre>
     *   E_loc(σ) = H_σσ + Σ_k mels_k · exp(log ψ̃(conn_k) − log ψ̃(σ))     ψ̃: the twin
     * </pre>
     * so that a rounding common to σ and its connections cancels. Everything else (H_σσ, mels, the sum) is in σ's
     * dtype. With {@code twin} null, the model itself (the float64 reference). The twin's rounding (~1e-7 relative in
     * log ψ) enters E_loc as a relative error of the same order, far below the Monte Carlo error;
     * {@code GradientConvergenceTest} checks the energy gradient still converges to the exact one.
     *
     * @param logRe, logIm the model's log ψ(σ) [M] (used when {@code twin} is null)
     */
    public static LocalEnergies compute(Operator op, VariationalState vs, VariationalState twin, NDArray sigma,
                                        NDArray logRe, NDArray logIm) {
        NDManager m = sigma.getManager();
        DataType dt = sigma.getDataType();
        long ms = sigma.getShape().get(0);
        long n = sigma.getShape().get(1);
        NDArray diag = op.diagonal(sigma); // [M]
        Operator.Connections cn = op.connections(sigma);
        long kk = cn.perSample();
        if (kk == 0) {
            return new LocalEnergies(diag, m.zeros(diag.getShape(), dt));
        }
        NDArray mels = cn.mels(); // [M,K]
        NDArray acts = mels.neq(0).flatten(); // [M·K] bool
        NDArray conn = cn.conn().reshape(ms * kk, n);
        NDArray sel = conn.get(acts.nonzero().reshape(-1)); // [R,N], the acting connections in order (rows taken)
        if (sel.getShape().get(0) == 0) {
            return new LocalEnergies(diag, m.zeros(diag.getShape(), dt));
        }
        NDArray[] lp; // log ψ of the acting connections [R], in dt
        NDArray[] ref = {logRe, logIm}; // log ψ(σ) [M]
        if (twin == null) {
            lp = vs.logPsi(sel);
        } else {
            VariationalState.copyParameters(vs, twin);
            DataType tt = twin.model().parameters().floatType();
            NDArray[] lt = twin.logPsi(sel.toType(tt, false));
            NDArray[] rt = twin.logPsi(sigma.toType(tt, false));
            lp = new NDArray[] {lt[0].toType(dt, false), lt[1].toType(dt, false)};
            ref = new NDArray[] {rt[0].toType(dt, false), rt[1].toType(dt, false)};
        }
        // scatter back into [M·K] via the cumulative index of acting entries (the others have mels = 0)
        NDArray pos = acts.toType(DataType.INT64, false).cumSum(0).sub(1).maximum(0); // [M·K]
        NDArray dre = lp[0].take(m, pos).reshape(ms, kk).sub(ref[0].expandDims(1));
        NDArray dim = lp[1].take(m, pos).reshape(ms, kk).sub(ref[1].expandDims(1));
        NDArray amp = dre.minimum(700.0).exp().mul(mels);
        return new LocalEnergies(diag.add(amp.mul(dim.cos()).sum(new int[] {1})),
                amp.mul(dim.sin()).sum(new int[] {1}));
    }

    /**
     * Local energies over a complete (orbit-reduced) basis from a precomputed connection table: idx [M,K] int64
     * holds the row of each connected configuration (any row where there is none), coef [M,K] its matrix element
     * (0 where there is none), diag [M] the diagonal. No forward passes beyond log ψ of the basis.
     */
    public static LocalEnergies fromTable(NDArray idx, NDArray coef, NDArray diag, NDArray logRe, NDArray logIm) {
        NDManager m = logRe.getManager();
        if (idx.getShape().get(1) == 0) {
            return new LocalEnergies(diag, m.zeros(diag.getShape(), diag.getDataType()));
        }
        NDArray dre = logRe.take(m, idx).sub(logRe.expandDims(1));
        NDArray dim = logIm.take(m, idx).sub(logIm.expandDims(1));
        NDArray amp = dre.minimum(700.0).exp().mul(coef);
        return new LocalEnergies(diag.add(amp.mul(dim.cos()).sum(new int[] {1})), amp.mul(dim.sin()).sum(new int[] {1}));
    }
}
