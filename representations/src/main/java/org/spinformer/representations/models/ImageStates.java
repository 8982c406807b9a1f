package org.spinformer.representations.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.spinformer.core.io.BadFileException;
import org.spinformer.core.train.Progress;
import org.spinformer.representations.pooling.Pooling;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Pooled hidden states of every layer of a {@link VisionEncoder} for image files: [L+1, N, D] float32, row i = image
 * i. Each image (PNG, JPEG, BMP, GIF: what {@link ImageIO} reads) is converted to RGB, resized to the model's
 * image size S×S (bicubic, the whole image, no crop), scaled to [0, 1] and normalised per channel with
 * {@code image_mean} and {@code image_std} from the directory's {@code preprocessor_config.json} (default: those of
 * the family, ImageNet's for DINOv2, 0.5 for ViT). This approximates the Hugging Face image processors (which
 * resize with PIL and, for DINOv2, resize the short side and crop the centre): the encoder itself is exact on a
 * given pixel tensor ({@code VisionEncoderTest}).
 */
public final class ImageStates {
    private ImageStates() {}

    /** Per-channel normalisation. */
    public record Normalisation(double[] mean, double[] std) {
        /** From {@code preprocessor_config.json} in {@code dir}, or the family's default. */
        public static Normalisation of(Path dir, VisionEncoder.Config cfg) throws IOException {
            double[] mean = cfg.family() == VisionEncoder.Family.DINOV2 ? new double[] {0.485, 0.456, 0.406}
                    : new double[] {0.5, 0.5, 0.5};
            double[] std = cfg.family() == VisionEncoder.Family.DINOV2 ? new double[] {0.229, 0.224, 0.225}
                    : new double[] {0.5, 0.5, 0.5};
            Path pre = dir.resolve("preprocessor_config.json");
            if (Files.isRegularFile(pre)) {
                try {
                    JsonObject o = JsonParser.parseString(Files.readString(pre, StandardCharsets.UTF_8))
                            .getAsJsonObject();
                    mean = o.has("image_mean") ? triple(o.get("image_mean"), pre, "image_mean") : mean;
                    std = o.has("image_std") ? triple(o.get("image_std"), pre, "image_std") : std;
                } catch (RuntimeException e) {
                    throw new BadFileException(pre + ": " + (e.getMessage() == null ? "not a JSON object"
                            : e.getMessage().lines().findFirst().orElse("")), e);
                }
            }
            if (mean.length != 3 || std.length != 3) {
                throw new BadFileException(pre + ": image_mean and image_std need 3 values (R, G, B)", null);
            }
            return new Normalisation(mean, std);
        }

        private static double[] triple(JsonElement e, Path file, String key) {
            JsonArray a = e.getAsJsonArray();
            double[] v = new double[a.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = a.get(i).getAsDouble();
                if (!Double.isFinite(v[i]) || (key.equals("image_std") && !(v[i] > 0))) {
                    throw new IllegalArgumentException("'" + key + "' must hold finite numbers (std > 0)");
                }
            }
            return v;
        }
    }

    /** The normalised pixels [C,S,S] of one image file, row-major, as the encoder takes them. */
    public static float[] pixels(Path file, int size, Normalisation n) throws IOException {
        BufferedImage src;
        try {
            src = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new BadFileException(file + ": not a readable image (" + e.getMessage() + ")", e);
        }
        if (src == null) {
            throw new BadFileException(file + ": not an image format this JVM reads (PNG, JPEG, BMP, GIF)", null);
        }
        BufferedImage rgb = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(src, 0, 0, size, size, null);
        g.dispose();
        int[] argb = rgb.getRGB(0, 0, size, size, null, 0, size);
        float[] out = new float[3 * size * size];
        int plane = size * size;
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            out[i] = (float) ((((p >> 16) & 0xff) / 255.0 - n.mean()[0]) / n.std()[0]);
            out[plane + i] = (float) ((((p >> 8) & 0xff) / 255.0 - n.mean()[1]) / n.std()[1]);
            out[2 * plane + i] = (float) (((p & 0xff) / 255.0 - n.mean()[2]) / n.std()[2]);
        }
        return out;
    }

    /**
     * Pooled states [S, N, D] float32 (owned by {@code out}) of the images, {@code batch} at a time, keeping the
     * states {@code layers} (null: all). Pooling over the 1+P tokens: {@code first} is the class token.
     */
    public static NDArray extract(VisionEncoder v, Normalisation norm, List<Path> images, Pooling pooling,
            NDManager out, int batch, int[] layers) throws IOException {
        VisionEncoder.Config c = v.config();
        if (c.channels() != 3) {
            throw new IllegalArgumentException("image files give 3 channels, the model takes " + c.channels());
        }
        HiddenStates.checkLayers(c.layers(), layers);
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images");
        }
        int s = c.imageSize();
        List<NDArray> parts = new ArrayList<>();
        try (NDManager work = out.newSubManager(); Progress progress = Progress.start("image states", images.size())) {
            for (int from = 0; from < images.size(); from += batch) {
                int b = Math.min(batch, images.size() - from);
                float[] pix = new float[b * 3 * s * s];
                for (int i = 0; i < b; i++) {
                    System.arraycopy(pixels(images.get(from + i), s, norm), 0, pix, i * 3 * s * s, 3 * s * s);
                }
                try (NDManager bm = work.newSubManager()) {
                    NDArray x = bm.create(pix, new Shape(b, 3, s, s)).toType(v.dataType(), false);
                    NDArray mask = bm.ones(new Shape(b, 1 + c.patches()), DataType.INT64);
                    NDArray pooled = HiddenStates.pool(pooling, v.hiddenStates(x), mask, layers);
                    pooled.attach(work);
                    parts.add(pooled);
                }
                progress.step(b);
            }
            NDArray all = NDArrays.concat(new NDList(parts), 1);
            all.attach(out);
            return all;
        }
    }
}
