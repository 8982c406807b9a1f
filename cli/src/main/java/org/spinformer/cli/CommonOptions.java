package org.spinformer.cli;

import ai.djl.Device;
import org.spinformer.core.device.Devices;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The options most commands share, each defined once and added to a command as a picocli {@code @Mixin}, so
 * {@code --device}, {@code --json}, {@code --seed} and {@code --out} read and validate the same everywhere.
 */
final class CommonOptions {
    private CommonOptions() {
    }

    /**
     * {@code parse.get()}, with an IllegalArgumentException's message prefixed by {@code option} (e.g.
     * {@code --metric: unknown metric 'x': …}) so that a bad value is one line naming the option.
     */
    static <T> T option(String option, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            String m = String.valueOf(e.getMessage());
            throw m.contains(option) ? e : new IllegalArgumentException(option + ": " + m, e);
        }
    }

    /**
     * {@code value}, or an IllegalArgumentException (exit 2) {@code "<option> must be >= <min>, got <value>"}.
     */
    static long atLeast(String option, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    /** Refuses a {@code --model} that is neither {@code minilm} nor a directory (before anything is loaded). */
    static void checkModel(String model) {
        if (!"minilm".equalsIgnoreCase(model.trim()) && !java.nio.file.Files.isDirectory(Path.of(model))) {
            throw new IllegalArgumentException("--model must be minilm or a Hugging Face model directory, got '"
                    + model + "'");
        }
    }

    /** {@code --device auto|cpu|gpu|gpu:N}. */
    static final class DeviceOption {
        @Option(names = "--device", description = "auto, cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
        String device = "auto";

        /** The device, or an IllegalArgumentException (exit 2) naming the bad value. */
        Device parse() {
            return option("--device", () -> Devices.parse(device));
        }
    }

    /** {@code --json}: a summary object as the last stdout line. */
    static final class JsonOption {
        @Option(names = "--json", description = "Print a summary JSON object as the last stdout line.")
        boolean json;
    }

    /** {@code --seed N}. */
    static final class SeedOption {
        @Option(names = "--seed", description = "Seed of every random choice of the run (default: ${DEFAULT-VALUE}).")
        long seed = 1;
    }

    /** {@code --out DIR} with a per-command default. */
    static final class OutOption {
        @Option(names = "--out", description = "Output directory (default: ${DEFAULT-VALUE}).")
        Path out;

        OutOption(String defaultDir) {
            out = Path.of(defaultDir);
        }

        /** For picocli; commands pass their default. */
        OutOption() {
            this("runs/out");
        }
    }

    /** {@code --device} and {@code --json} together, for the commands that compute on a device and print a report. */
    static final class DeviceJson {
        @Mixin
        DeviceOption device = new DeviceOption();
        @Mixin
        JsonOption json = new JsonOption();

        /** The device, or an IllegalArgumentException (exit 2) naming the bad value. */
        Device device() {
            return device.parse();
        }

        boolean json() {
            return json.json;
        }
    }

    /** The four together ({@code --device --json --seed --out}), for the commands that write a run directory. */
    static final class Run {
        @Mixin
        DeviceJson deviceJson = new DeviceJson();
        @Mixin
        SeedOption seed = new SeedOption();
        @Mixin
        OutOption out;

        Run(String defaultDir) {
            out = new OutOption(defaultDir);
        }

        /** For picocli; commands pass their default directory. */
        Run() {
            this("runs/out");
        }

        Device device() {
            return deviceJson.device();
        }

        boolean json() {
            return deviceJson.json();
        }

        long seed() {
            return seed.seed;
        }

        Path out() {
            return out.out;
        }
    }
}
