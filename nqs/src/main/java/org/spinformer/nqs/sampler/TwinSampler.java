package org.spinformer.nqs.sampler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.Map;

/**
 * Mixed-precision sampling: a {@code twin} of the model in another precision (float32) draws the samples with
 * {@code inner} (a sampler built for the twin's dtype); before every draw the twin's parameters are set from the
 * model's, and after it the samples come back in the model's dtype with the model's own log ψ (M more forwards),
 * so local energies, the Jacobian and the update are computed in the model's precision. Only the acceptance
 * ratios of the Markov chains (or the weights of direct draws) see float32 rounding; {@code
 * GradientConvergenceTest} checks the gradient still converges to the exact one.
 *
 * @param inner the sampler that draws for the twin
 * @param twin  the twin's state (its forward count is the sampler's compute)
 */
public record TwinSampler(Sampler inner, VariationalState twin) implements Sampler {
    @Override
    public Samples sample(VariationalState vs, NDManager step, long stepIndex) {
        VariationalState.copyParameters(vs, twin);
        Samples t = inner.sample(twin, step, stepIndex);
        DataType dt = vs.model().parameters().floatType();
        NDArray sigma = t.sigma().toType(dt, false);
        NDArray[] lp = vs.logPsi(sigma);
        return new Samples(sigma, t.weights().toType(dt, false), lp[0], lp[1], t.chains(), t.exact(), t.acceptance(),
                null, null);
    }

    @Override
    public Map<String, NDArray> state() {
        return inner.state();
    }

    @Override
    public void loadState(Map<String, NDArray> state) {
        inner.loadState(state);
    }

    @Override
    public String name() {
        return inner.name() + "/" + twin.model().parameters().floatType().toString().toLowerCase(java.util.Locale.ROOT);
    }
}
