package org.spinformer.core.plot;

import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;

/**
 * A heatmap of a matrix z[r][c] (e.g. an attention matrix α[T,T] of one head, or a layer × layer table) with
 * labelled axes and a colour bar. Row 0 is drawn at the top (matrix convention) unless {@code optRowsUp(true)}.
 * Colours run along a viridis-like ramp from {@code min} (default: the smallest finite value) to {@code max}.
 * Non-finite cells are drawn at {@code min}.
 */
public final class Heatmap extends Plot {
    /** Viridis stops. */
    static final Color[] VIRIDIS = {new Color(68, 1, 84), new Color(59, 82, 139), new Color(33, 145, 140),
        new Color(94, 201, 98), new Color(253, 231, 37)};
    /** Blue-white-red diverging stops, for signed data. */
    static final Color[] DIVERGING = {new Color(33, 102, 172), new Color(146, 197, 222), Color.WHITE,
        new Color(244, 165, 130), new Color(178, 24, 43)};

    private final Builder b;

    private Heatmap(Builder b) {
        if (b.z == null || b.z.length == 0 || b.z[0].length == 0) {
            throw new IllegalArgumentException("heatmap needs a non-empty matrix (setValues)");
        }
        int cols = b.z[0].length;
        for (double[] row : b.z) {
            if (row.length != cols) {
                throw new IllegalArgumentException("heatmap rows must all have " + cols + " columns");
            }
        }
        if (b.xLabels != null && b.xLabels.size() != cols) {
            throw new IllegalArgumentException("heatmap has " + cols + " columns but " + b.xLabels.size() + " x labels");
        }
        if (b.yLabels != null && b.yLabels.size() != b.z.length) {
            throw new IllegalArgumentException("heatmap has " + b.z.length + " rows but " + b.yLabels.size() + " y labels");
        }
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The XChart chart. */
    @Override
    public HeatMapChart toChart() {
        int rows = b.z.length;
        int cols = b.z[0].length;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] row : b.z) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            lo = 0;
            hi = 1;
        }
        double min = Double.isNaN(b.min) ? lo : b.min;
        double max = Double.isNaN(b.max) ? hi : b.max;
        if (max <= min) {
            max = min + 1e-12 + Math.abs(min) * 1e-9;
        }
        HeatMapChart c = b.newChart(HeatMapChart::new);
        var st = c.getStyler();
        st.setRangeColors(b.diverging ? DIVERGING : VIRIDIS);
        st.setMin(min);
        st.setMax(max);
        st.setShowValue(b.showValues);
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        st.setPlotGridLinesVisible(false);
        st.setDrawBorder(false);
        st.setAxisTickLabelsFont(st.getAxisTickLabelsFont().deriveFont(cols > 24 || rows > 24 ? 9f : 12f));
        st.setHeatMapDecimalValueFormatter(v -> String.format(java.util.Locale.ROOT, "%.3g", v));
        List<Object> xs = new ArrayList<>(cols);
        for (int j = 0; j < cols; j++) {
            xs.add(b.xLabels == null ? Integer.valueOf(j) : b.xLabels.get(j));
        }
        List<Object> ys = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            int r = b.rowsUp ? i : rows - 1 - i; // bottom-to-top display order
            ys.add(b.yLabels == null ? Integer.valueOf(r) : b.yLabels.get(r));
        }
        List<Number[]> cells = new ArrayList<>(rows * cols);
        for (int i = 0; i < rows; i++) {
            int r = b.rowsUp ? i : rows - 1 - i;
            for (int j = 0; j < cols; j++) {
                double v = b.z[r][j];
                cells.add(new Number[] {j, i, Double.isFinite(v) ? v : min});
            }
        }
        c.addSeries(b.seriesName, xs, ys, cells);
        return c;
    }

    /** Builder: {@code setValues} required. */
    public static final class Builder extends ChartBuilder<Builder> {
        Builder() {
            super(720, 640);
        }

        double[][] z;
        List<String> xLabels;
        List<String> yLabels;
        String seriesName = "value";
        double min = Double.NaN;
        double max = Double.NaN;
        boolean showValues;
        boolean rowsUp;
        boolean diverging;

        /** Required: z[row][column] (copied). */
        public Builder setValues(double[][] values) {
            this.z = new double[values.length][];
            for (int i = 0; i < values.length; i++) {
                z[i] = values[i].clone();
            }
            return this;
        }

        /** Column labels (default 0 … C−1). */
        public Builder optXLabels(List<String> labels) {
            this.xLabels = List.copyOf(labels);
            return this;
        }

        /** Row labels (default 0 … R−1). */
        public Builder optYLabels(List<String> labels) {
            this.yLabels = List.copyOf(labels);
            return this;
        }

        /** Name of the quantity shown in the colour bar's legend. */
        public Builder optValueName(String n) {
            this.seriesName = n;
            return this;
        }

        /** Fixed colour range (default: data min/max). */
        public Builder optRange(double min, double max) {
            this.min = min;
            this.max = max;
            return this;
        }

        /** Print each cell's value (small matrices). */
        public Builder optShowValues(boolean on) {
            this.showValues = on;
            return this;
        }

        /** Draw row 0 at the bottom instead of the top. */
        public Builder optRowsUp(boolean on) {
            this.rowsUp = on;
            return this;
        }

        /** Blue-white-red ramp for signed data (pair with a symmetric {@link #optRange}). */
        public Builder optDiverging(boolean on) {
            this.diverging = on;
            return this;
        }

        public Heatmap build() {
            return new Heatmap(this);
        }
    }
}
