package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Token (or position) embedding: y[b,t,:] = W[ids[b,t], :]. ids int64 [B,T], W [V,D] → [B,T,D].
 * Parameter {@code weight} (Hugging Face {@code embeddings.word_embeddings.weight}, {@code wte.weight},
 * {@code embed_tokens.weight}).
 */
public final class Embedding extends Block<Embedding.Config> {
    /** What the block was built with: W [V,D]. */
    public record Config(long vocab, long dim) {}

    private Embedding(Builder b, Config config) {
        super(b, config);
        param("weight", new Shape(config.vocab(), config.dim()), Init.NORMAL);
    }

    /** Static twin. */
    public static NDArray embedding(NDArray ids, NDArray weight) {
        return Functional.embedding(ids, weight);
    }

    /** ids int [B,T] → [B,T,D]. */
    public NDArray forward(NDArray ids) {
        return Functional.embedding(ids, p("weight"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder: setVocab (V), setDim (D) required. */
    public static final class Builder extends WidthBuilder<Builder> {
        private long vocab = -1;

        public Builder setVocab(long vocab) {
            this.vocab = vocab;
            return this;
        }

        public Embedding build() {
            require(vocab > 0 && dim > 0, "Embedding needs positive vocab and dim, got " + vocab + ", " + dim);
            return new Embedding(this, new Config(vocab, dim));
        }
    }
}
