package org.spinformer.core.plot;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        Path abs = path.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        // not Files.createTempFile: that makes the file owner-only (0600); this keeps the umask's permissions
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + ".tmp");
        try {
            try (OutputStream os = Files.newOutputStream(tmp)) {
                if (png) {
                    BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG);
                } else {
                    VectorGraphicsEncoder.saveVectorGraphic(chart, os, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
                }
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
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
