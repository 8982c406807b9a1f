package org.spinformer.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.model.ViT;
import org.spinformer.nqs.vqs.VariationalState;

import java.util.Locale;

/**
 * Times the per-sample Jacobian of the SR-step benchmark's ViT (6×6, 2 layers, D = 32, 4 heads, float64) on M
 * random configurations: the ViT's zero-leaf row gradients ({@link VariationalState#jacobian}) against weight
 * replication ({@link VariationalState#jacobianReplicated}), and their largest difference. A development tool.
 *
 * <pre>JacobianProfile [--samples 1024] [--repeats 3]</pre>
 */
public final class JacobianProfile {
    private JacobianProfile() {}

    public static void main(String[] args) {
        BenchArgs cli = BenchArgs.parse(args, "--samples", "--repeats");
        int samples = cli.integer("--samples", 1024);
        int repeats = cli.integer("--repeats", 3);
        try (NDManager m = BenchSupport.manager("cpu")) {
            m.getEngine().setRandomSeed(3);
            Lattice l = Lattice.square(SrStepBench.N_SIDE);
            ViT vit = new ViT(l, new ViT.Config(32, 2, 4, 2, 64), DataType.FLOAT64, m, 1);
            SrStepBench.perturb(vit, 0.05, 11);
            VariationalState vs = new VariationalState(vit, samples);
            NDArray sigma = m.randomUniform(0, 1, new Shape(samples, l.n())).gt(0.5).toType(DataType.FLOAT64, false)
                    .mul(2).sub(1);
            for (int r = 0; r < repeats; r++) {
                try (NDManager s = m.newSubManager()) {
                    NDArray sg = sigma.duplicate();
                    sg.attach(s);
                    long t0 = System.nanoTime();
                    NDArray[] fast = vs.jacobian(sg);
                    BenchSupport.sync(fast[0]);
                    long t1 = System.nanoTime();
                    NDArray[] ref = vs.jacobianReplicated(sg);
                    BenchSupport.sync(ref[0]);
                    long t2 = System.nanoTime();
                    double diff = Math.max(fast[0].sub(ref[0]).abs().max().getDouble(),
                            fast[1].sub(ref[1]).abs().max().getDouble());
                    System.out.printf(Locale.ROOT, "zero-leaf %.3f s  replication %.3f s  max diff %.1e%n",
                            (t1 - t0) / 1e9, (t2 - t1) / 1e9, diff);
                }
            }
        }
    }
}
