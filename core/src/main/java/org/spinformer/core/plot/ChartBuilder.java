package org.spinformer.core.plot;

import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

import java.awt.Color;

/** The settings every chart has: title, axis titles and size in pixels. */
@SuppressWarnings("unchecked")
public abstract class ChartBuilder<B extends ChartBuilder<B>> {
    /** An XChart chart constructor {@code (width, height, theme)}, e.g. {@code XYChart::new}. */
    @FunctionalInterface
    interface ChartConstructor<C extends Chart<?, ?>> {
        C create(int width, int height, Styler.ChartTheme theme);
    }

    String title = "";
    String xLabel = "";
    String yLabel = "";
    int width;
    int height;

    ChartBuilder(int width, int height) {
        this.width = width;
        this.height = height;
    }

    public B optTitle(String t) {
        this.title = t;
        return (B) this;
    }

    public B optXLabel(String l) {
        this.xLabel = l;
        return (B) this;
    }

    public B optYLabel(String l) {
        this.yLabel = l;
        return (B) this;
    }

    /** Size in pixels (at least 100×100). */
    public B optSize(int w, int h) {
        if (w < 100 || h < 100) {
            throw new IllegalArgumentException("plot size must be at least 100x100, got " + w + "x" + h);
        }
        this.width = w;
        this.height = h;
        return (B) this;
    }

    /**
     * A new chart of this size, title and axis titles on a white background (in headless mode): what XChart's
     * own chart builders make, with the default theme.
     */
    <C extends Chart<?, ?>> C newChart(ChartConstructor<C> constructor) {
        ChartFiles.headless();
        C c = constructor.create(width, height, Styler.ChartTheme.XChart);
        c.setTitle(title);
        c.setXAxisTitle(xLabel);
        c.setYAxisTitle(yLabel);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        return c;
    }
}
