package org.spinformer.core.plot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Line charts and heatmaps produce valid PNG (decodable, right size, not blank) and SVG (well-formed XML). */
class PlotTest {
    private static final Path KEEP = System.getProperty("spinformer.plot.keep") == null ? null
            : Path.of(System.getProperty("spinformer.plot.keep"));

    static void checkPng(Path png, int w, int h) throws Exception {
        byte[] head = Files.readAllBytes(png);
        assertTrue(head.length > 1000);
        assertEquals((byte) 0x89, head[0]);
        assertEquals('P', head[1]);
        assertEquals('N', head[2]);
        assertEquals('G', head[3]);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(w, img.getWidth());
        assertEquals(h, img.getHeight());
        // not a blank image: many distinct colours
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < h; y += 3) {
            for (int x = 0; x < w; x += 3) {
                colours.add(img.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 10, "image looks blank: " + colours.size() + " colours");
    }

    /** XChart draws text as outlines, so the check looks for drawing elements and a colour the chart uses. */
    static void checkSvg(Path svg, String mustContain) throws Exception {
        String text = Files.readString(svg);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document d = f.newDocumentBuilder().parse(svg.toFile());
        assertEquals("svg", d.getDocumentElement().getTagName());
        assertTrue(text.contains(mustContain), "SVG lacks '" + mustContain + "'");
        assertTrue(d.getElementsByTagName("path").getLength() > 20, "SVG has too few paths");
    }

    private Path dir(Path tmp) throws Exception {
        if (KEEP != null) {
            Files.createDirectories(KEEP);
            return KEEP;
        }
        return tmp;
    }

    @Test
    void lineChartLogAxesBandsAndReference(@TempDir Path tmp) throws Exception {
        int n = 200;
        double[] x = new double[n];
        double[] y1 = new double[n];
        double[] e1 = new double[n];
        double[] y2 = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
            y1[i] = 2.0 / Math.sqrt(x[i]) + 0.05;
            e1[i] = 0.2 * y1[i];
            y2[i] = 1.0 / x[i] + 0.02;
        }
        y2[5] = Double.NaN; // dropped, not fatal
        Path[] out = LineChart.builder().optTitle("Loss curves").optXLabel("step").optYLabel("loss")
                .optLogX(true).optLogY(true)
                .addSeries(new Series("model A", x, y1, e1)).addSeries(new Series("model B", x, y2))
                .optReference(0.05, "irreducible").build().save(dir(tmp).resolve("line"));
        checkPng(out[0], 800, 560);
        checkSvg(out[1], "rgb(31,119,180)"); // first series colour
    }

    /** Temporaries a killed writer left beside a plot are removed by the next write; a live writer's are kept. */
    @Test
    void killedWritersTemporariesAreCleanedUp(@TempDir Path tmp) throws Exception {
        long dead = 2_147_483_000L; // above Linux's pid_max: no such process
        long me = ProcessHandle.current().pid();
        Path legacy = Files.writeString(tmp.resolve(".energy.png." + dead + ".1.tmp"), "x");
        Path orphan = Files.writeString(tmp.resolve(".energy.png.tmp-" + dead + "-9f"), "x");
        Path live = Files.writeString(tmp.resolve(".energy.png.tmp-" + me + "-9f"), "x");
        Path other = Files.writeString(tmp.resolve(".loss.png.tmp-" + dead + "-9f"), "x");
        LineChart.builder().addSeries(Series.of("a", new double[] {1, 2})).build().write(tmp.resolve("energy.png"));
        assertTrue(Files.size(tmp.resolve("energy.png")) > 0);
        assertFalse(Files.exists(legacy), "legacy temporary of a dead writer");
        assertFalse(Files.exists(orphan), "temporary of a dead writer");
        assertTrue(Files.exists(live), "a live writer's temporary is not ours to delete");
        assertTrue(Files.exists(other), "another target's temporary waits for that target's next write");
    }

    @Test
    void lineChartLinearWithErrorBars(@TempDir Path tmp) throws Exception {
        double[] x = {1, 2, 3, 4, 5};
        Path png = dir(tmp).resolve("bars.png");
        LineChart.builder().optErrorBands(false).optSize(400, 300).optXLabel("layer").optYLabel("Δ")
                .addSeries(new Series("imbalance", x, new double[] {0.9, 0.6, 0.4, 0.5, 0.7},
                        new double[] {0.05, 0.04, 0.03, 0.05, 0.06}))
                .build().write(png);
        checkPng(png, 400, 300);
        assertThrows(IllegalArgumentException.class, () -> LineChart.builder().build());
        assertThrows(IllegalArgumentException.class, () -> new Series("bad", x, new double[] {1}));
        assertThrows(IllegalArgumentException.class,
                () -> LineChart.builder().addSeries(Series.of("a", x)).build().write(tmp.resolve("a.pdf")));
    }

    @Test
    void heatmapWithLabelsAndColourBar(@TempDir Path tmp) throws Exception {
        int t = 12;
        double[][] a = new double[t][t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                a[i][j] = Math.exp(-Math.abs(i - j) / 2.0) * (i == j ? 1 : 0.8);
            }
        }
        Path[] out = Heatmap.builder().setValues(a).optTitle("attention α (head 0)").optXLabel("key j")
                .optYLabel("query i").optValueName("α").build().save(dir(tmp).resolve("heat"));
        checkPng(out[0], 720, 640);
        checkSvg(out[1], "rgb(253,231,37)"); // top of the colour ramp
        Path small = dir(tmp).resolve("heat-small.png");
        Heatmap.builder().setValues(new double[][] {{1, -0.5}, {0.25, -1}}).optXLabels(List.of("en", "es"))
                .optYLabels(List.of("layer 1", "layer 2")).optShowValues(true).optDiverging(true).optRange(-1, 1)
                .optSize(400, 320).build().write(small);
        checkPng(small, 400, 320);
        assertThrows(IllegalArgumentException.class,
                () -> Heatmap.builder().setValues(new double[][] {{1, 2}, {3}}).build());
        assertThrows(IllegalArgumentException.class,
                () -> Heatmap.builder().setValues(a).optXLabels(List.of("x")).build());
    }
}
