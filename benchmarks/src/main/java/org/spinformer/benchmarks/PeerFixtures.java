package org.spinformer.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.spinformer.core.device.Env;
import org.spinformer.core.io.Npy;
import org.spinformer.core.nn.Attention;
import org.spinformer.core.io.OnnxModel;
import org.spinformer.core.nn.FactoredAttention;
import org.spinformer.representations.models.BertEncoder;
import org.spinformer.representations.models.Models;
import ai.djl.ndarray.NDArrays;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the inputs and our outputs of the benchmarked computations as {@code .npy} files, so each Python peer in
 * {@code benchmarks/peers/} can check that it computes the same thing (same inputs, same outputs within float32
 * rounding) before it is timed. Usage: {@code PeerFixtures DIR [batch tokens width heads]}.
 *
 * <p>Attention: x [B,T,D], projection weights [D,D] (PyTorch layout [out,in]) and biases [D], factored α [H,T,T],
 * padding mask [B,T] with the last quarter of the second sequence padded; outputs {@code y_mha}, {@code y_factored}
 * and the gradients of L = mean(y²) with respect to W_v for both ({@code gwv_mha}, {@code gwv_factored}).
 *
 * <p>BERT MLM training step: see {@link BertMlmBench#writeFixtures} ({@code bert_mlm/}). The SR step writes its own
 * fixtures ({@code SrStepBench --fixtures DIR/sr_step}), since they come from the samples of its warm-up step.
 */
public final class PeerFixtures {
    private PeerFixtures() {}

    /**
     * MiniLM: every weight under its Hugging Face name ({@code <name>.npy}), token ids [B,T] as in
     * {@link MiniLmBench}, and our hidden states [L+1,B,T,D] ({@code hidden.npy}).
     */
    static void writeMiniLm(Path dir, int batch, int tokens) throws IOException {
        Files.createDirectories(dir);
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu());
             BertEncoder model = Models.miniLm(ai.djl.Device.cpu(), DataType.FLOAT32)) {
            byte[] onnx;
            try (java.io.InputStream in = Models.class.getResourceAsStream(Models.MINILM_ONNX)) {
                onnx = in.readAllBytes();
            }
            OnnxModel om = OnnxModel.parse(Path.of("all-minilm-l6-v2.onnx"), java.nio.ByteBuffer.wrap(onnx));
            for (var e : om.huggingFaceParameters(m)) {
                if (e.getValue().getDataType().isFloating()) {
                    Npy.write(dir.resolve(e.getKey() + ".npy"), e.getValue());
                }
            }
            NDArray ids = m.create(MiniLmBench.tokenIds(batch, tokens), new Shape(batch, tokens));
            NDArray mask = m.ones(new Shape(batch, tokens), DataType.INT64);
            Npy.write(dir.resolve("input_ids.npy"), ids);
            Npy.write(dir.resolve("hidden.npy"), NDArrays.stack(model.hiddenStates(ids, mask)));
        }
    }

    public static void main(String[] args) throws IOException {
        Env.offline();
        Path dir = Path.of(args.length > 0 ? args[0] : "benchmarks/target/peer-fixtures");
        int b = args.length > 4 ? Integer.parseInt(args[1]) : 8;
        int t = args.length > 4 ? Integer.parseInt(args[2]) : 128;
        int d = args.length > 4 ? Integer.parseInt(args[3]) : 256;
        int h = args.length > 4 ? Integer.parseInt(args[4]) : 8;
        Path att = dir.resolve("attention");
        Files.createDirectories(att);
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            m.getEngine().setRandomSeed(7);
            double s = 1.0 / Math.sqrt(d);
            NDArray x = m.randomNormal(new Shape(b, t, d));
            NDArray[] w = new NDArray[4];
            NDArray[] bias = new NDArray[4];
            for (int i = 0; i < 4; i++) {
                w[i] = m.randomNormal(0, (float) s, new Shape(d, d), DataType.FLOAT32);
                bias[i] = m.randomNormal(0, 0.1f, new Shape(d), DataType.FLOAT32);
            }
            NDArray alpha = m.randomNormal(0, (float) (1.0 / t), new Shape(h, t, t), DataType.FLOAT32);
            float[] keep = new float[b * t];
            java.util.Arrays.fill(keep, 1f);
            if (b > 1) {
                for (int j = t - t / 4; j < t; j++) {
                    keep[t + j] = 0f;
                }
            }
            NDArray pad = m.create(keep, new Shape(b, t));
            String[] names = {"wq", "wk", "wv", "wo"};
            for (int i = 0; i < 4; i++) {
                Npy.write(att.resolve(names[i] + ".npy"), w[i]);
                Npy.write(att.resolve("b" + names[i].charAt(1) + ".npy"), bias[i]);
            }
            Npy.write(att.resolve("x.npy"), x);
            Npy.write(att.resolve("alpha.npy"), alpha);
            Npy.write(att.resolve("pad.npy"), pad);
            for (boolean mha : new boolean[] {true, false}) {
                NDArray wv = w[2].duplicate(); // a fresh leaf per pass, so gradients do not accumulate across passes
                wv.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = mha
                            ? Attention.selfAttention(x, w[0], bias[0], w[1], bias[1], wv, bias[2], w[3], bias[3], h,
                                    h, null, pad.toType(DataType.BOOLEAN, false), false)
                            : FactoredAttention.apply(x, alpha, wv, bias[2], w[3], bias[3]);
                    gc.backward(y.square().mean());
                    String tag = mha ? "mha" : "factored";
                    Npy.write(att.resolve("y_" + tag + ".npy"), y);
                    Npy.write(att.resolve("gwv_" + tag + ".npy"), wv.getGradient());
                }
            }
        }
        writeMiniLm(dir.resolve("minilm"), 32, 64);
        BertMlmBench.writeFixtures(dir.resolve("bert_mlm"), 64);
        System.out.println("peer fixtures written to " + dir.toAbsolutePath());
    }
}
