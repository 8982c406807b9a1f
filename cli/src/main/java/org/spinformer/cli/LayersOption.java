package org.spinformer.cli;

import org.spinformer.representations.models.Models;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --layers}: the states a repr command keeps, {@code all} or a comma list like {@code 0,8,16} (0 = the
 * embeddings, 1..L the layers). One parser for every command that takes it ({@code repr hidden}, {@code repr spread},
 * {@code repr pastfuture}): a malformed list is refused when parsed, a negative or out-of-range index as soon as the
 * model's layer count is known (from its config, before it is loaded), each with one line naming that count.
 */
final class LayersOption {
    @Option(names = "--layers", defaultValue = "all", paramLabel = "<layers>", converter = Converter.class,
            description = "States to keep: all, or indices like 0,8,16 (0 = embeddings, 1..L the layers) "
                    + "(default: ${DEFAULT-VALUE}).")
    Selection layers = Selection.ALL;

    /** The indices in the order given, null for all (syntax checked; the range by {@link #checked}). */
    int[] parsed() {
        return layers.indices();
    }

    /**
     * The indices (null for all) after checking them against the layer count of {@code model} (a built-in name or a
     * directory); exit 2 naming the count for a negative or too large index. A model whose count cannot be read
     * without loading it is checked by the loader's {@code HiddenStates.checkLayers} instead.
     */
    int[] checked(String model) {
        int count = Models.layerCount(model);
        if (count >= 0) {
            layers.check(model, count);
        }
        return layers.indices();
    }

    /** A parsed {@code --layers}: {@code indices} null for all. */
    record Selection(int[] indices) {
        static final Selection ALL = new Selection(null);

        /** {@code all} (or blank) or a comma list of integers; anything else is refused naming {@code --layers}. */
        static Selection parse(String spec) {
            if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("all")) {
                return ALL;
            }
            String[] parts = spec.split(",", -1);
            int[] l = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    l[i] = Integer.parseInt(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--layers must be 'all' or indices like 0,8,16, got '" + spec
                            + "'");
                }
            }
            return new Selection(l);
        }

        /** Every index must be a state 0..{@code layerCount} of {@code model}. */
        void check(String model, int layerCount) {
            if (indices == null) {
                return;
            }
            for (int l : indices) {
                if (l < 0 || l > layerCount) {
                    throw new IllegalArgumentException("--layers: " + l + " is not a state of " + model + ", which has "
                            + layerCount + " layers (states 0 = embeddings .. " + layerCount + ")");
                }
            }
        }

        @Override
        public String toString() {
            return indices == null ? "all" : java.util.Arrays.toString(indices);
        }
    }

    /** picocli's converter: a bad list becomes picocli's one-line error for {@code --layers}. */
    static final class Converter implements CommandLine.ITypeConverter<Selection> {
        @Override
        public Selection convert(String value) {
            try {
                return Selection.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
