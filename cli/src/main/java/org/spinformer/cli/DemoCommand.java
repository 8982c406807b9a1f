package org.spinformer.cli;

import ai.djl.Device;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spinformer.core.io.JsonFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code spinformer demo}: the main job of every pipeline on the embedded defaults. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run every pipeline's demo on the embedded defaults (engine report, core training, ...) "
                + "and write plots under --out. Takes a few minutes on 2 CPU cores.")
public final class DemoCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.DeviceOption deviceOpt = new CommonOptions.DeviceOption();
    @Mixin
    CommonOptions.OutOption outOpt = new CommonOptions.OutOption("demo-out");

    private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);

    @Option(names = "--only", split = ",", description = "Run only these parts (comma-separated names).")
    List<String> only;

    @Option(names = "--resume", description = "Skip the parts a previous demo into --out finished (their "
            + "part.json says done); rerun the others.")
    boolean resume;

    /** The marker a finished part leaves in its directory. */
    static final String DONE = "part.json";

    /**
     * The parts in the order they run. Each pipeline contributes a class {@code org.spinformer.cli.<Name>DemoPart}
     * with a public no-argument constructor; listing them by name keeps the pipelines' files independent.
     */
    static final List<String> PART_CLASSES = List.of("CoreDemoPart", "NqsDemoPart", "LanguageDemoPart", "ReprDemoPart");

    static List<DemoPart> parts() {
        List<DemoPart> parts = new ArrayList<>();
        parts.add(new InfoPart());
        for (String simpleName : PART_CLASSES) {
            try {
                Class<?> c = Class.forName(DemoCommand.class.getPackageName() + "." + simpleName);
                parts.add((DemoPart) c.getDeclaredConstructor().newInstance());
            } catch (ClassNotFoundException absent) {
                LOG.debug("demo part {} not built", simpleName);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot create demo part " + simpleName, e);
            }
        }
        return parts;
    }

    @Override
    public Integer call() throws Exception {
        Path out = outOpt.out;
        Device dev = deviceOpt.parse();
        List<DemoPart> parts = parts();
        List<String> names = parts.stream().map(DemoPart::name).toList();
        if (only != null) {
            for (String name : only) {
                if (!names.contains(name)) {
                    throw new IllegalArgumentException("unknown demo part '" + name + "'; parts: " + String.join(", ", names));
                }
            }
        }
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        for (DemoPart part : parts) {
            if (only != null && !only.contains(part.name())) {
                continue;
            }
            System.out.println("== demo: " + part.name() + " ==");
            long t = System.nanoTime();
            Path dir = out.resolve(part.name());
            if (resume && finished(dir)) {
                System.out.println("== " + part.name() + " already done (" + dir.resolve(DONE) + "): skipped ==");
                continue;
            }
            Files.createDirectories(dir);
            Files.deleteIfExists(dir.resolve(DONE)); // a rerun is not done until it ends
            part.run(dir, dev);
            double secs = (System.nanoTime() - t) / 1e9;
            com.google.gson.JsonObject done = new com.google.gson.JsonObject();
            done.addProperty("part", part.name());
            done.addProperty("status", "done");
            done.addProperty("seconds", secs);
            JsonFiles.write(dir.resolve(DONE), done);
            System.out.printf("== %s done in %.1f s, outputs in %s ==%n", part.name(), secs, dir);
        }
        System.out.printf("demo finished in %.1f s; outputs in %s%n", (System.nanoTime() - t0) / 1e9, out.toAbsolutePath());
        LOG.debug("demo done");
        return 0;
    }

    /** Whether {@code dir} holds the marker of a finished part. */
    static boolean finished(Path dir) {
        try {
            Path f = dir.resolve(DONE);
            return Files.isRegularFile(f) && "done".equals(com.google.gson.JsonParser.parseString(Files.readString(f))
                    .getAsJsonObject().get("status").getAsString());
        } catch (IOException | RuntimeException e) {
            return false; // unreadable: run the part again
        }
    }

    /** The engine/device report. */
    static final class InfoPart extends DemoPart {
        public InfoPart() {
            super("info");
        }

        @Override
        public void run(Path out, Device device) throws Exception {
            var report = InfoCommand.report(device);
            InfoCommand.print(report);
            JsonFiles.write(out.resolve("info.json"), report);
        }
    }
}
