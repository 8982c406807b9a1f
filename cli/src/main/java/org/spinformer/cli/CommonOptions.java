package org.spinformer.cli;

import ai.djl.Device;
import org.spinformer.core.device.Devices;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;
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
     * Every option of a parsed command as JSON, named by its longest name without dashes ({@code --init-scale} →
     * {@code init_scale}) with its value (numbers as numbers, lists as arrays, paths and enums as strings); help,
     * version, --json and --verbose left out. For the {@code config} a result records.
     */
    static com.google.gson.JsonObject optionsJson(CommandLine.Model.CommandSpec spec) {
        com.google.gson.JsonObject o = new com.google.gson.JsonObject();
        for (CommandLine.Model.OptionSpec opt : spec.options()) {
            if (opt.usageHelp() || opt.versionHelp() || opt.longestName().equals("--json")
                    || opt.longestName().equals("--verbose")) {
                continue;
            }
            Object v = opt.getValue();
            String name = opt.longestName().replaceFirst("^-+", "").replace('-', '_');
            o.add(name, v instanceof Number || v instanceof Boolean || v instanceof java.util.Collection<?>
                    ? new com.google.gson.Gson().toJsonTree(v) : v == null ? com.google.gson.JsonNull.INSTANCE
                    : new com.google.gson.JsonPrimitive(v.toString()));
        }
        return o;
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

    /**
     * Refuses a {@code --model} that is neither a built-in model ({@code minilm}, {@code bge-small}) nor a directory
     * (before anything is loaded).
     */
    static void checkModel(String model) {
        checkModel("--model", model);
    }

    /** As {@link #checkModel(String)} for the option named {@code option}. */
    static void checkModel(String option, String model) {
        if (org.spinformer.representations.models.Models.builtIn(model) == null
                && !java.nio.file.Files.isDirectory(Path.of(model))) {
            throw new IllegalArgumentException(option + " must be minilm, bge-small or a Hugging Face model directory, "
                    + "got '" + model + "'");
        }
    }

    /**
     * {@code --normalisation dadapy|paper} and {@code --halves random|ordered}: how Δ is normalised and, for the
     * paper's normalisation, which half of the points are queries (the other half are references).
     */
    static final class NormalisationOption {
        @Option(names = "--normalisation", description = "dadapy: Δ = 2<r>/N over all points (DADApy's mean(rank)/(N/2)); "
                + "paper: Δ = 2(<r> - 1)/(N_r - 2) with half of the points as queries and the other half as references "
                + "(the code of Acevedo et al. 2025). Default: ${DEFAULT-VALUE}.")
        String normalisation = "dadapy";

        @Option(names = "--halves", description = "With --normalisation paper: random (a seeded random half are the "
                + "queries, as the authors' code) or ordered (the first half of the rows are the queries, the second "
                + "half the references). Default: ${DEFAULT-VALUE}.")
        String halves = "random";

        /** {@code o} with the normalisation and, for paper, the half/half split of {@code n} points. */
        org.spinformer.representations.imbalance.InformationImbalance.Options apply(
                org.spinformer.representations.imbalance.InformationImbalance.Options o, int n, long seed) {
            var norm = option("--normalisation", () -> org.spinformer.representations.imbalance.InformationImbalance
                    .Normalisation.parse(normalisation));
            String h = halves == null ? "" : halves.trim().toLowerCase(java.util.Locale.ROOT);
            if (!h.equals("random") && !h.equals("ordered")) {
                throw new IllegalArgumentException("--halves must be random or ordered, got '" + halves + "'");
            }
            if (norm == org.spinformer.representations.imbalance.InformationImbalance.Normalisation.DADAPY) {
                return o;
            }
            if (n < 2 * o.k() + 4) {
                throw new IllegalArgumentException("--normalisation paper needs at least " + (2 * o.k() + 4)
                        + " points for k = " + o.k() + ", got " + n);
            }
            int[][] split = org.spinformer.representations.imbalance.InformationImbalance.halves(n,
                    h.equals("random") ? Long.valueOf(seed) : null);
            return o.withNormalisation(norm).withSplit(split[0], split[1]);
        }

        boolean paper() {
            return "paper".equalsIgnoreCase(normalisation == null ? "" : normalisation.trim());
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
