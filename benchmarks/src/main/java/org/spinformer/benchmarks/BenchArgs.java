package org.spinformer.benchmarks;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --name value} arguments of a benchmark runner's {@code main}: every name must be one the runner
 * declares (else an {@link IllegalArgumentException} lists them) and carry a value; each getter returns the
 * value given, else its default.
 */
final class BenchArgs {
    private final Map<String, String> values = new HashMap<>();

    private BenchArgs() {}

    /** Reads {@code args} as pairs {@code --name value}, each name one of {@code names} (with the dashes). */
    static BenchArgs parse(String[] args, String... names) {
        BenchArgs a = new BenchArgs();
        for (int i = 0; i < args.length; i += 2) {
            if (!List.of(names).contains(args[i])) {
                throw new IllegalArgumentException("unknown argument " + args[i] + " (use " + String.join(" ", names)
                        + ")");
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException("no value after " + args[i]);
            }
            a.values.put(args[i], args[i + 1]);
        }
        return a;
    }

    String string(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    int integer(String name, int dflt) {
        return values.containsKey(name) ? Integer.parseInt(values.get(name)) : dflt;
    }

    long longValue(String name, long dflt) {
        return values.containsKey(name) ? Long.parseLong(values.get(name)) : dflt;
    }

    /** The path given, else {@code dflt} (null: no default). */
    Path path(String name, String dflt) {
        String v = string(name, dflt);
        return v == null ? null : Path.of(v);
    }
}
