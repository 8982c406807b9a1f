/**
 * Plots shared by every pipeline, drawn with XChart and written as PNG (bitmap) and SVG (vector) files:
 * {@link org.spinformer.core.plot.LineChart} (linear/log axes, several {@link org.spinformer.core.plot.Series},
 * error bars or bands, a horizontal reference line) and {@link org.spinformer.core.plot.Heatmap} (labelled axes and
 * a colour bar). Rendering is headless ({@code java.awt.headless=true}); files are written atomically (temporary
 * file, then rename), so a failed plot never leaves a half-written file.
 */
package org.spinformer.core.plot;
