package org.spinformer.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.nqs.optimizer.SpdSolver;
import org.spinformer.nqs.optimizer.StochasticReconfiguration;

import java.util.Locale;

/**
 * Profiles the SR solve of the SR-step benchmark's size (M = 1024 samples, P = 15 400 parameters, float64) phase by
 * phase on random inputs: assembly of X and ε, the gradient Xᵀε, the kernel X Xᵀ + λ, the SPD solve, and δ = Xᵀ y;
 * then the whole {@link StochasticReconfiguration#compute}. A development tool, not part of the table.
 *
 * <pre>SrSolveProfile [--samples 1024] [--params 15400] [--repeats 3]</pre>
 */
public final class SrSolveProfile {
    private SrSolveProfile() {}

    public static void main(String[] args) {
        BenchArgs cli = BenchArgs.parse(args, "--samples", "--params", "--repeats");
        int samples = cli.integer("--samples", 1024);
        int params = cli.integer("--params", 15400);
        int repeats = cli.integer("--repeats", 3);
        try (NDManager m = BenchSupport.manager("cpu")) {
            m.getEngine().setRandomSeed(1);
            NDArray ore = m.randomNormal(0, 1, new Shape(samples, params), DataType.FLOAT64).add(0.3);
            NDArray oim = m.randomNormal(0, 1, new Shape(samples, params), DataType.FLOAT64);
            NDArray ere = m.randomNormal(0, 1, new Shape(samples), DataType.FLOAT64).add(-20);
            NDArray eim = m.randomNormal(0f, 0.1f, new Shape(samples), DataType.FLOAT64);
            NDArray w = m.ones(new Shape(samples), DataType.FLOAT64).div(samples);
            for (int r = 0; r < repeats; r++) {
                try (NDManager s = m.newSubManager()) {
                    NDArray[] in = {ore.duplicate(), oim.duplicate(), ere.duplicate(), eim.duplicate(), w.duplicate()};
                    for (NDArray a : in) {
                        a.attach(s);
                    }
                    long t0 = System.nanoTime();
                    NDArray[] xe = StochasticReconfiguration.assemble(in[0], in[1], in[2], in[3], in[4]);
                    BenchSupport.sync(xe[0]);
                    long t1 = System.nanoTime();
                    NDArray grad = xe[0].transpose().matMul(xe[1]);
                    BenchSupport.sync(grad);
                    long t2 = System.nanoTime();
                    long rows = xe[0].getShape().get(0);
                    NDArray k = xe[0].matMul(xe[0].transpose())
                            .add(s.eye((int) rows, (int) rows, 0, DataType.FLOAT64).mul(1e-3));
                    BenchSupport.sync(k);
                    long t3 = System.nanoTime();
                    SpdSolver.Solution sol = SpdSolver.solve(k, xe[1], 1e-12);
                    BenchSupport.sync(sol.x());
                    long t4 = System.nanoTime();
                    NDArray delta = xe[0].transpose().matMul(sol.x());
                    BenchSupport.sync(delta);
                    long t5 = System.nanoTime();
                    StochasticReconfiguration.Update u = StochasticReconfiguration.compute(in[0], in[1], in[2], in[3],
                            in[4], 1e-3);
                    BenchSupport.sync(u.delta());
                    long t6 = System.nanoTime();
                    StringBuilder more = new StringBuilder("  solver again:");
                    for (int i = 0; i < 4; i++) {
                        long a0 = System.nanoTime();
                        BenchSupport.sync(SpdSolver.solve(k, xe[1], 1e-12).x());
                        more.append(String.format(Locale.ROOT, " %.3f", (System.nanoTime() - a0) / 1e9));
                    }
                    System.out.println(more);
                    double diff = u.delta().sub(delta).abs().max().getDouble() / delta.abs().max().getDouble();
                    System.out.printf(Locale.ROOT, "assemble %.3f  grad %.3f  kernel %.3f  solve %.3f (%s)  delta %.3f"
                            + "  | compute %.3f s (rel. diff %.1e)%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                            (t3 - t2) / 1e9, (t4 - t3) / 1e9, sol.method(), (t5 - t4) / 1e9, (t6 - t5) / 1e9, diff);
                }
            }
        }
    }
}
