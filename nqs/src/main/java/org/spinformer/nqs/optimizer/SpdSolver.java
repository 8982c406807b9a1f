package org.spinformer.nqs.optimizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Solves A x = b for a symmetric positive (semi-)definite A [n,n] in float64.
 *
 * <p>Main path: a blocked left-looking Cholesky factorisation A = L Lᵀ. Diagonal blocks (≤ 128) are factorised
 * and inverted on the host; each block column's update C = A[k0:, k0:k1] − L[k0:, :k0] L[k0:k1, :k0]ᵀ and panel
 * C₂ L_kk⁻ᵀ run as matrix products on the tensor engine (DJL exposes no Cholesky), so the O(n³) work is BLAS and
 * no temporary is larger than one block column. The triangular solves
 * use the inverted diagonal blocks. A non-positive pivot means failure.
 *
 * <p>Fallback: eigendecomposition of A (cyclic Jacobi on the host) and the pseudo-inverse, dropping eigenvalues
 * below {@code rcond·λ_max}. The result is checked to be finite; a NaN is never returned silently.
 */
public final class SpdSolver {
    /** How a system was solved. */
    public enum Method { CHOLESKY, PSEUDO_INVERSE }

    /** A solution and the method that produced it. */
    public record Solution(NDArray x, Method method) {}

    private static final int BLOCK = 128;

    private SpdSolver() {}

