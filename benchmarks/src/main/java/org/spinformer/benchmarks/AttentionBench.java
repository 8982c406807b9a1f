package org.spinformer.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.spinformer.core.nn.Attention;
import org.spinformer.core.nn.FactoredAttention;


/**
 * Attention forward and forward+backward through core's static functions: multi-head scaled dot-product
 * self-attention (B×T×D, H heads, padding mask) and factored attention (α[H,T,T] free form). The report
 * converts time to GFLOP/s with the analytic count in {@link Work} (backward counted as 2× forward) and
 * divides by the float32 matmul ceiling measured in the same run.
 */
@Warmup(iterations = 3, time = 1)
public class AttentionBench extends JmhDefaults {
    @Param({"8"})
    public int batch;

    @Param({"128"})
    public int tokens;

    @Param({"256"})
    public int width;

    @Param({"8"})
    public int heads;

    @Param({"float32"})
    public String dtype;

    @Param({"cpu"})
    public String device;

    private NDManager manager;
    private NDArray x;
    private NDArray pad;
    private NDArray wq;
    private NDArray wk;
    private NDArray wv;
    private NDArray wo;
    private NDArray bq;
    private NDArray bk;
    private NDArray bv;
    private NDArray bo;
    private NDArray alpha;
    private NDArray[] params;

    @Setup(Level.Trial)
    public void setup() {
        manager = BenchSupport.manager(device);
        manager.getEngine().setRandomSeed(7);
        DataType dt = BenchSupport.dtype(dtype);
        double s = 1.0 / Math.sqrt(width);
        x = manager.randomNormal(new Shape(batch, tokens, width)).toType(dt, false);
        pad = manager.ones(new Shape(batch, tokens), DataType.BOOLEAN);
        wq = manager.randomNormal(0, (float) s, new Shape(width, width), dt);
        wk = manager.randomNormal(0, (float) s, new Shape(width, width), dt);
        wv = manager.randomNormal(0, (float) s, new Shape(width, width), dt);
        wo = manager.randomNormal(0, (float) s, new Shape(width, width), dt);
        bq = manager.zeros(new Shape(width), dt);
        bk = manager.zeros(new Shape(width), dt);
        bv = manager.zeros(new Shape(width), dt);
        bo = manager.zeros(new Shape(width), dt);
        alpha = manager.randomNormal(0, (float) (1.0 / tokens), new Shape(heads, tokens, tokens), dt);
        params = new NDArray[] {wq, wk, wv, wo, bq, bk, bv, bo, alpha};
        for (NDArray p : params) {
            p.setRequiresGradient(true);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    private NDArray mha() {
        return Attention.selfAttention(x, wq, bq, wk, bk, wv, bv, wo, bo, heads, heads, null, pad, false);
    }

    private NDArray factored() {
        return FactoredAttention.apply(x, alpha, wv, bv, wo, bo);
    }

    // Intermediates belong to the long-lived manager of the inputs; an NDScope closes them after each op.

    @Benchmark
    public float mhaForward() {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return BenchSupport.sync(mha());
        }
    }

    @Benchmark
    public float mhaForwardBackward() {
        return backward(true);
    }

    @Benchmark
    public float factoredForward() {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return BenchSupport.sync(factored());
        }
    }

    @Benchmark
    public float factoredForwardBackward() {
        return backward(false);
    }

    private float backward(boolean mha) {
        try (NDScope scope = new NDScope();
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            scope.suppressNotUsedWarning();
            NDArray y = mha ? mha() : factored();
            gc.backward(y.square().mean());
            return BenchSupport.sync(wv.getGradient());
        }
    }
}
