package org.spinformer.language.diagnose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Statistics of a set of windows x ∈ {0..V−1}^T, averaged over the position in the window (a uniformly random
 * start I), used to compare a clone corpus with the original (Rende et al., NeurIPS 2024):
 * <pre>
 *   single-site        f(a)          = P(x_I = a)
 *   connected 2-point  C_r(a,b)      = P(x_I = a, x_{I+r} = b) − P(x_I = a) P(x_{I+r} = b)
 *   mutual information I(r)          = Σ_ab P_r(a,b) log(P_r(a,b) / (P(x_I=a) P(x_{I+r}=b)))   (plug-in, all V)
 *   connected 3-point  C_{r,s}(a,b,c) = κ₃(δ_a(x_I), δ_b(x_{I+r}), δ_c(x_{I+r+s}))
 *                      = f_abc − f_ab f_c − f_ac f_b − f_bc f_a + 2 f_a f_b f_c
 * </pre>
 * (all moments over the same I, so these are exact cumulants of the position-averaged variables). Two- and
 * three-point statistics are restricted to the K most frequent tokens of a reference corpus; three-point ones
 * to a fixed random sample of (r, s, a, b, c). Counting is plain Java over int windows.
 */
public final class Statistics {
    private Statistics() {}

    /** A sampled three-point statistic: offsets r, s ≥ 1 and token indices into the top-K list. */
    public record Triple(int r, int s, int a, int b, int c) {}

    /** f(a) over every position of every window. */
    public static double[] frequencies(int[][] w, int v) {
        double[] f = new double[v];
        long n = 0;
        for (int[] x : w) {
            for (int a : x) {
                f[a]++;
                n++;
            }
        }
        for (int a = 0; a < v; a++) {
            f[a] /= n;
        }
        return f;
    }

