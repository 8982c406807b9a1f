package org.spinformer.representations.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.spinformer.core.engine.Scopes;

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

    /** One layer's forward: state l+1 from state l (0-based layer {@code l}). */
    @FunctionalInterface
    interface LayerForward {
        NDArray apply(int l, NDArray in);
    }

    /**
     * The states h₀, h₁ = f(0, h₀), …, h_L (as {@code output_hidden_states}); each layer's intermediates are freed as
     * soon as it returns, so a batch holds the states and one layer's work, not every layer's.
     */
    static NDList states(NDArray h0, int layers, LayerForward f) {
        NDList out = new NDList(h0);
        NDArray x = h0;
        for (int l = 0; l < layers; l++) {
            NDArray in = x;
            int layer = l;
            x = Scopes.keep(() -> f.apply(layer, in));
            out.add(x);
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
        manager.close();
    }
}
