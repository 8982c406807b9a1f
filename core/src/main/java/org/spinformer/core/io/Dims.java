package org.spinformer.core.io;

/** Element counts of the shapes the readers find in files, checked so that PyTorch never sees an impossible one. */
final class Dims {
    private Dims() {
    }

    /**
     * The number of elements of {@code shape}. Throws {@link ArithmeticException} for a negative dimension, and when
     * the product of the dimensions, zeros counted as one, overflows 64 bits: an empty tensor of shape
     * (2^40, 0, 2^40) holds no element, but PyTorch's stride of its first dimension would overflow.
     */
    static long numel(long[] shape) {
        long n = 1;
        long strides = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new ArithmeticException("negative dimension " + d);
            }
            n = Math.multiplyExact(n, d);
            strides = Math.multiplyExact(strides, Math.max(d, 1));
        }
        return n;
    }
}