    /** The k most frequent tokens (ties by id), skipping {@code exclude}. */
    public static int[] topTokens(double[] f, int k, Set<Integer> exclude) {
        Integer[] idx = new Integer[f.length];
        for (int i = 0; i < f.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> f[x] == f[y] ? Integer.compare(x, y) : Double.compare(f[y], f[x]));
        List<Integer> out = new ArrayList<>();
        for (int i : idx) {
            if (out.size() >= k) {
                break;
            }
            if (!exclude.contains(i)) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] indexOf(int[] tokens, int v) {
        int[] map = new int[v];
        Arrays.fill(map, -1);
        for (int k = 0; k < tokens.length; k++) {
            map[tokens[k]] = k;
        }
        return map;
    }

    /** C_r(a,b) for r = 1..maxR over the given tokens: [maxR][K][K] (index 0 is r = 1). */
    public static double[][][] twoPoint(int[][] w, int v, int[] tokens, int maxR) {
        int k = tokens.length;
        int[] map = indexOf(tokens, v);
        int t = w[0].length;
        double[][][] c = new double[maxR][k][k];
        for (int r = 1; r <= maxR; r++) {
            double[][] pab = new double[k][k];
            double[] pa = new double[k];
            double[] pb = new double[k];
            long n = 0;
            for (int[] x : w) {
                for (int i = 0; i + r < t; i++) {
                    int a = map[x[i]];
                    int b = map[x[i + r]];
                    n++;
                    if (a >= 0) {
                        pa[a]++;
                    }
                    if (b >= 0) {
                        pb[b]++;
                    }
                    if (a >= 0 && b >= 0) {
                        pab[a][b]++;
                    }
                }
            }
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    c[r - 1][a][b] = pab[a][b] / n - (pa[a] / n) * (pb[b] / n);
                }
            }
        }
        return c;
    }

    /** Plug-in mutual information I(r), r = 1..maxR, over the full vocabulary (nats). */
    public static double[] mutualInformation(int[][] w, int v, int maxR) {
        int t = w[0].length;
        double[] mi = new double[maxR];
        for (int r = 1; r <= maxR; r++) {
            Map<Long, Integer> joint = new HashMap<>();
            double[] pa = new double[v];
            double[] pb = new double[v];
            long n = 0;
            for (int[] x : w) {
                for (int i = 0; i + r < t; i++) {
                    joint.merge((long) x[i] * v + x[i + r], 1, Integer::sum);
                    pa[x[i]]++;
                    pb[x[i + r]]++;
                    n++;
                }
            }
            double s = 0;
            for (Map.Entry<Long, Integer> e : joint.entrySet()) {
                int a = (int) (e.getKey() / v);
                int b = (int) (e.getKey() % v);
                double p = e.getValue() / (double) n;
                s += p * Math.log(p * n * n / (pa[a] * pb[b]));
            }
            mi[r - 1] = s;
        }
        return mi;
    }

    /** {@code count} random triples with offsets r, s in 1..maxOffset (r + s < T) and tokens among the top K. */
    public static Triple[] sampleTriples(int k, int maxOffset, int t, int count, long seed) {
        Random rnd = new Random(seed);
        Triple[] out = new Triple[count];
        for (int i = 0; i < count; i++) {
            int r;
            int s;
            do {
                r = 1 + rnd.nextInt(maxOffset);
                s = 1 + rnd.nextInt(maxOffset);
            } while (r + s >= t);
            out[i] = new Triple(r, s, rnd.nextInt(k), rnd.nextInt(k), rnd.nextInt(k));
        }
        return out;
    }

    /** C_{r,s}(a,b,c) for each triple. */
    public static double[] threePoint(int[][] w, int v, int[] tokens, Triple[] triples) {
        int k = tokens.length;
        int[] map = indexOf(tokens, v);
        int t = w[0].length;
        Map<Long, double[][]> cache = new HashMap<>();
        double[] out = new double[triples.length];
        for (int q = 0; q < triples.length; q++) {
            Triple tr = triples[q];
            long key = (long) tr.r() * 1000 + tr.s();
            double[][] m = cache.computeIfAbsent(key, kk -> moments(w, map, k, t, tr.r(), tr.s()));
            // m[0]: f_abc (k³), m[1]: f_ab (k²), m[2]: f_ac, m[3]: f_bc, m[4]: f_a, m[5]: f_b, m[6]: f_c
            int a = tr.a();
            int b = tr.b();
            int c = tr.c();
            out[q] = m[0][(a * k + b) * k + c] - m[1][a * k + b] * m[6][c] - m[2][a * k + c] * m[5][b]
                    - m[3][b * k + c] * m[4][a] + 2 * m[4][a] * m[5][b] * m[6][c];
        }
        return out;
    }

    private static double[][] moments(int[][] w, int[] map, int k, int t, int r, int s) {
        double[] abc = new double[k * k * k];
        double[] ab = new double[k * k];
        double[] ac = new double[k * k];
        double[] bc = new double[k * k];
        double[] fa = new double[k];
        double[] fb = new double[k];
        double[] fc = new double[k];
        long n = 0;
        for (int[] x : w) {
            for (int i = 0; i + r + s < t; i++) {
                int a = map[x[i]];
                int b = map[x[i + r]];
                int c = map[x[i + r + s]];
                n++;
                if (a >= 0) {
                    fa[a]++;
                }
                if (b >= 0) {
                    fb[b]++;
                }
                if (c >= 0) {
                    fc[c]++;
                }
                if (a >= 0 && b >= 0) {
                    ab[a * k + b]++;
                }
                if (a >= 0 && c >= 0) {
                    ac[a * k + c]++;
                }
                if (b >= 0 && c >= 0) {
                    bc[b * k + c]++;
                }
                if (a >= 0 && b >= 0 && c >= 0) {
                    abc[(a * k + b) * k + c]++;
                }
            }
        }
        double[][] m = {abc, ab, ac, bc, fa, fb, fc};
        for (double[] arr : m) {
            for (int i = 0; i < arr.length; i++) {
                arr[i] /= n;
            }
        }
        return m;
    }

    /** Flattens [R][K][K]. */
    public static double[] flatten(double[][][] c) {
        int n = 0;
        double[] out = new double[c.length * c[0].length * c[0][0].length];
        for (double[][] a : c) {
            for (double[] b : a) {
                for (double v : b) {
                    out[n++] = v;
                }
            }
        }
        return out;
    }

    /** ‖x − y‖ / ‖y‖ (relative L2 error of x against the reference y). */
    public static double relativeError(double[] x, double[] y) {
        double d = 0;
        double n = 0;
        for (int i = 0; i < x.length; i++) {
            d += (x[i] - y[i]) * (x[i] - y[i]);
            n += y[i] * y[i];
        }
        return Math.sqrt(d / n);
    }

    /** Total-variation distance ½ Σ |x − y|. */
    public static double totalVariation(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += 0.5 * Math.abs(x[i] - y[i]);
        }
        return s;
    }
}
