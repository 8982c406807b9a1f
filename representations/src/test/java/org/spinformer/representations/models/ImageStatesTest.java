package org.spinformer.representations.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.io.BadFileException;
import org.spinformer.core.testing.CpuTest;
import org.spinformer.representations.pooling.Pooling;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Image files to pooled encoder states: a one-colour image gives (v/255 − mean)/std in every pixel of its channel
 * (closed form), the preprocessor's mean and std are read from {@code preprocessor_config.json}, the class-token
 * pooling equals the encoder's own state 0 on the same pixels, and a file that is no image is one clear error.
 */
class ImageStatesTest extends CpuTest {
    static Path png(Path dir, String name, int w, int h, Color fill, Color stripe) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(fill);
        g.fillRect(0, 0, w, h);
        if (stripe != null) {
            g.setColor(stripe);
            g.fillRect(0, 0, w / 2, h);
        }
        g.dispose();
        Path f = dir.resolve(name);
        ImageIO.write(img, "png", f.toFile());
        return f;
    }

    @Test
    void oneColourImageIsNormalisedInClosedForm(@TempDir Path dir) throws Exception {
        VisionEncoderTest.write(dir, true, 7);
        Files.writeString(dir.resolve("preprocessor_config.json"),
                "{\"image_mean\": [0.25, 0.5, 0.75], \"image_std\": [0.5, 0.25, 0.125]}");
        VisionEncoder.Config cfg = Models.visionConfig(dir);
        ImageStates.Normalisation n = ImageStates.Normalisation.of(dir, cfg);
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("preprocessor_config.json"), "{\"image_mean\": [0.5], \"image_std\": [0.5]}");
        assertThrows(BadFileException.class, () -> ImageStates.Normalisation.of(other, cfg), "one value for RGB");
        Path f = png(dir, "c.png", 8, 8, new Color(51, 102, 204), null);
        float[] px = ImageStates.pixels(f, 8, n);
        double[] want = {(51 / 255.0 - 0.25) / 0.5, (102 / 255.0 - 0.5) / 0.25, (204 / 255.0 - 0.75) / 0.125};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 64; i++) {
                assertEquals(want[c], px[c * 64 + i], 1e-6, "channel " + c);
            }
        }
    }

    @Test
    void classTokenPoolingEqualsTheEncodersStateZero(@TempDir Path dir) throws Exception {
        VisionEncoderTest.write(dir, true, 8);
        List<Path> files = List.of(png(dir, "a.png", 8, 8, Color.RED, Color.BLUE),
                png(dir, "b.png", 20, 13, Color.GREEN, Color.WHITE), png(dir, "c.png", 8, 8, Color.GRAY, null));
        try (VisionEncoder v = VisionEncoder.load(dir, Device.cpu(), DataType.FLOAT32); NDManager sm = m.newSubManager()) {
            ImageStates.Normalisation n = ImageStates.Normalisation.of(dir, v.config());
            NDArray pooled = ImageStates.extract(v, n, files, Pooling.parse("first"), sm, 2, null);
            assertEquals(new Shape(3, 3, 8), pooled.getShape());
            for (int i = 0; i < files.size(); i++) {
                NDArray x = sm.create(ImageStates.pixels(files.get(i), 8, n), new Shape(1, 3, 8, 8));
                NDList states = v.hiddenStates(x);
                for (int l = 0; l < states.size(); l++) {
                    assertArrayEquals(states.get(l).get("0, 0").toFloatArray(), pooled.get(l).get(i).toFloatArray(),
                            1e-6f);
                }
            }
            NDArray some = ImageStates.extract(v, n, files, Pooling.parse("mean"), sm, 3, new int[] {2});
            assertEquals(new Shape(1, 3, 8), some.getShape());
            Path text = Files.writeString(dir.resolve("not.png"), "hello");
            assertThrows(BadFileException.class, () -> ImageStates.pixels(text, 8, n));
        }
    }
}
