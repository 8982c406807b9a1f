package org.spinformer.core.train;

import ai.djl.ndarray.NDArray;
import org.spinformer.core.nn.Functional;

import java.util.HashMap;
import java.util.Map;

/**
 * AdamW: Adam with decoupled weight decay (Loshchilov &amp; Hutter, ICLR 2019; Kingma &amp; Ba, ICLR 2015), with
 * the exact update order of PyTorch's {@code torch.optim.AdamW}. At update t (1-based), learning rate η:
 * <pre>
 *   θ ← θ(1 − ηλ)
 *   m ← β₁m + (1 − β₁)g
 *   v ← β₂v + (1 − β₂)g²
 *   θ ← θ − (η/(1 − β₁ᵗ)) · m / (√v/√(1 − β₂ᵗ) + ε)
 * </pre>
 * State slots {@code adamw.m.<param>} and {@code adamw.v.<param>}, each shaped like its parameter.
 */
public final class AdamW extends Optimizer {
    /** The hyperparameters β₁, β₂ ∈ [0,1) and ε &gt; 0 (checked here). */
    record Config(double beta1, double beta2, double eps) {
        Config {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("betas must be in [0,1), got " + beta1 + ", " + beta2);
            }
            if (!(eps > 0)) {
                throw new IllegalArgumentException("eps must be > 0, got " + eps);
            }
        }
    }

    private final Config config;

    private AdamW(Builder b, Config config) {
        super(b, "adamw");
        this.config = config;
        for (String n : params.names()) {
            newSlot("m", n);
            newSlot("v", n);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected void update(String name, NDArray p, NDArray g, double lr, long t) {
        NDArray m = slot("m", name);
        NDArray v = slot("v", name);
        NDArray[] c = constants(p, lr, t);
        if (decays(name)) {
            p.muli(c[0]);
        }
        m.muli(c[1]).addi(g.mul(c[2]));
        v.muli(c[3]).addi(g.square().muli(c[4]));
        NDArray denom = v.sqrt().divi(c[5]).addi(c[6]);
        p.subi(m.div(denom).muli(c[7]));
    }

    private long constantsStep = -1;
    private double constantsLr = Double.NaN;
    private final Map<String, NDArray[]> constants = new HashMap<>();

    /**
     * This update's scalars as 0-d tensors of p's dtype and device, made once per step (they are freed with the
     * step's scope): 1 − ηλ, β₁, 1 − β₁, β₂, 1 − β₂, √(1 − β₂ᵗ), ε, η/(1 − β₁ᵗ). The same values as passing the
     * numbers (an op with a Java number makes, converts and frees a scalar tensor each time: ~560 extra native
     * calls per step of a 70-parameter model).
     */
    private NDArray[] constants(NDArray p, double lr, long t) {
        NDArray[] cached = constants.get(p.getDataType() + "@" + p.getDevice());
        if (t != constantsStep || Double.compare(lr, constantsLr) != 0 || cached != null && cached[0].isReleased()) {
            constants.clear();
            constantsStep = t;
            constantsLr = lr;
        }
        return constants.computeIfAbsent(p.getDataType() + "@" + p.getDevice(), k -> {
            double beta1 = config.beta1();
            double beta2 = config.beta2();
            double bc1 = 1.0 - Math.pow(beta1, t);
            double bc2 = 1.0 - Math.pow(beta2, t);
            double[] v = {1.0 - lr * weightDecay, beta1, 1.0 - beta1, beta2, 1.0 - beta2, Math.sqrt(bc2), config.eps(),
                lr / bc1};
            NDArray[] a = new NDArray[v.length];
            for (int i = 0; i < v.length; i++) {
                a[i] = Functional.constant(p, v[i]);
            }
            return a;
        });
    }

    /** Builder: {@code setParameters}, {@code setLearningRate} required; betas (0.9, 0.999), eps 1e-8, λ 0.01. */
    public static final class Builder extends BaseBuilder<Builder> {
        double beta1 = 0.9;
        double beta2 = 0.999;
        double eps = 1e-8;

        Builder() {
            optWeightDecay(0.01);
        }

        public Builder optBetas(double b1, double b2) {
            this.beta1 = b1;
            this.beta2 = b2;
            return this;
        }

        public Builder optEps(double e) {
            this.eps = e;
            return this;
        }

        public AdamW build() {
            return new AdamW(this, new Config(beta1, beta2, eps));
        }
    }
}
