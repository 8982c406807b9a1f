package org.spinformer.core.io;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The validated header of a safetensors file: tensors in header order, the {@code __metadata__} map, and where
 * the data section starts.
 *
 * @param file      the file
 * @param tensors   tensor entries in the order of the header
 * @param metadata  the {@code __metadata__} string map (empty when absent)
 * @param dataStart absolute file offset of the data section (8 + header length)
 * @param fileSize  size of the file in bytes
 */
public record SafeTensorsHeader(Path file, List<TensorInfo> tensors, Map<String, String> metadata, long dataStart,
                                long fileSize) {
    public SafeTensorsHeader {
        tensors = List.copyOf(tensors);
        metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
    }

    /** The entry called {@code name}, or null. */
    public TensorInfo tensor(String name) {
        for (TensorInfo t : tensors) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** Tensor names in header order. */
    public List<String> names() {
        return tensors.stream().map(TensorInfo::name).toList();
    }
}
