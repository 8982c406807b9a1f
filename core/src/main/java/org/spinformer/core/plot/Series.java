package org.spinformer.core.plot;

import java.util.Arrays;

/**
 * One named curve: points (x[i], y[i]) with an optional symmetric error err[i] (drawn as a band or bars).
 * Arrays are copied.
 */
public record Series(String name, double[] x, double[] y, double[] err) {
    public Series {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("series needs a name");
        }
        if (x == null || y == null || x.length != y.length) {
            throw new IllegalArgumentException("series '" + name + "': x and y must have the same length, got "
                    + (x == null ? "null" : x.length) + " and " + (y == null ? "null" : y.length));
        }
        if (err != null && err.length != y.length) {
            throw new IllegalArgumentException("series '" + name + "': err has length " + err.length
                    + ", expected " + y.length);
        }
        x = x.clone();
        y = y.clone();
        err = err == null ? null : err.clone();
    }

    /** A series without errors. */
    public Series(String name, double[] x, double[] y) {
        this(name, x, y, null);
    }

    /** y against 1, 2, …, n. */
    public static Series of(String name, double[] y) {
        double[] x = new double[y.length];
        Arrays.setAll(x, i -> i + 1);
        return new Series(name, x, y);
    }

    public int size() {
        return x.length;
    }
}
