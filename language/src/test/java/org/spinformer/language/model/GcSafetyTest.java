package org.spinformer.language.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.spinformer.core.nn.Attention;
import org.spinformer.core.train.Rng;
import org.spinformer.language.train.Mlm;
import org.spinformer.language.train.MaskedBatch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression tests for the "BERT NaN" bug: DJL's {@code mul(Number)} saves a scalar backed by a Java direct buffer
 * for the backward pass and closes its owner at once; a garbage collection between forward and backward freed the
 * buffer and the backward pass read freed memory (random NaN gradients, different in identical runs). Here a GC
 * plus a flood of NaN-filled small direct buffers (which reuse the freed memory) runs between forward and
 * backward; the gradients must be bit-identical to those of an undisturbed pass.
 */
class GcSafetyTest {
    /** Forces collections (and their cleaners), then fills freshly freed small native blocks with NaN. */
    static List<ByteBuffer> pressure() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(30);
        }
        List<ByteBuffer> junk = new ArrayList<>();
        for (int i = 0; i < 20000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(i % 2 == 0 ? 4 : 8).order(ByteOrder.nativeOrder());
            if (b.capacity() == 4) {
                b.putFloat(0, Float.NaN);
            } else {
                b.putDouble(0, Double.NaN);
            }
            junk.add(b);
        }
        return junk;
    }

    private static float[] attentionGrad(boolean disturb) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Rng r = new Rng(7);
            NDArray q = r.normal(m, new Shape(2, 2, 5, 4), 1, DataType.FLOAT32);
            NDArray k = r.normal(m, new Shape(2, 2, 5, 4), 1, DataType.FLOAT32);
            NDArray v = r.normal(m, new Shape(2, 2, 5, 4), 1, DataType.FLOAT32);
            NDArray w = r.normal(m, new Shape(2, 2, 5, 4), 1, DataType.FLOAT32);
            q.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = Attention.scaledDotProduct(q, k, v, null, false).mul(w).sum();
                List<ByteBuffer> keep = disturb ? pressure() : List.of();
                gc.backward(loss);
                assertEquals(disturb ? 20000 : 0, keep.size(), "native blocks refilled with NaN while the graph waits");
                java.lang.ref.Reference.reachabilityFence(keep);
            }
            return q.getGradient().toFloatArray();
        }
    }

    @Test
    void attentionGradientSurvivesGarbageCollectionBetweenForwardAndBackward() throws Exception {
        float[] ref = attentionGrad(false);
        for (int rep = 0; rep < 3; rep++) {
            assertArrayEquals(ref, attentionGrad(true), "gradient changed by a GC between forward and backward");
        }
    }

    private static float[] bertGrad(boolean disturb) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            BertMlm bert = new BertMlm(new BertMlm.Config(20, 8, 16, 2, 32, 2, 2, 3), m, null, DataType.FLOAT32);
            bert.parameters().attachGradients();
            Random rnd = new Random(1);
            int[][] win = new int[6][8];
            for (int[] x : win) {
                for (int j = 0; j < x.length; j++) {
                    x[j] = 3 + rnd.nextInt(17);
                }
            }
            MaskedBatch b = MaskedBatch.of(win, new int[] {0, 1, 2, 3, 4, 5}, 2, 0.25, new Random(2));
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = Mlm.loss(bert, m, b);
                List<ByteBuffer> keep = disturb ? pressure() : List.of();
                gc.backward(loss);
                assertEquals(disturb ? 20000 : 0, keep.size(), "native blocks refilled with NaN while the graph waits");
                java.lang.ref.Reference.reachabilityFence(keep);
            }
            List<Float> all = new ArrayList<>();
            for (var e : bert.parameters()) {
                for (float f : e.getValue().getGradient().toFloatArray()) {
                    all.add(f);
                }
            }
            float[] out = new float[all.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = all.get(i);
            }
            return out;
        }
    }

    @Test
    void bertGradientSurvivesGarbageCollectionBetweenForwardAndBackward() throws Exception {
        float[] ref = bertGrad(false);
        for (float f : ref) {
            assertTrue(Float.isFinite(f));
        }
        for (int rep = 0; rep < 2; rep++) {
            assertArrayEquals(ref, bertGrad(true), "BERT gradient changed by a GC between forward and backward");
        }
    }
}
