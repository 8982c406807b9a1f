package org.spinformer.benchmarks;

import ai.djl.ndarray.NDManager;
import org.spinformer.core.train.Optimizer;
import org.spinformer.language.model.BertMlm;
import org.spinformer.language.train.MaskedBatch;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@link BertMlmBench}'s training step (language BertMlm, B = 64 × T = 24, AdamW) in a plain loop: wall time and the
 * calling thread's CPU time per step (median, minimum), and optionally libtorch's profiler trace of 5 more steps.
 * A development tool.
 *
 * <pre>BertMlmProfile [--repeats 40] [--trace trace.json]</pre>
 */
public final class BertMlmProfile {
    private BertMlmProfile() {}

    public static void main(String[] args) {
        BenchArgs cli = BenchArgs.parse(args, "--repeats", "--trace");
        int repeats = cli.integer("--repeats", 40);
        String trace = cli.string("--trace", null);
        ThreadMXBean tb = ManagementFactory.getThreadMXBean();
        try (NDManager m = BenchSupport.manager("cpu")) {
            BertMlm model = BertMlmBench.model(m);
            try (Optimizer opt = BertMlmBench.optimizer(model)) {
                MaskedBatch data = BertMlmBench.batch(64);
                double[] wall = new double[repeats];
                double[] cpu = new double[repeats];
                for (int r = -10; r < repeats; r++) {
                    long t0 = System.nanoTime();
                    long c0 = tb.getCurrentThreadCpuTime();
                    BertMlmBench.step(m, model, opt, data);
                    if (r >= 0) {
                        wall[r] = (System.nanoTime() - t0) / 1e6;
                        cpu[r] = (tb.getCurrentThreadCpuTime() - c0) / 1e6;
                    }
                }
                // the step's phases: forward + backward, then gradients + AdamW + zeroing
                double[] fb = new double[repeats];
                double[] up = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    try (NDManager sm = m.newSubManager()) {
                        long t0 = System.nanoTime();
                        ai.djl.ndarray.NDArray loss;
                        try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getEngine("PyTorch")
                                .newGradientCollector()) {
                            loss = org.spinformer.language.train.Mlm.loss(model, sm, data);
                            gc.backward(loss);
                        }
                        long t1 = System.nanoTime();
                        opt.step(org.spinformer.core.train.Gradients.collect(model.parameters(), sm));
                        org.spinformer.core.train.Gradients.zero(model.parameters());
                        loss.getFloat();
                        long t2 = System.nanoTime();
                        fb[r] = (t1 - t0) / 1e6;
                        up[r] = (t2 - t1) / 1e6;
                    }
                }
                Arrays.sort(fb);
                Arrays.sort(up);
                System.out.printf(Locale.ROOT, "  forward + backward median %.1f ms (min %.1f); gradients + AdamW median"
                        + " %.1f ms (min %.1f)%n", fb[repeats / 2], fb[0], up[repeats / 2], up[0]);
                if (trace != null) {
                    org.spinformer.core.engine.Torch.startProfile();
                    for (int r = 0; r < 5; r++) {
                        BertMlmBench.step(m, model, opt, data);
                    }
                    org.spinformer.core.engine.Torch.stopProfile(trace);
                }
                Arrays.sort(wall);
                Arrays.sort(cpu);
                System.out.printf(Locale.ROOT, "BERT MLM step: wall median %.1f ms, min %.1f ms; calling thread's CPU "
                        + "median %.1f ms, min %.1f ms%n", wall[repeats / 2], wall[0], cpu[repeats / 2], cpu[0]);
            }
        }
    }
}
