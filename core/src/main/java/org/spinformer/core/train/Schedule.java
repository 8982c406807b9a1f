package org.spinformer.core.train;

/**
 * A learning-rate schedule: step → learning rate, with steps counted from 0 (the first optimizer update uses
 * {@code lr(0)}, as PyTorch's {@code LambdaLR}).
 *
 * <p>Warm-up (all warm-up schedules): {@code lr(s) = peak·(s+1)/W} for {@code s < W}, so the last warm-up step
 * reaches the peak and the first update is not wasted at zero.
 */
@FunctionalInterface
public interface Schedule {
    /** The learning rate for update number {@code step} (0-based). */
    double lr(long step);

    /** {@code lr(s) = lr}. */
    static Schedule constant(double lr) {
        checkFinite(lr, "lr");
        return s -> lr;
    }

    /**
     * Linear warm-up then cosine decay (Loshchilov &amp; Hutter, SGDR, ICLR 2017):
     * {@code lr(s) = min + ½(peak − min)(1 + cos(π·p))}, {@code p = min(1, (s − W)/(S − W))} for {@code s ≥ W},
     * where S = {@code totalSteps}; after S it stays at {@code min}.
     */
    static Schedule warmupCosine(double peak, long warmup, long totalSteps, double min) {
        checkFinite(peak, "peak");
        checkFinite(min, "min");
        if (warmup < 0 || totalSteps < warmup) {
            throw new IllegalArgumentException("need 0 <= warmup <= totalSteps, got warmup=" + warmup
                    + " totalSteps=" + totalSteps);
        }
        long span = Math.max(1, totalSteps - warmup);
        return s -> {
            if (s < warmup) {
                return peak * (s + 1) / warmup;
            }
            double p = Math.min(1.0, (double) (s - warmup) / span);
            return min + 0.5 * (peak - min) * (1.0 + Math.cos(Math.PI * p));
        };
    }

    /**
     * Linear warm-up then exponential decay: {@code lr(s) = max(min, peak·γ^(s − W))} for {@code s ≥ W}
     * ({@code 0 < γ ≤ 1} per step).
     */
    static Schedule warmupExponential(double peak, long warmup, double gamma, double min) {
        checkFinite(peak, "peak");
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("need 0 < gamma <= 1, got " + gamma);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("need warmup >= 0, got " + warmup);
        }
        return s -> {
            if (s < warmup) {
                return peak * (s + 1) / warmup;
            }
            return Math.max(min, peak * Math.pow(gamma, s - warmup));
        };
    }

    private static void checkFinite(double v, String name) {
        if (!Double.isFinite(v) || v < 0) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
        }
    }
}
