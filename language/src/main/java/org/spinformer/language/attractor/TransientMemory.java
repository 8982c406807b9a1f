package org.spinformer.language.attractor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The transient-memory analysis of D'Amico and Negri (2024): S starts evolve together under
 * {@link AttractorNetwork#update}, and at every time t = 0..steps the overlap of each state X(t) with an example
 * Y, m(X, Y) = (1/T) Σ_i x_iᵀ y_i ∈ [−1, 1], is taken with the example the start came from (own) and with the
 * nearest train and the nearest test example (max over each set); for masked-token starts also the cosine of the
 * masked position with its true token and whether the vocabulary vector nearest to it is that token. All are
 * averaged over the starts; each time step is a handful of batched operations and the curves are read from the
 * engine once, at the end.
 */
public final class TransientMemory {
    private TransientMemory() {}

    /**
     * Curves over t = 0..steps, each the mean over starts: overlap with the start's own example (NaN without
     * one), with the nearest train and nearest test example, the masked position's cosine with its true token
     * and the fraction of starts whose masked position is nearest to it (NaN without a masked position).
     */
    public record Curves(double[] own, double[] nearestTrain, double[] nearestTest, double[] maskedCosine,
                         double[] maskedAccuracy) {
        /** The time of the largest value of {@code c} (the first one on ties). */
        public static int argMax(double[] c) {
            int best = 0;
            for (int k = 1; k < c.length; k++) {
                if (c[k] > c[best]) {
                    best = k;
                }
            }
            return best;
        }
    }

    /** What a masked-token start hides: the position and the true token of each start, and the vocabulary [Q,D]. */
    public record Mask(int[] positions, int[] tokens, NDArray vocabulary) {}

    /**
     * Runs the dynamics from {@code starts} [S,T,D] for {@code steps} steps and measures the curves.
     *
     * @param own the example each start came from [S,T,D], or null (random starts)
     * @param train the train examples [P,T,D]
     * @param test the test examples [P',T,D]
     * @param mask the masked position of each start, or null
     */
    public static Curves run(NDArray j, NDArray starts, NDArray own, NDArray train, NDArray test, Mask mask,
                             int steps, double beta, double gamma) {
        NDManager m = starts.getManager();
        try (NDScope scope = new NDScope()) { // every intermediate is freed: only the double[] curves leave
            scope.suppressNotUsedWarning();
            long s = starts.getShape().get(0);
            int t = (int) starts.getShape().get(1);
            int d = (int) starts.getShape().get(2);
            NDArray trainT = train.reshape(train.getShape().get(0), (long) t * d).transpose().toType(DataType.FLOAT32, false);
            NDArray testT = test.reshape(test.getShape().get(0), (long) t * d).transpose().toType(DataType.FLOAT32, false);
            NDArray ownFlat = own == null ? null : own.reshape(s, (long) t * d);
            NDArray oneHot = null;
            NDArray truth = null;
            NDArray trueIds = null;
            NDArray vocabT = null;
            if (mask != null) {
                float[] oh = new float[(int) s * t];
                for (int e = 0; e < s; e++) {
                    oh[e * t + mask.positions()[e]] = 1f;
                }
                oneHot = m.create(oh, new Shape(s, t, 1));
                trueIds = m.create(Arrays.stream(mask.tokens()).asLongStream().toArray());
                truth = mask.vocabulary().get(trueIds); // [S,D]
                vocabT = mask.vocabulary().transpose();
            }
            List<NDArray> ownC = new ArrayList<>();
            List<NDArray> trainC = new ArrayList<>();
            List<NDArray> testC = new ArrayList<>();
            List<NDArray> cosC = new ArrayList<>();
            List<NDArray> accC = new ArrayList<>();
            NDArray xt = starts.transpose(1, 2, 0); // [T,D,S]
            for (int step = 0; step <= steps; step++) {
                NDArray x = xt.transpose(2, 0, 1); // [S,T,D]
                NDArray flat = x.reshape(s, (long) t * d);
                trainC.add(flat.matMul(trainT).max(new int[] {1}).div(t));
                testC.add(flat.matMul(testT).max(new int[] {1}).div(t));
                if (ownFlat != null) {
                    ownC.add(flat.mul(ownFlat).sum(new int[] {1}).div(t));
                }
                if (mask != null) {
                    NDArray hidden = x.mul(oneHot).sum(new int[] {1}); // [S,D]
                    cosC.add(hidden.mul(truth).sum(new int[] {1}));
                    accC.add(hidden.matMul(vocabT).argMax(1).eq(trueIds).toType(DataType.FLOAT32, false));
                }
                if (step < steps) {
                    xt = AttractorNetwork.transposedUpdate(j, xt, beta, gamma);
                }
            }
            return new Curves(mean(ownC, steps), mean(trainC, steps), mean(testC, steps), mean(cosC, steps),
                    mean(accC, steps));
        }
    }

    private static double[] mean(List<NDArray> perStep, int steps) {
        if (perStep.isEmpty()) {
            double[] nan = new double[steps + 1];
            Arrays.fill(nan, Double.NaN);
            return nan;
        }
        NDArray all = NDArrays.stack(new NDList(perStep)); // [steps+1, S]
        return all.toType(DataType.FLOAT64, false).mean(new int[] {1}).toDoubleArray();
    }
}
