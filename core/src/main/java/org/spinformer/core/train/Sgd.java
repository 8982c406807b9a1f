package org.spinformer.core.train;

import ai.djl.ndarray.NDArray;

/**
 * Stochastic gradient descent with momentum and (coupled, L2) weight decay, PyTorch {@code torch.optim.SGD}
 * semantics (Sutskever et al., ICML 2013). At update t with learning rate η:
 * <pre>
 *   g ← g + λθ
 *   b ← g                         (t = 1)
 *   b ← μb + (1 − τ)g             (t &gt; 1)      τ = dampening
 *   d ← g + μb (Nesterov) or b
 *   θ ← θ − ηd
 * </pre>
 * With μ = 0 it is plain SGD and keeps no state. State slot {@code sgd.momentum.<param>}.
 */
public final class Sgd extends Optimizer {
    /** The hyperparameters μ ∈ [0,1), τ, Nesterov (needs μ &gt; 0 and τ = 0; checked here). */
    record Config(double momentum, double dampening, boolean nesterov) {
        Config {
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must be in [0,1), got " + momentum);
            }
            if (nesterov && (momentum == 0 || dampening != 0)) {
                throw new IllegalArgumentException("Nesterov momentum needs momentum > 0 and dampening = 0");
            }
        }
    }

    private final Config config;

    private Sgd(Builder b, Config config) {
        super(b, "sgd");
        this.config = config;
        if (config.momentum() != 0) {
            for (String n : params.names()) {
                newSlot("momentum", n);
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected void update(String name, NDArray p, NDArray g, double lr, long t) {
        double momentum = config.momentum();
        NDArray d = decays(name) ? g.add(p.mul(weightDecay)) : g;
        if (momentum != 0) {
            NDArray buf = slot("momentum", name);
            if (t == 1) {
                buf.addi(d); // buffer starts at zero: b = g exactly
            } else {
                buf.muli(momentum).addi(config.dampening() == 0 ? d : d.mul(1.0 - config.dampening()));
            }
            d = config.nesterov() ? d.add(buf.mul(momentum)) : buf;
        }
        p.subi(d.mul(lr));
    }

    /** Builder: {@code setParameters}, {@code setLearningRate} required; momentum 0, dampening 0, λ 0. */
    public static final class Builder extends BaseBuilder<Builder> {
        double momentum;
        double dampening;
        boolean nesterov;

        public Builder optMomentum(double mu) {
            this.momentum = mu;
            return this;
        }

        public Builder optDampening(double tau) {
            this.dampening = tau;
            return this;
        }

        public Builder optNesterov(boolean n) {
            this.nesterov = n;
            return this;
        }

        public Sgd build() {
            return new Sgd(this, new Config(momentum, dampening, nesterov));
        }
    }
}
