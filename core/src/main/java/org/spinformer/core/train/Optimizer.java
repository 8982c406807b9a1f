package org.spinformer.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.spinformer.core.engine.NoGrad;
import org.spinformer.core.io.Checkpoint;
import org.spinformer.core.nn.Parameters;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A first-order optimizer over a {@link Parameters} set. Updates are in-place NDArray operations on the
 * parameters and on the optimizer state (no per-element Java), run with autograd off, and every temporary they
 * allocate is closed before {@link #step} returns.
 *
 * <p>State: one map name → array (names {@code <prefix>.<slot>.<param>}, e.g. {@code adamw.m.encoder.w}) plus
 * the number of updates done, so a checkpoint can save it and {@link #loadState} restore it exactly. The state
 * arrays live in a sub-manager of the first parameter's manager, owned by this optimizer ({@link #close}).
 */
public abstract class Optimizer implements AutoCloseable {
    protected final Parameters params;
    protected final Schedule schedule;
    protected final double weightDecay;
    protected final Predicate<String> decayFilter;
    protected final NDManager stateManager;
    private final String prefix;
    private final LinkedHashMap<String, NDArray> state = new LinkedHashMap<>();
    private long step;
    private double lastLr = Double.NaN;

    /** {@code prefix}: the short lower-case name that leads the state keys ({@code adamw}, {@code sgd}). */
    protected Optimizer(BaseBuilder<?> b, String prefix) {
        if (b.params == null || b.params.size() == 0) {
            throw new IllegalArgumentException("optimizer needs a non-empty Parameters (setParameters)");
        }
        if (b.schedule == null) {
            throw new IllegalArgumentException("optimizer needs a learning rate (setLearningRate)");
        }
        if (!(b.weightDecay >= 0) || !Double.isFinite(b.weightDecay)) {
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + b.weightDecay);
        }
        this.params = b.params;
        this.schedule = b.schedule;
        this.weightDecay = b.weightDecay;
        this.decayFilter = b.decayFilter;
        this.prefix = prefix;
        this.stateManager = params.asMap().values().iterator().next().getManager().newSubManager();
    }

    /** Allocates a zero state slot shaped like parameter {@code name}, named {@code <prefix>.<slot>.<name>}. */
    protected final NDArray newSlot(String slot, String name) {
        NDArray p = params.get(name);
        NDArray z = stateManager.zeros(p.getShape(), p.getDataType());
        NDScope.unregister(z);
        state.put(prefix() + "." + slot + "." + name, z);
        return z;
    }

    /** The state slot {@code <prefix>.<slot>.<name>}. */
    protected final NDArray slot(String slot, String name) {
        return state.get(prefix() + "." + slot + "." + name);
    }

    /** Short lower-case name used as the state-key prefix ({@code adamw}, {@code sgd}). */
    public final String prefix() {
        return prefix;
    }

    /**
     * One update with learning rate {@code schedule.lr(stepCount())}. {@code grads} maps parameter names to
     * gradients (e.g. {@link Gradients#collect}); parameters without an entry are left unchanged.
     * Returns the learning rate used.
     */
    public final double step(Map<String, NDArray> grads) {
        double lr = schedule.lr(step);
        try (NoGrad noGrad = NoGrad.enter(); NDScope scope = new NDScope()) {
            long t = step + 1;
            for (Map.Entry<String, NDArray> e : params) {
                NDArray g = grads.get(e.getKey());
                if (g != null) {
                    update(e.getKey(), e.getValue(), g, lr, t);
                }
            }
            scope.suppressNotUsedWarning();
        }
        step++;
        lastLr = lr;
        return lr;
    }

    /** Updates one parameter in place. {@code t} is the 1-based update count (for bias corrections). */
    protected abstract void update(String name, NDArray p, NDArray g, double lr, long t);

    /** Whether weight decay applies to parameter {@code name}. */
    protected final boolean decays(String name) {
        return weightDecay != 0 && decayFilter.test(name);
    }

    /** Number of updates done so far. */
    public final long stepCount() {
        return step;
    }

    /** Learning rate of the last update (NaN before the first). */
    public final double lastLearningRate() {
        return lastLr;
    }

    public final Schedule schedule() {
        return schedule;
    }

    /** Read-only view of the state arrays (live: they change with every step). */
    public final Map<String, NDArray> state() {
        return Collections.unmodifiableMap(state);
    }

    /**
     * Restores the state saved from {@link #state()} and {@link #stepCount()}: copies each array into this
     * optimizer's slot (names, shapes and dtypes must match exactly; every slot must be given).
     */
    public final void loadState(Map<String, NDArray> saved, long stepCount) {
        if (stepCount < 0) {
            throw new IllegalArgumentException("step count must be >= 0, got " + stepCount);
        }
        for (Map.Entry<String, NDArray> e : state.entrySet()) {
            NDArray src = saved.get(e.getKey());
            if (src == null) {
                throw new IllegalArgumentException("optimizer state '" + e.getKey() + "' missing");
            }
            NDArray dst = e.getValue();
            if (!src.getShape().equals(dst.getShape()) || src.getDataType() != dst.getDataType()) {
                throw new IllegalArgumentException("optimizer state '" + e.getKey() + "': expected "
                        + dst.getDataType() + dst.getShape() + ", got " + src.getDataType() + src.getShape());
            }
        }
        for (String k : saved.keySet()) {
            if (!state.containsKey(k)) {
                throw new IllegalArgumentException("unknown optimizer state '" + k + "' for " + prefix());
            }
        }
        for (Map.Entry<String, NDArray> e : state.entrySet()) {
            Checkpoint.copyInto(saved.get(e.getKey()), e.getValue());
        }
        this.step = stepCount;
    }

    @Override
    public void close() {
        stateManager.close();
    }

    /** Common builder options. */
    @SuppressWarnings("unchecked")
    public abstract static class BaseBuilder<B extends BaseBuilder<B>> {
        Parameters params;
        Schedule schedule;
        double weightDecay;
        Predicate<String> decayFilter = n -> true;

        /** Required: the parameters to update. */
        public B setParameters(Parameters p) {
            this.params = p;
            return (B) this;
        }

        /** Required: a learning-rate schedule. */
        public B setLearningRate(Schedule s) {
            this.schedule = s;
            return (B) this;
        }

        /** Required: a constant learning rate. */
        public B setLearningRate(double lr) {
            this.schedule = Schedule.constant(lr);
            return (B) this;
        }

        /** Optional weight decay λ (default 0). */
        public B optWeightDecay(double wd) {
            this.weightDecay = wd;
            return (B) this;
        }

        /** Optional: which parameters decay (default all); e.g. {@code n -> !n.endsWith(".bias")}. */
        public B optDecayFilter(Predicate<String> filter) {
            this.decayFilter = filter;
            return (B) this;
        }
    }
}
