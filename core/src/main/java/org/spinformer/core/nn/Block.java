package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Random;

/**
 * Base of the thin blocks: a prefix (e.g. {@code "encoder.layer.0."}), the shared {@link Parameters} map and
 * a floating-point type chosen at construction.
 *
 * <p>Parameters are looked up by full name at every forward call, so an optimizer or a checkpoint loader that
 * puts a new array under the same name is seen at once. At construction a block creates each parameter it
 * needs unless the map already holds one of that name (a loaded checkpoint): then the shape is checked and the
 * dtype converted to the block's if it differs. New parameters are drawn from a stream seeded by
 * (seed, full name), so initialisation is deterministic and independent of construction order:
 * weights 𝒩(0, σ²) (σ = 0.02 by default, BERT/GPT-2 {@code initializer_range}), biases 0, norm gains 1.
 *
 * <p>A block's own settings (widths, heads, eps, …) are one immutable record {@code C}, validated by the builder's
 * {@code build()} and read through {@link #config()}.
 *
 * @param <C> the block's settings record (e.g. {@link Linear.Config})
 */
public abstract class Block<C extends Record> {
    private static final Logger LOG = LoggerFactory.getLogger(Block.class);

    /** How a new parameter is initialised. */
    public enum Init {
        /** 𝒩(0, σ²). */
        NORMAL,
        /** All zeros. */
        ZEROS,
        /** All ones. */
        ONES
    }

    protected final Parameters params;
    protected final String prefix;
    protected final DataType dtype;
    /** The block's settings, validated by its builder. */
    protected final C config;
    /** Manager, seed and σ of new parameters; what a builder's {@code like(block)} copies. */
    private final Shared shared;

    /** The settings one block passes on to the blocks it is made of (all but the prefix). */
    record Shared(NDManager manager, Parameters params, DataType dtype, long seed, double initStd) {}

    protected Block(BaseBuilder<?> b, C config) {
        if (b.manager == null && b.params == null) {
            throw new IllegalArgumentException("a block needs a manager (setManager) for its parameters");
        }
        if (b.dtype != DataType.FLOAT32 && b.dtype != DataType.FLOAT64 && b.dtype != DataType.FLOAT16) {
            throw new IllegalArgumentException("blocks support float32, float64 or float16, got " + b.dtype);
        }
        this.params = b.params == null ? new Parameters() : b.params;
        this.prefix = b.prefix;
        this.dtype = b.dtype;
        this.config = config;
        this.shared = new Shared(b.manager, params, dtype, b.seed, b.initStd);
    }

    /** The shared parameter map. */
    public Parameters parameters() {
        return params;
    }

    /** The name prefix, e.g. {@code "encoder.layer.0."}. */
    public String prefix() {
        return prefix;
    }

    /** float32 or float64. */
    public DataType dataType() {
        return dtype;
    }

    /** The settings the block was built with. */
    public C config() {
        return config;
    }

    /** The parameter {@code prefix + local}. */
    protected NDArray p(String local) {
        return params.get(prefix + local);
    }

    /** The parameter {@code prefix + local}, or null when absent. */
    protected NDArray pOrNull(String local) {
        return params.getOrNull(prefix + local);
    }

