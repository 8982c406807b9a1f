package org.spinformer.core.plot;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;

/**
 * A line chart of one or more {@link Series}: linear or logarithmic axes, errors as translucent bands (default)
 * or error bars, and an optional horizontal reference line (an exact energy, a baseline loss).
 *
 * <pre>{@code
 * LineChart.builder().optTitle("loss").optXLabel("step").optYLabel("MSE").optLogY(true)
 *     .addSeries(new Series("train", steps, loss)).optReference(0.01, "target").build()
 *     .save(dir.resolve("loss"));            // loss.png + loss.svg
 * }</pre>
 * On a log axis, points with a non-positive coordinate are dropped and a band's lower edge is floored at y/10.
 * Non-finite points are always dropped.
 */
public final class LineChart extends Plot {
    /** Colours (Tableau 10) assigned to series in order. */
    static final Color[] PALETTE = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40),
        new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127),
        new Color(188, 189, 34), new Color(23, 190, 207)};

    private final Builder b;

    private LineChart(Builder b) {
        if (b.series.isEmpty()) {
            throw new IllegalArgumentException("line chart needs at least one series (addSeries)");
        }
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The XChart chart (for callers that want to style it further). */
    @Override
    public XYChart toChart() {
        XYChart c = b.newChart(XYChart::new);
        var st = c.getStyler();
        st.setXAxisLogarithmic(b.logX);
        st.setYAxisLogarithmic(b.logY);
        st.setLegendPosition(Styler.LegendPosition.InsideNE);
        st.setLegendVisible(b.series.size() > 1 || b.refLabel != null);
        st.setPlotGridLinesColor(new Color(225, 225, 225));
        st.setAxisTickLabelsFont(st.getAxisTickLabelsFont().deriveFont(12f));
        st.setAxisTitleFont(st.getAxisTitleFont().deriveFont(14f));
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < b.series.size(); k++) {
            Series s = b.series.get(k);
            Color col = PALETTE[k % PALETTE.length];
            double[][] pts = clean(s);
            if (pts[0].length == 0) {
                continue;
            }
            for (double x : pts[0]) {
                xmin = Math.min(xmin, x);
                xmax = Math.max(xmax, x);
            }
            if (pts[2] != null && b.bands) {
                addBand(c, s.name(), pts, col);
            }
            XYSeries xs = pts[2] != null && !b.bands
                    ? c.addSeries(s.name(), pts[0], pts[1], pts[2])
                    : c.addSeries(s.name(), pts[0], pts[1]);
            xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            xs.setLineColor(col);
            xs.setMarkerColor(col);
            xs.setLineWidth(2f);
            xs.setMarker(pts[0].length > 40 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        }
        if (b.refLabel != null && xmin <= xmax) {
            XYSeries r = c.addSeries(b.refLabel, new double[] {xmin, xmax}, new double[] {b.refY, b.refY});
            r.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            r.setLineColor(Color.BLACK);
            r.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f, 4f}, 0f));
            r.setMarker(SeriesMarkers.NONE);
        }
        return c;
    }

    private void addBand(XYChart c, String name, double[][] pts, Color col) {
        int n = pts[0].length;
        double[] bx = new double[2 * n];
        double[] by = new double[2 * n];
        for (int i = 0; i < n; i++) {
            bx[i] = pts[0][i];
            by[i] = pts[1][i] + pts[2][i];
            bx[2 * n - 1 - i] = pts[0][i];
            double lo = pts[1][i] - pts[2][i];
            by[2 * n - 1 - i] = b.logY && lo <= 0 ? pts[1][i] / 10 : lo;
        }
        XYSeries band = c.addSeries(name + " ±err", bx, by);
        band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        band.setFillColor(new Color(col.getRed(), col.getGreen(), col.getBlue(), 60));
        band.setLineColor(new Color(0, 0, 0, 0));
        band.setLineStyle(SeriesLines.NONE);
        band.setMarker(SeriesMarkers.NONE);
        band.setShowInLegend(false);
    }

    /** Drops non-finite points and, on log axes, non-positive ones. Returns {x, y, err-or-null}. */
    private double[][] clean(Series s) {
        int n = s.size();
        double[] x = new double[n];
        double[] y = new double[n];
        double[] e = s.err() == null ? null : new double[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            double xi = s.x()[i];
            double yi = s.y()[i];
            double ei = e == null ? 0 : Math.abs(s.err()[i]);
            if (!Double.isFinite(xi) || !Double.isFinite(yi) || !Double.isFinite(ei)
                    || (b.logX && xi <= 0) || (b.logY && yi <= 0)) {
                continue;
            }
            x[m] = xi;
            y[m] = yi;
            if (e != null) {
                e[m] = ei;
            }
            m++;
        }
        return new double[][] {java.util.Arrays.copyOf(x, m), java.util.Arrays.copyOf(y, m),
            e == null ? null : java.util.Arrays.copyOf(e, m)};
    }

    /** Builder: at least one {@code addSeries}; everything else optional. */
    public static final class Builder extends ChartBuilder<Builder> {
        Builder() {
            super(800, 560);
        }

        final List<Series> series = new ArrayList<>();
        boolean logX;
        boolean logY;
        boolean bands = true;
        double refY;
        String refLabel;

        public Builder addSeries(Series s) {
            series.add(s);
            return this;
        }

        public Builder optLogX(boolean on) {
            this.logX = on;
            return this;
        }

        public Builder optLogY(boolean on) {
            this.logY = on;
            return this;
        }

        /** Errors as translucent bands (true, default) or as error bars (false). */
        public Builder optErrorBands(boolean on) {
            this.bands = on;
            return this;
        }

        /** A dashed horizontal line at y with a legend label. */
        public Builder optReference(double y, String label) {
            if (!Double.isFinite(y)) {
                throw new IllegalArgumentException("reference line must be finite, got " + y);
            }
            this.refY = y;
            this.refLabel = label == null || label.isBlank() ? "reference" : label;
            return this;
        }

        public LineChart build() {
            return new LineChart(this);
        }
    }
}
