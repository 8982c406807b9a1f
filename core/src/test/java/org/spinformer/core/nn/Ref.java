package org.spinformer.core.nn;

/**
 * Independent float64 reference formulas written as plain Java loops, used only by the tests. Arrays are
 * nested: x[t][d] for one sequence, w[out][in] for a weight. The public ones also serve other modules' tests
 * (core's test jar).
 */
public final class Ref {
    private Ref() {}

    /** erf by the series erf x = 2/√π e^(−x²) Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)) (no cancellation). */
    static double erf(double x) {
        if (Math.abs(x) > 6) {
            return Math.signum(x);
        }
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++) {
            term *= 2 * x * x / (2 * n + 1);
            sum += term;
            if (Math.abs(term) < 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return 2 / Math.sqrt(Math.PI) * Math.exp(-x * x) * sum;
    }

    static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    static double geluTanh(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    static double silu(double x) {
        return x / (1 + Math.exp(-x));
    }

    static double act(Functional.Activation a, double x) {
        switch (a) {
            case GELU: return gelu(x);
            case GELU_TANH: return geluTanh(x);
            case SILU: return silu(x);
            default: return Math.max(x, 0);
        }
    }

    static double[][] act(Functional.Activation a, double[][] x) {
        double[][] y = new double[x.length][x[0].length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[0].length; j++) {
                y[i][j] = act(a, x[i][j]);
            }
        }
        return y;
    }

    /** y[t][o] = Σ_i x[t][i] w[o][i] + b[o]. */
    public static double[][] linear(double[][] x, double[][] w, double[] b) {
        int t = x.length;
        int out = w.length;
        int in = w[0].length;
        double[][] y = new double[t][out];
        for (int s = 0; s < t; s++) {
            for (int o = 0; o < out; o++) {
                double acc = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) {
                    acc += x[s][i] * w[o][i];
                }
                y[s][o] = acc;
            }
        }
        return y;
    }

