package org.spinformer.language.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import org.spinformer.core.nn.Parameters;

import java.util.function.Supplier;

/** Backpropagated gradients against central finite differences, for the language models' float64 tests. */
final class FiniteDifferences {
    private FiniteDifferences() {}

    /** The worst relative error found, over how many entries of how many parameter tensors. */
    record Check(double worst, int entries, int tensors) {}

    /**
     * ∂loss/∂θ by autograd against (loss(θ + h) − loss(θ − h))/(2h) at the first, middle and last entry of every
     * tensor of {@code params} (float64 models; each entry restored after), error relative to max(1e-3, |fd|).
     */
    static Check check(Parameters params, Supplier<NDArray> loss, double h) {
        params.attachGradients();
        double[][] grads = new double[params.size()][];
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(loss.get());
        }
        int k = 0;
        for (var e : params) {
            grads[k++] = e.getValue().getGradient().toDoubleArray();
        }
        k = 0;
        double worst = 0;
        int checked = 0;
        for (var e : params) {
            NDArray p = e.getValue();
            for (int idx : new int[] {0, (int) p.size() / 2, (int) p.size() - 1}) {
                double[] v = p.toDoubleArray();
                double keep = v[idx];
                v[idx] = keep + h;
                p.set(v);
                double up = loss.get().getDouble();
                v[idx] = keep - h;
                p.set(v);
                double down = loss.get().getDouble();
                v[idx] = keep;
                p.set(v);
                double fd = (up - down) / (2 * h);
                worst = Math.max(worst, Math.abs(fd - grads[k][idx]) / Math.max(1e-3, Math.abs(fd)));
                checked++;
            }
            k++;
        }
        return new Check(worst, checked, k);
    }
}
