package org.spinformer.representations.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A pretrained transformer that returns the hidden state after the embeddings and after every layer, as
 * Hugging Face's {@code output_hidden_states=True}: L + 1 arrays [B,T,D]. Sequences are right-padded; the
 * padding mask guarantees that a sequence's states do not depend on what else is in the batch.
 */
public interface HiddenStateModel extends AutoCloseable {
    /** A short name (e.g. {@code minilm}, or the directory name). */
    String name();

    /** Number of layers L (the model returns L + 1 states). */
    int layers();

    /** Model width D. */
    long dim();

    /** Whether attention is causal (decoders): then the last token has seen the whole text. */
    boolean causal();

    /** The tokenizer that belongs to the model. */
    TextTokenizer tokenizer();

    /**
     * The hidden states.
     *
     * @param ids  token ids int64 [B,T], right-padded (any id in the padding)
     * @param mask [B,T], 1 for real tokens and 0 for padding
     * @return L + 1 arrays [B,T,D] (float32 or the model's compute type), owned by ids' manager
     */
    NDList hiddenStates(NDArray ids, NDArray mask);

    @Override
    void close();
}
