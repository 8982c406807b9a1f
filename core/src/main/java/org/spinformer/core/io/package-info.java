/**
 * Weight and state I/O: safetensors (single file, sharded, memory-mapped past 2 GB, strictly validated),
 * NumPy {@code .npy}, ONNX initializers (hand-written protobuf wire reader with the MatMul-node naming of
 * anonymous weights), and atomic, hash-verified training checkpoints.
 *
 * <p>Every reader validates the whole header before it allocates a single tensor, and every error names the
 * file (and the tensor when there is one) in a {@link org.spinformer.core.io.MalformedFileException}.
 * Every writer writes a temporary file, forces it to disk, then renames it over the target, so a reader
 * never sees a half-written file. Half-precision formats (F16, BF16) are converted to and from float32 with
 * plain Java bit manipulation ({@link org.spinformer.core.io.HalfFloats}), never with DJL's
 * {@code toType(BFLOAT16)}, which crashes the JVM.
 */
package org.spinformer.core.io;
