package org.spinformer.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.spinformer.core.engine.Torch;
import org.spinformer.core.nn.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gradient bookkeeping. DJL's {@code getGradient()} allocates a new handle each call, in the parameter's own
 * (long-lived) manager: {@link #collect} attaches every handle to the step manager so it is freed with the step.
 * The PyTorch engine accumulates gradients across backward passes: {@link #zero} resets them in place.
 */
public final class Gradients {
    private Gradients() {}

    /** name → gradient of every parameter that has one, attached to {@code step}. */
    public static Map<String, NDArray> collect(Parameters params, NDManager step) {
        LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params) {
            NDArray p = e.getValue();
            if (p.hasGradient()) {
                NDArray g = p.getGradient();
                g.attach(step);
                out.put(e.getKey(), g);
            }
        }
        return out;
    }

    /** Sets every parameter's accumulated gradient to zero in place (no allocation). */
    public static void zero(Parameters params) {
        for (Map.Entry<String, NDArray> e : params) {
            NDArray p = e.getValue();
            if (p.hasGradient()) {
                if (Torch.isTorch(p)) {
                    Torch.zeroGrad(p);
                } else {
                    throw new IllegalStateException("Gradients.zero needs the PyTorch engine, got "
                            + p.getClass().getName());
                }
            }
        }
    }
}
