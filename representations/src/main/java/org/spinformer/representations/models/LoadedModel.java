package org.spinformer.representations.models;

import ai.djl.ndarray.NDManager;

/**
 * What every loaded {@link HiddenStateModel} holds: its name, shape, tokenizer and the manager that owns its
 * weights (both closed with the model).
 */
abstract class LoadedModel implements HiddenStateModel {
    private final String name;
    private final int layers;
    private final long dim;
    private final NDManager manager;
    private final TextTokenizer tokenizer;

    LoadedModel(String name, int layers, long dim, NDManager manager, TextTokenizer tokenizer) {
        this.name = name;
        this.layers = layers;
        this.dim = dim;
        this.manager = manager;
        this.tokenizer = tokenizer;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int layers() {
        return layers;
    }

    @Override
    public long dim() {
        return dim;
    }

    @Override
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public void close() {
        tokenizer.close();
        manager.close();
    }
}
