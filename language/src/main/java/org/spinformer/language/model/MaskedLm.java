package org.spinformer.language.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import org.spinformer.core.nn.Parameters;

/**
 * A masked language model over windows of T tokens: given ids where some positions hold {@code <mask>}, the
 * logits of the vocabulary at chosen positions. Every model in this module (factored attention, BERT) is one.
 */
public interface MaskedLm {
    /**
     * Logits at chosen positions.
     *
     * @param ids  int64 [B,T] (masked positions already replaced by {@link #maskId()})
     * @param rows int64 [K] flat positions b·T + t
     * @return [K,V]
     */
    NDArray logits(NDArray ids, NDArray rows);

    /** The trainable parameters (names as in checkpoints). */
    Parameters parameters();

    /** Vocabulary size V. */
    int vocabSize();

    /** Window length T. */
    int length();

    /** Id of {@code <mask>}. */
    int maskId();

    /** float32 or float64. */
    DataType dataType();

    /** The configuration as JSON (with a {@code "kind"} field), enough to rebuild the model. */
    JsonObject config();
}
