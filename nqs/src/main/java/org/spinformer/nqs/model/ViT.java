package org.spinformer.nqs.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
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
        return forward(sigma, new Direct(p, perSample, sigma.getManager()));
    }

    /**
     * Per-sample gradients without replicating the weights: one forward on σ with the shared parameters, a zero
     * leaf z added to the output of every linear map, LayerNorm and attention mixing, and one backward of
     * Σ_{r&lt;split} re log ψ_r + Σ_{r≥split} im log ψ_r. Row r of ∂/∂z is the gradient of row r's own target with
     * respect to that output (rows are independent), from which the parameters' per-sample gradients follow:
     * <pre>
     *   y = x Wᵀ + b:            ∂W_r = Σ_t z̄_rtᵀ x_rt      ∂b_r = Σ_t z̄_rt
     *   y = n γ + β (LayerNorm): ∂γ_r = Σ_t z̄_rt ∘ n_rt    ∂β_r = Σ_t z̄_rt
     *   o_h = α_h V_h:           ∂α_rh = z̄_rh V_rhᵀ → ∂a_rh[k] = Σ_ij ∂α_rh[i,j] [k = torus(i,j)]
     * </pre>
     * The same numbers as weight replication (to rounding) at the cost of a shared-weight forward and backward plus
     * one batched product per weight.
     */
    @Override
    public NDArray rowGradients(NDArray sigma, long split) {
        NDManager m = sigma.getManager();
        long rows = sigma.getShape().get(0);
        Tapped taps = new Tapped(params.asMap(), m);
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray[] lp = forward(sigma, taps);
            NDArray target = lp[0].get("0:" + split).sum();
            if (split < rows) {
                target = target.add(lp[1].get(split + ":").sum());
            }
            gc.backward(target);
        }
        Map<String, NDArray> g = taps.gradients();
        NDList cols = new NDList();
        for (Map.Entry<String, NDArray> e : params) {
            NDArray gi = g.get(e.getKey());
            if (gi == null) {
                throw new IllegalStateException("no per-sample gradient tap for parameter " + e.getKey());
            }
            cols.add(gi.reshape(rows, -1));
        }
        return NDArrays.concat(cols, 1); // [R,P]
    }

    /** The forward pass, written once against {@link Ops} (how parameters are reached). */
    private NDArray[] forward(NDArray sigma, Ops ops) {
        long bsz = sigma.getShape().get(0);
        int b = cfg.patch();
        int h = cfg.heads();
        NDArray x = sigma.matMul(patchPerm).reshape(bsz, tokens, (long) b * b); // [B,T,b²]
        x = ops.linear(x, "embed"); // [B,T,D]
        for (int l = 0; l < cfg.layers(); l++) {
            String pre = "layers." + l + ".";
            NDArray y = ops.layerNorm(x, pre + "ln1");
            NDArray v = Functional.splitHeads(ops.linear(y, pre + "attn.value"), h); // [B,H,T,dh]
            x = x.add(ops.linear(ops.mix(v, pre + "attn.alpha"), pre + "attn.output"));
            y = ops.layerNorm(x, pre + "ln2");
            y = Functional.gelu(ops.linear(y, pre + "mlp.fc1"));
            x = x.add(ops.linear(y, pre + "mlp.fc2"));
        }
        NDArray z = x.sum(new int[] {1}, true); // [B,1,D]
        z = ops.layerNorm(z, "norm");
        NDArray[] parts = new NDArray[2];
        for (int k = 0; k < 2; k++) {
            String pre = k == 0 ? "head.re" : "head.im";
            parts[k] = ops.layerNorm(ops.linear(z, pre), pre + ".norm").reshape(bsz, cfg.dim());
        }
        NDArray[] lc = Params.logCosh(parts[0], parts[1]);
        return new NDArray[] {lc[0].sum(new int[] {1}), lc[1].sum(new int[] {1})};
    }

    /** Factored-attention mixing o_h = α_h V_h with α [B',H,T] (B' = 1: shared); v [B,H,T,dh] → o [B,T,D]. */
    private NDArray mix(NDArray a, NDArray v) {
        long bsz = v.getShape().get(0);
        int h = cfg.heads();
        int d = cfg.dim();
        long bp = a.getShape().get(0);
        NDArray alpha = a.reshape(bp * h, tokens).matMul(alphaExpand).reshape(bp, h, tokens, tokens);
        if (bp == 1) {
            // shared α: H GEMMs [T,T]·[T, B·dh] instead of B·H tiny ones
            long dh = d / h;
            NDArray vt = v.transpose(1, 2, 0, 3).reshape(h, tokens, bsz * dh); // [H,T,B·dh]
            return alpha.reshape(h, tokens, tokens).matMul(vt).reshape(h, tokens, bsz, dh)
                    .transpose(2, 1, 0, 3).reshape(bsz, tokens, d); // [B,T,D]
        }
        return Functional.mergeHeads(alpha.matMul(v)); // [B,T,D]
    }

    /** How the forward reaches the parameters named {@code prefix.weight}, {@code prefix.bias}, ... */
    private interface Ops {
        /** x [B,T,in] → x Wᵀ + b [B,T,out]. */
        NDArray linear(NDArray x, String prefix);

        /** LayerNorm over the last axis with γ = prefix.weight, β = prefix.bias. */
        NDArray layerNorm(NDArray x, String prefix);

        /** Attention mixing with α = the parameter {@code name}; v [B,H,T,dh] → [B,T,D]. */
        NDArray mix(NDArray v, String name);
    }

    /** Parameters as given: shared (shape s) or per sample ([B]+s). */
    private final class Direct implements Ops {
        final Map<String, NDArray> p;
        final boolean perSample;
        final NDManager m;

        Direct(Map<String, NDArray> p, boolean perSample, NDManager m) {
            this.p = p;
            this.perSample = perSample;
            this.m = m;
        }

        NDArray w(String name) {
            return Params.get(p, name, perSample, m);
        }

        /** A shared parameter as it is (no batch axis): fewer native calls per op on the sampler's small batches. */
        NDArray raw(String name) {
            NDArray a = p.get(name);
            if (a == null) {
                throw new IllegalArgumentException("missing parameter '" + name + "'");
            }
            return a;
        }

        @Override
        public NDArray linear(NDArray x, String prefix) {
            if (!perSample) { // the same GEMM and bias add as Params.linear on [1,out,in], in 3 calls instead of 7
                NDArray wt = raw(prefix + ".weight").transpose();
                wt.attach(m); // a view: owned by σ's manager, not the parameter's
                return x.matMul(wt).add(raw(prefix + ".bias"));
            }
            return Params.linear(x, w(prefix + ".weight"), w(prefix + ".bias"));
        }

        @Override
        public NDArray layerNorm(NDArray x, String prefix) {
            if (!perSample) {
                return Params.normalize(x, EPS).mul(raw(prefix + ".weight")).add(raw(prefix + ".bias"));
            }
            return Params.layerNorm(x, w(prefix + ".weight"), w(prefix + ".bias"), EPS);
        }

        @Override
        public NDArray mix(NDArray v, String name) {
            return ViT.this.mix(w(name), v);
        }
    }

    /** Shared parameters with a zero leaf on every parameterised output (see {@link #rowGradients}). */
    private final class Tapped implements Ops {
        /** kind: 0 linear (input x), 1 LayerNorm (normalised n), 2 mixing (values v); z the zero leaf. */
        private record Tap(int kind, String prefix, NDArray input, NDArray z) {}

        final Direct shared;
        final NDManager m;
        final java.util.List<Tap> taps = new java.util.ArrayList<>();

        Tapped(Map<String, NDArray> p, NDManager m) {
            this.shared = new Direct(p, false, m);
            this.m = m;
        }

        private NDArray tap(int kind, String prefix, NDArray input, NDArray y) {
            NDArray z = m.zeros(y.getShape(), y.getDataType());
            z.setRequiresGradient(true);
            taps.add(new Tap(kind, prefix, input, z));
            return y.add(z);
        }

        @Override
        public NDArray linear(NDArray x, String prefix) {
            return tap(0, prefix, x, shared.linear(x, prefix));
        }

        @Override
        public NDArray layerNorm(NDArray x, String prefix) {
            NDArray n = Params.normalize(x, EPS);
            NDArray y = n.mul(shared.w(prefix + ".weight").expandDims(1)).add(shared.w(prefix + ".bias").expandDims(1));
            return tap(1, prefix, n, y);
        }

        @Override
        public NDArray mix(NDArray v, String name) {
            return tap(2, name, v, ViT.this.mix(shared.w(name), v));
        }

        /** Per-sample gradients by parameter name, [R]+shape, after the backward pass. */
        Map<String, NDArray> gradients() {
            Map<String, NDArray> g = new java.util.HashMap<>();
            for (Tap t : taps) {
                NDArray zg = t.z.getGradient(); // [R,T,out]
                zg.attach(m);
                long rows = zg.getShape().get(0);
                switch (t.kind) {
                    case 0 -> {
                        g.put(t.prefix + ".weight", zg.transpose(0, 2, 1).matMul(t.input)); // [R,out,in]
                        g.put(t.prefix + ".bias", zg.sum(new int[] {1})); // [R,out]
                    }
                    case 1 -> {
                        g.put(t.prefix + ".weight", zg.mul(t.input).sum(new int[] {1}));
                        g.put(t.prefix + ".bias", zg.sum(new int[] {1}));
                    }
                    default -> {
                        NDArray zh = Functional.splitHeads(zg, cfg.heads()); // [R,H,T,dh]
                        NDArray dAlpha = zh.matMul(t.input.transpose(0, 1, 3, 2)); // [R,H,T,T]
                        g.put(t.prefix, dAlpha.reshape(rows * cfg.heads(), (long) tokens * tokens)
                                .matMul(alphaExpand.transpose()).reshape(rows, cfg.heads(), tokens));
                    }
                }
            }
            return g;
        }
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
