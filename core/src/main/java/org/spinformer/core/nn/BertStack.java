package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.ArrayList;
import java.util.List;

/**
 * The one BERT of the project (Devlin et al. 2019), used both to train masked language models from scratch
 * (language: pre-LN, Xiong et al. 2020) and to run pretrained Hugging Face encoders (representations: post-LN,
 * RoBERTa position offsets, a token-type row, an embedding LayerNorm):
 * <pre>
 *   h⁰ = [LN](E_word[ids] + E_pos[offset + t] [+ E_type[0]])
 *   hˡ = EncoderLayer_l(hˡ⁻¹, mask)                 l = 1..L (pre- or post-LN)
 *   [LN_final(hᴸ)]                                  {@link #finalNorm}
 * </pre>
 * Hugging Face names: {@code embeddings.{word,position,token_type}_embeddings.weight}, {@code embeddings.LayerNorm.*},
 * {@code encoder.layer.<l>.*}, {@code encoder.final_layernorm.*}.
 */
public final class BertStack {
    /**
     * The shape of the stack.
     *
     * @param positions      rows of the position table
     * @param positionOffset first position id (0 for BERT, pad_token_id + 1 for RoBERTa)
     * @param embeddingNorm  LayerNorm after the embeddings (pretrained BERTs)
     * @param tokenType      add row 0 of {@code embeddings.token_type_embeddings.weight} when the weights have it
     * @param finalNorm      a final LayerNorm (pre-LN stacks)
     * @param seed           initialisation seed of parameters the weights do not provide
     */
    public record Config(long vocab, long positions, long dim, int heads, long hidden, int layers, boolean preNorm,
                         double eps, Functional.Activation activation, long positionOffset, boolean embeddingNorm,
                         boolean tokenType, boolean finalNorm, long seed) {
        public Config {
            if (vocab < 1 || positions < 1 || dim < 1 || heads < 1 || dim % heads != 0 || hidden < 1 || layers < 1) {
                throw new IllegalArgumentException("bad BERT shape: V=" + vocab + " positions=" + positions + " D="
                        + dim + " H=" + heads + " F=" + hidden + " L=" + layers);
            }
        }
    }

    private final Config cfg;
    private final Parameters params;
    private final Embedding word;
    private final Embedding position;
    private final LayerNorm embeddingNorm;
    private final NDArray typeRow;
    private final List<EncoderLayer> layers = new ArrayList<>();
    private final LayerNorm finalNorm;

    /** The blocks over {@code params} (created when absent, unless the parameters are frozen). */
    public BertStack(Config cfg, Parameters params, NDManager manager, DataType dtype) {
        this.cfg = cfg;
        this.params = params;
        word = Embedding.builder().setManager(manager).optParameters(params).optDataType(dtype).optSeed(cfg.seed())
                .optPrefix("embeddings.word_embeddings.").setVocab(cfg.vocab()).setDim(cfg.dim()).build();
        position = Embedding.builder().setManager(manager).optParameters(params).optDataType(dtype)
                .optSeed(cfg.seed()).optPrefix("embeddings.position_embeddings.").setVocab(cfg.positions())
                .setDim(cfg.dim()).build();
        embeddingNorm = cfg.embeddingNorm() ? LayerNorm.builder().setManager(manager).optParameters(params)
                .optDataType(dtype).optPrefix("embeddings.LayerNorm.").setDim(cfg.dim()).optEps(cfg.eps()).build()
                : null;
        // optional: some converted checkpoints carry no token-type table (then no type row is added)
        NDArray type = cfg.tokenType() ? params.getOrNull("embeddings.token_type_embeddings.weight") : null;
        typeRow = type == null ? null : type.get(0); // token type 0, owned by the parameters' manager
        for (int l = 0; l < cfg.layers(); l++) {
            layers.add(EncoderLayer.builder().setManager(manager).optParameters(params).optDataType(dtype)
                    .optSeed(cfg.seed()).optPrefix("encoder.layer." + l + ".").setDim(cfg.dim())
                    .setHeads(cfg.heads()).setHidden(cfg.hidden()).optPreNorm(cfg.preNorm()).optEps(cfg.eps())
                    .optActivation(cfg.activation()).build());
        }
        finalNorm = cfg.finalNorm() ? LayerNorm.builder().setManager(manager).optParameters(params)
                .optDataType(dtype).optPrefix("encoder.final_layernorm.").setDim(cfg.dim()).optEps(cfg.eps()).build()
                : null;
    }

    /** h⁰ for token ids int64 [B,T]: [B,T,D]. */
    public NDArray embed(NDArray ids) {
        long t = ids.getShape().get(1);
        NDArray pos = ids.getManager().arange(cfg.positionOffset(), cfg.positionOffset() + t, 1L, DataType.INT64)
                .reshape(1, t);
        NDArray x = word.forward(ids).add(position.forward(pos));
        if (typeRow != null) {
            x = x.add(typeRow);
        }
        return embeddingNorm == null ? x : embeddingNorm.forward(x);
    }

    /** Layer {@code l} (0-based) on h [B,T,D]; {@code mask} [B,T] (1 = token, 0 = padding) or null. */
    public NDArray layer(int l, NDArray h, NDArray mask) {
        return layers.get(l).forward(h, mask);
    }

    /** hᴸ: the embeddings and every layer. */
    public NDArray forward(NDArray ids, NDArray mask) {
        NDArray h = embed(ids);
        for (EncoderLayer layer : layers) {
            h = layer.forward(h, mask);
        }
        return h;
    }

    /** The final LayerNorm, or {@code h} unchanged when the stack has none. */
    public NDArray finalNorm(NDArray h) {
        return finalNorm == null ? h : finalNorm.forward(h);
    }

    public Config config() {
        return cfg;
    }

    public int layers() {
        return cfg.layers();
    }

    public Parameters parameters() {
        return params;
    }
}
