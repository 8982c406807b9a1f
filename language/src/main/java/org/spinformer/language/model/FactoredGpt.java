package org.spinformer.language.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.core.nn.Embedding;
import org.spinformer.core.nn.FactoredAttentionBlock;
import org.spinformer.core.nn.Linear;
import org.spinformer.core.nn.Parameters;
import org.spinformer.core.nn.Weights;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The next-token (GPT) variant of {@link FactoredMlm}: the same n factored-attention layers with x² between them,
 * with every positional attention α⁽ˡ⁾ masked to the strict past (α_ij = 0 for j ≥ i), so h⁽ˡ⁾_i depends on
 * x_{&lt;i} only and
 * <pre>
 *   logits_i = Σ_{l∈R} R⁽ˡ⁾ h⁽ˡ⁾_i + b,    p(x) = Π_i softmax(logits_i)[x_i]
 * </pre>
 * is a normalised distribution over windows {0..V−1}^T (position 0 sees nothing: its logits are b). Clones are
 * therefore exact draws, by ancestral sampling (T forwards, no Markov chain: {@link #sample}). As in the masked
 * model, h⁽ˡ⁾ is a polynomial of degree 2^(l−1) in the past tokens, so layer n carries interactions among up to
 * 2^(n−1) + 1 tokens. Parameter names as {@link FactoredMlm}'s (form "free"): {@code embedding.weight},
 * {@code layers.<l>.attention.alpha}, {@code layers.<l>.attention.value.weight}, {@code readout.<l>.weight},
 * {@code readout.bias}.
 */
public final class FactoredGpt {
    /** V, T, D, heads, layers n, readout from every layer (else the last), init seed. */
    public record Config(int vocab, int length, int dim, int heads, int layers, boolean readoutAll, long seed) {
        public Config {
            if (vocab < 2 || length < 1 || dim < 1 || heads < 1 || dim % heads != 0 || layers < 1 || layers > 6) {
                throw new IllegalArgumentException("bad factored GPT config: V=" + vocab + " T=" + length + " D="
                        + dim + " H=" + heads + " n=" + layers + " (need D divisible by H, 1 <= n <= 6)");
            }
        }
    }

    private final Config cfg;
    private final Parameters params;
    private final Embedding embedding;
    private final List<FactoredAttentionBlock> layers = new ArrayList<>();
    private final List<Linear> readouts = new ArrayList<>();
    private final NDArray past; // [T,T] 1 where j < i

    public FactoredGpt(Config cfg, NDManager manager, DataType dtype) {
        this(cfg, manager, null, dtype);
    }

    /**
     * Builds the model; parameters already in {@code params} (a smaller model to warm-start from, the curriculum
     * of {@code GptTraining}) are adopted, missing ones are initialised: E ~ 𝒩(0,1), W ~ 𝒩(0,1/D), α ~ 𝒩(0,1/T),
     * readouts ~ 𝒩(0,1/D), except that the readouts of new layers above existing ones start at 0, so a
     * warm-started model computes exactly the distribution the smaller one did.
     *
     * @param params null or the parameters to adopt (taken over, not copied)
     */
    public FactoredGpt(Config cfg, NDManager manager, Parameters params, DataType dtype) {
        this.cfg = cfg;
        this.params = params == null ? new Parameters() : params;
        boolean warm = this.params.contains("embedding.weight");
        embedding = Embedding.builder().setManager(manager).optParameters(this.params).optDataType(dtype)
                .optSeed(cfg.seed).optInitStd(1.0).optPrefix("embedding.").setVocab(cfg.vocab).setDim(cfg.dim).build();
        for (int l = 0; l < cfg.layers; l++) {
            layers.add(FactoredAttentionBlock.builder().setManager(manager).optParameters(this.params)
                    .optDataType(dtype).optSeed(cfg.seed).optInitStd(1.0 / Math.sqrt(cfg.dim))
                    .optPrefix("layers." + l + ".attention.").setForm(FactoredAttentionBlock.Form.FREE)
                    .setDim(cfg.dim).setHeads(cfg.heads).setTokens(cfg.length).optBias(false).optOutput(false)
                    .optAlphaStd(1.0 / Math.sqrt(cfg.length)).build());
        }
        for (int l = 0; l < cfg.layers; l++) {
            if (cfg.readoutAll || l == cfg.layers - 1) {
                String name = "readout." + l + ".weight";
                if (warm && !this.params.contains(name)) {
                    this.params.put(name, manager.zeros(new Shape(cfg.vocab, cfg.dim), dtype));
                }
                readouts.add(Linear.builder().setManager(manager).optParameters(this.params).optDataType(dtype)
                        .optSeed(cfg.seed).optInitStd(1.0 / Math.sqrt(cfg.dim)).optPrefix("readout." + l + ".")
                        .setIn(cfg.dim).setOut(cfg.vocab).optBias(false).build());
            }
        }
        if (!this.params.contains("readout.bias")) {
            this.params.put("readout.bias", manager.zeros(new Shape(cfg.vocab), dtype));
        }
        double[] mask = new double[cfg.length * cfg.length];
        for (int i = 0; i < cfg.length; i++) {
            for (int j = 0; j < i; j++) {
                mask[i * cfg.length + j] = 1;
            }
        }
        past = manager.create(mask, new Shape(cfg.length, cfg.length)).toType(dtype, false);
    }

    public Config cfg() {
        return cfg;
    }

    public Parameters parameters() {
        return params;
    }

    /** {@code "kind": "factored-gpt"} and the configuration's components. */
    public com.google.gson.JsonObject config() {
        return Models.configJson("factored-gpt", cfg);
    }

    /** Logits of every position from the strict past, [B,T,V], for ids int64 [B,T]. */
    public NDArray logits(NDArray ids) {
        Map<String, NDArray> w = new LinkedHashMap<>(params.asMap());
        for (int l = 0; l < cfg.layers; l++) {
            String a = "layers." + l + ".attention.alpha";
            w.put(a, params.get(a).mul(past)); // [H,T,T] ⊙ strictly lower triangle
        }
        Weights causal = Weights.of(w, false);
        NDArray h = embedding.forward(ids);
        NDArray out = null;
        int first = cfg.readoutAll ? 0 : cfg.layers - 1;
        for (int l = 0; l < cfg.layers; l++) {
            if (l > 0) {
                h = h.square();
            }
            h = layers.get(l).forward(h, null, causal);
            if (l >= first) {
                NDArray z = readouts.get(l - first).forward(h);
                out = out == null ? z : out.add(z);
            }
        }
        return out.add(params.get("readout.bias"));
    }

    /** log p(x) of each window, [B] (the sum over positions of the next-token log-probabilities). */
    public NDArray logProb(NDArray ids) {
        NDArray lp = logits(ids).logSoftmax(2); // [B,T,V]
        long b = ids.getShape().get(0);
        long t = ids.getShape().get(1);
        NDArray flat = lp.reshape(b * t, cfg.vocab);
        NDManager m = ids.getManager();
        NDArray at = m.arange(0L, b * t, 1L, DataType.INT64).mul(cfg.vocab).add(ids.reshape(b * t));
        return flat.reshape(-1).take(m, at).reshape(b, t).sum(new int[] {1});
    }

    /** The next-token loss: −(1/(B·T)) Σ log p(x_i | x_{&lt;i}). */
    public NDArray loss(NDArray ids) {
        return logProb(ids).mean().neg().div(cfg.length);
    }

    /**
     * {@code n} exact draws from p by ancestral sampling: position i is drawn from softmax(logits_i) given the
     * positions before it (inverse CDF with uniforms from {@code seed}), one forward per position for all windows.
     * {@code banned} token ids get probability 0 (renormalised). Returns int64 [n,T] on {@code m}.
     */
    public NDArray sample(int n, long seed, java.util.Set<Integer> banned, NDManager m) {
        Random r = new Random(seed);
        int t = cfg.length;
        double[] bias = new double[cfg.vocab];
        for (int a : banned) {
            bias[a] = -1e30;
        }
        NDArray x = m.zeros(new Shape(n, t), DataType.INT64);
        NDArray biasArr = m.create(bias).toType(params.floatType(), false);
        for (int i = 0; i < t; i++) {
            double[] u = new double[n];
            for (int k = 0; k < n; k++) {
                u[k] = r.nextDouble();
            }
            try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) { // frees the position's intermediates
                scope.suppressNotUsedWarning();
                NDArray lg = logits(x).get(new NDIndex(":, {}, :", i)).add(biasArr); // [n,V]
                NDArray cdf = lg.softmax(1).cumSum(1);
                NDArray thr = cdf.get(":, -1:").mul(m.create(u, new Shape(n, 1)).toType(cdf.getDataType(), false));
                NDArray next = cdf.lt(thr).sum(new int[] {1}).toType(DataType.INT64, false).minimum(cfg.vocab - 1);
                x.set(new NDIndex(":, {}", i), next);
            }
        }
        return x;
    }
}
