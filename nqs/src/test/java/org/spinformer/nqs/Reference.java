package org.spinformer.nqs;

/** Plain-Java references for tests: the SR update from explicit S and F, dense Gaussian elimination. */
final class Reference {
    private Reference() {}

    /**
     * δ = (S + λI)⁻¹ F with S_kl = Re Σ w O_c,k* O_c,l, F_k = 2 Re Σ w O_c,k* E_c (O_c, E_c centred with w).
     */
    static double[] srUpdate(double[][] ore, double[][] oim, double[] er, double[] ei, double[] w, double shift) {
        int m = er.length;
        int p = ore[0].length;
        double[] mr = new double[p];
        double[] mi = new double[p];
        double emr = 0;
        double emi = 0;
        for (int s = 0; s < m; s++) {
            emr += w[s] * er[s];
            emi += w[s] * ei[s];
            for (int k = 0; k < p; k++) {
                mr[k] += w[s] * ore[s][k];
                mi[k] += w[s] * oim[s][k];
            }
        }
        double[][] a = new double[p][p + 1];
        for (int s = 0; s < m; s++) {
            double ecr = er[s] - emr;
            double eci = ei[s] - emi;
            for (int k = 0; k < p; k++) {
                double ak = ore[s][k] - mr[k];
                double bk = oim[s][k] - mi[k];
                for (int l = 0; l < p; l++) {
                    // Re[(a_k − i b_k)(a_l + i b_l)] = a_k a_l + b_k b_l
                    a[k][l] += w[s] * (ak * (ore[s][l] - mr[l]) + bk * (oim[s][l] - mi[l]));
                }
                // Re[(a_k − i b_k)(ecr + i eci)] = a_k ecr + b_k eci
                a[k][p] += 2 * w[s] * (ak * ecr + bk * eci);
            }
        }
        for (int k = 0; k < p; k++) {
            a[k][k] += shift;
        }
        return gauss(a, p);
    }

    /** Solves the augmented system a [n][n+1] by Gaussian elimination with partial pivoting. */
    static double[] gauss(double[][] a, int n) {
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) {
                    piv = r;
                }
            }
            double[] t = a[c];
            a[c] = a[piv];
            a[piv] = t;
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k <= n; k++) {
                    a[r][k] -= f * a[c][k];
                }
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = a[r][n];
            for (int k = r + 1; k < n; k++) {
                s -= a[r][k] * x[k];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }

    /**
     * Lowest eigenvalue of a dense symmetric matrix by cyclic Jacobi rotations ({@link
     * org.spinformer.nqs.optimizer.SpdSolver#symmetricEigen}, plain Java, small matrices; an independent check of
     * Lanczos).
     */
    static double lowestEigenvalue(double[][] a) {
        int n = a.length;
        double[] flat = new double[n * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, flat, i * n, n);
        }
        return java.util.Arrays.stream(org.spinformer.nqs.optimizer.SpdSolver.symmetricEigen(flat, n).values())
                .min().orElseThrow();
    }

    /**
     * Total-variation distances from p of a histogram ({@code counts} over {@code total} samples) and of the uniform
     * distribution, with the expected TV of M = total independent draws, ½ Σ √(2 p(1 − p)/(π M)) (normal
     * approximation per state), and the bound used for Markov chains, ½ Σ √(2 p/(π M/4)) + 0.02 (M/4 effective
     * samples, plus a margin for the discretisation).
     */
    record Tv(double tv, double uniform, double independent, double chains) {}

    static Tv totalVariation(double[] counts, double total, double[] p) {
        double tv = 0;
        double uniform = 0;
        double independent = 0;
        double chains = 0.02;
        for (int r = 0; r < p.length; r++) {
            tv += 0.5 * Math.abs(counts[r] / total - p[r]);
            uniform += 0.5 * Math.abs(1.0 / p.length - p[r]);
            independent += 0.5 * Math.sqrt(2 * p[r] * (1 - p[r]) / (Math.PI * total));
            chains += 0.5 * Math.sqrt(2 * p[r] / (Math.PI * total / 4));
        }
        return new Tv(tv, uniform, independent, chains);
    }
}
