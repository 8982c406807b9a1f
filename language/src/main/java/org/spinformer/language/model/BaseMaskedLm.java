package org.spinformer.language.model;

import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import org.spinformer.core.nn.Parameters;

/** What the masked language models share: parameters, vocabulary size, window length, mask id, dtype, config. */
abstract class BaseMaskedLm implements MaskedLm {
    protected final Parameters params;
    protected final DataType dtype;
    private final int vocab;
    private final int length;
    private final int maskId;

    /** {@code params} null: a fresh map (the blocks create their parameters). */
    BaseMaskedLm(Parameters params, int vocab, int length, int maskId, DataType dtype) {
        this.params = params == null ? new Parameters() : params;
        this.vocab = vocab;
        this.length = length;
        this.maskId = maskId;
        this.dtype = dtype;
    }

    /** The configuration record as JSON. */
    protected abstract JsonObject configJson();

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int maskId() {
        return maskId;
    }

    @Override
    public DataType dataType() {
        return dtype;
    }

    @Override
    public JsonObject config() {
        return configJson();
    }
}
