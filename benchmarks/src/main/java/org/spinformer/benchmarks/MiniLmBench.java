package org.spinformer.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.spinformer.representations.models.BertEncoder;
import org.spinformer.representations.models.Models;

import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * all-MiniLM-L6-v2 forward on a batch of B sequences of T tokens (ids drawn from the vocabulary with [CLS] ...
 * [SEP], no padding): ours (core encoder layers, every hidden state returned) against ONNX Runtime Java running
 * the same ONNX file from the same jar with the same number of intra-op threads. Setup checks that both give the
 * same last hidden state (max abs difference ≤ 1e-4) before anything is timed.
 */
public class MiniLmBench extends JmhDefaults {
    @Param({"32"})
    public int batch;

    @Param({"64"})
    public int tokens;

    @Param({"cpu"})
    public String device;

    private NDManager manager;
    private BertEncoder model;
    private NDArray ids;
    private NDArray mask;
    private OrtEnvironment env;
    private OrtSession session;
    private Map<String, OnnxTensor> ortInputs;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        manager = BenchSupport.manager(device);
        model = Models.miniLm(manager.getDevice(), DataType.FLOAT32);
        long[] flat = tokenIds(batch, tokens);
        Shape shape = new Shape(batch, tokens);
        ids = manager.create(flat, shape);
        mask = manager.ones(shape, DataType.INT64);
        env = OrtEnvironment.getEnvironment();
        byte[] onnx;
        try (InputStream in = Models.class.getResourceAsStream(Models.MINILM_ONNX)) {
            onnx = in.readAllBytes();
        }
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(BenchSupport.threads());
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = env.createSession(onnx, so);
        long[] ones = new long[flat.length];
        java.util.Arrays.fill(ones, 1L);
        ortInputs = new HashMap<>();
        for (String name : session.getInputNames()) {
            long[] v = name.contains("input_ids") ? flat : name.contains("attention") ? ones : new long[flat.length];
            ortInputs.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(v), new long[] {batch, tokens}));
        }
        float[] theirs = ortLast();
        float[] ours;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDList hs = model.hiddenStates(ids, mask);
            ours = hs.get(hs.size() - 1).toFloatArray();
        }
        double err = 0;
        for (int i = 0; i < ours.length; i++) {
            err = Math.max(err, Math.abs(ours[i] - theirs[i]));
        }
        if (!(err <= 1e-4)) {
            throw new IllegalStateException("MiniLM: ours and ONNX Runtime disagree, max abs diff " + err);
        }
    }

    /** Row-major [B,T] ids: [CLS], T−2 ids drawn from the vocabulary (seed 3), [SEP]. */
    static long[] tokenIds(int batch, int tokens) {
        long[] flat = new long[batch * tokens];
        Random r = new Random(3);
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < tokens; j++) {
                flat[i * tokens + j] = j == 0 ? 101 : j == tokens - 1 ? 102 : 1000 + r.nextInt(28000);
            }
        }
        return flat;
    }

    private float[] ortLast() throws OrtException {
        try (OrtSession.Result res = session.run(ortInputs)) {
            OnnxTensor t = (OnnxTensor) res.get(0);
            float[] out = new float[batch * tokens * (int) model.dim()];
            t.getFloatBuffer().get(out);
            return out;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        ortInputs.values().forEach(OnnxTensor::close);
        session.close();
        model.close();
        manager.close();
    }

    /** Ours: embeddings + 6 encoder layers, all 7 hidden states kept. */
    @Benchmark
    public float oursAllHiddenStates() {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDList hs = model.hiddenStates(ids, mask);
            return BenchSupport.sync(hs.get(hs.size() - 1));
        }
    }

    /** ONNX Runtime: the exported graph's last hidden state. */
    @Benchmark
    public float onnxRuntimeLastHiddenState() throws OrtException {
        try (OrtSession.Result res = session.run(ortInputs)) {
            return ((OnnxTensor) res.get(0)).getFloatBuffer().get(0);
        }
    }
}
