package org.spinformer.nqs.vqs;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.spinformer.core.engine.Scopes;
import org.spinformer.core.nn.Parameters;
import org.spinformer.nqs.model.WaveFunction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A wave function with its parameters (NetKet's "variational state"): chunked log ψ and per-sample gradients
 * O_k(σ) = ∂ log ψ(σ)/∂θ_k.
 *
 * <p><b>Per-sample gradients</b>: the model's own {@link WaveFunction#rowGradients} when it has one (the ViT), else
 * <b>weight replication</b> (DESIGN.md): for a chunk of B samples every parameter θ
 * of shape s is copied to a leaf of shape [2B]+s, the forward runs on [σ; σ] with per-sample weights, and one
 * backward of Σ_{b&lt;B} re log ψ_b + Σ_{b≥B} im log ψ_b leaves in row b the gradient of sample b's real part and
 * in row B+b that of its imaginary part. Memory per chunk: 2B·P numbers plus activations; {@code chunk} bounds
 * B.
 */
public final class VariationalState {
    private final WaveFunction model;
    private int chunk;
    private long forwardRows;
    private long jacobianRows;

    public VariationalState(WaveFunction model, int chunk) {
        if (chunk <= 0) {
            throw new IllegalArgumentException("chunk must be positive, got " + chunk);
        }
        this.model = model;
        this.chunk = chunk;
    }

    public WaveFunction model() {
        return model;
    }

    public int chunk() {
        return chunk;
    }

    /**
     * Configurations evaluated by {@link #logPsi} since this state was made (each row one forward of the model): a
     * count of compute independent of any FLOP formula.
     */
    public long forwardRows() {
        return forwardRows;
    }

    /** Configurations whose per-sample gradients {@link #jacobian} computed since this state was made. */
    public long jacobianRows() {
        return jacobianRows;
    }

    public long numParameters() {
        return model.parameters().numel();
    }

    /**
     * log ψ for σ [M,N] in chunks of {@code 2·chunk} rows (no gradients): {re [M], im [M]} owned by σ's manager.
     * Chunks of about a thousand rows keep the activations in cache: on the 2-core CPU a forward of 32 768 rows cost
     * ~10× more per row than one of 1 024 (6×6, D = 16).
     */
    public NDArray[] logPsi(NDArray sigma) {
        long m = sigma.getShape().get(0);
        forwardRows += m;
        long c = Math.max(1, 2L * chunk);
        if (m <= c) {
            return logPsiScoped(sigma);
        }
        NDList re = new NDList();
        NDList im = new NDList();
        for (long s = 0; s < m; s += c) {
            NDArray[] lp = logPsiScoped(sigma.get(s + ":" + Math.min(m, s + c)));
            re.add(lp[0]);
            im.add(lp[1]);
        }
        return new NDArray[] {NDArrays.concat(re), NDArrays.concat(im)};
    }

    /**
     * One forward whose intermediates are freed when it returns (only log ψ is kept). DJL otherwise keeps every
     * intermediate until σ's manager closes: a local-energy step of ~76 000 configurations then held ~5 GB of
     * activations, all in fresh memory (slow first-touch page faults); freed per chunk, the next chunk reuses the same
     * touched memory.
     */
    private NDArray[] logPsiScoped(NDArray sigma) {
        return Scopes.keepAll(() -> model.logPsi(sigma));
    }

    /**
     * Sets {@code twin}'s parameters (a copy of {@code from}'s model in another precision: the same names and
     * shapes) to {@code from}'s, cast to the twin's dtype, in place.
     */
    public static void copyParameters(VariationalState from, VariationalState twin) {
        Parameters src = from.model().parameters();
        if (!twin.model().parameters().names().equals(src.names())) {
            throw new IllegalArgumentException("the twin must have the model's parameters");
        }
        for (Map.Entry<String, NDArray> e : twin.model().parameters()) {
            NDArray target = e.getValue();
            NDArray source = src.get(e.getKey());
            // the cast lives on the parameters' long-lived manager: closed at once, or every call would leak it
            NDArray cast = source.toType(target.getDataType(), false);
            target.set(new NDIndex(":"), cast);
            if (cast != source) {
                cast.close();
            }
        }
    }

    /**
     * Per-sample gradients of log ψ: {Re O [M,P], Im O [M,P]}, columns in {@link WaveFunction#parameters()} order,
     * each parameter flattened row-major. Owned by σ's manager. Uses the model's {@link WaveFunction#rowGradients}
     * when it has one (the ViT: shared weights and zero leaves on the outputs), weight replication otherwise.
     */
    public NDArray[] jacobian(NDArray sigma) {
        return jacobian(sigma, false);
    }

    /** {@link #jacobian} by weight replication for every model (the reference path; slower). */
    public NDArray[] jacobianReplicated(NDArray sigma) {
        return jacobian(sigma, true);
    }

    private NDArray[] jacobian(NDArray sigma, boolean replicate) {
        long m = sigma.getShape().get(0);
        jacobianRows += m;
        NDList re = new NDList();
        NDList im = new NDList();
        for (long s = 0; s < m; s += chunk) {
            long e = Math.min(m, s + chunk);
            NDArray part = sigma.get(s + ":" + e);
            long b = e - s;
            NDArray twice = NDArrays.concat(new NDList(part, part));
            // forward and backward intermediates are freed per chunk; only the [2B,P] rows are kept
            NDArray all = Scopes.keep(() -> {
                NDArray fast = replicate ? null : model.rowGradients(twice, b);
                return fast != null ? fast : replicated(twice, b);
            });
            re.add(all.get("0:" + b));
            im.add(all.get(b + ":"));
        }
        return re.size() == 1 ? new NDArray[] {re.get(0), im.get(0)}
                : new NDArray[] {NDArrays.concat(re), NDArrays.concat(im)};
    }

    /** Row gradients [2B,P] of Σ_{r&lt;B} re log ψ_r + Σ_{r≥B} im log ψ_r by weight replication; twice = [σ;σ]. */
    private NDArray replicated(NDArray twice, long b) {
        NDManager mgr = twice.getManager();
        Map<String, NDArray> reps = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : model.parameters()) {
            NDArray p = e.getValue();
            Shape target = new Shape(2 * b).addAll(p.getShape());
            NDArray r = mgr.zeros(target, p.getDataType()).add(p.expandDims(0));
            r.setRequiresGradient(true);
            reps.put(e.getKey(), r);
            names.add(e.getKey());
        }
        NDList grads = new NDList();
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray[] lp = model.logPsi(twice, reps, true);
            NDArray target = lp[0].get("0:" + b).sum().add(lp[1].get(b + ":").sum());
            gc.backward(target);
        }
        for (String n : names) {
            NDArray g = reps.get(n).getGradient();
            g.attach(mgr);
            grads.add(g.reshape(2 * b, -1));
        }
        return NDArrays.concat(grads, 1); // [2B,P]
    }
}
