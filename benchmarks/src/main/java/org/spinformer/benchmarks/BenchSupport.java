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

    /** Forces completion (matters on CUDA): reads one element back to the host. */
    static float sync(NDArray x) {
        try (NDArray first = x.flatten().get(0); NDArray f = first.toType(DataType.FLOAT32, false)) {
            return f.getFloat();
        }
    }
}
