package org.spinformer.representations.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The independent reference for the built-in encoders: ONNX Runtime's forward of the same ONNX file, one sentence
 * at a time (no padding), against our last hidden state of all sentences as one right-padded batch.
 */
final class OnnxRuntimeReference {
    private OnnxRuntimeReference() {}

    /** Max |ours − ONNX Runtime| over every token and feature of the last state of {@code model} on {@code ids}. */
    static double maxLastStateError(HiddenStateModel model, String onnxResource, long[][] ids, NDManager m)
            throws Exception {
        byte[] onnx;
        try (InputStream in = Models.class.getResourceAsStream(onnxResource)) {
            onnx = in.readAllBytes();
        }
        int n = ids.length;
        TinyDecoderTest.Padded pb = TinyDecoderTest.Padded.of(ids, 0);
        double maxErr = 0;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(onnx, so);
             NDManager bm = m.newSubManager()) {
            NDArray last = model.hiddenStates(bm.create(pb.ids()).reshape(n, pb.t()),
                    bm.create(pb.mask()).reshape(n, pb.t())).get(model.layers());
            for (int i = 0; i < n; i++) {
                long[] row = ids[i];
                long[][] ones = {new long[row.length]};
                java.util.Arrays.fill(ones[0], 1L);
                Map<String, OnnxTensor> inputs = new HashMap<>();
                for (String name : session.getInputNames()) {
                    long[][] v = name.contains("mask") ? ones
                            : name.contains("type") ? new long[][] {new long[row.length]} : new long[][] {row};
                    inputs.put(name, OnnxTensor.createTensor(env, v));
                }
                try (OrtSession.Result r = session.run(inputs)) {
                    float[][] ref = ((float[][][]) r.get(0).getValue())[0];
                    float[] ours = last.get(new NDIndex("{}, 0:{}", i, row.length)).toFloatArray();
                    assertEquals(ref.length * ref[0].length, ours.length);
                    for (int j = 0; j < ref.length; j++) {
                        for (int d = 0; d < ref[j].length; d++) {
                            maxErr = Math.max(maxErr, Math.abs(ref[j][d] - ours[j * ref[j].length + d]));
                        }
                    }
                }
                inputs.values().forEach(OnnxTensor::close);
            }
        }
        return maxErr;
    }
}
