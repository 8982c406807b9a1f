package org.spinformer.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;


/**
 * The machine's ceiling through DJL: an n×n by n×n matmul (2n³ FLOPs) in float32 and float64, and a large
 * copy (1 GiB, in place) for memory bandwidth. GFLOP/s = 2n³ / (time per op). Every other benchmark reports its share of this.
 */
@Warmup(iterations = 3, time = 1)
public class MatmulCeilingBench extends JmhDefaults {
    @Param({"float32", "float64"})
    public String dtype;

    @Param({"2048"})
    public int n;

    @Param({"cpu"})
    public String device;

    private NDManager manager;
    private NDArray a;
    private NDArray b;
    private NDArray big;

    @Setup(Level.Trial)
    public void setup() {
        manager = BenchSupport.manager(device);
        DataType dt = BenchSupport.dtype(dtype);
        manager.getEngine().setRandomSeed(1);
        a = manager.randomNormal(new Shape(n, n)).toType(dt, false);
        b = manager.randomNormal(new Shape(n, n)).toType(dt, false);
        big = manager.ones(new Shape(256L << 20)); // 256 Mi float32 = 1 GiB, far above any L3 (DRAM bandwidth)
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    /** n×n matmul: 2n³ FLOPs. */
    @Benchmark
    public float matmul() {
        try (NDManager step = manager.newSubManager()) {
            NDArray c = a.matMul(b);
            c.attach(step);
            return BenchSupport.sync(c);
        }
    }

    /**
     * Streams 1 GiB (float32, so the same for both dtype params) through one in-place elementwise op (negation):
     * bandwidth = 2 × 1 GiB / time (read + write). 1 GiB is far larger than the L3 cache (at most a few hundred MiB
     * on current server CPUs), so this is DRAM bandwidth. In place, so no fresh allocation (whose first-touch page
     * faults would dominate: 0.1-0.2 GB/s on the build VM) and no host round trip.
     */
    @Benchmark
    public float copy1GiB() {
        try (NDScope scope = new NDScope()) { // closes the small arrays sync() creates
            scope.suppressNotUsedWarning();
            return BenchSupport.sync(big.negi());
        }
    }
}
