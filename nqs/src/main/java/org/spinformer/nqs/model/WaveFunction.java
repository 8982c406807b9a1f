package org.spinformer.nqs.model;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.spinformer.core.nn.Parameters;

import java.util.List;
import java.util.Map;

/**
 * A variational wave function ψ_θ(σ) over spin configurations σ ∈ {±1}^N (NetKet's "model"). The complex
 * log-amplitude is returned as a (real, imaginary) pair of real tensors; all parameters are real.
 *
 * <p>Every parameter may be passed either shared (its own shape s) or per sample (shape [B]+s, one copy per
 * configuration): the second form is how per-sample gradients are taken (replicate each weight per sample as a
 * leaf, one backward of the sum gives every sample's gradient; see {@code VariationalState#jacobian}).
 */
public interface WaveFunction {
    /** The parameters θ (shared leaves, in a fixed order: the order of the flattened Jacobian columns). */
    Parameters parameters();

    /**
     * log ψ(σ) for spins σ [B,N] (values ±1, the model dtype).
     *
     * @param params parameter arrays by name: shape s when {@code perSample} is false, [B]+s when true
     * @return {re [B], im [B]}, owned by σ's manager
     */
    NDArray[] logPsi(NDArray sigma, Map<String, NDArray> params, boolean perSample);

    /** log ψ with the model's own (shared) parameters. */
    default NDArray[] logPsi(NDArray sigma) {
        return logPsi(sigma, parameters().asMap(), false);
    }

    /**
     * Per-row gradients of a split target, if the model has a faster way than weight replication: for σ [R,N], row r
     * of the result [R,P] is ∂ re log ψ(σ_r)/∂θ for r &lt; {@code split} and ∂ im log ψ(σ_r)/∂θ for r ≥ split, columns
     * in {@link #parameters()} order, each parameter flattened row-major; owned by σ's manager. Null (the default):
     * {@code VariationalState} replicates the weights per sample instead.
     */
    default NDArray rowGradients(NDArray sigma, long split) {
        return null;
    }

    /** Forward floating-point operations per configuration, counted analytically (multiply-add = 2). */
    long forwardFlops();

    /** Site permutations g with ψ(σ∘g) = ψ(σ) for all θ (used to reduce exact enumeration to orbits). */
    List<int[]> symmetries();

    /** The hyper-parameters as JSON (recorded in config.json). */
    JsonObject config();

    /**
     * The config of a model built from scratch: {@code "model"}, then what {@code settings} adds (its
     * hyper-parameters), then {@code "dtype"} and {@code "parameters"} (the count).
     */
    static JsonObject config(String model, ai.djl.ndarray.types.DataType dtype, Parameters params,
                             java.util.function.Consumer<JsonObject> settings) {
        JsonObject o = new JsonObject();
        o.addProperty("model", model);
        settings.accept(o);
        o.addProperty("dtype", dtype.toString());
        o.addProperty("parameters", params.numel());
        return o;
    }
}
