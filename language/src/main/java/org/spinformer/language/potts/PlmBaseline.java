package org.spinformer.language.potts;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.core.engine.NoGrad;
import org.spinformer.core.nn.Functional;
import org.spinformer.core.nn.Parameters;
import org.spinformer.core.train.AdamW;
import org.spinformer.core.train.TrainLoop;

/**
 * Plain pseudo-likelihood Potts fit with L2 regularisation, as plmDCA (Ekeberg et al., PRE 87, 012707, 2013),
 * with free fields h [L,q] and free couplings J [L·q, L·q] (diagonal blocks fixed at 0):
 * <pre>
 *   p(x_i = a | x_{∖i}) = softmax_a( h_i(a) + Σ_{j≠i,b} J_{ia,jb} δ(x_j, b) )
 *   loss = −(1/(M L)) Σ_m Σ_i log p(x_i^m | x_{∖i}^m) + (λ_h Σ h² + λ_J Σ J²)/L
 * </pre>
 * minimised full-batch with Adam. The gauged, symmetrised J is compared with the truth.
 */
public final class PlmBaseline {
    private final int l;
    private final int q;
    private final Parameters params = new Parameters();
    private final NDArray blockMask;

    public PlmBaseline(int sites, int colors, NDManager m) {
        this.l = sites;
        this.q = colors;
        params.put("h", m.zeros(new Shape(1, (long) l * q), DataType.FLOAT64));
        params.put("J", m.zeros(new Shape((long) l * q, (long) l * q), DataType.FLOAT64));
        double[] mask = new double[l * q * l * q];
        for (int i = 0; i < l * q; i++) {
            for (int j = 0; j < l * q; j++) {
                mask[i * l * q + j] = i / q == j / q ? 0 : 1;
            }
        }
        blockMask = m.create(mask, new Shape((long) l * q, (long) l * q));
    }

    private NDArray oneHot(int[][] x, NDManager m) {
        long[] ids = new long[x.length * l];
        for (int s = 0; s < x.length; s++) {
            for (int i = 0; i < l; i++) {
                ids[s * l + i] = x[s][i];
            }
        }
        return m.create(ids, new Shape(x.length, l)).oneHot(q, DataType.FLOAT64).reshape(x.length, (long) l * q);
    }

    /** Mean −log p(x_i | x_{∖i}) per site over {@code x} (plus the penalty when {@code lambda > 0}). */
    private NDArray loss(NDArray onehot, double lambda) {
        long mm = onehot.getShape().get(0);
        NDArray jm = params.get("J").mul(blockMask);
        NDArray logits = onehot.matMul(jm.transpose()).add(params.get("h")).reshape(mm, l, q);
        NDArray sum = logits.logSoftmax(2).mul(onehot.reshape(mm, l, q)).sum();
        NDArray nll = sum.div(Functional.constant(sum, -(double) mm * l)); // not div(Number): see Functional.constant
        if (lambda > 0) {
            nll = nll.add(Functional.scale(jm.square().sum().add(params.get("h").square().sum()), lambda / l));
        }
        return nll;
    }

    /** Fits by {@code steps} full-batch Adam steps (learning rate {@code lr}, λ_h = λ_J = {@code lambda}). */
    public void fit(int[][] samples, int steps, double lr, double lambda, NDManager m) {
        params.attachGradients();
        try (AdamW opt = AdamW.builder().setParameters(params).setLearningRate(lr).optWeightDecay(0).build();
             NDManager dm = m.newSubManager()) {
            NDArray x = oneHot(samples, dm);
            TrainLoop.builder().setParameters(params).setOptimizer(opt).setManager(m).optLogEvery(steps)
                    .setLoss((sm, s) -> loss(x, lambda)).build().run(steps);
        }
    }

    /** Test loss: mean −log p(x_i | x_{∖i}) per site, no penalty. */
    public double testLoss(int[][] samples, NDManager m) {
        try (NoGrad noGrad = NoGrad.enter()) {
            return TrainLoop.inStep(m, sm -> loss(oneHot(samples, sm), 0).getDouble());
        }
    }

    /** The fitted couplings K_ij(a,b) = J_{ia,jb}. */
    public double[][][][] couplings() {
        double[] j = params.get("J").mul(blockMask).toDoubleArray();
        double[][][][] k = new double[l][l][q][q];
        int n = l * q;
        for (int i = 0; i < l; i++) {
            for (int jj = 0; jj < l; jj++) {
                for (int a = 0; a < q; a++) {
                    for (int b = 0; b < q; b++) {
                        k[i][jj][a][b] = j[(i * q + a) * n + jj * q + b];
                    }
                }
            }
        }
        return k;
    }
}
