package org.spinformer.core.plot;

/** The settings every chart has: title, axis titles and size in pixels. */
@SuppressWarnings("unchecked")
public abstract class ChartBuilder<B extends ChartBuilder<B>> {
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
}
