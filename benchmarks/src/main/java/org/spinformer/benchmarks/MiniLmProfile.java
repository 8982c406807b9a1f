package org.spinformer.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.representations.models.BertEncoder;
import org.spinformer.representations.models.Models;

import java.util.Arrays;
import java.util.Locale;

/**
 * all-MiniLM-L6-v2, all hidden states, B = 32, T = 64 ({@link MiniLmBench}'s setting) in a plain loop: every
 * repetition's time, the median and the minimum, and the calling thread's CPU time (the work itself with one
 * intra-op thread, which runs the ops inline: a steadier figure than wall time on a shared machine). A development tool for A/B runs of the forward pass.
 *
 * <pre>MiniLmProfile [--repeats 15] [--batch 32] [--tokens 64] [--trace trace.json]</pre>
 */
public final class MiniLmProfile {
    private MiniLmProfile() {}

    public static void main(String[] args) throws Exception {
        BenchArgs cli = BenchArgs.parse(args, "--repeats", "--batch", "--tokens", "--trace");
        int repeats = cli.integer("--repeats", 15);
        int batch = cli.integer("--batch", 32);
        int tokens = cli.integer("--tokens", 64);
        String trace = cli.string("--trace", null);
        try (NDManager m = BenchSupport.manager("cpu");
                BertEncoder model = Models.miniLm(m.getDevice(), DataType.FLOAT32)) {
            Shape shape = new Shape(batch, tokens);
            NDArray ids = m.create(MiniLmBench.tokenIds(batch, tokens), shape);
            NDArray mask = m.ones(shape, DataType.INT64);
            double[] ms = new double[repeats];
            double[] cpu = new double[repeats];
            java.lang.management.ThreadMXBean tb = java.lang.management.ManagementFactory.getThreadMXBean();
            float check = 0;
            for (int r = -3; r < repeats; r++) {
                long t0 = System.nanoTime();
                long c0 = tb.getCurrentThreadCpuTime();
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDList hs = model.hiddenStates(ids, mask);
                    check = BenchSupport.sync(hs.get(hs.size() - 1));
                }
                if (r >= 0) {
                    ms[r] = (System.nanoTime() - t0) / 1e6;
                    cpu[r] = (tb.getCurrentThreadCpuTime() - c0) / 1e6;
                }
            }
            if (trace != null) { // libtorch's profiler over 3 more forwards: a Chrome trace of every op
                org.spinformer.core.engine.Torch.startProfile();
                for (int r = 0; r < 3; r++) {
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        NDList hs = model.hiddenStates(ids, mask);
                        BenchSupport.sync(hs.get(hs.size() - 1));
                    }
                }
                org.spinformer.core.engine.Torch.stopProfile(trace);
            }
            double[] s = ms.clone();
            Arrays.sort(s);
            double[] c = cpu.clone();
            Arrays.sort(c);
            System.out.printf(Locale.ROOT, "MiniLM all hidden states: median %.1f ms, min %.1f ms; calling thread's CPU"
                    + " time median %.1f ms, min %.1f ms (first element %.6f)%n"
                    + "  all: %s%n", s[repeats / 2], s[0], c[repeats / 2], c[0], check, Arrays.toString(Arrays.stream(ms)
                    .map(x -> Math.round(x * 10) / 10.0).toArray()));
        }
    }
}
