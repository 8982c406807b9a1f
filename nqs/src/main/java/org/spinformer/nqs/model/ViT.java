package org.spinformer.nqs.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import org.spinformer.core.nn.EncoderLayer;
import org.spinformer.core.nn.FactoredAttention;
import org.spinformer.core.nn.FactoredAttentionBlock;
import org.spinformer.core.nn.Functional;
import org.spinformer.core.nn.LayerNorm;
import org.spinformer.core.nn.Linear;
import org.spinformer.core.nn.Parameters;
import org.spinformer.core.nn.Weights;
import org.spinformer.nqs.lattice.Lattice;

import java.util.ArrayList;
import java.util.HashMap;
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
    private final NDArray alphaExpand; // [T, T·T] one-hot of the torus offset table (per-sample ∂α → ∂a)
    private final Linear embed;
    private final List<EncoderLayer> layers;
    private final LayerNorm norm;
    private final Linear[] head = new Linear[2];
    private final LayerNorm[] headNorm = new LayerNorm[2];

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
        List<String> names = params.names();
        // the core blocks over these parameters (they adopt the arrays above: names, order and values unchanged)
        embed = Linear.builder().optParameters(params).optDataType(dtype).optPrefix("embed.").setIn(bb).setOut(d)
                .build();
        layers = new ArrayList<>();
        int heads = cfg.heads();
        for (int l = 0; l < cfg.layers(); l++) {
            layers.add(EncoderLayer.builder().optParameters(params).optDataType(dtype).optPrefix("layers." + l + ".")
                    .setDim(d).setHidden(f).optPreNorm(true).optEps(EPS)
                    .optNames(new EncoderLayer.Names("ln1.", "attn.", "ln2.", "mlp.fc1.", "mlp.fc2."))
                    .optAttention((layer, ap) -> FactoredAttentionBlock.builder().like(layer).optPrefix(ap)
                            .setForm(FactoredAttentionBlock.Form.TRANSLATION_INVARIANT).setDim(d)
                            .setHeads(heads).optTorus(px, py).build())
                    .build());
        }
        norm = LayerNorm.builder().optParameters(params).optDataType(dtype).optPrefix("norm.").setDim(d).optEps(EPS)
                .build();
        for (int k = 0; k < 2; k++) {
            String pre = k == 0 ? "head.re." : "head.im.";
            head[k] = Linear.builder().optParameters(params).optDataType(dtype).optPrefix(pre).setIn(d).setOut(d)
                    .build();
            headNorm[k] = LayerNorm.builder().optParameters(params).optDataType(dtype).optPrefix(pre + "norm.")
                    .setDim(d).optEps(EPS).build();
        }
        if (!params.names().equals(names) || params.size() != names.size()) {
            throw new IllegalStateException("the core blocks changed the ViT's parameters: " + params.names());
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
        return forward(sigma, Weights.of(p, perSample));
    }

    /**
     * Per-sample gradients without replicating the weights: one forward on σ with the shared parameters, a zero
     * leaf z added to the output of every linear map, LayerNorm and attention mixing (a tapping {@link Weights}
     * source for the core blocks), and one backward of Σ_{r&lt;split} re log ψ_r + Σ_{r≥split} im log ψ_r. Row r of
     * ∂/∂z is the gradient of row r's own target with respect to that output (rows are independent), from which the
     * parameters' per-sample gradients follow:
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
        Tapped taps = new Tapped(m);
        try {
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray[] lp = forward(sigma, taps.weights);
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
        } finally {
            taps.release();
        }
    }

    /** The forward pass through the core blocks, parameters from {@code w} (shared, per sample or tapped). */
    NDArray[] forward(NDArray sigma, Weights w) {
        long bsz = sigma.getShape().get(0);
        int b = cfg.patch();
        NDArray x = sigma.matMul(patchPerm).reshape(bsz, tokens, (long) b * b); // [B,T,b²]
        x = embed.forward(x, w); // [B,T,D]
        for (EncoderLayer layer : layers) {
            x = layer.forward(x, null, w); // x ← x + FA(LN₁(x)); x ← x + MLP(LN₂(x))
        }
        NDArray z = norm.forward(x.sum(new int[] {1}, true), w); // [B,1,D]
        NDArray re = headNorm[0].forward(head[0].forward(z, w), w).reshape(bsz, cfg.dim());
        NDArray im = headNorm[1].forward(head[1].forward(z, w), w).reshape(bsz, cfg.dim());
        NDArray[] lc = Params.logCosh(re, im);
        return new NDArray[] {lc[0].sum(new int[] {1}), lc[1].sum(new int[] {1})};
    }

    /**
     * Shared parameters with a zero leaf on every parameterised output (see {@link #rowGradients}). The leaves and
     * the tapped inputs are taken out of the blocks' scopes (they must outlive the backward pass) and returned to
     * the caller's scope by {@link #release}.
     */
    private final class Tapped {
        private record Tap(Weights.Tap kind, String name, NDArray input, NDArray z) {}

        final NDManager m;
        final List<Tap> taps = new ArrayList<>();
        final Weights weights = Weights.tapped(params::get, this::tap);

        Tapped(NDManager m) {
            this.m = m;
        }

        /** Adds a zero leaf z to y (y + z): ∂ log ψ / ∂z per row is the output's per-sample gradient. */
        NDArray tap(Weights.Tap kind, String name, NDArray input, NDArray y) {
            NDArray z = m.zeros(y.getShape(), y.getDataType());
            z.setRequiresGradient(true);
            NDScope.unregister(z, input);
            taps.add(new Tap(kind, name, input, z));
            return y.add(z);
        }

        /** Per-sample gradients by parameter name, [R]+shape, after the backward pass. */
        Map<String, NDArray> gradients() {
            Map<String, NDArray> g = new HashMap<>();
            for (Tap t : taps) {
                NDArray zg = t.z.getGradient(); // [R,T,out]
                zg.attach(m);
                long rows = zg.getShape().get(0);
                switch (t.kind) {
                    case LINEAR -> {
                        g.put(t.name + "weight", zg.transpose(0, 2, 1).matMul(t.input)); // [R,out,in]
                        g.put(t.name + "bias", zg.sum(new int[] {1})); // [R,out]
                    }
                    case LAYER_NORM -> {
                        g.put(t.name + "weight", zg.mul(t.input).sum(new int[] {1}));
                        g.put(t.name + "bias", zg.sum(new int[] {1}));
                    }
                    default -> {
                        NDArray zh = Functional.splitHeads(zg, cfg.heads()); // [R,H,T,dh]
                        NDArray dAlpha = zh.matMul(t.input.transpose(0, 1, 3, 2)); // [R,H,T,T]
                        g.put(t.name, dAlpha.reshape(rows * cfg.heads(), (long) tokens * tokens)
                                .matMul(alphaExpand.transpose()).reshape(rows, cfg.heads(), tokens));
                    }
                }
            }
            return g;
        }

        /**
         * Hands the zero leaves and the tapped inputs back to the caller's scope (a Jacobian chunk's, which frees them
         * with the chunk; once each), or, outside any scope, leaves them to σ's manager.
         */
        void release() {
            for (Tap t : taps) {
                NDScope.register(t.z);
                NDScope.register(t.input);
            }
            taps.clear();
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
        return WaveFunction.config("vit", dtype, params, o -> {
            o.addProperty("dim", cfg.dim());
            o.addProperty("layers", cfg.layers());
            o.addProperty("heads", cfg.heads());
            o.addProperty("patch", cfg.patch());
            o.addProperty("mlp_dim", cfg.mlpDim());
            o.addProperty("head_gain", cfg.headGain());
        });
    }
}
