package org.spinformer.cli;

import ai.djl.Device;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spinformer.core.device.Devices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code spinformer demo}: the main job of every pipeline on the embedded defaults. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run every pipeline's demo on the embedded defaults (engine report, core training, ...) "
                + "and write plots under --out. Takes a few minutes on 2 CPU cores.")
public final class DemoCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);

    @Option(names = "--device", defaultValue = "auto", description = "auto|cpu|gpu[:N] (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--out", defaultValue = "demo-out", description = "Output directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--only", split = ",", description = "Run only these parts (comma-separated names).")
    List<String> only;

    static List<DemoPart> parts() {
        return List.of(new InfoPart());
    }

    @Override
    public Integer call() throws Exception {
        Device dev = Devices.parse(device);
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        for (DemoPart part : parts()) {
            if (only != null && !only.contains(part.name())) {
                continue;
            }
            System.out.println("== demo: " + part.name() + " ==");
            long t = System.nanoTime();
            Path dir = out.resolve(part.name());
            Files.createDirectories(dir);
            part.run(dir, dev);
            System.out.printf("== %s done in %.1f s, outputs in %s ==%n", part.name(), (System.nanoTime() - t) / 1e9, dir);
        }
        System.out.printf("demo finished in %.1f s; outputs in %s%n", (System.nanoTime() - t0) / 1e9, out.toAbsolutePath());
        LOG.debug("demo done");
        return 0;
    }

    /** The engine/device report. */
    static final class InfoPart implements DemoPart {
        @Override
        public String name() {
            return "info";
        }

        @Override
        public void run(Path out, Device device) throws Exception {
            var report = InfoCommand.report(device);
            report.forEach((k, v) -> System.out.printf("%-18s %s%n", k, v));
            Files.writeString(out.resolve("info.json"), new com.google.gson.GsonBuilder().setPrettyPrinting().create().toJson(report));
        }
    }
}
