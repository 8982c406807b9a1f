package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An ordered map from Hugging Face-style parameter names ({@code encoder.layer.0.attention.self.query.weight})
 * to tensors. Blocks, optimizers and checkpoints share this one container, so weights map by name.
 *
 * <p>The arrays are owned by whatever manager created them; this class never closes them. As a {@link Weights}
 * source the arrays are shared (no per-sample axis): what every block's plain {@code forward} reads.
 *
 * <p>A map {@linkplain #freeze(String) frozen} after loading a file is strict: a block that needs a name the
 * file lacks records it as {@linkplain #missing() missing} instead of creating a random parameter, and
 * {@link #requireComplete()} then fails listing every missing name and warns about loaded tensors no block
 * looked up ({@link #unused()}).
 */
public final class Parameters implements Iterable<Map.Entry<String, NDArray>>, Weights {
    private static final Logger LOG = LoggerFactory.getLogger(Parameters.class);
    /** How many names an error or warning lists before "… and N more". */
    private static final int LISTED = 10;

    private final LinkedHashMap<String, NDArray> map = new LinkedHashMap<>();
    private final Set<String> used = ConcurrentHashMap.newKeySet();
    private final LinkedHashSet<String> missing = new LinkedHashSet<>();
    private boolean frozen;
    private String source;

    /** Adds or replaces a parameter; returns the array for chaining. */
    public NDArray put(String name, NDArray value) {
        map.put(name, value);
        return value;
    }

    /** The parameter called {@code name}; throws with the known names when missing. */
    @Override
    public NDArray get(String name) {
        NDArray a = lookup(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter '" + name + "' (have " + map.size() + ": "
                    + (map.size() > 8 ? new ArrayList<>(map.keySet()).subList(0, 8) + "…" : map.keySet()) + ")");
        }
        return a;
    }

    /**
     * The tensor {@code name}, whose shape must equal {@code shape} unless that is null (for a model's own
     * tensors outside blocks: embeddings, final norms) and which must be floating point. Missing from a
     * {@linkplain #freeze(String) frozen} map: recorded in {@link #missing()} and null returned; missing
     * otherwise: thrown as by {@link #get(String)}.
     */
    public NDArray need(String name, Shape shape) {
        NDArray a = lookup(name);
        if (a == null) {
            if (frozen) {
                missing.add("'" + name + "'" + (shape == null ? "" : " " + shape));
                return null;
            }
            return get(name);
        }
        if (shape != null && !a.getShape().equals(shape)) {
            throw new IllegalArgumentException(origin() + "tensor '" + name + "' has shape " + a.getShape()
                    + " but the model needs " + shape);
        }
        requireFloating(name, a);
        return a;
    }

    /** Shared: no per-sample axis. */
    @Override
    public boolean perSample() {
        return false;
    }

    /** The parameter or null. */
    public NDArray getOrNull(String name) {
        return lookup(name);
    }

    /** Whether {@code name} is present (counts as a use, see {@link #unused()}). */
    public boolean contains(String name) {
        return lookup(name) != null;
    }

    private NDArray lookup(String name) {
        NDArray a = map.get(name);
        if (a != null) {
            used.add(name);
        }
        return a;
    }

    /**
     * Marks the map as loaded from {@code source} (e.g. {@code "model DIR"}, which prefixes every error about
     * its tensors): from now on blocks never create a parameter here; a name they need and do not find is
     * recorded in {@link #missing()}. Returns this map.
     */
    public Parameters freeze(String source) {
        this.frozen = true;
        this.source = source;
        return this;
    }

    /** {@code "SOURCE: "} of a frozen map, else "" (the start of an error message about a tensor). */
    String origin() {
        return source == null ? "" : source + ": ";
    }

    /** Throws unless {@code a} (tensor {@code name}) is floating point: weights are never cast from integers. */
    void requireFloating(String name, NDArray a) {
        if (!a.getDataType().isFloating()) {
            throw new IllegalArgumentException(origin() + "tensor '" + name + "' is " + a.getDataType()
                    + " but a weight must be floating point (F16, BF16, F32 or F64)");
        }
    }

    /** Whether {@link #freeze(String)} was called. */
    public boolean frozen() {
        return frozen;
    }

    /** Records that a block needed {@code name} of {@code shape} and this frozen map lacks it. */
    void recordMissing(String name, Shape shape) {
        need(name, shape);
    }

    /** The names (with the shapes the blocks needed) that blocks asked for and did not find, in order asked. */
    public List<String> missing() {
        return List.copyOf(missing);
    }

    /** Names present that nobody has looked up ({@code get}, {@code getOrNull}, {@code contains}), in order. */
    public List<String> unused() {
        List<String> out = new ArrayList<>();
        for (String n : map.keySet()) {
            if (!used.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * After a model has built all its blocks on this map: throws an IllegalArgumentException naming the
     * {@linkplain #freeze(String) source} and the first missing names with their count, if any block found its
     * tensor missing; otherwise logs one warning listing the tensors no block looked up, if any. Returns the
     * unused names.
     */
    public List<String> requireComplete() {
        if (!missing.isEmpty()) {
            List<String> unused = unused();
            throw new IllegalArgumentException(origin() + missing.size() + " tensor"
                    + (missing.size() == 1 ? "" : "s") + " missing from the weights: " + listed(missing())
                    + (unused.isEmpty() ? "" : "; present but unused: " + listed(unused)));
        }
        List<String> unused = unused();
        if (!unused.isEmpty()) {
            LOG.warn("{}{} tensor{} in the weights not used by the model: {}", origin(), unused.size(),
                    unused.size() == 1 ? "" : "s", listed(unused));
        }
        return unused;
    }

    private static String listed(List<String> names) {
        return names.size() <= LISTED ? String.join(", ", names)
                : String.join(", ", names.subList(0, LISTED)) + " … and " + (names.size() - LISTED) + " more";
    }

    /** The dtype of the first floating-point parameter (the compute type of loaded weights); float32 if none. */
    public ai.djl.ndarray.types.DataType floatType() {
        for (NDArray a : map.values()) {
            if (a.getDataType().isFloating()) {
                return a.getDataType();
            }
        }
        return ai.djl.ndarray.types.DataType.FLOAT32;
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
