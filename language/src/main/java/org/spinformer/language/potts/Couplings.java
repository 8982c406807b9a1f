package org.spinformer.language.potts;

/**
 * Pairwise couplings K_ij(a,b) [L][L][q][q] and their comparison. Couplings are only defined up to a gauge
 * (adding functions of one variable to K_ij moves weight into the fields); the zero-sum (Ising) gauge
 * K_ij(a,b) − K̄_ij(·,b) − K̄_ij(a,·) + K̄_ij(·,·) removes it, so recovered and true couplings can be compared.
 */
public final class Couplings {
    private Couplings() {}

    /** K_ij(a,b) = J_ij U(a,b) of a Potts model. */
    public static double[][][][] of(PottsModel p) {
        int l = p.sites();
        int q = p.colors();
        double[][][][] k = new double[l][l][q][q];
        for (int i = 0; i < l; i++) {
            for (int j = 0; j < l; j++) {
                for (int a = 0; a < q; a++) {
                    for (int b = 0; b < q; b++) {
                        k[i][j][a][b] = i == j ? 0 : p.couplingJ()[i][j] * p.couplingU()[a][b];
                    }
                }
            }
        }
        return k;
    }

    /** K_ij(a,b) = α_ij Ũ(a,b) from one factored layer (the conditional of i on x_j). */
    public static double[][][][] factored(double[][] alpha, double[][] uTilde) {
        int l = alpha.length;
        int q = uTilde.length;
        double[][][][] k = new double[l][l][q][q];
        for (int i = 0; i < l; i++) {
            for (int j = 0; j < l; j++) {
                if (i != j) {
                    for (int a = 0; a < q; a++) {
                        for (int b = 0; b < q; b++) {
                            k[i][j][a][b] = alpha[i][j] * uTilde[a][b];
                        }
                    }
                }
            }
        }
        return k;
    }

    /** Symmetrises (K_ij(a,b) + K_ji(b,a))/2: the conditionals of i and of j both estimate the same coupling. */
    public static double[][][][] symmetrize(double[][][][] k) {
        int l = k.length;
        int q = k[0][0].length;
        double[][][][] s = new double[l][l][q][q];
        for (int i = 0; i < l; i++) {
            for (int j = 0; j < l; j++) {
                for (int a = 0; a < q; a++) {
                    for (int b = 0; b < q; b++) {
                        s[i][j][a][b] = 0.5 * (k[i][j][a][b] + k[j][i][b][a]);
                    }
                }
            }
        }
        return s;
    }

    /** Zero-sum gauge of one q×q block. */
    public static double[][] zeroSum(double[][] m) {
        int q = m.length;
        double[] row = new double[q];
        double[] col = new double[q];
        double all = 0;
        for (int a = 0; a < q; a++) {
            for (int b = 0; b < q; b++) {
                row[a] += m[a][b] / q;
                col[b] += m[a][b] / q;
                all += m[a][b] / (q * q);
            }
        }
        double[][] g = new double[q][q];
        for (int a = 0; a < q; a++) {
            for (int b = 0; b < q; b++) {
                g[a][b] = m[a][b] - row[a] - col[b] + all;
            }
        }
        return g;
    }

    /** The gauged entries of every pair i &lt; j, flattened. */
    public static double[] gaugedPairs(double[][][][] k) {
        int l = k.length;
        int q = k[0][0].length;
        double[] out = new double[l * (l - 1) / 2 * q * q];
        int n = 0;
        for (int i = 0; i < l; i++) {
            for (int j = i + 1; j < l; j++) {
                double[][] g = zeroSum(k[i][j]);
                for (int a = 0; a < q; a++) {
                    for (int b = 0; b < q; b++) {
                        out[n++] = g[a][b];
                    }
                }
            }
        }
        return out;
    }

    /**
     * The interaction strength in the zero-sum gauge: the root mean square of the gauged, symmetrised entries of all
     * pairs i &lt; j. Instances planted with the same β differ in it, which sets how hard their couplings are to
     * recover from M samples.
     */
    public static double gaugedStrength(double[][][][] k) {
        double[] g = gaugedPairs(symmetrize(k));
        double s = 0;
        for (double x : g) {
            s += x * x;
        }
        return Math.sqrt(s / g.length);
    }

    /**
     * Writes the couplings in the zero-sum gauge, symmetrised, as the text parameter format of adabmDCA (and of
     * plmDCA ports that read it): one line {@code J i j a b value} per pair i &lt; j and colours a, b, indices from
     * 0. Fields are not written (the comparison here is of couplings only).
     */
    public static void writeText(java.nio.file.Path file, double[][][][] k) throws java.io.IOException {
        double[][][][] sym = symmetrize(k);
        int l = sym.length;
        int q = sym[0][0].length;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < l; i++) {
            for (int j = i + 1; j < l; j++) {
                double[][] g = zeroSum(sym[i][j]);
                for (int a = 0; a < q; a++) {
                    for (int c = 0; c < q; c++) {
                        b.append("J ").append(i).append(' ').append(j).append(' ').append(a).append(' ').append(c)
                                .append(' ').append(String.format(java.util.Locale.ROOT, "%.8g", g[a][c])).append('\n');
                    }
                }
            }
        }
        org.spinformer.core.io.AtomicFiles.write(file, b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Pearson correlation of the zero-sum-gauged, symmetrised couplings of i &lt; j. */
    public static double correlation(double[][][][] truth, double[][][][] fitted) {
        return pearson(gaugedPairs(symmetrize(truth)), gaugedPairs(symmetrize(fitted)));
    }

    /** Pearson correlation coefficient. */
    public static double pearson(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i] / n;
            my += y[i] / n;
        }
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
