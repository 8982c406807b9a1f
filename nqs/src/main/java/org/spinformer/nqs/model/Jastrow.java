package org.spinformer.nqs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import org.spinformer.core.nn.Functional;
import org.spinformer.core.nn.Parameters;
import org.spinformer.nqs.lattice.Lattice;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A translation-invariant complex Jastrow wave function, the baseline on the same interface as the ViT:
 * log ψ(σ) = Σ_r (w^re_r + i w^im_r) C_r(σ),  C_r(σ) = ½ Σ_i σ_i σ_{i+r}  (r runs over the N displacements;
 * r = 0 gives a constant). Parameters {@code jastrow.re}, {@code jastrow.im} [N].
 */
public final class Jastrow implements WaveFunction {
    private final Lattice lattice;
    private final Parameters params = new Parameters();
    private final NDArray shifts; // [N, N·N]: σ · shifts = σ translated by every displacement r
    private final DataType dtype;

    public Jastrow(Lattice lattice, DataType dtype, NDManager m, long seed) {
        this.lattice = lattice;
        this.dtype = dtype;
        int n = lattice.n();
        double[] s = new double[n * n * n];
        for (int r = 0; r < n; r++) {
            int[] perm = lattice.translation(lattice.x(r), lattice.y(r));
            for (int i = 0; i < n; i++) {
                // column (r, i) holds σ_{i+r}
                s[perm[i] * n * n + r * n + i] = 1;
            }
        }
        shifts = m.create(s, new Shape(n, (long) n * n)).toType(dtype, false);
        SplittableRandom rnd = new SplittableRandom(seed);
        params.put("jastrow.re", Params.normal(m, rnd, 0.01, dtype, n));
        params.put("jastrow.im", Params.normal(m, rnd, 0.01, dtype, n));
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public NDArray[] logPsi(NDArray sigma, Map<String, NDArray> p, boolean perSample) {
        NDManager m = sigma.getManager();
        long b = sigma.getShape().get(0);
        int n = lattice.n();
        NDArray shifted = sigma.matMul(shifts).reshape(b, n, n); // [B,r,i]
        NDArray c = Functional.scale(shifted.mul(sigma.expandDims(1)).sum(new int[] {2}), 0.5); // [B,N]
        NDArray re = c.mul(Params.get(p, "jastrow.re", perSample, m)).sum(new int[] {1});
        NDArray im = c.mul(Params.get(p, "jastrow.im", perSample, m)).sum(new int[] {1});
        return new NDArray[] {re, im};
    }

    @Override
    public long forwardFlops() {
        long n = lattice.n();
        return 2 * n * n * n + 2 * n * n + 4 * n;
    }

    @Override
    public List<int[]> symmetries() {
        return lattice.translations(1, 1);
    }

    @Override
    public JsonObject config() {
        return WaveFunction.config("jastrow", dtype, params, o -> { });
    }
}
