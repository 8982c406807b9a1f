package org.spinformer.nqs.driver;

/**
 * Monte Carlo statistics of the local energy (host side, on the M numbers of one step): the weighted mean, the
 * variance Var(E_loc), the error of the mean from chain blocking (chain means), the integrated autocorrelation
 * time τ = n·Var(chain means)/(2·Var) (n samples per chain, floored at ½) and the split-R̂ of Gelman et al.
 * For exact enumeration the error is 0 and R̂, τ are undefined (NaN).
 *
 * @param mean ⟨E_loc⟩ (real part)
 * @param variance ⟨|E_loc − ⟨E_loc⟩|²⟩
 * @param error standard error of the mean
 * @param tau integrated autocorrelation time in sweeps
 * @param rHat split-R̂ (NaN with fewer than 4 samples per chain)
 */
public record Statistics(double mean, double variance, double error, double tau, double rHat) {
    /** Statistics of local energies (re, im) with weights w; Monte Carlo rows sample-major over {@code chains}. */
    public static Statistics of(double[] re, double[] im, double[] w, int chains, boolean exact) {
        int m = re.length;
        double mean = 0;
        for (int i = 0; i < m; i++) {
            mean += w[i] * re[i];
        }
        double meanIm = 0;
        for (int i = 0; i < m; i++) {
            meanIm += w[i] * im[i];
        }
        double var = 0;
        for (int i = 0; i < m; i++) {
            double dr = re[i] - mean;
            double di = im[i] - meanIm;
            var += w[i] * (dr * dr + di * di);
        }
        if (exact) {
            return new Statistics(mean, var, 0.0, Double.NaN, Double.NaN);
        }
        int n = m / chains;
        if (chains < 2) {
            return new Statistics(mean, var, Math.sqrt(var / m), Double.NaN, Double.NaN);
        }
        double[] cm = new double[chains];
        for (int s = 0; s < n; s++) {
            for (int c = 0; c < chains; c++) {
                cm[c] += re[s * chains + c] / n;
            }
        }
        double vcm = variance(cm);
        double error = Math.sqrt(vcm / chains);
        double tau = var > 0 ? Math.max(0.5, n * vcm / (2 * var)) : Double.NaN;
        double rhat = Double.NaN;
        if (n >= 4) {
            int half = n / 2;
            double[] means = new double[2 * chains];
            double[] vars = new double[2 * chains];
            for (int c = 0; c < chains; c++) {
                for (int part = 0; part < 2; part++) {
                    double[] x = new double[half];
                    for (int s = 0; s < half; s++) {
                        x[s] = re[(part * half + s) * chains + c];
                    }
                    means[2 * c + part] = meanOf(x);
                    vars[2 * c + part] = variance(x) * half / Math.max(1, half - 1);
                }
            }
            double wv = meanOf(vars);
            double bOverN = variance(means) * means.length / (means.length - 1.0);
            rhat = wv > 0 ? Math.sqrt(((half - 1.0) / half * wv + bOverN) / wv) : Double.NaN;
        }
        return new Statistics(mean, var, error, tau, rhat);
    }

    static double meanOf(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** Biased variance. */
    static double variance(double[] x) {
        double mu = meanOf(x);
        double s = 0;
        for (double v : x) {
            s += (v - mu) * (v - mu);
        }
        return s / x.length;
    }
}
