package org.spinformer.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.spinformer.core.device.Devices;
import org.spinformer.core.device.Env;

/** Shared setup for benchmarks: offline engine, device, dtype, and a device sync that reads one scalar. */
final class BenchSupport {
    private BenchSupport() {}

    static NDManager manager(String device) {
        Env.offline();
        return Devices.manager(Devices.parse(device));
    }

    static DataType dtype(String s) {
        return Devices.parseDType(s);
    }

    /** Intra-op threads given to ours and to any in-process peer: {@code ai.djl.pytorch.num_threads}, else all cores. */
    static int threads() {
        String t = System.getProperty("ai.djl.pytorch.num_threads");
        return t == null || t.isBlank() ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(t.trim());
    }

    /**
     * The CPU this runs on: /proc/cpuinfo's model name and which of the flags that decide half-precision speed it
     * has (f16c, avx2, avx512f, avx512_fp16, avx512_bf16, amx_tile, amx_bf16; x86 Linux; "unknown" elsewhere).
     * Half-precision results differ by an order of magnitude between CPUs with and without them.
     */
    static String cpu() {
        try {
            java.util.List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"));
            String model = lines.stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
            java.util.Set<String> flags = lines.stream().filter(l -> l.startsWith("flags")).findFirst()
                    .map(l -> java.util.Set.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+")))
                    .orElse(java.util.Set.of());
            java.util.List<String> have = new java.util.ArrayList<>();
            for (String f : new String[] {"f16c", "avx2", "avx512f", "avx512_fp16", "avx512_bf16", "amx_tile",
                "amx_bf16"}) {
                have.add(f + (flags.contains(f) ? "+" : "-"));
            }
            return model + " (" + String.join(" ", have) + ")";
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Forces completion (matters on CUDA): reads one element back to the host. */
    static float sync(NDArray x) {
        try (NDArray first = x.flatten().get(0); NDArray f = first.toType(DataType.FLOAT32, false)) {
            return f.getFloat();
        }
    }
}
