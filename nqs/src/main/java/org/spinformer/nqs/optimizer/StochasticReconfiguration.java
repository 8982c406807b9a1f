package org.spinformer.nqs.optimizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.core.engine.Scopes;

import java.util.ArrayList;
import java.util.List;

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
        return compute(ore, oim, ere, eim, w, shift, null, 0);
    }

    /**
     * SR with momentum in the projected-increment form of SPRING (Goldshlager, Abrahamsen, Lin, J. Comput. Phys.
     * 2024): δ = Xᵀ(XXᵀ + λI)⁻¹(ε − μ X δ_prev) + μ δ_prev (sample space; in parameter space
     * (XᵀX + λI)⁻¹ Xᵀ(ε − μ X δ_prev) + μ δ_prev, the same vector). The new direction keeps μ δ_prev and corrects
     * it only where this step's samples say it is wrong, so information from earlier samples is kept where the
     * current ones are silent. μ = 0 (or no previous direction) is plain SR.
     *
     * @param previous the previous step's δ [P] (float64), or null
     * @param momentum μ in [0, 1)
     */
    public static Update compute(NDArray ore, NDArray oim, NDArray ere, NDArray eim, NDArray w, double shift,
                                 NDArray previous, double momentum) {
        if (momentum < 0 || momentum >= 1) {
            throw new IllegalArgumentException("SR momentum must be in [0, 1), got " + momentum);
        }
        Centred c = centre(ore, oim, ere, eim, w);
        NDManager m = c.xr.getManager();
        long rows = 2 * c.xr.getShape().get(0);
        long p = c.xr.getShape().get(1);
        NDArray grad = c.gradient(); // [P]
        boolean spring = previous != null && momentum > 0;
        NDArray prev = spring ? previous.toType(DataType.FLOAT64, false) : null;
        NDArray eps = spring ? c.eps().sub(c.times(prev).mul(momentum)) : c.eps();
        boolean sampleSpace = rows <= p;
        SpdSolver.Solution sol;
        NDArray delta;
        if (sampleSpace) {
            sol = SpdSolver.solve(c.kernel(shift), eps, 1e-12);
            delta = c.transposeTimes(sol.x());
        } else {
            NDArray s = c.xr.transpose().matMul(c.xr).add(c.xi.transpose().matMul(c.xi))
                    .add(m.eye((int) p, (int) p, 0, DataType.FLOAT64).mul(shift));
            sol = SpdSolver.solve(s, spring ? c.transposeTimes(eps) : grad, 1e-12);
            delta = sol.x();
        }
        if (spring) {
            delta = delta.add(prev.mul(momentum));
        }
        return new Update(delta, grad, sol.method(), sampleSpace);
    }

    /** The energy gradient F = 2 Re⟨O_c* E_c⟩ alone [P] (for first-order optimisers). */
    public static NDArray gradient(NDArray ore, NDArray oim, NDArray ere, NDArray eim, NDArray w) {
        return centre(ore, oim, ere, eim, w).gradient();
    }

    /**
     * Rows of X per block of the kernel products (a block pair is one GEMM of [KB,P]·[P,KB]). 256: M = 1024 gives
     * q = 8 blocks and (q+1)/2q = 56 % of the full product's FLOPs (512: 62.5 %); a [256,P]·[P,256] product is
     * still a large GEMM (P in the thousands).
     */
    private static final int KERNEL_BLOCK = 256;

    /**
     * The two halves of X = [Xr; Xi] [M,P] each and of ε = [εr; εi] [M] each, in float64. X is never concatenated
     * (a [2M,P] copy is the largest array of the step and fresh memory is slow): the products run half by half.
     */
    private record Centred(NDArray xr, NDArray xi, NDArray er, NDArray ei) {
        NDArray eps() {
            return NDArrays.concat(new NDList(er, ei));
        }

        /** F = Xᵀ ε = Xrᵀ εr + Xiᵀ εi [P]. */
        NDArray gradient() {
            return transposeTimes(eps());
        }

        /** X v = [Xr v; Xi v] [2M] for v [P]. */
        NDArray times(NDArray v) {
            return NDArrays.concat(new NDList(xr.matMul(v), xi.matMul(v)));
        }

        /** Xᵀ v = Xrᵀ v[:M] + Xiᵀ v[M:] for v [2M]. */
        NDArray transposeTimes(NDArray v) {
            long mm = xr.getShape().get(0);
            return xr.transpose().matMul(v.get("0:" + mm)).add(xi.transpose().matMul(v.get(mm + ":")));
        }

        /**
         * K = X Xᵀ + λ I [2M,2M], symmetric by construction: X's rows are cut into blocks of at most
         * {@link #KERNEL_BLOCK}, only the blocks on and below the diagonal are multiplied (a blocked SYRK: about
         * (q+1)/2q of the full product's FLOPs for q blocks) and the rest are their transposes.
         */
        NDArray kernel(double shift) {
            return Scopes.keep(() -> kernelBlocks(shift)); // the blocks are freed once K is assembled
        }

        private NDArray kernelBlocks(double shift) {
            List<NDArray> blocks = new ArrayList<>();
            for (NDArray half : new NDArray[] {xr, xi}) {
                long mm = half.getShape().get(0);
                long q = (mm + KERNEL_BLOCK - 1) / KERNEL_BLOCK;
                long size = (mm + q - 1) / q;
                for (long s = 0; s < mm; s += size) {
                    blocks.add(half.get(s + ":" + Math.min(mm, s + size)));
                }
            }
            int q = blocks.size();
            NDArray[][] g = new NDArray[q][q];
            NDManager m = xr.getManager();
            for (int i = 0; i < q; i++) {
                for (int j = 0; j <= i; j++) {
                    g[i][j] = blocks.get(i).matMul(blocks.get(j).transpose());
                }
                int bs = (int) blocks.get(i).getShape().get(0);
                g[i][i] = g[i][i].add(m.eye(bs, bs, 0, DataType.FLOAT64).mul(shift));
            }
            NDList rowsOfK = new NDList();
            for (int i = 0; i < q; i++) {
                NDList row = new NDList();
                for (int j = 0; j < q; j++) {
                    row.add(j <= i ? g[i][j] : g[j][i].transpose());
                }
                rowsOfK.add(NDArrays.concat(row, 1));
            }
            return NDArrays.concat(rowsOfK, 0);
        }
    }

    /** Centres and weights O and E_loc (float64): X = √w (O − ⟨O⟩), ε = 2 √w (E − ⟨E⟩), real and imaginary halves. */
    private static Centred centre(NDArray ore, NDArray oim, NDArray ere, NDArray eim, NDArray w) {
        NDArray w64 = w.toType(DataType.FLOAT64, false);
        NDArray sw = w64.sqrt().expandDims(1); // [M,1]
        NDArray wRow = w64.expandDims(0); // [1,M]
        NDArray[] x = new NDArray[2];
        NDArray[] o = {ore, oim};
        for (int k = 0; k < 2; k++) {
            NDArray o64 = o[k].toType(DataType.FLOAT64, false);
            NDArray mean = wRow.matMul(o64); // [1,P]
            // one fresh [M,P] array per half: a copy made by toType is centred in place, the weights always are
            NDArray c = o64 == o[k] ? o64.sub(mean) : o64.subi(mean);
            x[k] = c.muli(sw);
        }
        NDArray s1 = sw.squeeze(1);
        NDArray er = ere.toType(DataType.FLOAT64, false);
        NDArray ei = eim.toType(DataType.FLOAT64, false);
        NDArray erc = er.sub(er.mul(w64).sum()).mul(s1).mul(2);
        NDArray eic = ei.sub(ei.mul(w64).sum()).mul(s1).mul(2);
        return new Centred(x[0], x[1], erc, eic);
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
