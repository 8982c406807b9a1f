package org.spinformer.core.plot;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

import org.spinformer.core.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** Writes XChart charts to PNG or SVG, headless and atomically. */
final class ChartFiles {
    static {
        headless();
    }

    private ChartFiles() {}

    /** Sets {@code java.awt.headless=true} unless the user chose otherwise (before AWT loads). */
    static void headless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Writes {@code chart} to {@code path}; the format follows the extension (.png or .svg). */
    static void write(Chart<?, ?> chart, Path path) throws IOException {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean png = name.endsWith(".png");
        if (!png && !name.endsWith(".svg")) {
            throw new IllegalArgumentException("plot file must end in .png or .svg: " + path);
        }
        removeLegacyTemporaries(path.toAbsolutePath());
        AtomicFiles.writeStream(path, os -> {
            if (png) {
                BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG);
            } else {
                VectorGraphicsEncoder.saveVectorGraphic(chart, os, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            }
        });
    }

    /**
     * Removes {@code .NAME.PID.TID.tmp} files, the temporaries of earlier versions, left by a writer that was
     * killed (its process is gone). Today's temporaries are {@link AtomicFiles}' and cleaned there.
     */
    private static void removeLegacyTemporaries(Path abs) {
        String name = abs.getFileName().toString();
        java.util.regex.Pattern legacy = java.util.regex.Pattern.compile(
                java.util.regex.Pattern.quote("." + name + ".") + "(\\d+)\\.\\d+\\.tmp");
        try (java.nio.file.DirectoryStream<Path> ds = java.nio.file.Files.newDirectoryStream(abs.getParent(),
                f -> legacy.matcher(f.getFileName().toString()).matches())) {
            for (Path f : ds) {
                java.util.regex.Matcher mt = legacy.matcher(f.getFileName().toString());
                if (mt.matches() && ProcessHandle.of(Long.parseLong(mt.group(1))).map(ph -> !ph.isAlive()).orElse(true)) {
                    java.nio.file.Files.deleteIfExists(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a leftover is harmless
        }
    }

    /** Writes {@code base.png} and {@code base.svg}; {@code base} is a path without extension. */
    static Path[] writeBoth(Chart<?, ?> chart, Path base) throws IOException {
        Path png = base.resolveSibling(base.getFileName() + ".png");
        Path svg = base.resolveSibling(base.getFileName() + ".svg");
        write(chart, png);
        write(chart, svg);
        return new Path[] {png, svg};
    }
}
