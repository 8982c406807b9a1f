package org.spinformer.nqs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import org.spinformer.core.nn.FactoredAttention;
import org.spinformer.core.nn.Functional;
import org.spinformer.core.nn.Parameters;
import org.spinformer.nqs.lattice.Lattice;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The Vision-Transformer wave function of Viteritti, Rende, Becca (PRL 130, 236401, 2023):
 * <pre>
 *   x_t   = W_e P_t(σ) + b_e                    σ cut into b×b patches (rhombic on the triangular lattice),
 *                                                t = px·(Ly/b) + py; x [B,T,D], T = N/b²
 *   x    ← x + FA(LN₁(x));  x ← x + MLP(LN₂(x))  n_l pre-LN blocks; FA = factored attention with the
 *                                                translation-invariant α_hij = a_h[(r_j − r_i) mod torus]
 *                                                (core FactoredAttention.torusIndex), value + output maps;
 *                                                MLP = W₂ GELU(W₁ x + b₁) + b₂
 *   z     = LN(Σ_t x_t)                          [B,D]
 *   log ψ = Σ_α log cosh( LN_r(W_r z + b_r)_α + i·LN_i(W_i z + b_i)_α )
 * </pre>
 * All parameters real; log ψ carried as (re, im). ψ is invariant under translations by whole patches, which
 * {@link #symmetries()} reports.
 */
public final class ViT implements WaveFunction {
    /**
     * Hyper-parameters: D, layers, heads H, patch b, MLP width F, and the initial gain γ₀ of the two output
     * LayerNorms (small γ₀: the initial state is close to the uniform real superposition).
     */
    public record Config(int dim, int layers, int heads, int patch, int mlpDim, double headGain) {
        public Config {
            if (dim <= 0 || layers < 0 || heads <= 0 || patch <= 0 || mlpDim <= 0 || dim % heads != 0
                    || !(headGain > 0) || !Double.isFinite(headGain)) {
                throw new IllegalArgumentException("bad ViT config: dim=" + dim + " layers=" + layers + " heads="
                        + heads + " patch=" + patch + " mlp=" + mlpDim + " head gain=" + headGain
                        + " (dim must be divisible by heads, gain positive)");
            }
        }

        /** With the default head gain {@value ViT#HEAD_GAIN}. */
        public Config(int dim, int layers, int heads, int patch, int mlpDim) {
            this(dim, layers, heads, patch, mlpDim, HEAD_GAIN);
        }
    }

    private static final double EPS = 1e-5;
    /** Initial gain of the two output LayerNorms. */
    public static final double HEAD_GAIN = 0.1;
    private final Lattice lattice;
    private final Config cfg;
    private final DataType dtype;
    private final int tokens;
    private final Parameters params = new Parameters();
    private final NDArray patchPerm; // [N,N] permutation: σ P = σ in patch order
    private final NDArray alphaExpand; // [T, T·T] one-hot of the torus offset table

    public ViT(Lattice lattice, Config cfg, DataType dtype, NDManager m, long seed) {
        int b = cfg.patch();
        if (lattice.lx() % b != 0 || lattice.ly() % b != 0) {
            throw new IllegalArgumentException("patch size " + b + " does not divide the lattice " + lattice);
        }
        this.lattice = lattice;
        this.cfg = cfg;
        this.dtype = dtype;
        int px = lattice.lx() / b;
        int py = lattice.ly() / b;
        this.tokens = px * py;
        int n = lattice.n();
        double[] perm = new double[n * n];
        int col = 0;
        for (int tx = 0; tx < px; tx++) {
            for (int ty = 0; ty < py; ty++) {
                for (int ix = 0; ix < b; ix++) {
                    for (int iy = 0; iy < b; iy++) {
                        perm[lattice.site(tx * b + ix, ty * b + iy) * n + col++] = 1;
                    }
                }
            }
        }
        patchPerm = m.create(perm, new Shape(n, n)).toType(dtype, false);
        long[] idx = FactoredAttention.torusIndex(m, px, py).toLongArray();
        double[] e = new double[tokens * tokens * tokens];
        for (int ij = 0; ij < tokens * tokens; ij++) {
            e[(int) idx[ij] * tokens * tokens + ij] = 1;
        }
        alphaExpand = m.create(e, new Shape(tokens, (long) tokens * tokens)).toType(dtype, false);

        SplittableRandom r = new SplittableRandom(seed);
        int d = cfg.dim();
        int f = cfg.mlpDim();
        int bb = b * b;
        params.put("embed.weight", Params.normal(m, r, 1 / Math.sqrt(bb), dtype, d, bb));
        params.put("embed.bias", Params.constant(m, 0, dtype, d));
        for (int l = 0; l < cfg.layers(); l++) {
            String p = "layers." + l + ".";
            params.put(p + "ln1.weight", Params.constant(m, 1, dtype, d));
            params.put(p + "ln1.bias", Params.constant(m, 0, dtype, d));
            params.put(p + "attn.alpha", Params.normal(m, r, 1 / Math.sqrt(tokens), dtype, cfg.heads(), tokens));
            params.put(p + "attn.value.weight", Params.normal(m, r, 1 / Math.sqrt(d), dtype, d, d));
            params.put(p + "attn.value.bias", Params.constant(m, 0, dtype, d));
            params.put(p + "attn.output.weight", Params.normal(m, r, 1 / Math.sqrt(d), dtype, d, d));
            params.put(p + "attn.output.bias", Params.constant(m, 0, dtype, d));
            params.put(p + "ln2.weight", Params.constant(m, 1, dtype, d));
            params.put(p + "ln2.bias", Params.constant(m, 0, dtype, d));
            params.put(p + "mlp.fc1.weight", Params.normal(m, r, 1 / Math.sqrt(d), dtype, f, d));
            params.put(p + "mlp.fc1.bias", Params.constant(m, 0, dtype, f));
            params.put(p + "mlp.fc2.weight", Params.normal(m, r, 1 / Math.sqrt(f), dtype, d, f));
            params.put(p + "mlp.fc2.bias", Params.constant(m, 0, dtype, d));
        }
        params.put("norm.weight", Params.constant(m, 1, dtype, d));
        params.put("norm.bias", Params.constant(m, 0, dtype, d));
        for (String part : new String[] {"re", "im"}) {
            params.put("head." + part + ".weight", Params.normal(m, r, 1 / Math.sqrt(d), dtype, d, d));
            params.put("head." + part + ".bias", Params.constant(m, 0, dtype, d));
            // small output gains: the initial state is close to the uniform, real superposition
            params.put("head." + part + ".norm.weight", Params.constant(m, cfg.headGain(), dtype, d));
            params.put("head." + part + ".norm.bias", Params.constant(m, 0, dtype, d));
        }
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    public Config viTConfig() {
        return cfg;
    }

    @Override
    public NDArray[] logPsi(NDArray sigma, Map<String, NDArray> p, boolean perSample) {
        NDManager m = sigma.getManager();
        long bsz = sigma.getShape().get(0);
        int b = cfg.patch();
        int d = cfg.dim();
        int h = cfg.heads();
        java.util.function.Function<String, NDArray> w = name -> Params.get(p, name, perSample, m);
        NDArray x = sigma.matMul(patchPerm).reshape(bsz, tokens, (long) b * b); // [B,T,b²]
        x = Params.linear(x, w.apply("embed.weight"), w.apply("embed.bias")); // [B,T,D]
        for (int l = 0; l < cfg.layers(); l++) {
            String pre = "layers." + l + ".";
            NDArray y = Params.layerNorm(x, w.apply(pre + "ln1.weight"), w.apply(pre + "ln1.bias"), EPS);
            NDArray v = Params.linear(y, w.apply(pre + "attn.value.weight"), w.apply(pre + "attn.value.bias"));
            v = Functional.splitHeads(v, h); // [B,H,T,dh]
            NDArray a = w.apply(pre + "attn.alpha"); // [B',H,T]
            long bp = a.getShape().get(0);
            NDArray alpha = a.reshape(bp * h, tokens).matMul(alphaExpand).reshape(bp, h, tokens, tokens);
            NDArray o;
            if (bp == 1) {
                // shared α: H GEMMs [T,T]·[T, B·dh] instead of B·H tiny ones
                long dh = d / h;
                NDArray vt = v.transpose(1, 2, 0, 3).reshape(h, tokens, bsz * dh); // [H,T,B·dh]
                o = alpha.reshape(h, tokens, tokens).matMul(vt).reshape(h, tokens, bsz, dh)
                        .transpose(2, 1, 0, 3).reshape(bsz, tokens, d); // [B,T,D]
            } else {
                o = Functional.mergeHeads(alpha.matMul(v)); // [B,T,D]
            }
            x = x.add(Params.linear(o, w.apply(pre + "attn.output.weight"), w.apply(pre + "attn.output.bias")));
            y = Params.layerNorm(x, w.apply(pre + "ln2.weight"), w.apply(pre + "ln2.bias"), EPS);
            y = Functional.gelu(Params.linear(y, w.apply(pre + "mlp.fc1.weight"), w.apply(pre + "mlp.fc1.bias")));
            x = x.add(Params.linear(y, w.apply(pre + "mlp.fc2.weight"), w.apply(pre + "mlp.fc2.bias")));
        }
        NDArray z = x.sum(new int[] {1}, true); // [B,1,D]
        z = Params.layerNorm(z, w.apply("norm.weight"), w.apply("norm.bias"), EPS);
        NDArray[] parts = new NDArray[2];
        for (int k = 0; k < 2; k++) {
            String pre = k == 0 ? "head.re." : "head.im.";
            NDArray u = Params.linear(z, w.apply(pre + "weight"), w.apply(pre + "bias"));
            parts[k] = Params.layerNorm(u, w.apply(pre + "norm.weight"), w.apply(pre + "norm.bias"), EPS)
                    .reshape(bsz, d);
        }
        NDArray[] lc = Params.logCosh(parts[0], parts[1]);
        return new NDArray[] {lc[0].sum(new int[] {1}), lc[1].sum(new int[] {1})};
    }

    @Override
    public long forwardFlops() {
        long t = tokens;
        long d = cfg.dim();
        long f = cfg.mlpDim();
        long bb = (long) cfg.patch() * cfg.patch();
        long flops = 2 * (long) lattice.n() * lattice.n() + 2 * t * bb * d + t * d; // patching, embedding
        long layer = 2 * 8 * t * d // two LayerNorms (≈8 flops per element)
                + 2 * t * d * d + t * d // value map
                + 2 * (long) cfg.heads() * t * t * (d / cfg.heads()) // α·V
                + 2 * t * d * d + t * d + t * d // output map, residual
                + 2 * t * d * f + t * f + 8 * t * f // fc1 + GELU
                + 2 * t * f * d + t * d + t * d; // fc2, residual
        flops += cfg.layers() * layer;
        flops += t * d + 8 * d; // pooling + LN
        flops += 2 * (2 * d * d + d + 8 * d) + 2 * 20 * d + d; // two heads, log cosh, sum
        return flops;
    }

    @Override
    public List<int[]> symmetries() {
        return lattice.translations(cfg.patch(), cfg.patch());
    }

    @Override
    public JsonObject config() {
        JsonObject o = new JsonObject();
        o.addProperty("model", "vit");
        o.addProperty("dim", cfg.dim());
        o.addProperty("layers", cfg.layers());
        o.addProperty("heads", cfg.heads());
        o.addProperty("patch", cfg.patch());
        o.addProperty("mlp_dim", cfg.mlpDim());
        o.addProperty("head_gain", cfg.headGain());
        o.addProperty("dtype", dtype.toString());
        o.addProperty("parameters", params.numel());
        return o;
    }
}
