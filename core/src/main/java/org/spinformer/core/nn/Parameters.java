package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;

/**
 * An ordered map from Hugging Face-style parameter names ({@code encoder.layer.0.attention.self.query.weight})
 * to tensors. Blocks, optimizers and checkpoints share this one container, so weights map by name.
 *
 * <p>The arrays are owned by whatever manager created them; this class never closes them. As a {@link Weights}
 * source the arrays are shared (no per-sample axis): what every block's plain {@code forward} reads.
 */
public final class Parameters implements Iterable<Map.Entry<String, NDArray>>, Weights {
    private final LinkedHashMap<String, NDArray> map = new LinkedHashMap<>();

    /** Adds or replaces a parameter; returns the array for chaining. */
    public NDArray put(String name, NDArray value) {
        map.put(name, value);
        return value;
    }

    /** The parameter called {@code name}; throws with the known names when missing. */
    @Override
    public NDArray get(String name) {
        NDArray a = map.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter '" + name + "' (have " + map.size() + ": "
                    + (map.size() > 8 ? new ArrayList<>(map.keySet()).subList(0, 8) + "…" : map.keySet()) + ")");
        }
        return a;
    }

    /** Shared: no per-sample axis. */
    @Override
    public boolean perSample() {
        return false;
    }

    /** The parameter or null. */
    public NDArray getOrNull(String name) {
        return map.get(name);
    }

    public boolean contains(String name) {
        return map.containsKey(name);
    }

    /** Names in insertion order. */
    public List<String> names() {
        return List.copyOf(map.keySet());
    }

    public int size() {
        return map.size();
    }

    /** Total number of scalar parameters P. */
    public long numel() {
        long n = 0;
        for (NDArray a : map.values()) {
            n += a.size();
        }
        return n;
    }

    /**
     * Marks every floating-point parameter as requiring a gradient. Integer and boolean entries (buffers such as
     * Hugging Face {@code embeddings.position_ids}) are left alone: PyTorch refuses gradients on them.
     */
    public void attachGradients() {
        for (NDArray a : map.values()) {
            if (a.getDataType().isFloating()) {
                a.setRequiresGradient(true);
            }
        }
    }

    /** Read-only view. */
    public Map<String, NDArray> asMap() {
        return Collections.unmodifiableMap(map);
    }

    @Override
    public Iterator<Map.Entry<String, NDArray>> iterator() {
        return asMap().entrySet().iterator();
    }
}
