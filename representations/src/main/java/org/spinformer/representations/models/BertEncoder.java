package org.spinformer.representations.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.core.nn.EncoderLayer;
import org.spinformer.core.nn.Functional;
import org.spinformer.core.nn.Parameters;
import org.spinformer.core.nn.Scopes;

import java.util.ArrayList;
import java.util.List;

/**
 * A BERT-family encoder (Devlin et al. 2019; MiniLM, BGE; RoBERTa / XLM-R position offsets) on core blocks:
 * <pre>
 *   h₀ = LN(E_word[ids] + E_pos[p] + E_type[0])      p_t = t (BERT) or pad_id + 1 + t (RoBERTa)
 *   h_l = EncoderLayer_l(h_{l−1}, mask)               post-LN, l = 1 … L
 * </pre>
 * Returns h₀ … h_L [B,T,D]. Hugging Face names: {@code embeddings.{word,position,token_type}_embeddings.weight},
 * {@code embeddings.LayerNorm.*}, {@code encoder.layer.l.*} (a leading {@code bert.} or {@code roberta.} is
 * stripped by the loader).
 */
public final class BertEncoder implements HiddenStateModel {
    /**
     * Shape of the model.
     *
     * @param vocab V; dim D; heads H; layers L; hidden F (intermediate size); eps LayerNorm ε
     * @param positionOffset first position id (0 for BERT, pad_token_id + 1 for RoBERTa)
     */
    public record Config(long vocab, long dim, int heads, int layers, long hidden, double eps, String act,
            long positionOffset) {
    }

    private final String name;
    private final Config cfg;
    private final NDManager manager;
    private final Parameters params;
    private final TextTokenizer tokenizer;
    private final List<EncoderLayer> layers = new ArrayList<>();
    private final NDArray typeRow;

    /** Takes ownership of {@code manager} (which owns the parameters) and {@code tokenizer}. */
    public BertEncoder(String name, Config cfg, Parameters params, NDManager manager, TextTokenizer tokenizer) {
        this.name = name;
        this.cfg = cfg;
        this.params = params;
        this.manager = manager;
        this.tokenizer = tokenizer;
        Functional.Activation act = Functional.Activation.parse(cfg.act());
        for (int l = 0; l < cfg.layers(); l++) {
            layers.add(EncoderLayer.builder().setManager(manager).optParameters(params)
                    .optPrefix("encoder.layer." + l + ".").setDim(cfg.dim()).setHeads(cfg.heads())
                    .setHidden(cfg.hidden()).optEps(cfg.eps()).optActivation(act).build());
        }
        // optional: some converted checkpoints carry no token-type table (then no type row is added)
        NDArray type = params.getOrNull("embeddings.token_type_embeddings.weight");
        this.typeRow = type == null ? null : type.get(0); // token type 0, owned by the model's manager
        // fail early (or, on weights loaded from a file, record as missing) with the names
        params.need("embeddings.word_embeddings.weight", new Shape(cfg.vocab(), cfg.dim()));
        params.need("embeddings.position_embeddings.weight", null);
        params.need("embeddings.LayerNorm.weight", new Shape(cfg.dim()));
        params.need("embeddings.LayerNorm.bias", new Shape(cfg.dim()));
    }

    @Override
    public NDList hiddenStates(NDArray ids, NDArray mask) {
        NDManager m = ids.getManager();
        long b = ids.getShape().get(0);
        long t = ids.getShape().get(1);
        NDArray pos = m.arange(cfg.positionOffset(), cfg.positionOffset() + t, 1L, DataType.INT64).reshape(1, t)
                .repeat(0, b);
        NDArray x = Functional.embedding(ids, params.get("embeddings.word_embeddings.weight"))
                .add(Functional.embedding(pos, params.get("embeddings.position_embeddings.weight")));
        if (typeRow != null) {
            x = x.add(typeRow);
        }
        x = Functional.layerNorm(x, params.get("embeddings.LayerNorm.weight"), params.get("embeddings.LayerNorm.bias"),
                cfg.eps());
        NDList out = new NDList(x);
        for (EncoderLayer layer : layers) {
            NDArray in = x;
            x = Scopes.keep(() -> layer.forward(in, mask)); // the layer's intermediates are freed at once
            out.add(x);
        }
        return out;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int layers() {
        return cfg.layers();
    }

    @Override
    public long dim() {
        return cfg.dim();
    }

    @Override
    public boolean causal() {
        return false;
    }

    @Override
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public Config config() {
        return cfg;
    }

    @Override
    public void close() {
        tokenizer.close();
        manager.close();
    }
}
