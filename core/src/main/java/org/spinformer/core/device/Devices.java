package org.spinformer.core.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.Locale;

/**
 * The one place that picks the compute device and the default floating-point type.
 *
 * <p>Device strings: {@code auto} (CUDA device 0 when the engine reports a GPU, else CPU), {@code cpu},
 * {@code gpu} or {@code gpu:N} (also {@code cuda}, {@code cuda:N}). The system property
 * {@code spinformer.device} overrides {@code auto} (Surefire sets it to {@code cpu} so tests are pinned).
 */
public final class Devices {
    private Devices() {}

    /** Parses a device string. Throws {@link IllegalArgumentException} with a readable message. */
    public static Device parse(String spec) {
        Env.offline();
        String s = spec == null ? "auto" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            String forced = System.getProperty("spinformer.device");
            if (forced != null && !forced.equalsIgnoreCase("auto")) {
                return parse(forced);
            }
            return engine().getGpuCount() > 0 ? Device.gpu(0) : Device.cpu();
        }
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        if (s.startsWith("gpu") || s.startsWith("cuda")) {
            String rest = s.startsWith("gpu") ? s.substring(3) : s.substring(4);
            int id = 0;
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("bad device '" + spec + "': use auto, cpu, gpu or gpu:N");
                }
                try {
                    id = Integer.parseInt(rest.substring(1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad device '" + spec + "': use auto, cpu, gpu or gpu:N");
                }
            }
            int n = engine().getGpuCount();
            if (id < 0 || id >= n) {
                throw new IllegalArgumentException("device '" + spec + "' requested but the engine reports "
                        + n + " GPU(s)" + (n == 0 ? " (CPU build? rebuild with -Pcuda on a GPU node)" : ""));
            }
            return Device.gpu(id);
        }
        throw new IllegalArgumentException("bad device '" + spec + "': use auto, cpu, gpu or gpu:N");
    }

    /**
     * Parses {@code float32|float64|float16|bfloat16} (also {@code f32, f64, f16, fp32, fp64, fp16, float, double,
     * half, bf16}); which of them a computation accepts is its own check.
     */
    public static DataType parseDType(String spec) {
        String s = spec == null ? "float32" : spec.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "float32": case "f32": case "fp32": case "float":
                return DataType.FLOAT32;
            case "float64": case "f64": case "fp64": case "double":
                return DataType.FLOAT64;
            case "float16": case "f16": case "fp16": case "half":
                return DataType.FLOAT16;
            case "bfloat16": case "bf16":
                return DataType.BFLOAT16;
            default:
                throw new IllegalArgumentException("bad dtype '" + spec + "': use float32, float64 or float16");
        }
    }

    /** The PyTorch engine (offline settings applied first). */
    public static Engine engine() {
        Env.offline();
        return Engine.getEngine("PyTorch");
    }

    /** A new base manager on the given device. The caller owns it. */
    public static NDManager manager(Device device) {
        return engine().newBaseManager(device);
    }
}
