package org.spinformer.representations.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spinformer.core.io.BadFileException;
import org.spinformer.core.testing.CpuTest;
import org.spinformer.core.io.SafeTensors;
import org.spinformer.core.nn.Functional;
import org.spinformer.core.nn.Ref;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ViT and DINOv2 image encoders against a float64 reference written out here in plain Java (patch cutting,
 * class token, position table, pre-LN layers with DINOv2's layer scale, Ref's attention and MLP) on tiny random
 * models saved as Hugging Face directories: image 8×8, patch 4 (4 patches), 3 channels, D = 8, 2 heads, 2 layers.
 */
class VisionEncoderTest extends CpuTest {
    static final int IMG = 8;
    static final int P = 4;
    static final int C = 3;
    static final int D = 8;
    static final int H = 2;
    static final int L = 2;
    static final int F = 16;

    /** Random weights (float64 values, saved as float32 and read back, so the reference uses the stored values). */
    static Map<String, double[]> write(Path dir, boolean dino, long seed) throws Exception {
        Random r = new Random(seed);
        Map<String, double[]> w = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        String root = dino ? "dinov2." : "vit.";
        java.util.function.BiConsumer<String, long[]> add = (name, shape) -> {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            double[] v = new double[(int) n];
            boolean gain = name.endsWith("norm1.weight") || name.endsWith("norm2.weight")
                    || name.endsWith("layernorm_before.weight") || name.endsWith("layernorm_after.weight")
                    || name.endsWith("layernorm.weight");
            for (int i = 0; i < v.length; i++) {
                v[i] = (gain ? 1 : 0) + 0.4 * r.nextGaussian();
            }
            w.put(name, v);
            shapes.put(name, shape);
        };
        add.accept(root + "embeddings.cls_token", new long[] {1, 1, D});
        if (dino) {
            add.accept(root + "embeddings.mask_token", new long[] {1, D});
        }
        add.accept(root + "embeddings.position_embeddings", new long[] {1, 1 + (IMG / P) * (IMG / P), D});
        add.accept(root + "embeddings.patch_embeddings.projection.weight", new long[] {D, C, P, P});
        add.accept(root + "embeddings.patch_embeddings.projection.bias", new long[] {D});
        for (int l = 0; l < L; l++) {
            String p = root + "encoder.layer." + l + ".";
            add.accept(p + (dino ? "norm1.weight" : "layernorm_before.weight"), new long[] {D});
            add.accept(p + (dino ? "norm1.bias" : "layernorm_before.bias"), new long[] {D});
            for (String q : new String[] {"query", "key", "value"}) {
                add.accept(p + "attention.attention." + q + ".weight", new long[] {D, D});
                add.accept(p + "attention.attention." + q + ".bias", new long[] {D});
            }
            add.accept(p + "attention.output.dense.weight", new long[] {D, D});
            add.accept(p + "attention.output.dense.bias", new long[] {D});
            add.accept(p + (dino ? "norm2.weight" : "layernorm_after.weight"), new long[] {D});
            add.accept(p + (dino ? "norm2.bias" : "layernorm_after.bias"), new long[] {D});
            add.accept(p + (dino ? "mlp.fc1.weight" : "intermediate.dense.weight"), new long[] {F, D});
            add.accept(p + (dino ? "mlp.fc1.bias" : "intermediate.dense.bias"), new long[] {F});
            add.accept(p + (dino ? "mlp.fc2.weight" : "output.dense.weight"), new long[] {D, F});
            add.accept(p + (dino ? "mlp.fc2.bias" : "output.dense.bias"), new long[] {D});
            if (dino) {
                add.accept(p + "layer_scale1.lambda1", new long[] {D});
                add.accept(p + "layer_scale2.lambda1", new long[] {D});
            }
        }
        add.accept(root + "layernorm.weight", new long[] {D});
        add.accept(root + "layernorm.bias", new long[] {D});
        if (!dino) {
            add.accept("classifier.weight", new long[] {5, D});
        }
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (var e : w.entrySet()) {
            NDArray a = m.create(e.getValue()).toType(DataType.FLOAT32, false).reshape(new Shape(shapes.get(e.getKey())));
            arrays.put(e.getKey(), a);
            e.setValue(a.toType(DataType.FLOAT64, false).toDoubleArray()); // the stored float32 values
        }
        SafeTensors.write(dir.resolve("model.safetensors"), arrays);
        String cfg = dino
                ? "{\"model_type\": \"dinov2\", \"image_size\": " + IMG + ", \"patch_size\": " + P + ", \"num_channels\": "
                        + C + ", \"hidden_size\": " + D + ", \"num_attention_heads\": " + H + ", \"num_hidden_layers\": "
                        + L + ", \"mlp_ratio\": " + (F / D) + ", \"layer_norm_eps\": 1e-6, \"hidden_act\": \"gelu\", "
                        + "\"use_swiglu_ffn\": false}"
                : "{\"model_type\": \"vit\", \"image_size\": " + IMG + ", \"patch_size\": " + P + ", \"num_channels\": "
                        + C + ", \"hidden_size\": " + D + ", \"num_attention_heads\": " + H + ", \"num_hidden_layers\": "
                        + L + ", \"intermediate_size\": " + F + ", \"layer_norm_eps\": 1e-12, \"hidden_act\": \"gelu\"}";
        Files.writeString(dir.resolve("config.json"), cfg);
        Map<String, double[]> plain = new LinkedHashMap<>();
        for (var e : w.entrySet()) {
            plain.put(e.getKey().startsWith(root) ? e.getKey().substring(root.length()) : e.getKey(), e.getValue());
        }
        return plain;
    }

