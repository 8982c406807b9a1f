package org.spinformer.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.model.ViT;
import org.spinformer.nqs.operator.Heisenberg;
import org.spinformer.nqs.optimizer.StochasticReconfiguration;
import org.spinformer.nqs.sampler.MetropolisExchange;
import org.spinformer.nqs.sampler.Samples;
import org.spinformer.nqs.vqs.LocalEnergy;
import org.spinformer.nqs.vqs.VariationalState;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Times one SR step of the benchmark setting: 6×6 J1-J2 (J2 = 0.5), M = 1024 Metropolis samples, ViT with
 * 2 layers, D = 32, 4 heads, patch 2, float64. Reports the breakdown (sampling, local energy, Jacobian, SR solve),
 * the solve's FLOP rate and its share of the measured float64 matmul ceiling (2048² matmul through DJL).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar:... org.spinformer.benchmarks.SrStepBench [cpu|gpu] [steps] [chains]</pre>
 * Writes {@code benchmarks/results/sr-step-<device>.json}.
 */
public final class SrStepBench {
    private SrStepBench() {}

    public static void main(String[] args) throws Exception {
        String device = args.length > 0 ? args[0] : "cpu";
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int chains = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int samples = 1024;
        try (NDManager m = BenchSupport.manager(device)) {
            double ceiling = ceiling(m);
            Lattice l = Lattice.square(6);
            Heisenberg h = new Heisenberg(l, 0.5);
            ViT vit = new ViT(l, new ViT.Config(32, 2, 4, 2, 64), DataType.FLOAT64, m, 1);
            VariationalState vs = new VariationalState(vit, 1024);
            MetropolisExchange sampler = new MetropolisExchange(h, samples, chains, 10, 2, 1, DataType.FLOAT64, m);
            double[] t = new double[4];
            long p = vit.parameters().numel();
            for (int s = -1; s < steps; s++) { // s = -1: warm-up and thermalisation, not timed
                try (NDManager sm = m.newSubManager()) {
                    long t0 = System.nanoTime();
                    Samples smp = sampler.sample(vs, sm, s + 1);
                    BenchSupport.sync(smp.sigma());
                    long t1 = System.nanoTime();
                    NDArray[] e = LocalEnergy.compute(h, vs, smp.sigma(), smp.logRe(), smp.logIm());
                    BenchSupport.sync(e[0]);
                    long t2 = System.nanoTime();
                    NDArray[] jac = vs.jacobian(smp.sigma());
                    BenchSupport.sync(jac[0]);
                    long t3 = System.nanoTime();
                    StochasticReconfiguration.Update u = StochasticReconfiguration.compute(jac[0], jac[1], e[0], e[1],
                            smp.weights(), 1e-3);
                    BenchSupport.sync(u.delta());
                    long t4 = System.nanoTime();
                    if (s >= 0) {
                        t[0] += (t1 - t0) / 1e9 / steps;
                        t[1] += (t2 - t1) / 1e9 / steps;
                        t[2] += (t3 - t2) / 1e9 / steps;
                        t[3] += (t4 - t3) / 1e9 / steps;
                    }
                }
            }
            long rows = 2L * samples;
            double solveFlops = 2.0 * rows * rows * p + rows * (double) rows * rows / 3 + 4.0 * rows * p;
            double solveRate = solveFlops / t[3];
            JsonObject o = new JsonObject();
            o.addProperty("setting", "6x6 J2=0.5, M=1024, ViT(2 layers, D=32, H=4, b=2), float64");
            o.addProperty("device", device);
            o.addProperty("parameters", p);
            o.addProperty("chains", chains);
            o.addProperty("forward_flops_per_sample", vit.forwardFlops());
            o.addProperty("sampling_s", t[0]);
            o.addProperty("local_energy_s", t[1]);
            o.addProperty("jacobian_s", t[2]);
            o.addProperty("solve_s", t[3]);
            o.addProperty("step_s", t[0] + t[1] + t[2] + t[3]);
            o.addProperty("solve_gflops", solveRate / 1e9);
            o.addProperty("float64_matmul_ceiling_gflops", ceiling / 1e9);
            o.addProperty("solve_share_of_ceiling", solveRate / ceiling);
            String json = new GsonBuilder().setPrettyPrinting().create().toJson(o);
            System.out.println(json);
            Path out = Path.of("benchmarks/results/sr-step-" + device.replace(':', '-') + ".json");
            Files.createDirectories(out.getParent());
            AtomicFiles.write(out, json.getBytes(StandardCharsets.UTF_8));
            System.out.printf(Locale.ROOT, "SR step %.2f s: sampling %.2f, local energy %.2f, Jacobian %.2f, solve %.2f "
                    + "(%.1f GFLOP/s = %.0f%% of the %.1f GFLOP/s float64 matmul ceiling)%n", t[0] + t[1] + t[2] + t[3],
                    t[0], t[1], t[2], t[3], solveRate / 1e9, 100 * solveRate / ceiling, ceiling / 1e9);
        }
    }

    /** Best of 5 timed 2048×2048 float64 matmuls (after a warm-up). */
    static double ceiling(NDManager m) {
        int n = 2048;
        double best = 0;
        try (NDManager s = m.newSubManager()) {
            NDArray a = s.randomUniform(-1, 1, new Shape(n, n)).toType(DataType.FLOAT64, false);
            NDArray b = s.randomUniform(-1, 1, new Shape(n, n)).toType(DataType.FLOAT64, false);
            BenchSupport.sync(a.matMul(b));
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                NDArray c = a.matMul(b);
                BenchSupport.sync(c);
                double secs = (System.nanoTime() - t0) / 1e9;
                best = Math.max(best, 2.0 * n * n * n / secs);
                c.close();
            }
        }
        return best;
    }
}
