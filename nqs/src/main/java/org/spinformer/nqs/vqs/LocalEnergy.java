package org.spinformer.nqs.vqs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.spinformer.nqs.operator.Heisenberg;

/**
 * Local energies E_loc(σ) = Σ_σ' H_σσ' ψ(σ')/ψ(σ) of the {@link Heisenberg} model, batched on the tensor
 * engine: with D [NB,N] the bond difference matrix and c = σDᵀ = σ_i − σ_j [M,NB],
 * <pre>
 *   E_loc(σ) = Σ_b J_b [ ¼(1 − c_b²/2) + ¼|c_b| · exp(log ψ(σ − c_b D_b) − log ψ(σ)) ]
 * </pre>
 * (σ_iσ_j = 1 − c²/2; ¼|c| = ½ on anti-aligned bonds, 0 otherwise). Connected configurations of all samples and
 * bonds are evaluated in one chunked batched forward; only the anti-aligned ones are sent to the model.
 */
public final class LocalEnergy {
    private LocalEnergy() {}

    /**
     * @param sigma samples [M,N]; logRe, logIm their log ψ [M]
     * @return {Re E_loc [M], Im E_loc [M]}, owned by σ's manager
     */
    public static NDArray[] compute(Heisenberg h, VariationalState vs, NDArray sigma, NDArray logRe, NDArray logIm) {
        NDManager m = sigma.getManager();
        DataType dt = sigma.getDataType();
        long ms = sigma.getShape().get(0);
        long n = sigma.getShape().get(1);
        NDArray d = h.bondMatrix(m, dt); // [NB,N]
        NDArray j = h.couplingTensor(m, dt); // [NB]
        long nb = d.getShape().get(0);
        NDArray c = sigma.matMul(d.transpose()); // [M,NB]
        NDArray diag = c.square().mul(-0.5).add(1).mul(j).sum(new int[] {1}).mul(0.25); // [M]
        NDArray anti = c.abs().gt(1).flatten(); // [M·NB] bool
        NDArray conn = sigma.expandDims(1).sub(c.expandDims(2).mul(d.expandDims(0))).reshape(ms * nb, n);
        NDArray rowsK = anti.nonzero().reshape(-1); // int64 [K], rows of anti-aligned connections
        NDArray sel = conn.take(m, rowsK.expandDims(1).mul(n).add(m.arange(0L, n, 1L, DataType.INT64))); // [K,N]
        NDArray offRe;
        NDArray offIm;
        long k = sel.getShape().get(0);
        if (k == 0) {
            offRe = m.zeros(diag.getShape(), dt);
            offIm = m.zeros(diag.getShape(), dt);
        } else {
            NDArray[] lp = vs.logPsi(sel); // [K]
            // scatter back into [M·NB] (zeros where aligned) via the cumulative index of anti-aligned entries
            NDArray antiF = anti.toType(dt, false);
            NDArray pos = anti.toType(DataType.INT64, false).cumSum(0).sub(1).maximum(0); // [M·NB]
            NDArray lre = lp[0].take(m, pos).reshape(ms, nb);
            NDArray lim = lp[1].take(m, pos).reshape(ms, nb);
            NDArray dre = lre.sub(logRe.expandDims(1));
            NDArray dim = lim.sub(logIm.expandDims(1));
            NDArray amp = dre.minimum(700.0).exp().mul(antiF.reshape(ms, nb)).mul(j.mul(0.5)); // ½J on anti-aligned
            offRe = amp.mul(dim.cos()).sum(new int[] {1});
            offIm = amp.mul(dim.sin()).sum(new int[] {1});
        }
        return new NDArray[] {diag.add(offRe), offIm};
    }

    /**
     * Local energies over a complete (orbit-reduced) basis from a precomputed connection table: idx [M,NB] int64
     * holds the row of each connected configuration (any row where the bond is aligned), coef [M,NB] its
     * matrix element (0 where aligned), diag [M] the diagonal. No forward passes beyond log ψ of the basis.
     */
    public static NDArray[] fromTable(NDArray idx, NDArray coef, NDArray diag, NDArray logRe, NDArray logIm) {
        NDManager m = logRe.getManager();
        NDArray dre = logRe.take(m, idx).sub(logRe.expandDims(1));
        NDArray dim = logIm.take(m, idx).sub(logIm.expandDims(1));
        NDArray amp = dre.minimum(700.0).exp().mul(coef);
        return new NDArray[] {diag.add(amp.mul(dim.cos()).sum(new int[] {1})), amp.mul(dim.sin()).sum(new int[] {1})};
    }
}