    static double[][] matrix(double[] flat, int rows, int cols) {
        double[][] a = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * cols, a[i], 0, cols);
        }
        return a;
    }

    static double[][] scale(double[][] x, double[] lambda) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            y[i] = new double[x[i].length];
            for (int j = 0; j < x[i].length; j++) {
                y[i][j] = x[i][j] * lambda[j];
            }
        }
        return y;
    }

    /** The reference states h₀ … h_L of one image [C][IMG][IMG]. */
    static double[][][] reference(Map<String, double[]> w, double[][][] img, boolean dino) {
        int g = IMG / P;
        double[][] x = new double[1 + g * g][D];
        double[] wp = w.get("embeddings.patch_embeddings.projection.weight"); // [D, C, P, P]
        double[] bp = w.get("embeddings.patch_embeddings.projection.bias");
        x[0] = w.get("embeddings.cls_token").clone();
        for (int gy = 0; gy < g; gy++) {
            for (int gx = 0; gx < g; gx++) {
                for (int o = 0; o < D; o++) {
                    double acc = bp[o];
                    for (int c = 0; c < C; c++) {
                        for (int dy = 0; dy < P; dy++) {
                            for (int dx = 0; dx < P; dx++) {
                                acc += wp[((o * C + c) * P + dy) * P + dx] * img[c][gy * P + dy][gx * P + dx];
                            }
                        }
                    }
                    x[1 + gy * g + gx][o] = acc;
                }
            }
        }
        x = Ref.add(x, matrix(w.get("embeddings.position_embeddings"), 1 + g * g, D));
        double eps = dino ? 1e-6 : 1e-12;
        double[][][] states = new double[L + 1][][];
        states[0] = x;
        for (int l = 0; l < L; l++) {
            String p = "encoder.layer." + l + ".";
            String a = p + "attention.attention.";
            double[][] n1 = Ref.layerNorm(x, w.get(p + (dino ? "norm1.weight" : "layernorm_before.weight")),
                    w.get(p + (dino ? "norm1.bias" : "layernorm_before.bias")), eps);
            double[][] att = Ref.mha(n1, matrix(w.get(a + "query.weight"), D, D), w.get(a + "query.bias"),
                    matrix(w.get(a + "key.weight"), D, D), w.get(a + "key.bias"), matrix(w.get(a + "value.weight"), D, D),
                    w.get(a + "value.bias"), matrix(w.get(p + "attention.output.dense.weight"), D, D),
                    w.get(p + "attention.output.dense.bias"), H, H, null, null, false);
            double[][] h = Ref.add(x, dino ? scale(att, w.get(p + "layer_scale1.lambda1")) : att);
            double[][] n2 = Ref.layerNorm(h, w.get(p + (dino ? "norm2.weight" : "layernorm_after.weight")),
                    w.get(p + (dino ? "norm2.bias" : "layernorm_after.bias")), eps);
            String f1 = dino ? "mlp.fc1." : "intermediate.dense.";
            String f2 = dino ? "mlp.fc2." : "output.dense.";
            double[][] mlp = Ref.mlp(n2, matrix(w.get(p + f1 + "weight"), F, D), w.get(p + f1 + "bias"),
                    matrix(w.get(p + f2 + "weight"), D, F), w.get(p + f2 + "bias"), Functional.Activation.GELU);
            x = Ref.add(h, dino ? scale(mlp, w.get(p + "layer_scale2.lambda1")) : mlp);
            states[l + 1] = x;
        }
        return states;
    }

    @ParameterizedTest
    @CsvSource({"true, float32, 2e-5", "true, float64, 1e-12", "false, float32, 2e-5", "false, float64, 1e-12"})
    void statesMatchTheFloat64Reference(boolean dino, String dtype, double tol, @TempDir Path dir) throws Exception {
        Map<String, double[]> w = write(dir, dino, dino ? 3 : 4);
        Random r = new Random(9);
        int b = 2;
        double[] pix = new double[b * C * IMG * IMG];
        for (int i = 0; i < pix.length; i++) {
            pix[i] = r.nextGaussian();
        }
        DataType dt = dtype.equals("float64") ? DataType.FLOAT64 : DataType.FLOAT32;
        try (VisionEncoder v = VisionEncoder.load(dir, Device.cpu(), dt); NDManager sm = m.newSubManager()) {
            assertEquals(dino ? VisionEncoder.Family.DINOV2 : VisionEncoder.Family.VIT, v.config().family());
            NDList states = v.hiddenStates(sm.create(pix, new Shape(b, C, IMG, IMG)).toType(dt, false));
            assertEquals(L + 1, states.size());
            double maxErr = 0;
            for (int i = 0; i < b; i++) {
                double[][][] img = new double[C][IMG][IMG];
                for (int c = 0; c < C; c++) {
                    for (int y = 0; y < IMG; y++) {
                        for (int x = 0; x < IMG; x++) {
                            img[c][y][x] = pix[((i * C + c) * IMG + y) * IMG + x];
                        }
                    }
                }
                double[][][] ref = reference(w, img, dino);
                for (int l = 0; l <= L; l++) {
                    double[] got = states.get(l).get(i).toType(DataType.FLOAT64, false).toDoubleArray();
                    for (int t = 0; t < ref[l].length; t++) {
                        for (int c = 0; c < D; c++) {
                            maxErr = Math.max(maxErr, Math.abs(got[t * D + c] - ref[l][t][c]));
                        }
                    }
                }
            }
            assertTrue(maxErr <= tol, (dino ? "dinov2 " : "vit ") + dtype + ": max error " + maxErr);
            NDArray last = v.lastHiddenState(states);
            assertEquals(new Shape(b, 1 + (IMG / P) * (IMG / P), D), last.getShape());
        }
    }

    @Test
    void wrongImageSizeAndBadConfigsAreRefused(@TempDir Path dir) throws Exception {
        write(dir, true, 5);
        try (VisionEncoder v = VisionEncoder.load(dir, Device.cpu(), DataType.FLOAT32); NDManager sm = m.newSubManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> v.hiddenStates(sm.zeros(new Shape(1, C, 12, 12))));
            assertTrue(e.getMessage().contains("4 patches"), e.getMessage());
        }
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"dinov2\", \"image_size\": 8, \"patch_size\": "
                + "4, \"hidden_size\": 8, \"num_attention_heads\": 2, \"num_hidden_layers\": 2, \"use_swiglu_ffn\": true}");
        BadFileException b = assertThrows(BadFileException.class, () -> VisionEncoder.load(dir, Device.cpu(),
                DataType.FLOAT32));
        assertTrue(b.getMessage().contains("SwiGLU"), b.getMessage());
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"bert\"}");
        b = assertThrows(BadFileException.class, () -> VisionEncoder.load(dir, Device.cpu(), DataType.FLOAT32));
        assertTrue(b.getMessage().contains("vit or dinov2"), b.getMessage());
    }
}
