package org.spinformer.core.nn;

import ai.djl.ndarray.NDArray;

import java.util.Map;

/**
 * Where a block's forward reads its parameters (by full name, e.g. {@code layers.0.attn.value.weight}), and in which
 * form. Every block's {@code forward(x, ...)} reads its own {@link Parameters} (which implement this interface); the
 * overloads {@code forward(x, ..., Weights)} read any source:
 * <ul>
 *   <li><b>shared</b> ({@link #perSample()} false): each parameter of shape s as it is, the same for every sample;</li>
 *   <li><b>per sample</b> (true): each parameter as [B]+s, one copy per row of the input's batch axis. One backward
 *       of Σ_b f(x_b; θ_b) then leaves in row b of each leaf the gradient of sample b alone (weight replication, the
 *       per-sample gradients of stochastic reconfiguration). Linear maps become batched products
 *       x [B,T,in]·W [B,out,in]ᵀ, LayerNorm gains and biases broadcast over T
 *       ({@link Functional#linearPerSample}, {@link Functional#layerNormPerSample});</li>
 *   <li><b>tapped</b> ({@link #taps()} true, shared parameters): every parameterised output y is handed to
 *       {@link #tap} together with the input it is a linear function of, and the block continues with what the tap
 *       returns (e.g. y + z with a zero leaf z). After one backward, ∂/∂z per row gives the per-sample parameter
 *       gradients without replicating any weight (linear: ∂W_b = Σ_t z̄_btᵀ x_bt, ∂b_b = Σ_t z̄_bt; LayerNorm:
 *       ∂γ_b = Σ_t z̄_bt ∘ n_bt, ∂β_b = Σ_t z̄_bt; factored-attention mixing o_h = α_h V_h: ∂α_bh = z̄_bh V_bhᵀ).</li>
 * </ul>
 */
public interface Weights {
    /** The kinds of parameterised outputs a block reports to {@link #tap}. */
    enum Tap {
        /**
         * Linear map y = x Wᵀ + b: the tap gets the prefix ({@code embed.}: parameters {@code embed.weight},
         * {@code embed.bias}), x [B,...,in] and y [B,...,out].
         */
        LINEAR,
        /**
         * LayerNorm y = n γ + β: the tap gets the prefix, the normalised input n = (x − μ)/√(σ² + eps) and y, both
         * [B,...,D].
         */
        LAYER_NORM,
        /**
         * Factored-attention mixing o_h = α_h V_h: the tap gets the full name of the α parameter (the tapper knows its
         * form), the values V [B,H,T,dh] and o = concat_h(o_h) [B,T,D].
         */
        MIXING
    }

    /** The parameter called {@code fullName}: shape s when shared, [B]+s when {@link #perSample()}. */
    NDArray get(String fullName);

    /** Whether every parameter carries a leading per-sample axis [B]. */
    boolean perSample();

    /** Whether {@link #tap} wants the parameterised outputs (blocks then use the composed forms the tap describes). */
    default boolean taps() {
        return false;
    }

    /**
     * Receives a parameterised output y with its input (see {@link Tap}); the block continues with the returned array.
     * Default: y itself.
     */
    default NDArray tap(Tap kind, String name, NDArray input, NDArray y) {
        return y;
    }

    /** What a tapping {@link Weights} does with each parameterised output: see {@link #tap}. */
    @FunctionalInterface
    interface Tapper {
        NDArray tap(Tap kind, String name, NDArray input, NDArray y);
    }

    /** Shared parameters from {@code source} whose parameterised outputs go through {@code tapper}. */
    static Weights tapped(java.util.function.Function<String, NDArray> source, Tapper tapper) {
        return new Weights() {
            @Override
            public NDArray get(String fullName) {
                return source.apply(fullName);
            }

            @Override
            public boolean perSample() {
                return false;
            }

            @Override
            public boolean taps() {
                return true;
            }

            @Override
            public NDArray tap(Tap kind, String name, NDArray input, NDArray y) {
                return tapper.tap(kind, name, input, y);
            }
        };
    }

    /** Shared arrays by full name (each of shape s). */
    static Weights shared(Map<String, NDArray> arrays) {
        return of(arrays, false);
    }

    /** Per-sample arrays by full name (each of shape [B]+s). */
    static Weights perSample(Map<String, NDArray> arrays) {
        return of(arrays, true);
    }

    /** Arrays by full name, shared or per sample. */
    static Weights of(Map<String, NDArray> arrays, boolean perSample) {
        return new Weights() {
            @Override
            public NDArray get(String fullName) {
                NDArray a = arrays.get(fullName);
                if (a == null) {
                    throw new IllegalArgumentException("missing parameter '" + fullName + "'");
                }
                return a;
            }

            @Override
            public boolean perSample() {
                return perSample;
            }
        };
    }
}
