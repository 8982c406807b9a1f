package org.spinformer.language.attractor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Self-attention as an attractor network (D'Amico and Negri 2024, arXiv:2409.16112), as pure functions on
 * tensors. Tokens x_i ∈ R^D (unit vectors) at positions i = 1..T; couplings J_ij ∈ R^{D×D} for every ordered
 * pair, J_ii = 0 (never used).
 *
 * <p><b>Local energy.</b> E_i(x) = −(1/β) log Σ_{j≠i} exp(β x_iᵀ J_ij x_j) − (γ/2) |x_i|². Its gradient with
 * respect to the token itself is minus one self-attention layer with a residual term,
 * −∂E_i/∂x_i = Σ_{j≠i} α_{i←j} J_ij x_j + γ x_i, α_{i←j} = softmax_j(β x_iᵀ J_ij x_j)
 * (the x_i inside x_jᵀ J_ji x_i of the other positions' energies is not differentiated: each token descends its
 * own energy, which is why the dynamics is not a gradient flow of Σ_i E_i).
 *
 * <p><b>Dynamics</b> ({@link #update}): x_i(t+1) = −∂E_i/∂x_i evaluated at x(t), all positions at once, then
 * projected back onto the unit sphere (x_i ← u_i / |u_i|), since the tokens live on the sphere. The paper writes
 * the update without β (β = 1 here reproduces it).
 *
 * <p><b>Training</b> ({@link #lossAndGradient}, {@link #train}): each position i has its own loss on the B
 * training examples, L_i(J_i·) = (1/B) Σ_b E_i(x^b) + (λ/2) Σ_{j≠i} |J_ij|²_F (the γ term does not depend on J
 * and is left out); it involves only the couplings J_i· into position i, so L = Σ_i L_i splits into T independent
 * problems and no error is propagated through the dynamics (no backpropagation). The gradient is closed-form,
 * ∂L_i/∂J_ij = −(1/B) Σ_b α^b_{i←j} x^b_i x^bᵀ_j + λ J_ij, a Hebbian term weighted by the attention each example
 * pays, and the rule is J_ij ← J_ij − η ∂L_i/∂J_ij. The energy alone is unbounded below as |J| grows
 * (E_i ≥ −max_j |J_ij|); the weight decay λ makes L_i bounded (L_i ≥ −|J| + λ|J|²/2) and sets the scale
 * |J| ~ 1/((T−1)λ) of the couplings. (The regulariser is this implementation's choice: the paper's form of it
 * was not available to check.)
 *
 * <p>Shapes: B examples, T positions, D width. Internally a state is kept as xt [T,D,B] so that one batched
 * matMul gives every J_ij x_j^b: J [T,T,D,D] · xt [1,T,D,B] → [T,T,D,B].
 */
public final class AttractorNetwork {
    private AttractorNetwork() {}

    /** Random couplings [T,T,D,D], entries N(0, scale²/D), J_ii = 0, from {@code seed}: the untrained network. */
    public static NDArray initialCouplings(int t, int d, double scale, long seed, NDManager m) {
        java.util.Random r = new java.util.Random(seed);
        float[] v = new float[t * t * d * d];
        double s = scale / Math.sqrt(d);
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                if (i == j) {
                    continue;
                }
                int base = (i * t + j) * d * d;
                for (int k = 0; k < d * d; k++) {
                    v[base + k] = (float) (s * r.nextGaussian());
                }
            }
        }
        return m.create(v, new Shape(t, t, d, d));
    }

    /** [T,T,1,1]: 1 off the diagonal, 0 on it (keeps J_ii = 0). */
    static NDArray offDiagonal(NDManager m, int t, DataType type) {
        return m.ones(new Shape(t, t), type).sub(m.eye(t).toType(type, false)).reshape(t, t, 1, 1);
    }

    /** [T,T,1]: 0 off the diagonal, −∞ on it (drops j = i from the softmax). */
    static NDArray diagonalMask(NDManager m, int t, DataType type) {
        float[] v = new float[t * t];
        for (int i = 0; i < t; i++) {
            v[i * t + i] = Float.NEGATIVE_INFINITY;
        }
        return m.create(v, new Shape(t, t, 1)).toType(type, false);
    }

    /** The fields y[i,j,:,b] = J_ij x_j^b, [T,T,D,B], and the masked scores β x_iᵀ J_ij x_j, [T,T,B]. */
    private static NDList fieldsAndScores(NDArray j, NDArray xt, double beta) {
        int t = (int) xt.getShape().get(0);
        NDArray y = j.matMul(xt.expandDims(0)); // [T,T,D,B]
        NDArray s = y.mul(xt.expandDims(1)).sum(new int[] {2}).mul(beta) // [T,T,B]
                .add(diagonalMask(xt.getManager(), t, xt.getDataType()));
        return new NDList(y, s);
    }

    /** The attention α[b,i,j] = α_{i←j} for states x [B,T,D]: [B,T,T] (zero on the diagonal). */
    public static NDArray attention(NDArray j, NDArray x, double beta) {
        NDArray xt = x.transpose(1, 2, 0);
        return fieldsAndScores(j, xt, beta).get(1).softmax(1).transpose(2, 0, 1);
    }

    /**
     * The unnormalised update u_i = Σ_{j≠i} α_{i←j} J_ij x_j + γ x_i = −∂E_i/∂x_i for states x [B,T,D]: [B,T,D].
     */
    public static NDArray field(NDArray j, NDArray x, double beta, double gamma) {
        return fieldT(j, x.transpose(1, 2, 0), beta, gamma).transpose(2, 0, 1);
    }

    private static NDArray fieldT(NDArray j, NDArray xt, double beta, double gamma) {
        NDList ys = fieldsAndScores(j, xt, beta);
        NDArray alpha = ys.get(1).softmax(1); // [T,T,B]
        NDArray h = ys.get(0).mul(alpha.expandDims(2)).sum(new int[] {1}); // [T,D,B]
        return gamma == 0 ? h : h.add(xt.mul(gamma));
    }

    /** One step of the dynamics for states x [B,T,D]: every token x_i ← u_i / |u_i| (a zero u_i stays zero). */
    public static NDArray update(NDArray j, NDArray x, double beta, double gamma) {
        return transposedUpdate(j, x.transpose(1, 2, 0), beta, gamma).transpose(2, 0, 1);
    }

    /** {@link #update} on the internal layout xt [T,D,B]. */
    static NDArray transposedUpdate(NDArray j, NDArray xt, double beta, double gamma) {
        NDArray u = fieldT(j, xt, beta, gamma);
        return u.div(u.norm(new int[] {1}, true).maximum(1e-12));
    }

    /** The local energies E_i(x^b), [B,T], for states x [B,T,D]. */
    public static NDArray energy(NDArray j, NDArray x, double beta, double gamma) {
        NDArray xt = x.transpose(1, 2, 0);
        NDArray s = fieldsAndScores(j, xt, beta).get(1); // [T,T,B]
        NDArray e = logSumExp(s).div(-beta); // [T,B]
        if (gamma != 0) {
            e = e.sub(xt.square().sum(new int[] {1}).mul(gamma / 2));
        }
        return e.transpose();
    }

    /** log Σ_j exp(s_ij) over axis 1 of [T,T,B] (the diagonal −∞ drops out): [T,B]. */
    private static NDArray logSumExp(NDArray s) {
        NDArray mx = s.max(new int[] {1}, true);
        return s.sub(mx).exp().sum(new int[] {1}).log().add(mx.squeeze(1));
    }

    /**
     * Each position's training loss L_i [T] and its gradient ∂L_i/∂J_ij [T,T,D,D] (zero for j = i) on examples
     * x [B,T,D]: L_i = (1/B) Σ_b E_i(x^b)|_{γ=0} + (λ/2) Σ_{j≠i} |J_ij|²,
     * ∂L_i/∂J_ij = −(1/B) Σ_b α^b_{i←j} x^b_i x^bᵀ_j + λ J_ij.
     */
    public static NDList lossAndGradient(NDArray j, NDArray x, double beta, double lambda) {
        NDManager m = x.getManager();
        long b = x.getShape().get(0);
        int t = (int) x.getShape().get(1);
        NDArray xt = x.transpose(1, 2, 0); // [T,D,B]
        NDList ys = fieldsAndScores(j, xt, beta);
        NDArray s = ys.get(1);
        NDArray alpha = s.softmax(1); // [T,T,B]
        NDArray energy = logSumExp(s).div(-beta).mean(new int[] {1}); // [T]
        NDArray jsq = j.square().sum(new int[] {1, 2, 3}); // [T]: Σ_j |J_ij|² (J_ii = 0)
        NDArray loss = energy.add(jsq.mul(lambda / 2));
        // Σ_b α[i,j,b] x_i^b x_j^bᵀ: (xt[i] ⊙ α[i,j]) [T,T,D,B] · x_j [1,T,B,D] → [T,T,D,D]
        NDArray hebb = xt.expandDims(1).mul(alpha.expandDims(2)).matMul(x.transpose(1, 0, 2).expandDims(0));
        NDArray grad = hebb.div(-b).add(j.mul(lambda)).mul(offDiagonal(m, t, x.getDataType()));
        return new NDList(loss, grad);
    }

    /** Gets the step count and the total loss Σ_i L_i at the couplings after that many steps. */
    @FunctionalInterface
    public interface StepListener {
        void onStep(long step, double loss);
    }

    /**
     * The local rule: {@code steps} steps of J ← J − η ∂L/∂J from {@code j} (updated in place), full batch over
     * the examples x [B,T,D]; {@code listener} gets the loss at step 0, every {@code logEvery} steps and after
     * the last one. Returns the final total loss.
     */
    public static double train(NDArray j, NDArray x, double beta, double lambda, double lr, int steps, int logEvery,
                               StepListener listener) {
        for (int s = 0; s <= steps; s++) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDList lg = lossAndGradient(j, x, beta, lambda);
                if (s % logEvery == 0 || s == steps) {
                    double loss = lg.get(0).sum().toType(DataType.FLOAT64, false).getDouble();
                    if (listener != null) {
                        listener.onStep(s, loss);
                    }
                    if (s == steps) {
                        return loss;
                    }
                }
                j.subi(lg.get(1).mul(lr));
            }
        }
        throw new AssertionError("unreachable");
    }
}
