package org.spinformer.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.spinformer.core.io.Npy;
import org.spinformer.core.train.AdamW;
import org.spinformer.core.train.Gradients;
import org.spinformer.core.train.Optimizer;
import org.spinformer.language.model.BertMlm;
import org.spinformer.language.train.MaskedBatch;
import org.spinformer.language.train.Mlm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * One BERT-style masked-language-model training step (language {@link BertMlm}: pre-LN, 4 layers, D = 64, 4 heads,
 * F = 256, vocabulary 2000, windows of T = 24 tokens, batch 64, 15% of the positions masked → K = 256 targets):
 * forward, mean cross-entropy at the masked positions, backward, AdamW update (lr 1e-3, weight decay 0.01 on the
 * {@code *weight} parameters, as {@link Mlm} trains), gradients zeroed, all in one step sub-manager. Float32.
 *
 * <p>The Python PyTorch peer {@code peers/bert_mlm_torch.py} reads the same weights and batch
 * ({@link #writeFixtures}) and checks the loss, every gradient and the parameters after one AdamW step before it
 * times the same step.
 */
public class BertMlmBench extends JmhDefaults {
    static final int VOCAB = 2000;
    static final int LENGTH = 24;
    static final int DIM = 64;
    static final int HEADS = 4;
    static final int HIDDEN = 256;
    static final int LAYERS = 4;
    static final int MASK_ID = 1;
    static final double LR = 1e-3;
    static final double WEIGHT_DECAY = 0.01;

    @Param({"64"})
    public int batch;

    @Param({"cpu"})
    public String device;

    private NDManager manager;
    private BertMlm model;
    private Optimizer optimizer;
    private MaskedBatch data;

    @Setup(Level.Trial)
    public void setup() {
        manager = BenchSupport.manager(device);
        model = model(manager);
        optimizer = optimizer(model);
        data = batch(batch);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        optimizer.close();
        manager.close();
    }

    static BertMlm model(NDManager m) {
        BertMlm model = new BertMlm(new BertMlm.Config(VOCAB, LENGTH, DIM, HEADS, HIDDEN, LAYERS, MASK_ID, 3), m,
                null, DataType.FLOAT32);
        model.parameters().attachGradients();
        return model;
    }

    static Optimizer optimizer(BertMlm model) {
        return AdamW.builder().setParameters(model.parameters()).setLearningRate(LR).optWeightDecay(WEIGHT_DECAY)
                .optDecayFilter(n -> n.endsWith("weight")).build();
    }

    /** A fixed batch: random token windows (ids ≥ 2), 15% of the positions of every window masked. */
    static MaskedBatch batch(int b) {
        Random r = new Random(5);
        int[][] windows = new int[b][LENGTH];
        int[] pick = new int[b];
        for (int i = 0; i < b; i++) {
            pick[i] = i;
            for (int j = 0; j < LENGTH; j++) {
                windows[i][j] = 2 + r.nextInt(VOCAB - 2);
            }
        }
        return MaskedBatch.of(windows, pick, MASK_ID, 0.15, r);
    }

    /** One training step; returns the loss (one scalar read, as a training loop that logs it would). */
    static float step(NDManager base, BertMlm model, Optimizer optimizer, MaskedBatch data) {
        try (NDManager sm = base.newSubManager()) {
            NDArray loss;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                loss = Mlm.loss(model, sm, data);
                gc.backward(loss);
            }
            Map<String, NDArray> grads = Gradients.collect(model.parameters(), sm);
            optimizer.step(grads);
            Gradients.zero(model.parameters());
            return loss.getFloat();
        }
    }

    @Benchmark
    public float trainStep() {
        return step(manager, model, optimizer, data);
    }

    /**
     * Peer fixtures in {@code dir}: {@code param/<name>.npy} (initial weights, order in {@code param_order.txt}),
     * {@code ids.npy} [B,T], {@code rows.npy} [K], {@code targets.npy} [K], our loss ({@code loss.npy}), gradients
     * ({@code grad/<name>.npy}) and the weights after one AdamW step ({@code step1/<name>.npy}).
     */
    static void writeFixtures(Path dir, int b) throws IOException {
        Files.createDirectories(dir.resolve("param"));
        Files.createDirectories(dir.resolve("grad"));
        Files.createDirectories(dir.resolve("step1"));
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            BertMlm model = model(m);
            MaskedBatch data = batch(b);
            StringBuilder order = new StringBuilder();
            for (Map.Entry<String, NDArray> e : model.parameters()) {
                Npy.write(dir.resolve("param").resolve(e.getKey() + ".npy"), e.getValue());
                order.append(e.getKey()).append('\n');
            }
            org.spinformer.core.io.AtomicFiles.write(dir.resolve("param_order.txt"),
                    order.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try (NDManager sm = m.newSubManager()) {
                Npy.write(dir.resolve("ids.npy"), data.idsArray(sm));
                Npy.write(dir.resolve("rows.npy"), data.rowsArray(sm));
                Npy.write(dir.resolve("targets.npy"), data.targetsArray(sm));
                NDArray loss;
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    loss = Mlm.loss(model, sm, data);
                    gc.backward(loss);
                }
                Npy.write(dir.resolve("loss.npy"), loss.reshape(1));
                Map<String, NDArray> grads = Gradients.collect(model.parameters(), sm);
                for (Map.Entry<String, NDArray> e : grads.entrySet()) {
                    Npy.write(dir.resolve("grad").resolve(e.getKey() + ".npy"), e.getValue());
                }
                try (Optimizer opt = optimizer(model)) {
                    opt.step(grads);
                }
                for (Map.Entry<String, NDArray> e : model.parameters()) {
                    Npy.write(dir.resolve("step1").resolve(e.getKey() + ".npy"), e.getValue());
                }
            }
        }
    }
}
