package org.spinformer.representations.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.spinformer.core.nn.BertStack;
import org.spinformer.core.nn.Functional;
import org.spinformer.core.nn.Parameters;

/**
 * A BERT-family encoder (Devlin et al. 2019; MiniLM, BGE; RoBERTa / XLM-R position offsets) on the core
 * {@link BertStack} (post-LN, embedding LayerNorm, token-type row 0):
 * <pre>
 *   h₀ = LN(E_word[ids] + E_pos[p] + E_type[0])      p_t = t (BERT) or pad_id + 1 + t (RoBERTa)
 *   h_l = EncoderLayer_l(h_{l−1}, mask)               post-LN, l = 1 … L
 * </pre>
 * Returns h₀ … h_L [B,T,D]. Hugging Face names: {@code embeddings.{word,position,token_type}_embeddings.weight},
 * {@code embeddings.LayerNorm.*}, {@code encoder.layer.l.*} (a leading {@code bert.} or {@code roberta.} is
 * stripped by the loader).
 */
public final class BertEncoder extends LoadedModel {
    /**
     * Shape of the model.
     *
     * @param vocab V; dim D; heads H; layers L; hidden F (intermediate size); eps LayerNorm ε
     * @param positionOffset first position id (0 for BERT, pad_token_id + 1 for RoBERTa)
     */
    public record Config(long vocab, long dim, int heads, int layers, long hidden, double eps, String act,
            long positionOffset) {
    }

    private final Config cfg;
    private final BertStack stack;

    /** Takes ownership of {@code manager} (which owns the parameters) and {@code tokenizer}. */
    public BertEncoder(String name, Config cfg, Parameters params, NDManager manager, TextTokenizer tokenizer) {
        super(name, cfg.layers(), cfg.dim(), manager, tokenizer);
        this.cfg = cfg;
        // the position table's rows come from the weights (config.json's max_position_embeddings counts them too)
        NDArray pos = params.getOrNull("embeddings.position_embeddings.weight");
        long positions = pos != null ? pos.getShape().get(0) : cfg.positionOffset() + 512;
        this.stack = new BertStack(new BertStack.Config(cfg.vocab(), positions, cfg.dim(), cfg.heads(), cfg.hidden(),
                cfg.layers(), false, cfg.eps(), Functional.Activation.parse(cfg.act()), cfg.positionOffset(), true,
                true, false, 0), params, manager, params.floatType());
    }

    @Override
    public NDList hiddenStates(NDArray ids, NDArray mask) {
        return states(stack.embed(ids), stack.layers(), (l, in) -> stack.layer(l, in, mask));
    }

    @Override
    public boolean causal() {
        return false;
    }

    public Config config() {
        return cfg;
    }
}
