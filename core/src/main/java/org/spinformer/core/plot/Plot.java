package org.spinformer.core.plot;

import org.knowm.xchart.internal.chartpart.Chart;

import java.io.IOException;
import java.nio.file.Path;

/** A chart that can be written to files: PNG or SVG by extension, atomically ({@link ChartFiles}). */
public abstract class Plot {
    Plot() {
    }

    /** The XChart chart, for further styling. */
    public abstract Chart<?, ?> toChart();

    /** Writes a PNG or SVG file (by extension), atomically. */
    public void write(Path file) throws IOException {
        ChartFiles.write(toChart(), file);
    }

    /** Writes {@code base.png} and {@code base.svg}; returns both paths. */
    public Path[] save(Path base) throws IOException {
        return ChartFiles.writeBoth(toChart(), base);
    }
}
