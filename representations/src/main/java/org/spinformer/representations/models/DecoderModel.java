package org.spinformer.representations.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.core.nn.DecoderLayer;
import org.spinformer.core.nn.Functional;
import org.spinformer.core.nn.Parameters;
import org.spinformer.core.nn.Rope;

import java.util.ArrayList;
import java.util.List;

/**
 * A decoder-only language model on core blocks, for hidden states:
 * <pre>
 *   GPT-2 (Radford et al. 2019):  h₀ = W_te[ids] + W_pe[t];   h_l = DecoderLayer_l(h_{l−1});   h_L ← LN_f(h_L)
 *   Llama / Qwen2 / Mistral:      h₀ = E[ids];                h_l = DecoderLayer_l(h_{l−1});   h_L ← RMSNorm(h_L)
 * </pre>
 * As in Hugging Face's {@code output_hidden_states}, the last state carries the final norm. Causal attention
 * with right padding: a real token never sees a pad, so padding never changes a sequence's states.
 * Hugging Face names: GPT-2 {@code wte.weight}, {@code wpe.weight}, {@code h.l.*}, {@code ln_f.*} (a leading
 * {@code transformer.} is stripped by the loader); Llama {@code model.embed_tokens.weight},
 * {@code model.layers.l.*}, {@code model.norm.weight}.
 */
public final class DecoderModel extends LoadedModel {
    /** Architecture families. */
    public enum Family {
        GPT2, LLAMA, QWEN2, MISTRAL
    }

    /**
     * Shape of the model.
     *
     * @param family   architecture
     * @param vocab    V
     * @param dim      D
     * @param heads    H
     * @param kvHeads  H_kv (grouped-query attention; = H for GPT-2)
     * @param headDim  dh
     * @param layers   L
     * @param hidden   F
     * @param eps      norm ε
     * @param rope     rotary embedding (null for GPT-2)
     */
    public record Config(Family family, long vocab, long dim, int heads, int kvHeads, long headDim, int layers,
            long hidden, double eps, Rope rope) {
    }

    private final Config cfg;
    private final Parameters params;
    private final List<DecoderLayer> layers = new ArrayList<>();

    /** Takes ownership of {@code manager} (which owns the parameters) and {@code tokenizer}. */
    public DecoderModel(String name, Config cfg, Parameters params, NDManager manager, TextTokenizer tokenizer) {
        super(name, cfg.layers(), cfg.dim(), manager, tokenizer);
        this.cfg = cfg;
        this.params = params;
        for (int l = 0; l < cfg.layers(); l++) {
            layers.add(layer(cfg, l, manager, params));
        }
        // fail early (or, on weights loaded from a file, record as missing) with the names
        params.need(embeddingName(), new Shape(cfg.vocab(), cfg.dim()));
        if (cfg.family() == Family.GPT2) {
            params.need("wpe.weight", null);
            params.need("ln_f.weight", new Shape(cfg.dim()));
            params.need("ln_f.bias", new Shape(cfg.dim()));
        } else {
            params.need("model.norm.weight", new Shape(cfg.dim()));
        }
    }

    /** Layer {@code l} (0-based) of a model of shape {@code cfg}, on the parameters {@code params}. */
    static DecoderLayer layer(Config cfg, int l, NDManager manager, Parameters params) {
        DecoderLayer.Builder b = DecoderLayer.builder().setManager(manager).optParameters(params)
                .optDataType(params.floatType()).setDim(cfg.dim()).setHeads(cfg.heads()).setHidden(cfg.hidden())
                .optEps(cfg.eps());
        if (cfg.family() == Family.GPT2) {
            b.setStyle(DecoderLayer.Style.GPT2).optPrefix(layerPrefix(cfg, l));
        } else {
            b.setStyle(DecoderLayer.Style.LLAMA).optPrefix(layerPrefix(cfg, l)).optKvHeads(cfg.kvHeads())
                    .optHeadDim(cfg.headDim()).optRope(cfg.rope()).optQkvBias(cfg.family() == Family.QWEN2);
        }
        return b.build();
    }

    /** The core-block name prefix of layer {@code l}: {@code h.l.} (GPT-2) or {@code model.layers.l.}. */
    static String layerPrefix(Config cfg, int l) {
        return layersPrefix(cfg) + l + ".";
    }

    /** The name prefix every layer's tensors share: {@code h.} (GPT-2) or {@code model.layers.}. */
    static String layersPrefix(Config cfg) {
        return cfg.family() == Family.GPT2 ? "h." : "model.layers.";
    }

    /** The name of the token embedding table. */
    static String embeddingName(Config cfg) {
        return cfg.family() == Family.GPT2 ? "wte.weight" : "model.embed_tokens.weight";
    }

    private String embeddingName() {
        return embeddingName(cfg);
    }

    /**
     * h₀ [B,T,D] of token ids [B,T]: rows of {@code table} ([V,D], or the rows of the tokens at hand when the ids
     * index into them), plus GPT-2's learnt positions {@code wpe.weight} from {@code params}.
     */
    static NDArray embed(Config cfg, NDArray ids, NDArray table, Parameters params) {
        NDArray x = Functional.embedding(ids, table);
        if (cfg.family() == Family.GPT2) {
            long t = ids.getShape().get(1);
            NDArray pos = ids.getManager().arange(0L, t, 1L, DataType.INT64).reshape(1, t);
            x = x.add(Functional.embedding(pos, params.get("wpe.weight")));
        }
        return x;
    }

    /** The final norm applied to the last layer's output ({@code ln_f} or {@code model.norm}). */
    static NDArray finalNorm(Config cfg, NDArray x, Parameters params) {
        return cfg.family() == Family.GPT2
                ? Functional.layerNorm(x, params.get("ln_f.weight"), params.get("ln_f.bias"), cfg.eps())
                : Functional.rmsNorm(x, params.get("model.norm.weight"), cfg.eps());
    }

    @Override
    public NDList hiddenStates(NDArray ids, NDArray mask) {
        return states(embed(cfg, ids, params.get(embeddingName()), params), layers.size(), (l, in) -> {
            NDArray y = layers.get(l).forward(in, mask);
            return l == layers.size() - 1 ? finalNorm(cfg, y, params) : y;
        });
    }

    @Override
    public boolean causal() {
        return true;
    }

    public Config config() {
        return cfg;
    }
}
