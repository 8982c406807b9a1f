package org.spinformer.core.train;

import ai.djl.ndarray.NDArray;

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
    private final double beta1;
    private final double beta2;
    private final double eps;

    private AdamW(Builder b) {
        super(b);
        if (!(b.beta1 >= 0 && b.beta1 < 1) || !(b.beta2 >= 0 && b.beta2 < 1)) {
            throw new IllegalArgumentException("betas must be in [0,1), got " + b.beta1 + ", " + b.beta2);
        }
        if (!(b.eps > 0)) {
            throw new IllegalArgumentException("eps must be > 0, got " + b.eps);
        }
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.eps = b.eps;
        for (String n : params.names()) {
            newSlot("m", n);
            newSlot("v", n);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String prefix() {
        return "adamw";
    }

    @Override
    protected void update(String name, NDArray p, NDArray g, double lr, long t) {
        NDArray m = slot("m", name);
        NDArray v = slot("v", name);
        if (decays(name)) {
            p.muli(1.0 - lr * weightDecay);
        }
        m.muli(beta1).addi(g.mul(1.0 - beta1));
        v.muli(beta2).addi(g.square().muli(1.0 - beta2));
        double bc1 = 1.0 - Math.pow(beta1, t);
        double bc2 = 1.0 - Math.pow(beta2, t);
        NDArray denom = v.sqrt().divi(Math.sqrt(bc2)).addi(eps);
        p.subi(m.div(denom).muli(lr / bc1));
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
            return new AdamW(this);
        }
    }
}
