package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Token (or position) embedding: y[b,t,:] = W[ids[b,t], :]. ids int64 [B,T], W [V,D] → [B,T,D].
 * Parameter {@code weight} (Hugging Face {@code embeddings.word_embeddings.weight}, {@code wte.weight},
 * {@code embed_tokens.weight}).
 */
public final class Embedding extends Block {
    private final long vocab;
    private final long dim;

    private Embedding(Builder b) {
        super(b);
        this.vocab = b.vocab;
        this.dim = b.dim;
        param("weight", new Shape(vocab, dim), Init.NORMAL);
    }

    /** Static twin. */
    public static NDArray embedding(NDArray ids, NDArray weight) {
        return Functional.embedding(ids, weight);
    }

    /** ids int [B,T] → [B,T,D]. */
    public NDArray forward(NDArray ids) {
        return Functional.embedding(ids, p("weight"));
    }

    public long vocab() {
        return vocab;
    }

    public long dim() {
        return dim;
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
            return new Embedding(this);
        }
    }
}
