package org.spinformer.language.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import org.spinformer.core.nn.Embedding;
import org.spinformer.core.nn.FactoredAttentionBlock;
import org.spinformer.core.nn.Functional;
import org.spinformer.core.nn.Linear;
import org.spinformer.core.nn.Parameters;

import java.util.ArrayList;
import java.util.List;

/**
 * Masked language model of n factored self-attention layers with x² activations (Rende, Gerace, Laio, Goldt,
 * NeurIPS 2024, arXiv:2410.19637). With E the token embedding [V,D], α⁽ˡ⁾ the per-head positional attention
 * [H,T,T] (free, or softmax of a score) and W⁽ˡ⁾ the value map [D,D]:
 * <pre>
 *   h⁽¹⁾_i = Σ_j α⁽¹⁾_ij W⁽¹⁾ E[x_j]                  (per head: α acts on that head's D/H channels)
 *   h⁽ˡ⁾_i = Σ_j α⁽ˡ⁾_ij W⁽ˡ⁾ (h⁽ˡ⁻¹⁾_j)²   l = 2..n   (element-wise square, no normalisation)
 *   logits_i = Σ_{l∈R} R⁽ˡ⁾ h⁽ˡ⁾_i + b,   p(x_i = a | x_{∖i}) = softmax_a(logits_i)
 * </pre>
 * R = {n} (readout from the last layer only) or R = {1..n} ({@code readoutAll}, default: every layer has its
 * own readout R⁽ˡ⁾ [V,D], so an n-layer model contains the (n−1)-layer one and can be warm-started from it).
 * h⁽ˡ⁾ is a polynomial of degree 2^(l−1) in the one-hot tokens, so the conditional of x_i holds products of
 * x_i with up to 2^(n−1) other tokens: interactions among up to 2^(n−1)+1 tokens. The token at the predicted
 * position is replaced by {@code <mask>} before the forward pass, so nothing about it leaks through h.
 * For n = 1 the conditional is a generalised Potts model:
 * logits_i(a) = b_a + Σ_j α_ij U(a, x_j) with U(a, c) = (R⁽¹⁾ W⁽¹⁾ E[c])_a (one head); the j = i term
 * (x_i = mask) acts as the field h_i(a).
 *
 * <p>Parameter names: {@code embedding.weight}, {@code layers.<l>.attention.alpha} (or {@code .score}),
 * {@code layers.<l>.attention.value.weight}, {@code readout.<l>.weight}, {@code readout.bias}.
 */
public final class FactoredMlm extends BaseMaskedLm {
    /** Configuration; {@code form} "free" or "softmax". */
    public record Config(int vocab, int length, int dim, int heads, int layers, String form, boolean readoutAll,
                         int maskId, long seed) {
        public Config {
            if (vocab < 2 || length < 2 || dim < 1 || heads < 1 || dim % heads != 0 || layers < 1 || layers > 6) {
                throw new IllegalArgumentException("bad factored model config: V=" + vocab + " T=" + length + " D="
                        + dim + " H=" + heads + " n=" + layers + " (need D divisible by H, 1 <= n <= 6)");
            }
            if (!form.equals("free") && !form.equals("softmax")) {
                throw new IllegalArgumentException("attention form must be free or softmax, got " + form);
            }
            if (maskId < 0 || maskId >= vocab) {
                throw new IllegalArgumentException("mask id " + maskId + " outside the vocabulary");
            }
        }
    }

    private final Config cfg;
    private final Embedding embedding;
    private final List<FactoredAttentionBlock> layers = new ArrayList<>();
    private final List<Linear> readouts = new ArrayList<>();