    /** Checks that an input has this block's dtype (a silent cast would drop gradients). */
    protected void checkInput(NDArray x, int rank) {
        if (x.getDataType() != dtype) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " '" + prefix + "' is " + dtype
                    + " but the input is " + x.getDataType());
        }
        if (rank > 0 && x.getShape().dimension() != rank) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " '" + prefix + "' expects a rank-"
                    + rank + " input, got " + x.getShape());
        }
    }

    /**
     * Creates parameter {@code prefix + local} of the given shape, or adopts an existing one (which must be
     * floating point: an integer tensor is never cast silently into a weight). On a
     * {@linkplain Parameters#freeze(String) frozen} map (weights loaded from a file) nothing is created: a
     * missing name is recorded in {@link Parameters#missing()} and null is returned; the model reports all of
     * them together through {@link Parameters#requireComplete()}.
     */
    protected NDArray param(String local, Shape shape, Init init) {
        return param(local, shape, init, shared.initStd());
    }

    /** As {@link #param(String, Shape, Init)} with an explicit σ for {@link Init#NORMAL}. */
    protected NDArray param(String local, Shape shape, Init init, double std) {
        String name = prefix + local;
        NDArray existing = params.getOrNull(name);
        if (existing != null) {
            if (!existing.getShape().equals(shape)) {
                throw new IllegalArgumentException(params.origin() + "parameter '" + name + "' has shape "
                        + existing.getShape() + " but the block needs " + shape);
            }
            params.requireFloating(name, existing);
            if (existing.getDataType() != dtype) {
                LOG.debug("converting parameter {} from {} to {}", name, existing.getDataType(), dtype);
                NDArray c = existing.toType(dtype, true);
                c.attach(existing.getManager());
                existing = params.put(name, c);
            }
            return existing;
        }
        if (params.frozen()) {
            params.recordMissing(name, shape);
            return null;
        }
        NDManager manager = shared.manager();
        if (manager == null) {
            throw new IllegalArgumentException("parameter '" + name + "' missing and no manager to create it");
        }
        NDArray a;
        switch (init) {
            case ZEROS:
                a = manager.zeros(shape, dtype);
                break;
            case ONES:
                a = manager.ones(shape, dtype);
                break;
            default:
                double[] v = new double[Math.toIntExact(shape.size())];
                Random r = new Random(mix(shared.seed(), name));
                for (int i = 0; i < v.length; i++) {
                    v[i] = std * r.nextGaussian();
                }
                a = manager.create(v, shape).toType(dtype, false);
        }
        return params.put(name, a);
    }

    /** A 64-bit stream seed from the block seed and a parameter name. */
    static long mix(long seed, String name) {
        long h = seed * 0x9E3779B97F4A7C15L;
        for (int i = 0; i < name.length(); i++) {
            h = (h ^ name.charAt(i)) * 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        return h ^ (h >>> 33);
    }

    /** Common builder settings: manager, shared parameters, prefix, dtype, seed, init σ. */
    @SuppressWarnings("unchecked")
    public abstract static class BaseBuilder<B extends BaseBuilder<B>> {
        NDManager manager;
        Parameters params;
        String prefix = "";
        DataType dtype = DataType.FLOAT32;
        long seed = 0L;
        double initStd = 0.02;
        boolean bias = true;

        /** The long-lived manager that owns new parameters (required unless every parameter is supplied). */
        public B setManager(NDManager manager) {
            this.manager = manager;
            return (B) this;
        }

        /** A shared parameter map (default: a new one). Existing entries with the block's names are adopted. */
        public B optParameters(Parameters params) {
            this.params = params;
            return (B) this;
        }

        /** Name prefix, e.g. {@code "encoder.layer.0."} (default ""). */
        public B optPrefix(String prefix) {
            this.prefix = prefix == null ? "" : prefix;
            return (B) this;
        }

        /** float32 (default) or float64. */
        public B optDataType(DataType dtype) {
            this.dtype = dtype;
            return (B) this;
        }

        /** Seed of the initialisation streams (default 0). */
        public B optSeed(long seed) {
            this.seed = seed;
            return (B) this;
        }

        /** σ of the normal initialisation (default 0.02). */
        public B optInitStd(double std) {
            this.initStd = std;
            return (B) this;
        }

        /**
         * With bias terms (default true): in the affine maps (Linear, Mlp, factored attention's value and output)
         * and in LayerNorm's β; blocks without biases (Embedding, RmsNorm) have none either way.
         */
        public B optBias(boolean bias) {
            this.bias = bias;
            return (B) this;
        }

        /** Copies manager, parameters, dtype, seed and σ from another builder (prefix not copied). */
        public B like(BaseBuilder<?> o) {
            return like(new Shared(o.manager, o.params, o.dtype, o.seed, o.initStd));
        }

        /** Copies manager, parameters, dtype, seed and σ from a built block (prefix not copied). */
        public B like(Block<?> o) {
            return like(o.shared);
        }

        private B like(Shared o) {
            this.manager = o.manager();
            this.params = o.params();
            this.dtype = o.dtype();
            this.seed = o.seed();
            this.initStd = o.initStd();
            return (B) this;
        }

        static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /** A builder of a block of width D. */
    @SuppressWarnings("unchecked")
    public abstract static class WidthBuilder<B extends WidthBuilder<B>> extends BaseBuilder<B> {
        long dim = -1;

        /** Width D (required). */
        public B setDim(long dim) {
            this.dim = dim;
            return (B) this;
        }
    }

    /** A builder of a normalisation over the last axis: width D and eps. */
    @SuppressWarnings("unchecked")
    public abstract static class NormBuilder<B extends NormBuilder<B>> extends WidthBuilder<B> {
        double eps;

        NormBuilder(double defaultEps) {
            this.eps = defaultEps;
        }

        /** eps added under the square root (default: the block's). */
        public B optEps(double eps) {
            this.eps = eps;
            return (B) this;
        }

        /** Checks D &gt; 0 and eps &ge; 0; {@code block} names the block in the message. */
        void requireDimAndEps(String block) {
            require(dim > 0, block + " needs a positive dim, got " + dim);
            require(eps >= 0, block + " eps must be >= 0, got " + eps);
        }
    }

    /** A builder of a feed-forward block: width D, hidden width F and the activation. */
    @SuppressWarnings("unchecked")
    public abstract static class MlpBuilder<B extends MlpBuilder<B>> extends WidthBuilder<B> {
        long hidden = -1;
        Functional.Activation act;

        MlpBuilder(Functional.Activation defaultActivation) {
            this.act = defaultActivation;
        }

        /** Hidden width F (required). */
        public B setHidden(long hidden) {
            this.hidden = hidden;
            return (B) this;
        }

        /** The activation (default: the block's). */
        public B optActivation(Functional.Activation act) {
            this.act = act;
            return (B) this;
        }

        /** Checks D &gt; 0 and F &gt; 0; {@code block} names the block in the message. */
        void requireDimAndHidden(String block) {
            require(dim > 0 && hidden > 0, block + " needs positive dim and hidden, got " + dim + ", " + hidden);
        }
    }

    /** A builder of an attention block: width D and H heads. */
    @SuppressWarnings("unchecked")
    public abstract static class HeadsBuilder<B extends HeadsBuilder<B>> extends WidthBuilder<B> {
        int heads = -1;

        /** Number of heads H (required). */
        public B setHeads(int heads) {
            this.heads = heads;
            return (B) this;
        }
    }

    /**
     * A builder of (a layer around) {@link MultiHeadAttention} in the Llama form: grouped-query heads, head width,
     * rotary embeddings and q/k/v biases.
     */
    @SuppressWarnings("unchecked")
    public abstract static class GqaBuilder<B extends GqaBuilder<B>> extends HeadsBuilder<B> {
        int kvHeads = -1;
        long headDim = -1;
        Rope rope;
        boolean qkvBias;

        GqaBuilder(boolean defaultQkvBias) {
            this.qkvBias = defaultQkvBias;
        }

        /** Key/value heads H_kv (grouped-query attention); H must be a multiple. Default H. */
        public B optKvHeads(int kvHeads) {
            this.kvHeads = kvHeads;
            return (B) this;
        }

        /** Head width dh (default D/H). */
        public B optHeadDim(long headDim) {
            this.headDim = headDim;
            return (B) this;
        }

        /** Rotary embeddings of Q and K (default: the block's). */
        public B optRope(Rope rope) {
            this.rope = rope;
            return (B) this;
        }

        /** Biases on the q, k and v projections (default: the block's). */
        public B optQkvBias(boolean qkvBias) {
            this.qkvBias = qkvBias;
            return (B) this;
        }
    }
}
