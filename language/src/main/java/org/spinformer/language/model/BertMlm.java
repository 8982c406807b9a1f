package org.spinformer.language.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import org.spinformer.core.nn.BertStack;
import org.spinformer.core.nn.Functional;
import org.spinformer.core.nn.Linear;
import org.spinformer.core.nn.Parameters;


/**
 * BERT-style masked language model (Devlin et al. 2019) on the core {@link BertStack}, pre-LN for stable
 * training from scratch (Xiong et al. 2020):
 * <pre>
 *   h⁰ = E_tok[x] + E_pos[t]               [B,T,D]
 *   hˡ = EncoderLayer_l(hˡ⁻¹)               l = 1..L (pre-LN, GELU MLP of width F)
 *   logits = W_out LN(hᴸ) + b               [K,V] at the chosen positions
 * </pre>
 * Names: {@code embeddings.word_embeddings.weight}, {@code embeddings.position_embeddings.weight},
 * {@code encoder.layer.<l>.*} (ViT names), {@code encoder.final_layernorm.*}, {@code mlm.decoder.*}.
 */
public final class BertMlm extends BaseMaskedLm {
    /** Configuration. */
    public record Config(int vocab, int length, int dim, int heads, int hidden, int layers, int maskId, long seed) {
        public Config {
            if (vocab < 2 || length < 2 || dim < 1 || heads < 1 || dim % heads != 0 || layers < 1 || hidden < 1) {
                throw new IllegalArgumentException("bad BERT config: V=" + vocab + " T=" + length + " D=" + dim
                        + " H=" + heads + " F=" + hidden + " L=" + layers);
            }
        }
    }

    private final Config cfg;
    private final BertStack stack;
    private final Linear decoder;
    private final NDManager manager;

    public BertMlm(Config cfg, NDManager manager, Parameters params, DataType dtype) {
        super(params, cfg.vocab, cfg.length, cfg.maskId, dtype);
        this.cfg = cfg;
        this.manager = manager;
        stack = new BertStack(new BertStack.Config(cfg.vocab, cfg.length, cfg.dim, cfg.heads, cfg.hidden, cfg.layers,
                true, 1e-5, Functional.Activation.GELU, 0, false, false, true, cfg.seed), this.params, manager, dtype);
        decoder = Linear.builder().setManager(manager).optParameters(this.params).optDataType(dtype).optSeed(cfg.seed)
                .optPrefix("mlm.decoder.").setIn(cfg.dim).setOut(cfg.vocab).build();
    }

    @Override
    public NDArray logits(NDArray ids, NDArray rows) {
        long b = ids.getShape().get(0);
        long t = ids.getShape().get(1);
        NDArray h = stack.forward(ids, null);
        NDArray hk = Functional.embedding(rows, h.reshape(b * t, cfg.dim));
        return decoder.forward(stack.finalNorm(hk));
    }

    public Config cfg() {
        return cfg;
    }

    @Override
    protected JsonObject configJson() {
        return Models.configJson("bert", cfg);
    }
}
