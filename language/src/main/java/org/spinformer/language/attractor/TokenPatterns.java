package org.spinformer.language.attractor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Locale;
import java.util.Random;

/**
 * Data for the attractor network: sequences of T tokens, each token one of Q random unit vectors v_a ∈ R^D
 * (the vocabulary), and the corruptions of the two tasks. Everything is drawn on the host from one
 * {@link Random} (small arrays, made once), then moved to the engine as [B,T,D] float32.
 *
 * <ul>
 *   <li>{@link Kind#RANDOM}: every token uniform and independent (no structure: test examples are unrelated to
 *   train examples);</li>
 *   <li>{@link Kind#PLANTED}: K templates (random token sequences) are drawn once; an example copies a uniformly
 *   chosen template and redraws each position, independently with probability r, uniformly: planted correlations
 *   between positions, shared by train and test examples.</li>
 * </ul>
 */
public final class TokenPatterns {
    /** How examples are drawn. */
    public enum Kind { RANDOM, PLANTED }

    private TokenPatterns() {}

    /** {@code random} or {@code planted}. */
    public static Kind parse(String s) {
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "random":
                return Kind.RANDOM;
            case "planted":
                return Kind.PLANTED;
            default:
                throw new IllegalArgumentException("--data takes random or planted, got '" + s + "'");
        }
    }

    /** The vocabulary: Q unit vectors in R^D, Gaussian directions, [Q,D] row-major. */
    public static float[] vocabulary(int q, int d, Random r) {
        float[] v = new float[q * d];
        for (int a = 0; a < q; a++) {
            double n2 = 0;
            double[] g = new double[d];
            for (int k = 0; k < d; k++) {
                g[k] = r.nextGaussian();
                n2 += g[k] * g[k];
            }
            double n = Math.sqrt(n2);
            for (int k = 0; k < d; k++) {
                v[a * d + k] = (float) (g[k] / n);
            }
        }
        return v;
    }

    /** Templates [K][T] for {@link Kind#PLANTED}: drawn once per data set. */
    public static int[][] templates(int k, int t, int q, Random r) {
        int[][] tpl = new int[k][t];
        for (int[] row : tpl) {
            for (int i = 0; i < t; i++) {
                row[i] = r.nextInt(q);
            }
        }
        return tpl;
    }

    /** {@code b} examples [B][T] of token ids: i.i.d. ({@code templates == null}) or around the templates. */
    public static int[][] examples(int b, int t, int q, int[][] templates, double mutation, Random r) {
        int[][] ids = new int[b][t];
        for (int[] row : ids) {
            int[] tpl = templates == null ? null : templates[r.nextInt(templates.length)];
            for (int i = 0; i < t; i++) {
                row[i] = tpl == null || r.nextDouble() < mutation ? r.nextInt(q) : tpl[i];
            }
        }
        return ids;
    }

    /** The embedded examples x [B,T,D]: x^b_i = v_{ids[b][i]}. */
    public static NDArray embed(int[][] ids, float[] vocab, int d, NDManager m) {
        int b = ids.length;
        int t = ids[0].length;
        float[] x = new float[b * t * d];
        for (int e = 0; e < b; e++) {
            for (int i = 0; i < t; i++) {
                System.arraycopy(vocab, ids[e][i] * d, x, (e * t + i) * d, d);
            }
        }
        return m.create(x, new Shape(b, t, d));
    }

    /** Denoising starts: every token x_i + σ ξ/√D (ξ standard normal in R^D), renormalised; x [B,T,D]. */
    public static NDArray noisy(NDArray x, double sigma, Random r) {
        float[] v = x.toFloatArray();
        int d = (int) x.getShape().get(2);
        double s = sigma / Math.sqrt(d);
        for (int base = 0; base < v.length; base += d) {
            double n2 = 0;
            for (int k = 0; k < d; k++) {
                v[base + k] += (float) (s * r.nextGaussian());
                n2 += (double) v[base + k] * v[base + k];
            }
            float n = (float) Math.sqrt(n2);
            for (int k = 0; k < d; k++) {
                v[base + k] /= n;
            }
        }
        return x.getManager().create(v, x.getShape());
    }

    /**
     * Masked-token starts: in example b the token at {@code positions[b]} is replaced by a uniformly random unit
     * vector ({@code zero == false}) or by the zero vector; x [B,T,D].
     */
    public static NDArray masked(NDArray x, int[] positions, boolean zero, Random r) {
        float[] v = x.toFloatArray();
        int t = (int) x.getShape().get(1);
        int d = (int) x.getShape().get(2);
        for (int e = 0; e < positions.length; e++) {
            int base = (e * t + positions[e]) * d;
            double n2 = 0;
            for (int k = 0; k < d; k++) {
                v[base + k] = zero ? 0f : (float) r.nextGaussian();
                n2 += (double) v[base + k] * v[base + k];
            }
            if (!zero) {
                float n = (float) Math.sqrt(n2);
                for (int k = 0; k < d; k++) {
                    v[base + k] /= n;
                }
            }
        }
        return x.getManager().create(v, x.getShape());
    }

    /** Random starts: B·T independent uniform unit vectors, [B,T,D]. */
    public static NDArray uniform(int b, int t, int d, Random r, NDManager m) {
        float[] v = new float[b * t * d];
        for (int base = 0; base < v.length; base += d) {
            double n2 = 0;
            for (int k = 0; k < d; k++) {
                v[base + k] = (float) r.nextGaussian();
                n2 += (double) v[base + k] * v[base + k];
            }
            float n = (float) Math.sqrt(n2);
            for (int k = 0; k < d; k++) {
                v[base + k] /= n;
            }
        }
        return m.create(v, new Shape(b, t, d));
    }
}
