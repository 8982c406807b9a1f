package org.spinformer.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.spinformer.core.device.Devices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code spinformer info}: engine, device and thread report. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the engine (PyTorch version), the selected device, GPU count, threads and dtype defaults.")
public final class InfoCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.DeviceJson deviceJson = new CommonOptions.DeviceJson();

    @Override
    public Integer call() {
        boolean json = deviceJson.json();
        Map<String, Object> info = report(deviceJson.device());
        if (json) {
            System.out.println(new com.google.gson.Gson().toJson(info));
        } else {
            print(info);
        }
        return 0;
    }

    /** The report as aligned {@code key value} lines on stdout. */
    static void print(Map<String, Object> report) {
        report.forEach((k, v) -> System.out.printf("%-18s %s%n", k, v));
    }

    /** The report as ordered key/value pairs. */
    static Map<String, Object> report(Device dev) {
        Engine e = Devices.engine();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", e.getEngineName());
        m.put("engine_version", e.getVersion());
        m.put("djl_version", Engine.getDjlVersion());
        m.put("device", dev.toString());
        m.put("gpu_count", e.getGpuCount());
        m.put("cpu_cores", Runtime.getRuntime().availableProcessors());
        m.put("intra_op_threads", System.getProperty("ai.djl.pytorch.num_threads",
                String.valueOf(Runtime.getRuntime().availableProcessors())));
        m.put("dtype_default", "float32 (nn blocks), float64 (nqs)");
        m.put("offline", System.getProperty("ai.djl.offline"));
        String preload = System.getenv("LD_PRELOAD");
        m.put("mkl_amd_shim", preload != null && preload.contains("spinformer-mklshim")
                ? "on (oneMKL fast kernels on AMD, native/mkl_amd_shim.c)" : "off");
        m.put("java", System.getProperty("java.version"));
        return m;
    }
}
