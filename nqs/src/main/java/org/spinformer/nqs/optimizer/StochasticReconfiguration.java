package org.spinformer.nqs.optimizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Stochastic reconfiguration (natural gradient) in sample space (Rende, Viteritti, Bardone, Becca, Goldt,
 * Commun. Phys. 7, 260, 2024; Chen and Heyl 2024). With weights w_s (1/M for Monte Carlo, |ψ_s|²/Z for exact
 * enumeration), centred O_c = O − ⟨O⟩, E_c = E_loc − ⟨E_loc⟩:
 * <pre>
 *   X = [√w·Re O_c ; √w·Im O_c]          [2M,P]
 *   ε = 2 [√w·Re E_c ; √w·Im E_c]        [2M]
 *   F = Xᵀ ε = 2 Re⟨O_c* E_c⟩            (the energy gradient ∂E/∂θ)
 *   δ = Xᵀ (X Xᵀ + λ I)⁻¹ ε              when 2M ≤ P   (sample space)
 *     = (Xᵀ X + λ I)⁻¹ F                 when 2M &gt; P   (parameter space; the same vector)
 *   θ ← θ − η δ
 * </pre>
 * The two forms are equal by the push-through identity Xᵀ(XXᵀ+λ)⁻¹ = (XᵀX+λ)⁻¹Xᵀ. Systems are solved in float64
 * by {@link SpdSolver} (Cholesky, pseudo-inverse fallback).
 */
public final class StochasticReconfiguration {
    /** The result of one SR computation. */
    public record Update(NDArray delta, NDArray gradient, SpdSolver.Method method, boolean sampleSpace) {}

    private StochasticReconfiguration() {}

    /**
     * @param ore Re O [M,P]; oim Im O [M,P]; ere, eim local energies [M]; w weights [M] (Σw = 1)
     * @param shift diagonal shift λ ≥ 0
     */
    public static Update compute(NDArray ore, NDArray oim, NDArray ere, NDArray eim, NDArray w, double shift) {
        NDArray[] xe = assemble(ore, oim, ere, eim, w);
        NDArray x = xe[0];
        NDArray eps = xe[1];
        NDManager m = x.getManager();
        long rows = x.getShape().get(0);
        long p = x.getShape().get(1);
        NDArray grad = x.transpose().matMul(eps); // [P]
        boolean sampleSpace = rows <= p;
        SpdSolver.Solution sol;
        NDArray delta;
        if (sampleSpace) {
            NDArray k = x.matMul(x.transpose()).add(m.eye((int) rows, (int) rows, 0, DataType.FLOAT64).mul(shift));
            sol = SpdSolver.solve(k, eps, 1e-12);
            delta = x.transpose().matMul(sol.x());
        } else {
            NDArray s = x.transpose().matMul(x).add(m.eye((int) p, (int) p, 0, DataType.FLOAT64).mul(shift));
            sol = SpdSolver.solve(s, grad, 1e-12);
            delta = sol.x();
        }
        return new Update(delta, grad, sol.method(), sampleSpace);
    }

    /** The energy gradient F = 2 Re⟨O_c* E_c⟩ alone [P] (for first-order optimisers). */
    public static NDArray gradient(NDArray ore, NDArray oim, NDArray ere, NDArray eim, NDArray w) {
        NDArray[] xe = assemble(ore, oim, ere, eim, w);
        return xe[0].transpose().matMul(xe[1]);
    }

    /** {X [2M,P], ε [2M]} in float64. */
    public static NDArray[] assemble(NDArray ore, NDArray oim, NDArray ere, NDArray eim, NDArray w) {
        NDArray w64 = w.toType(DataType.FLOAT64, false);
        NDArray sw = w64.sqrt().expandDims(1); // [M,1]
        NDArray wCol = w64.expandDims(0); // [1,M]
        NDArray or = ore.toType(DataType.FLOAT64, false);
        NDArray oi = oim.toType(DataType.FLOAT64, false);
        NDArray er = ere.toType(DataType.FLOAT64, false);
        NDArray ei = eim.toType(DataType.FLOAT64, false);
        NDArray xr = or.sub(wCol.matMul(or)).mul(sw);
        NDArray xi = oi.sub(wCol.matMul(oi)).mul(sw);
        NDArray x = NDArrays.concat(new NDList(xr, xi), 0);
        NDArray erc = er.sub(er.mul(w64).sum()).mul(sw.squeeze(1));
        NDArray eic = ei.sub(ei.mul(w64).sum()).mul(sw.squeeze(1));
        NDArray eps = NDArrays.concat(new NDList(erc, eic), 0).mul(2);
        return new NDArray[] {x, eps};
    }

    /** Splits a flat [P] vector into arrays shaped like the parameters, in order. */
    static NDArray[] split(NDArray flat, Shape[] shapes) {
        NDArray[] out = new NDArray[shapes.length];
        long off = 0;
        for (int i = 0; i < shapes.length; i++) {
            long n = shapes[i].size();
            out[i] = flat.get(off + ":" + (off + n)).reshape(shapes[i]);
            off += n;
        }
        return out;
    }
}