    /** Solves A x = b; A [n,n] and b [n] float64 (inputs untouched). */
    public static Solution solve(NDArray a, NDArray b, double rcond) {
        NDManager m = a.getManager();
        if (a.isNaN().any().getBoolean() || a.isInfinite().any().getBoolean()
                || b.isNaN().any().getBoolean() || b.isInfinite().any().getBoolean()) {
            throw new IllegalStateException("SR system contains NaN or infinity (diverged wave function or local "
                    + "energies); lower the learning rate or raise the diagonal shift");
        }
        NDArray x = cholesky(a.toType(DataType.FLOAT64, false), b.toType(DataType.FLOAT64, false));
        if (x != null && !x.isNaN().any().getBoolean() && !x.isInfinite().any().getBoolean()) {
            return new Solution(x, Method.CHOLESKY);
        }
        int n = (int) a.getShape().get(0);
        double[] ah = a.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] bh = b.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] xh = pseudoInverseSolve(ah, bh, n, rcond);
        return new Solution(m.create(xh), Method.PSEUDO_INVERSE);
    }

    /**
     * Blocked left-looking Cholesky solve (A is read, never written); null when A is not numerically positive
     * definite. Block column k: C = A[k0:, k0:k1] − L[k0:, :k0] L[k0:k1, :k0]ᵀ (one product), L_kk = chol(C[:bs])
     * on the host, L[k1:, k0:k1] = C[bs:] L_kk⁻ᵀ. Every temporary is one block column, so nothing of size n² is
     * allocated besides L (fresh memory is slow on the build VM: first-touch page faults).
     */
    static NDArray cholesky(NDArray a, NDArray b) {
        NDManager m = a.getManager();
        int n = (int) a.getShape().get(0);
        int nBlocks = (n + BLOCK - 1) / BLOCK;
        NDArray[] linv = new NDArray[nBlocks]; // inverse of diagonal blocks [bs,bs]
        NDArray lower = m.zeros(new Shape(n, n), DataType.FLOAT64); // L, filled block column by block column
        for (int kb = 0; kb < nBlocks; kb++) {
            int k0 = kb * BLOCK;
            int k1 = Math.min(n, k0 + BLOCK);
            int bs = k1 - k0;
            // the block column's temporaries are freed at once, so the next block reuses their (touched) memory
            try (NDScope scope = new NDScope()) {
                NDArray col = a.get(new NDIndex(k0 + ":," + k0 + ":" + k1)); // [n−k0, bs]
                if (k0 > 0) {
                    NDArray left = lower.get(new NDIndex(k0 + ":,:" + k0)); // L[k0:, :k0]
                    NDArray top = lower.get(new NDIndex(k0 + ":" + k1 + ",:" + k0)); // L[k0:k1, :k0]
                    col = col.sub(left.matMul(top.transpose()));
                }
                double[] l = choleskyDense(col.get(new NDIndex(":" + bs)).toDoubleArray(), bs);
                if (l == null) {
                    return null;
                }
                NDArray lkk = m.create(l, new Shape(bs, bs));
                linv[kb] = m.create(lowerInverse(l, bs), new Shape(bs, bs));
                NDScope.unregister(linv[kb]);
                NDArray blockCol = k1 < n
                        ? NDArrays.concat(new NDList(lkk, col.get(new NDIndex(bs + ":")).matMul(linv[kb].transpose())))
                        : lkk;
                lower.set(new NDIndex(k0 + ":," + k0 + ":" + k1), blockCol);
            }
            NDScope.register(linv[kb]); // to the caller's scope, if any
        }
        // forward: L y = b, y_k = L_kk⁻¹ (b_k − L[k0:k1, :k0] y[:k0])
        NDArray y = m.zeros(new Shape(n), DataType.FLOAT64);
        for (int kb = 0; kb < nBlocks; kb++) {
            int k0 = kb * BLOCK;
            int k1 = Math.min(n, k0 + BLOCK);
            NDArray rhs = b.get(k0 + ":" + k1);
            if (k0 > 0) {
                rhs = rhs.sub(lower.get(new NDIndex(k0 + ":" + k1 + ",:" + k0)).matMul(y.get(":" + k0)));
            }
            y.set(new NDIndex(k0 + ":" + k1), linv[kb].matMul(rhs));
        }
        // backward: Lᵀ x = y, x_k = L_kk⁻ᵀ (y_k − L[k1:, k0:k1]ᵀ x[k1:])
        NDArray x = m.zeros(new Shape(n), DataType.FLOAT64);
        for (int kb = nBlocks - 1; kb >= 0; kb--) {
            int k0 = kb * BLOCK;
            int k1 = Math.min(n, k0 + BLOCK);
            NDArray rhs = y.get(k0 + ":" + k1);
            if (k1 < n) {
                rhs = rhs.sub(lower.get(new NDIndex(k1 + ":," + k0 + ":" + k1)).transpose().matMul(x.get(k1 + ":")));
            }
            x.set(new NDIndex(k0 + ":" + k1), linv[kb].transpose().matMul(rhs));
        }
        return x;
    }

    /** Dense Cholesky of a row-major [n,n] block; null on a non-positive pivot. */
    static double[] choleskyDense(double[] a, int n) {
        double[] l = new double[n * n];
        double scale = 0;
        for (int i = 0; i < n; i++) {
            scale = Math.max(scale, Math.abs(a[i * n + i]));
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) {
                    s -= l[i * n + k] * l[j * n + k];
                }
                if (i == j) {
                    if (!(s > 1e-14 * scale) || !Double.isFinite(s)) {
                        return null;
                    }
                    l[i * n + i] = Math.sqrt(s);
                } else {
                    l[i * n + j] = s / l[j * n + j];
                }
            }
        }
        return l;
    }

    /** Inverse of a lower-triangular row-major [n,n] matrix. */
    static double[] lowerInverse(double[] l, int n) {
        double[] inv = new double[n * n];
        for (int j = 0; j < n; j++) {
            inv[j * n + j] = 1.0 / l[j * n + j];
            for (int i = j + 1; i < n; i++) {
                double s = 0;
                for (int k = j; k < i; k++) {
                    s += l[i * n + k] * inv[k * n + j];
                }
                inv[i * n + j] = -s / l[i * n + i];
            }
        }
        return inv;
    }

    /** Eigenvalues λ [n] and eigenvectors (columns of V, row-major [n,n]) of a symmetric matrix. */
    public record Eigen(double[] values, double[] vectors) {}

    /**
     * Eigendecomposition of the symmetric A (row-major [n,n], not modified) by cyclic Jacobi rotations, on the
     * host: for small matrices (the SR fallback, reference checks of Lanczos).
     */
    public static Eigen symmetricEigen(double[] a0, int n) {
        double[] a = a0.clone();
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            v[i * n + i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double diag = 0;
            for (int p = 0; p < n; p++) {
                diag += a[p * n + p] * a[p * n + p];
                for (int q = p + 1; q < n; q++) {
                    off += a[p * n + q] * a[p * n + q];
                }
            }
            if (off <= 1e-30 * diag) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(a[p * n + q]) >= 1e-300) {
                        rotate(a, v, n, p, q);
                    }
                }
            }
        }
        double[] lam = new double[n];
        for (int i = 0; i < n; i++) {
            lam[i] = a[i * n + i];
        }
        return new Eigen(lam, v);
    }

    /** One Jacobi rotation zeroing a[p,q] (A ← Jᵀ A J, V ← V J). */
    private static void rotate(double[] a, double[] v, int n, int p, int q) {
        double theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q]);
        double t = theta == 0 ? 1 : Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        for (int k = 0; k < n; k++) {
            double akp = a[k * n + p];
            double akq = a[k * n + q];
            a[k * n + p] = c * akp - s * akq;
            a[k * n + q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) {
            double apk = a[p * n + k];
            double aqk = a[q * n + k];
            a[p * n + k] = c * apk - s * aqk;
            a[q * n + k] = s * apk + c * aqk;
        }
        for (int k = 0; k < n; k++) {
            double vkp = v[k * n + p];
            double vkq = v[k * n + q];
            v[k * n + p] = c * vkp - s * vkq;
            v[k * n + q] = s * vkp + c * vkq;
        }
    }

    /** x = A⁺ b by cyclic Jacobi eigendecomposition of the symmetric A (row-major [n,n]). */
    static double[] pseudoInverseSolve(double[] a0, double[] b, int n, double rcond) {
        Eigen e = symmetricEigen(a0, n);
        double[] v = e.vectors();
        double[] lams = e.values();
        double max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, Math.abs(lams[i]));
        }
        double[] x = new double[n];
        for (int k = 0; k < n; k++) {
            double lam = lams[k];
            if (!(lam > rcond * max)) {
                continue;
            }
            double proj = 0;
            for (int i = 0; i < n; i++) {
                proj += v[i * n + k] * b[i];
            }
            proj /= lam;
            for (int i = 0; i < n; i++) {
                x[i] += proj * v[i * n + k];
            }
        }
        for (double xi : x) {
            if (!Double.isFinite(xi)) {
                throw new IllegalStateException("SR pseudo-inverse produced a non-finite update");
            }
        }
        return x;
    }
}