    /**
     * Builds the model; parameters already in {@code params} (a checkpoint, or a smaller model to warm-start
     * from) are adopted, missing ones are initialised: E ~ 𝒩(0,1), W ~ 𝒩(0,1/D), α ~ 𝒩(0,1/T), readouts of
     * layers present in {@code params}' model ~ 𝒩(0, 1/D); readouts of new layers above existing ones start at 0
     * so a warm-started model computes exactly what the smaller one did.
     */
    public FactoredMlm(Config cfg, NDManager manager, Parameters params, DataType dtype) {
        super(params, cfg.vocab, cfg.length, cfg.maskId, dtype);
        this.cfg = cfg;
        boolean warm = this.params.contains("embedding.weight");
        this.embedding = Embedding.builder().setManager(manager).optParameters(this.params).optDataType(dtype)
                .optSeed(cfg.seed).optInitStd(1.0).optPrefix("embedding.").setVocab(cfg.vocab).setDim(cfg.dim).build();
        FactoredAttentionBlock.Form form = cfg.form.equals("free") ? FactoredAttentionBlock.Form.FREE
                : FactoredAttentionBlock.Form.SOFTMAX;
        for (int l = 0; l < cfg.layers; l++) {
            layers.add(FactoredAttentionBlock.builder().setManager(manager).optParameters(this.params)
                    .optDataType(dtype).optSeed(cfg.seed).optInitStd(1.0 / Math.sqrt(cfg.dim))
                    .optPrefix("layers." + l + ".attention.").setForm(form).setDim(cfg.dim).setHeads(cfg.heads)
                    .setTokens(cfg.length).optBias(false).optOutput(false)
                    .optAlphaStd(form == FactoredAttentionBlock.Form.FREE ? 1.0 / Math.sqrt(cfg.length) : 0.1)
                    .build());
        }
        for (int l = 0; l < cfg.layers; l++) {
            if (!cfg.readoutAll && l < cfg.layers - 1) {
                continue;
            }
            String name = "readout." + l + ".weight";
            if (warm && !this.params.contains(name)) {
                this.params.put(name, manager.zeros(new Shape(cfg.vocab, cfg.dim), dtype));
            }
            readouts.add(Linear.builder().setManager(manager).optParameters(this.params).optDataType(dtype)
                    .optSeed(cfg.seed).optInitStd(1.0 / Math.sqrt(cfg.dim)).optPrefix("readout." + l + ".")
                    .setIn(cfg.dim).setOut(cfg.vocab).optBias(false).build());
        }
        if (!this.params.contains("readout.bias")) {
            this.params.put("readout.bias", manager.zeros(new Shape(cfg.vocab), dtype));
        }
    }

    public Config cfg() {
        return cfg;
    }

    /** The hidden states h⁽¹⁾..h⁽ⁿ⁾, each [B,T,D]. */
    public List<NDArray> hidden(NDArray ids) {
        List<NDArray> hs = new ArrayList<>();
        NDArray h = embedding.forward(ids);
        for (int l = 0; l < layers.size(); l++) {
            if (l > 0) {
                h = h.square();
            }
            h = layers.get(l).forward(h, null);
            hs.add(h);
        }
        return hs;
    }

    @Override
    public NDArray logits(NDArray ids, NDArray rows) {
        List<NDArray> hs = hidden(ids);
        long b = ids.getShape().get(0);
        long t = ids.getShape().get(1);
        NDArray out = null;
        int first = cfg.readoutAll ? 0 : cfg.layers - 1;
        for (int l = first; l < cfg.layers; l++) {
            NDArray hl = Functional.embedding(rows, hs.get(l).reshape(b * t, cfg.dim)); // [K,D]
            NDArray z = readouts.get(l - first).forward(hl);
            out = out == null ? z : out.add(z);
        }
        return out.add(params.get("readout.bias"));
    }

    /** The positional attention of layer l, [H,T,T] (a new array in {@code m}). */
    public NDArray alpha(int l, NDManager m) {
        NDArray a = layers.get(l).alpha(m);
        return a.duplicate();
    }

    @Override
    protected JsonObject configJson() {
        return Models.configJson("factored", cfg);
    }
}