    static double[][] transpose(double[][] a) {
        double[][] r = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                r[j][i] = a[i][j];
            }
        }
        return r;
    }

    public static double[][] add(double[][] a, double[][] b) {
        double[][] r = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                r[i][j] = a[i][j] + b[i][j];
            }
        }
        return r;
    }

    static double[][] mul(double[][] a, double[][] b) {
        double[][] r = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                r[i][j] = a[i][j] * b[i][j];
            }
        }
        return r;
    }

    public static double[][] layerNorm(double[][] x, double[] g, double[] b, double eps) {
        double[][] y = new double[x.length][x[0].length];
        int d = x[0].length;
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (double v : x[t]) {
                mean += v;
            }
            mean /= d;
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean);
            }
            var /= d;
            for (int i = 0; i < d; i++) {
                y[t][i] = (x[t][i] - mean) / Math.sqrt(var + eps) * (g == null ? 1 : g[i]) + (b == null ? 0 : b[i]);
            }
        }
        return y;
    }

    public static double[][] rmsNorm(double[][] x, double[] g, double eps) {
        double[][] y = new double[x.length][x[0].length];
        int d = x[0].length;
        for (int t = 0; t < x.length; t++) {
            double ms = 0;
            for (double v : x[t]) {
                ms += v * v;
            }
            ms /= d;
            for (int i = 0; i < d; i++) {
                y[t][i] = x[t][i] / Math.sqrt(ms + eps) * g[i];
            }
        }
        return y;
    }

    /** Columns [from, from+n) of a [T][*] matrix. */
    static double[][] cols(double[][] x, int from, int n) {
        double[][] r = new double[x.length][n];
        for (int t = 0; t < x.length; t++) {
            System.arraycopy(x[t], from, r[t], 0, n);
        }
        return r;
    }

    /**
     * Multi-head attention of one sequence on already projected q [T][H·dh], k and v [S][Hkv·dh]; query head
     * h reads key/value head h / (H/Hkv). keep[j] false masks key j; causal masks j > i + S − T.
     * Returns [T][H·dh].
     */
    static double[][] attention(double[][] q, double[][] k, double[][] v, int heads, int kvHeads, boolean[] keep,
            boolean causal) {
        int t = q.length;
        int s = k.length;
        int dh = q[0].length / heads;
        double[][] out = new double[t][heads * dh];
        for (int h = 0; h < heads; h++) {
            int g = h / (heads / kvHeads);
            for (int i = 0; i < t; i++) {
                double[] sc = new double[s];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < s; j++) {
                    boolean ok = (keep == null || keep[j]) && (!causal || j <= i + s - t);
                    if (ok) {
                        double acc = 0;
                        for (int c = 0; c < dh; c++) {
                            acc += q[i][h * dh + c] * k[j][g * dh + c];
                        }
                        sc[j] = acc / Math.sqrt(dh);
                    } else {
                        sc[j] = Double.NEGATIVE_INFINITY;
                    }
                    max = Math.max(max, sc[j]);
                }
                double z = 0;
                for (int j = 0; j < s; j++) {
                    sc[j] = sc[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(sc[j] - max);
                    z += sc[j];
                }
                for (int j = 0; j < s; j++) {
                    double p = sc[j] / z;
                    for (int c = 0; c < dh; c++) {
                        out[i][h * dh + c] += p * v[j][g * dh + c];
                    }
                }
            }
        }
        return out;
    }

    /** RoPE on x [T][H·dh] by explicit rotation of the pairs (x_k, x_{k+dh/2}) by angle p_t ω_k. */
    static double[][] rope(double[][] x, int heads, double[] omega) {
        int t = x.length;
        int dh = x[0].length / heads;
        int half = dh / 2;
        double[][] y = new double[t][x[0].length];
        for (int p = 0; p < t; p++) {
            for (int h = 0; h < heads; h++) {
                for (int k = 0; k < half; k++) {
                    double a = x[p][h * dh + k];
                    double b = x[p][h * dh + k + half];
                    double c = Math.cos(p * omega[k]);
                    double s = Math.sin(p * omega[k]);
                    y[p][h * dh + k] = a * c - b * s;
                    y[p][h * dh + k + half] = b * c + a * s;
                }
            }
        }
        return y;
    }

    /** Factored attention of one sequence: y = (concat_h α_h V_h) W_oᵀ + b_o with V = x W_vᵀ + b_v. */
    static double[][] factored(double[][] x, double[][][] alpha, double[][] wv, double[] bv, double[][] wo,
            double[] bo) {
        int heads = alpha.length;
        int t = x.length;
        double[][] v = linear(x, wv, bv);
        int d = v[0].length;
        int dh = d / heads;
        double[][] o = new double[t][d];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    for (int c = 0; c < dh; c++) {
                        o[i][h * dh + c] += alpha[h][i][j] * v[j][h * dh + c];
                    }
                }
            }
        }
        return wo == null ? o : linear(o, wo, bo);
    }
    /** Softmax of one row over the kept entries (masked entries get weight 0). */
    static double[] softmax(double[] s, boolean[] keep) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < s.length; j++) {
            if (keep == null || keep[j]) {
                max = Math.max(max, s[j]);
            }
        }
        double[] p = new double[s.length];
        double z = 0;
        for (int j = 0; j < s.length; j++) {
            if (keep == null || keep[j]) {
                p[j] = Math.exp(s[j] - max);
                z += p[j];
            }
        }
        for (int j = 0; j < s.length; j++) {
            p[j] /= z;
        }
        return p;
    }

    /** Multi-head self-attention block: projections, optional RoPE (ω or null), attention, output projection. */
    public static double[][] mha(double[][] x, double[][] wq, double[] bq, double[][] wk, double[] bk, double[][] wv,
            double[] bv, double[][] wo, double[] bo, int heads, int kvHeads, double[] omega, boolean[] keep,
            boolean causal) {
        double[][] q = linear(x, wq, bq);
        double[][] k = linear(x, wk, bk);
        double[][] v = linear(x, wv, bv);
        if (omega != null) {
            q = rope(q, heads, omega);
            k = rope(k, kvHeads, omega);
        }
        return linear(attention(q, k, v, heads, kvHeads, keep, causal), wo, bo);
    }

    /** GPT-2 attention with Conv1D weights [in,out]: c_attn [D,3D], c_proj [D,D]. */
    static double[][] gpt2Attention(double[][] x, double[][] wAttn, double[] bAttn, double[][] wProj, double[] bProj,
            int heads, boolean[] keep, boolean causal) {
        int d = x[0].length;
        double[][] qkv = linear(x, transpose(wAttn), bAttn);
        double[][] o = attention(cols(qkv, 0, d), cols(qkv, d, d), cols(qkv, 2 * d, d), heads, heads, keep, causal);
        return linear(o, transpose(wProj), bProj);
    }

    /** Two-layer MLP y = W₂ act(W₁ x + b₁) + b₂ with PyTorch-layout weights. */
    public static double[][] mlp(double[][] x, double[][] w1, double[] b1, double[][] w2, double[] b2,
            Functional.Activation a) {
        return linear(act(a, linear(x, w1, b1)), w2, b2);
    }

    /** SwiGLU y = W_down (SiLU(W_gate x) ⊙ W_up x). */
    static double[][] swiGlu(double[][] x, double[][] gate, double[][] up, double[][] down) {
        return linear(mul(act(Functional.Activation.SILU, linear(x, gate, null)), linear(x, up, null)), down, null);
    }

    /** Factored-attention matrices with padding: free α·keep_j. */
    static double[][][] maskColumns(double[][][] alpha, boolean[] keep) {
        double[][][] r = new double[alpha.length][alpha[0].length][alpha[0][0].length];
        for (int h = 0; h < alpha.length; h++) {
            for (int i = 0; i < alpha[0].length; i++) {
                for (int j = 0; j < alpha[0][0].length; j++) {
                    r[h][i][j] = keep == null || keep[j] ? alpha[h][i][j] : 0;
                }
            }
        }
        return r;
    }

    /** Row-wise softmax of a score [H][T][T] over the kept keys. */
    static double[][][] softmaxRows(double[][][] score, boolean[] keep) {
        double[][][] r = new double[score.length][][];
        for (int h = 0; h < score.length; h++) {
            r[h] = new double[score[h].length][];
            for (int i = 0; i < score[h].length; i++) {
                r[h][i] = softmax(score[h][i], keep);
            }
        }
        return r;
    }

    /**
     * Translation-invariant α on an Lx×Ly torus (a ring is Lx = L, Ly = 1): site i sits at (i / Ly, i % Ly) and
     * α_hij = a_h[n(r_j − r_i)] with the displacement wrapped into [0,Lx)×[0,Ly) and numbered dx·Ly + dy.
     */
    static double[][][] translationInvariant(double[][] a, int lx, int ly) {
        int t = lx * ly;
        double[][][] r = new double[a.length][t][t];
        for (int h = 0; h < a.length; h++) {
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    int dx = ((j / ly - i / ly) % lx + lx) % lx;
                    int dy = ((j % ly - i % ly) % ly + ly) % ly;
                    r[h][i][j] = a[h][dx * ly + dy];
                }
            }
        }
        return r;
    }
}
