package org.spinformer.nqs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import org.spinformer.core.nn.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The symmetric projection of a wave function (as the papers' ViTs are symmetrised):
 * <pre>
 *   ψ_sym(σ) = Σ_{g∈G} χ(g) ψ(gσ),      (gσ)_i = s_g σ_{g(i)}
 * </pre>
 * over site permutations g (translations, e.g. inside a patch; the point group; see
 * {@link org.spinformer.nqs.lattice.Lattice#spaceGroup()}) in the trivial representation (χ = 1), optionally
 * times the global spin flip (s = −1) with character ±1. All |G|·B transformed configurations go through the
 * inner model in one batched forward (the permutations as one [N, |G|·N] signed permutation matrix: one GEMM);
 * the sum is taken in log space, log ψ_sym = m + log Σ_g χ(g) e^{log ψ(gσ) − m} with m the largest real part,
 * phases kept exactly. Per-sample parameters are repeated |G| times, so per-sample gradients work as for any
 * model. A decorator on any {@link WaveFunction}.
 */
public final class Symmetrized implements WaveFunction {
    private final WaveFunction inner;
    private final List<int[]> perms;
    private final boolean spinFlip;
    private final int flipCharacter;
    private final int n;
    private final NDArray p; // [N, G·N]: column g·N + i has s_g at row g(i)
    private final NDArray logChar; // [G] phase of χ(g): 0 or π

    /**
     * @param perms         site permutations forming a group (the identity among them); g(i) = {@code perm[i]}
     * @param spinFlip      also sum over the global spin flip
     * @param flipCharacter χ of the spin flip, +1 or −1 (ignored without {@code spinFlip})
     */
    public Symmetrized(WaveFunction inner, List<int[]> perms, boolean spinFlip, int flipCharacter, DataType dtype,
                       NDManager m) {
        if (perms.isEmpty()) {
            throw new IllegalArgumentException("a symmetrisation needs at least the identity");
        }
        if (spinFlip && Math.abs(flipCharacter) != 1) {
            throw new IllegalArgumentException("the spin-flip character must be +1 or -1, got " + flipCharacter);
        }
        this.inner = inner;
        this.perms = List.copyOf(perms);
        this.spinFlip = spinFlip;
        this.flipCharacter = flipCharacter;
        this.n = perms.get(0).length;
        int g = perms.size() * (spinFlip ? 2 : 1);
        double[] mat = new double[n * g * n];
        double[] phase = new double[g];
        for (int k = 0; k < g; k++) {
            int[] perm = perms.get(k % perms.size());
            boolean flipped = k >= perms.size();
            if (perm.length != n) {
                throw new IllegalArgumentException("permutation " + k + " has " + perm.length + " sites, not " + n);
            }
            for (int i = 0; i < n; i++) {
                mat[perm[i] * g * n + k * n + i] = flipped ? -1 : 1;
            }
            phase[k] = flipped && flipCharacter < 0 ? Math.PI : 0;
        }
        this.p = m.create(mat, new Shape(n, (long) g * n)).toType(dtype, false);
        this.logChar = m.create(phase).toType(dtype, false);
    }

    /** |G|, the number of terms (permutations, times 2 with the spin flip). */
    public int groupSize() {
        return (int) logChar.size();
    }

    @Override
    public Parameters parameters() {
        return inner.parameters();
    }

    @Override
    public NDArray[] logPsi(NDArray sigma, Map<String, NDArray> params, boolean perSample) {
        long b = sigma.getShape().get(0);
        int g = groupSize();
        NDArray all = sigma.matMul(p).reshape(b * g, n); // row b·G + k = g_k σ_b
        Map<String, NDArray> inParams = params;
        if (perSample) {
            inParams = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                inParams.put(e.getKey(), e.getValue().repeat(0, g)); // [B·G]+s, sample-major like the rows
            }
        }
        NDArray[] lp = inner.logPsi(all, inParams, perSample);
        NDArray re = lp[0].reshape(b, g);
        NDArray im = lp[1].reshape(b, g).add(logChar);
        NDArray max = re.max(new int[] {1}, true).stopGradient(); // a constant shift: exact, and no NaN gradient
        NDArray w = re.sub(max).exp();
        NDArray zr = w.mul(im.cos()).sum(new int[] {1});
        NDArray zi = w.mul(im.sin()).sum(new int[] {1});
        NDArray abs = zr.square().add(zi.square()).sqrt();
        // arg z = 2 atan(zi / (|z| + zr)); on the negative real axis (|z| + zr = 0) it is π
        NDArray den = abs.add(zr);
        NDArray onAxis = den.lte(abs.mul(1e-300).add(Double.MIN_NORMAL));
        NDArray safe = NDArrays.where(onAxis, abs.onesLike(), den);
        NDArray arg = NDArrays.where(onAxis, abs.zerosLike().add(Math.PI), zi.div(safe).atan().mul(2));
        return new NDArray[] {abs.log().add(max.reshape(b)), arg};
    }

    /**
     * Per-row gradients through the inner model's own fast path: with w_g = χ(g) ψ(gσ) / ψ_sym(σ) (complex),
     * ∂ log ψ_sym = Σ_g w_g ∂ log ψ(gσ), so ∂ re log ψ_sym = Σ_g (re w_g ∂ re − im w_g ∂ im) log ψ(gσ) and
     * ∂ im log ψ_sym = Σ_g (im w_g ∂ re + re w_g ∂ im) log ψ(gσ), from the inner gradients of both parts of all
     * |G|·R transformed rows. Null when the inner model has no fast path.
     */
    @Override
    public NDArray rowGradients(NDArray sigma, long split) {
        long r = sigma.getShape().get(0);
        int g = groupSize();
        NDArray all = sigma.matMul(p).reshape(r * g, n);
        NDArray grads = inner.rowGradients(all.concat(all, 0), r * g); // [2RG, P]: ∂ re rows, then ∂ im rows
        if (grads == null) {
            return null;
        }
        long np = grads.getShape().get(1);
        NDArray dRe = grads.get("0:" + r * g).reshape(r, g, np);
        NDArray dIm = grads.get(r * g + ":").reshape(r, g, np);
        NDArray[] lp = inner.logPsi(all);
        NDArray re = lp[0].reshape(r, g);
        NDArray im = lp[1].reshape(r, g).add(logChar);
        NDArray a = re.sub(re.max(new int[] {1}, true)).exp(); // |ψ(gσ)| up to a common factor
        NDArray c = im.cos().mul(a);
        NDArray sn = im.sin().mul(a);
        NDArray zr = c.sum(new int[] {1}, true);
        NDArray zi = sn.sum(new int[] {1}, true);
        NDArray z2 = zr.square().add(zi.square());
        NDArray wr = c.mul(zr).add(sn.mul(zi)).div(z2).expandDims(2); // re w_g [R,G,1]
        NDArray wi = sn.mul(zr).sub(c.mul(zi)).div(z2).expandDims(2); // im w_g
        NDArray gRe = wr.mul(dRe).sub(wi.mul(dIm)).sum(new int[] {1}); // [R,P]
        NDArray gIm = wi.mul(dRe).add(wr.mul(dIm)).sum(new int[] {1});
        if (split >= r) {
            return gRe;
        }
        if (split <= 0) {
            return gIm;
        }
        return gRe.get("0:" + split).concat(gIm.get(split + ":"), 0);
    }

    @Override
    public long forwardFlops() {
        return (long) groupSize() * inner.forwardFlops() + 2L * n * groupSize() * n;
    }

    /** The group itself (ψ_sym is invariant under it for any parameters), with the inner model's symmetries. */
    @Override
    public List<int[]> symmetries() {
        List<int[]> out = new ArrayList<>(perms);
        return out;
    }

    @Override
    public JsonObject config() {
        JsonObject o = inner.config().deepCopy();
        JsonObject s = new JsonObject();
        s.addProperty("permutations", perms.size());
        s.addProperty("spin_flip", spinFlip);
        if (spinFlip) {
            s.addProperty("spin_flip_character", flipCharacter);
        }
        o.add("symmetrized", s);
        return o;
    }
}
