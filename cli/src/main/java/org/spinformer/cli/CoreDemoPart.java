package org.spinformer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.core.io.Checkpoint;
import org.spinformer.core.nn.EncoderLayer;
import org.spinformer.core.nn.FactoredAttentionBlock;
import org.spinformer.core.plot.LineChart;
import org.spinformer.core.plot.Series;
import org.spinformer.core.train.AdamW;
import org.spinformer.core.train.MetricsLog;
import org.spinformer.core.train.Schedule;
import org.spinformer.core.train.TrainLoop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The core part of {@code spinformer demo}: a student-teacher fit of one pre-LN encoder layer with
 * translation-invariant factored attention on a ring (the block the NQS ViT uses).
 *
 * <p>A teacher layer with fixed random weights maps x [B,T,D] (x ~ N(0,1), fresh every step, seeded by the step
 * index) to y; a student of the same architecture, initialised differently, is trained by AdamW with a warm-up +
 * cosine schedule on the relative squared error of the residual branch, |s(x) − t(x)|² / |t(x) − x|². The loss falls by orders of magnitude when the core blocks, their
 * gradients, the optimizer and the per-step memory pattern all work. Writes {@code metrics.jsonl},
 * {@code loss.png/.svg}, a checkpoint of the student and {@code summary.json}.
 */
public final class CoreDemoPart extends DemoPart {
    static final int T = 16;
    static final int D = 32;
    static final int H = 4;
    static final int BATCH = 32;
    static final int STEPS = 2000;

    public CoreDemoPart() {
        super("core");
    }

    @Override
    public void run(Path out, Device device) throws Exception {
        try (NDManager base = NDManager.newBaseManager(device)) {
            EncoderLayer teacher = layer(base, 11, 0.3);
            EncoderLayer student = layer(base, 12, 0.02);
            student.parameters().attachGradients();
            List<double[]> curve = new ArrayList<>();
            long t0 = System.nanoTime();
            try (MetricsLog log = MetricsLog.create(out.resolve("metrics.jsonl"));
                 AdamW opt = AdamW.builder().setParameters(student.parameters())
                         .setLearningRate(Schedule.warmupCosine(1e-2, 50, STEPS, 1e-5)).optWeightDecay(0).build()) {
                TrainLoop loop = TrainLoop.builder().setParameters(student.parameters()).setOptimizer(opt)
                        .setManager(base).optClipNorm(1.0).optLogEvery(10).optMetrics(log)
                        .optProgress("core: student-teacher fit")
                        .optListener((step, loss, gn, lr) -> curve.add(new double[] {step, loss}))
                        .setLoss((sm, s) -> {
                            NDArray x = batch(sm, s);
                            NDArray target = teacher.forward(x, null).sub(x).stopGradient();
                            NDArray scale = target.square().mean();
                            return student.forward(x, null).sub(x).sub(target).square().mean().div(scale);
                        })
                        .build();
                TrainLoop.Result r = loop.run(STEPS);
                double first = curve.get(0)[1];
                System.out.printf(Locale.ROOT, "core: student-teacher relative error %.3g -> %.3g in %d AdamW steps (%.1f s)%n",
                        first, r.lastLoss(), r.steps(), r.seconds());
                JsonObject config = new JsonObject();
                config.addProperty("T", T);
                config.addProperty("D", D);
                config.addProperty("heads", H);
                config.addProperty("steps", STEPS);
                Checkpoint.save(out.resolve("checkpoint"), student.parameters(), opt.state(), opt.stepCount(),
                        config, new JsonObject());
                JsonObject summary = new JsonObject();
                summary.addProperty("first_loss", first);
                summary.addProperty("final_loss", r.lastLoss());
                summary.addProperty("steps", r.steps());
                summary.addProperty("parameters", student.parameters().numel());
                summary.addProperty("seconds", (System.nanoTime() - t0) / 1e9);
                JsonFiles.write(out.resolve("summary.json"), summary);
            }
            double[] xs = curve.stream().mapToDouble(p -> p[0]).toArray();
            double[] ys = curve.stream().mapToDouble(p -> p[1]).toArray();
            LineChart.builder().optTitle("core demo: student fits a teacher encoder layer (factored attention)")
                    .optXLabel("AdamW step").optYLabel("relative squared error of the residual branch").optLogY(true)
                    .addSeries(new Series("student vs teacher", xs, ys)).build().save(out.resolve("loss"));
        }
    }

    private static EncoderLayer layer(NDManager m, long seed, double initStd) {
        return EncoderLayer.builder().setManager(m).optDataType(DataType.FLOAT32).optSeed(seed).optInitStd(initStd)
                .optPrefix("layer.")
                .setDim(D).setHeads(H).setHidden(2L * D).optPreNorm(true)
                .optAttention((layer, prefix) -> FactoredAttentionBlock.builder().like(layer).optPrefix(prefix)
                        .setDim(D).setHeads(H).optRing(T).setForm(FactoredAttentionBlock.Form.TRANSLATION_INVARIANT)
                        .build())
                .build();
    }

    /** x ~ N(0,1) [B,T,D], a pure function of the step index. */
    private static NDArray batch(NDManager m, long step) {
        Random r = new Random(1_000_003L * step + 7);
        float[] v = new float[BATCH * T * D];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return m.create(v, new Shape(BATCH, T, D));
    }
}
