package org.spinformer.core.io;

import ai.djl.ndarray.types.DataType;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The safetensors element types this project reads and writes, with their byte size and DJL counterpart. */
public enum SafeDType {
    F64(8, DataType.FLOAT64),
    F32(4, DataType.FLOAT32),
    /** IEEE binary16; loaded as float32 by {@link HalfFloats}. */
    F16(2, DataType.FLOAT16),
    /** bfloat16; loaded as float32 by {@link HalfFloats} (DJL's own BF16 cast crashes the JVM). */
    BF16(2, DataType.BFLOAT16),
    I64(8, DataType.INT64),
    I32(4, DataType.INT32),
    I8(1, DataType.INT8),
    U8(1, DataType.UINT8),
    BOOL(1, DataType.BOOLEAN);

    private final int size;
    private final DataType djl;

    SafeDType(int size, DataType djl) {
        this.size = size;
        this.djl = djl;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** The DJL data type with the same bit layout. */
    public DataType djl() {
        return djl;
    }

    /** True for F64, F32, F16, BF16. */
    public boolean isFloating() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /** The type named {@code name} in a safetensors header, or null when unknown. */
    public static SafeDType parseOrNull(String name) {
        for (SafeDType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The safetensors type of a DJL data type; throws for types safetensors (or this reader) cannot hold. */
    public static SafeDType of(DataType t) {
        for (SafeDType s : values()) {
            if (s.djl == t) {
                return s;
            }
        }
        throw new IllegalArgumentException("no safetensors dtype for " + t + " (supported: " + supported() + ")");
    }

    /** Comma-separated list of the supported names. */
    public static String supported() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
