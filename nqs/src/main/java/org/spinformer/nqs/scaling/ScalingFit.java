package org.spinformer.nqs.scaling;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.core.io.JsonFiles;
import org.spinformer.core.plot.LineChart;
import org.spinformer.core.plot.Series;
import org.spinformer.core.train.MetricsLog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The fits of the scaling study, from the logs a {@link ScalingStudy} sweep wrote (post-processing of result files,
 * plain Java):
 * <ul>
 *   <li><b>Compute frontier</b> per lattice size and J2: a run's curve is the V-score of its best state (lowest
 *   energy, moving averages over {@code window} logged steps, so one lucky Monte Carlo estimate does not set it)
 *   reached with at most C FLOPs ({@link #curve}); per seed, the frontier is the minimum over model sizes; the
 *   frontier F(C) is the geometric mean over seeds, on a log grid of C.</li>
 *   <li><b>Power law</b> F ∝ C^(−α), least squares in log-log over the upper {@code 1 − fitFrom} of the log-C range
 *   (the first part is the initial transient); 95 % interval by bootstrap over seeds (resampled with replacement)
 *   and over the fitted grid points (steps).</li>
 *   <li><b>Collapse</b> over sizes at one J2: the z minimising the spread (mean variance across sizes of log F at
 *   common x = log C − z log N over the overlap of the fitted ranges), z on [0, 4]; interval by the same seed
 *   bootstrap.</li>
 * </ul>
 * Writes {@code fits.json}, {@code fits.csv}, {@code frontier.csv}, and plots (PNG + SVG) {@code
 * vscore_vs_compute_<lattice>_j2_<J2>}, {@code collapse_<lattice>_j2_<J2>} and {@code alpha_vs_j2}.
 */
public final class ScalingFit {
    /** Fit settings: moving-average window, where the fit starts in log C, grid points, bootstrap resamples. */
    public record Options(int window, double fitFrom, int grid, int bootstrap, long seed) {
        public Options {
            if (window < 1 || !(fitFrom >= 0 && fitFrom < 1) || grid < 4 || bootstrap < 0) {
                throw new IllegalArgumentException("fit options: window >= 1, 0 <= fit-from < 1, grid >= 4, "
                        + "bootstrap >= 0");
            }
        }

        public static Options defaults() {
            return new Options(5, 0.25, 32, 400, 1);
        }
    }

    /** One run's best-so-far curve: compute C (ascending) and best V-score. */
    record Curve(String model, long seed, double[] c, double[] v) {}

    /** Frontier of one lattice size at one J2. */
    record Group(String lattice, String size, int sites, double j2, List<Curve> curves) {}

    /** A power-law fit with its interval. */
    public record PowerLaw(double alpha, double alphaLo, double alphaHi, double logAmplitude, int points,
                           double cMin, double cMax) {}

    private ScalingFit() {}

    /** Reads the sweep in {@code dir} and writes the fits there. @return fits.json's content */
    public static JsonObject fit(Path dir, Options o) throws IOException {
        Path mf = dir.resolve("sweep.json");
        if (!Files.isRegularFile(mf)) {
            throw new IllegalArgumentException(dir + " holds no sweep (sweep.json missing): run 'nqs scaling' first");
        }
        JsonObject manifest = JsonParser.parseString(Files.readString(mf, StandardCharsets.UTF_8)).getAsJsonObject();
        Map<String, Group> groups = new LinkedHashMap<>();
        for (JsonElement e : manifest.getAsJsonArray("runs")) {
            JsonObject r = e.getAsJsonObject();
            Path log = dir.resolve(r.get("dir").getAsString()).resolve("log.jsonl");
            if (!Files.isRegularFile(log)) {
                continue;
            }
            JsonObject res = r.has("result") ? r.getAsJsonObject("result") : null;
            double eInf = res != null && res.has("v_score_e_inf") ? res.get("v_score_e_inf").getAsDouble() : 0;
            Curve c = curve(log, r.get("dim").getAsInt() + ":" + r.get("layers").getAsInt() + ":"
                    + r.get("heads").getAsInt(), r.get("seed").getAsLong(), o.window(), eInf);
            if (c == null) {
                continue;
            }
            String key = r.get("lattice").getAsString() + "|" + r.get("size").getAsString() + "|"
                    + r.get("j2").getAsDouble();
            groups.computeIfAbsent(key, k -> new Group(r.get("lattice").getAsString(), r.get("size").getAsString(),
                    r.get("sites").getAsInt(), r.get("j2").getAsDouble(), new ArrayList<>())).curves().add(c);
        }
        if (groups.isEmpty()) {
            throw new IllegalArgumentException(dir + ": no run has logged steps yet");
        }
        JsonObject out = new JsonObject();
        out.addProperty("window", o.window());
        out.addProperty("fit_from", o.fitFrom());
        out.addProperty("bootstrap", o.bootstrap());
        JsonArray fits = new JsonArray();
        StringBuilder csv = new StringBuilder("lattice,size,sites,j2,alpha,alpha_lo,alpha_hi,log_amplitude,"
                + "fit_points,c_min,c_max,seeds,runs\n");
        StringBuilder fr = new StringBuilder("lattice,size,sites,j2,flops,v_score_frontier\n");
        Map<String, List<Group>> byJ2 = new TreeMap<>();
        Map<String, double[]> frontiers = new LinkedHashMap<>();
        Map<String, PowerLaw> laws = new LinkedHashMap<>();
        for (Map.Entry<String, Group> ge : groups.entrySet()) {
            Group g = ge.getValue();
            long[] seeds = seeds(g);
            double[] grid = grid(g, o.grid());
            double[] f = frontier(g, grid, seeds);
            PowerLaw p = powerLaw(g, grid, o, seeds);
            frontiers.put(ge.getKey(), f);
            laws.put(ge.getKey(), p);
            byJ2.computeIfAbsent(g.lattice() + "|" + g.j2(), k -> new ArrayList<>()).add(g);
            JsonObject j = new JsonObject();
            j.addProperty("lattice", g.lattice());
            j.addProperty("size", g.size());
            j.addProperty("sites", g.sites());
            j.addProperty("j2", g.j2());
            j.add("alpha", JsonFiles.finite(p.alpha()));
            j.add("alpha_lo", JsonFiles.finite(p.alphaLo()));
            j.add("alpha_hi", JsonFiles.finite(p.alphaHi()));
            j.add("log_amplitude", JsonFiles.finite(p.logAmplitude()));
            j.addProperty("fit_points", p.points());
            j.addProperty("c_min", p.cMin());
            j.addProperty("c_max", p.cMax());
            j.addProperty("seeds", seeds.length);
            j.addProperty("runs", g.curves().size());
            fits.add(j);
            csv.append(String.format(Locale.ROOT, "%s,%s,%d,%s,%.6g,%.6g,%.6g,%.6g,%d,%.6g,%.6g,%d,%d%n",
                    g.lattice(), g.size(), g.sites(), g.j2(), p.alpha(), p.alphaLo(), p.alphaHi(), p.logAmplitude(),
                    p.points(), p.cMin(), p.cMax(), seeds.length, g.curves().size()));
            for (int i = 0; i < grid.length; i++) {
                if (Double.isFinite(f[i])) {
                    fr.append(String.format(Locale.ROOT, "%s,%s,%d,%s,%.6g,%.6g%n", g.lattice(), g.size(),
                            g.sites(), g.j2(), grid[i], f[i]));
                }
            }
        }
        out.add("power_laws", fits);
        JsonArray collapses = new JsonArray();
        for (Map.Entry<String, List<Group>> e : byJ2.entrySet()) {
            List<Group> gs = e.getValue();
            Group first = gs.get(0);
            plotFrontiers(dir, first.lattice(), first.j2(), gs, o, laws);
            if (gs.size() < 2) {
                continue;
            }
            double[] z = collapse(gs, o);
            JsonObject c = new JsonObject();
            c.addProperty("lattice", first.lattice());
            c.addProperty("j2", first.j2());
            JsonArray sizes = new JsonArray();
            gs.forEach(g -> sizes.add(g.size()));
            c.add("sizes", sizes);
            c.add("z", JsonFiles.finite(z[0]));
            c.add("z_lo", JsonFiles.finite(z[1]));
            c.add("z_hi", JsonFiles.finite(z[2]));
            c.add("spread_at_z", JsonFiles.finite(z[3]));
            c.add("spread_at_z0", JsonFiles.finite(z[4]));
            collapses.add(c);
            plotCollapse(dir, first.lattice(), first.j2(), gs, o, z[0]);
        }
        out.add("collapses", collapses);
        plotAlpha(dir, groups, laws);
        JsonFiles.write(dir.resolve("fits.json"), out);
        AtomicFiles.write(dir.resolve("fits.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(dir.resolve("frontier.csv"), fr.toString().getBytes(StandardCharsets.UTF_8));
        return out;
    }

    /**
     * The V-score of the best state reached with at most C FLOPs, against C: at each logged step the state with the
     * lowest moving-average energy so far (over {@code window} steps) is the best, and its V-score is the moving
     * average of log V over the same window. Steps whose moving-average energy is not below E∞ are left out (a state
     * above the infinite-temperature energy has no meaningful V-score: the near-uniform initial state has a tiny
     * variance). Null when no step qualifies.
     */
    static Curve curve(Path log, String model, long seed, int window, double eInf) throws IOException {
        List<double[]> pts = new ArrayList<>();
        for (Map<String, Object> row : MetricsLog.read(log)) {
            Object c = row.get("cumulative_flops");
            Object v = row.get("v_score");
            Object en = row.get("energy");
            if (c instanceof Number cn && v instanceof Number vn && en instanceof Number e && cn.doubleValue() > 0
                    && vn.doubleValue() > 0 && Double.isFinite(vn.doubleValue()) && Double.isFinite(e.doubleValue())) {
                pts.add(new double[] {cn.doubleValue(), Math.log(vn.doubleValue()), e.doubleValue()});
            }
        }
        List<double[]> out = new ArrayList<>();
        double bestE = Double.POSITIVE_INFINITY;
        double bestLogV = Double.NaN;
        double sumV = 0;
        double sumE = 0;
        for (int i = 0; i < pts.size(); i++) {
            sumV += pts.get(i)[1];
            sumE += pts.get(i)[2];
            if (i >= window) {
                sumV -= pts.get(i - window)[1];
                sumE -= pts.get(i - window)[2];
            }
            int k = Math.min(i + 1, window);
            double e = sumE / k;
            if (e < eInf && e < bestE) {
                bestE = e;
                bestLogV = sumV / k;
            }
            if (Double.isFinite(bestLogV)) {
                out.add(new double[] {pts.get(i)[0], Math.exp(bestLogV)});
            }
        }
        if (out.isEmpty()) {
            return null;
        }
        return new Curve(model, seed, out.stream().mapToDouble(p -> p[0]).toArray(),
                out.stream().mapToDouble(p -> p[1]).toArray());
    }

    static long[] seeds(Group g) {
        return g.curves().stream().mapToLong(Curve::seed).distinct().sorted().toArray();
    }

    /** Log grid from the first logged compute of any run to the largest compute every seed reached. */
    static double[] grid(Group g, int points) {
        double lo = Double.POSITIVE_INFINITY;
        Map<Long, Double> reach = new TreeMap<>();
        for (Curve c : g.curves()) {
            lo = Math.min(lo, c.c()[0]);
            reach.merge(c.seed(), c.c()[c.c().length - 1], Math::max);
        }
        double hi = reach.values().stream().mapToDouble(Double::doubleValue).min().orElse(lo);
        double[] x = new double[points];
        for (int i = 0; i < points; i++) {
            x[i] = hi > lo ? Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * i / (points - 1)) : lo;
        }
        return x;
    }

    /** Best V of a curve with compute ≤ c (NaN before its first point). */
    static double at(Curve k, double c) {
        int i = Arrays.binarySearch(k.c(), c);
        int idx = i >= 0 ? i : -i - 2;
        return idx < 0 ? Double.NaN : k.v()[idx];
    }

    /** Geometric mean over the given seeds (with repetition) of each seed's minimum over models. */
    static double[] frontier(Group g, double[] grid, long[] seeds) {
        double[] f = new double[grid.length];
        for (int i = 0; i < grid.length; i++) {
            double sum = 0;
            int n = 0;
            for (long s : seeds) {
                double m = Double.POSITIVE_INFINITY;
                for (Curve k : g.curves()) {
                    if (k.seed() == s) {
                        double v = at(k, grid[i]);
                        if (Double.isFinite(v)) {
                            m = Math.min(m, v);
                        }
                    }
                }
                if (Double.isFinite(m)) {
                    sum += Math.log(m);
                    n++;
                }
            }
            f[i] = n == seeds.length ? Math.exp(sum / n) : Double.NaN;
        }
        return f;
    }

    /** The fitted points' indices: finite frontier in the upper part of the log-C range. */
    static int[] fitted(double[] grid, double[] f, double fitFrom) {
        double lo = Math.log(grid[0]);
        double hi = Math.log(grid[grid.length - 1]);
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < grid.length; i++) {
            if (Double.isFinite(f[i]) && Math.log(grid[i]) >= lo + fitFrom * (hi - lo) - 1e-12) {
                idx.add(i);
            }
        }
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Least squares log F = a − α log C over {@code idx}: {α, a}. */
    static double[] lsq(double[] grid, double[] f, int[] idx) {
        int n = idx.length;
        if (n < 2) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (int i : idx) {
            double x = Math.log(grid[i]);
            double y = Math.log(f[i]);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        double den = n * sxx - sx * sx;
        if (!(Math.abs(den) > 1e-300)) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double slope = (n * sxy - sx * sy) / den;
        return new double[] {-slope, (sy - slope * sx) / n};
    }

    static PowerLaw powerLaw(Group g, double[] grid, Options o, long[] seeds) {
        double[] f = frontier(g, grid, seeds);
        int[] idx = fitted(grid, f, o.fitFrom());
        double[] fit = lsq(grid, f, idx);
        double[] boot = new double[o.bootstrap()];
        SplittableRandom r = new SplittableRandom(o.seed());
        int ok = 0;
        for (int b = 0; b < o.bootstrap(); b++) {
            long[] s = new long[seeds.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = seeds[r.nextInt(seeds.length)];
            }
            double[] fb = frontier(g, grid, s);
            int[] ib = fitted(grid, fb, o.fitFrom());
            if (ib.length < 2) {
                continue;
            }
            int[] pick = new int[ib.length];
            for (int i = 0; i < pick.length; i++) {
                pick[i] = ib[r.nextInt(ib.length)];
            }
            double a = lsq(grid, fb, pick)[0];
            if (Double.isFinite(a)) {
                boot[ok++] = a;
            }
        }
        double[] q = quantiles(Arrays.copyOf(boot, ok));
        return new PowerLaw(fit[0], q[0], q[1], fit[1], idx.length, idx.length > 0 ? grid[idx[0]] : Double.NaN,
                idx.length > 0 ? grid[idx[idx.length - 1]] : Double.NaN);
    }

    /** 2.5 % and 97.5 % quantiles (NaN for an empty sample). */
    static double[] quantiles(double[] x) {
        if (x.length == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double[] s = x.clone();
        Arrays.sort(s);
        return new double[] {s[(int) Math.floor(0.025 * (s.length - 1))], s[(int) Math.ceil(0.975 * (s.length - 1))]};
    }

    /** The fitted part of every size's frontier: x = log C, y = log F. */
    record Fitted(double[] x, double[] y, double logN) {}

    static List<Fitted> fittedCurves(List<Group> gs, Options o, SplittableRandom resample) {
        List<Fitted> out = new ArrayList<>();
        for (Group g : gs) {
            long[] all = seeds(g);
            long[] s = all;
            if (resample != null) {
                s = new long[all.length];
                for (int i = 0; i < s.length; i++) {
                    s[i] = all[resample.nextInt(all.length)];
                }
            }
            double[] grid = grid(g, o.grid());
            double[] f = frontier(g, grid, s);
            int[] idx = fitted(grid, f, o.fitFrom());
            double[] x = new double[idx.length];
            double[] y = new double[idx.length];
            for (int i = 0; i < idx.length; i++) {
                x[i] = Math.log(grid[idx[i]]);
                y[i] = Math.log(f[idx[i]]);
            }
            out.add(new Fitted(x, y, Math.log(g.sites())));
        }
        return out;
    }

    /** Linear interpolation of y(x) at t (NaN outside). */
    static double interp(double[] x, double[] y, double t) {
        if (x.length == 0 || t < x[0] - 1e-12 || t > x[x.length - 1] + 1e-12) {
            return Double.NaN;
        }
        for (int i = 1; i < x.length; i++) {
            if (t <= x[i]) {
                double w = x[i] == x[i - 1] ? 0 : (t - x[i - 1]) / (x[i] - x[i - 1]);
                return y[i - 1] + w * (y[i] - y[i - 1]);
            }
        }
        return y[y.length - 1];
    }

    /** Mean over the overlap of the variance across sizes of log F at x − z log N (∞ without overlap). */
    static double spread(List<Fitted> cs, double z) {
        double lo = Double.NEGATIVE_INFINITY;
        double hi = Double.POSITIVE_INFINITY;
        for (Fitted c : cs) {
            if (c.x().length < 2) {
                return Double.POSITIVE_INFINITY;
            }
            lo = Math.max(lo, c.x()[0] - z * c.logN());
            hi = Math.min(hi, c.x()[c.x().length - 1] - z * c.logN());
        }
        if (!(hi > lo)) {
            return Double.POSITIVE_INFINITY;
        }
        int pts = 20;
        double total = 0;
        for (int i = 0; i < pts; i++) {
            double t = lo + (hi - lo) * i / (pts - 1);
            double mean = 0;
            double[] ys = new double[cs.size()];
            for (int k = 0; k < cs.size(); k++) {
                Fitted c = cs.get(k);
                ys[k] = interp(c.x(), c.y(), t + z * c.logN());
                mean += ys[k];
            }
            mean /= ys.length;
            double var = 0;
            for (double y : ys) {
                var += (y - mean) * (y - mean);
            }
            total += var / ys.length;
        }
        return total / pts;
    }

    /** The z in [0, 4] of least spread (grid of 0.01, then 0.0005 around it). */
    static double bestZ(List<Fitted> cs) {
        double best = Double.NaN;
        double bs = Double.POSITIVE_INFINITY;
        for (int i = 0; i <= 400; i++) {
            double z = i * 0.01;
            double s = spread(cs, z);
            if (s < bs) {
                bs = s;
                best = z;
            }
        }
        if (Double.isNaN(best)) {
            return Double.NaN;
        }
        double centre = best;
        for (int i = -20; i <= 20; i++) {
            double z = centre + i * 0.0005;
            double s = z < 0 ? Double.POSITIVE_INFINITY : spread(cs, z);
            if (s < bs) {
                bs = s;
                best = z;
            }
        }
        return best;
    }

    /** {z, z_lo, z_hi, spread(z), spread(0)}. */
    static double[] collapse(List<Group> gs, Options o) {
        List<Fitted> cs = fittedCurves(gs, o, null);
        double z = bestZ(cs);
        SplittableRandom r = new SplittableRandom(o.seed() + 17);
        double[] boot = new double[o.bootstrap()];
        int ok = 0;
        for (int b = 0; b < o.bootstrap(); b++) {
            double zb = bestZ(fittedCurves(gs, o, r));
            if (Double.isFinite(zb)) {
                boot[ok++] = zb;
            }
        }
        double[] q = quantiles(Arrays.copyOf(boot, ok));
        return new double[] {z, q[0], q[1], Double.isFinite(z) ? spread(cs, z) : Double.NaN, spread(cs, 0)};
    }

    static String tag(String lattice, double j2) {
        return lattice + "_j2_" + ScalingStudy.fmt(j2);
    }

    /** The finite points of a size's frontier as a series, compute divided by N^z (z = 0: plain C), or null. */
    static Series frontierSeries(Group g, Options o, double z, String name) {
        double[] grid = grid(g, o.grid());
        double[] f = frontier(g, grid, seeds(g));
        List<double[]> pts = new ArrayList<>();
        for (int i = 0; i < grid.length; i++) {
            if (Double.isFinite(f[i])) {
                pts.add(new double[] {grid[i] / Math.pow(g.sites(), z), f[i]});
            }
        }
        return pts.isEmpty() ? null : new Series(name, pts.stream().mapToDouble(p -> p[0]).toArray(),
                pts.stream().mapToDouble(p -> p[1]).toArray());
    }

    static void plotFrontiers(Path dir, String lattice, double j2, List<Group> gs, Options o,
                              Map<String, PowerLaw> laws) throws IOException {
        LineChart.Builder b = LineChart.builder().optTitle("V-score frontier, " + lattice + " J2 = " + j2)
                .optXLabel("training compute C (FLOPs)").optYLabel("V-score").optLogX(true).optLogY(true);
        for (Group g : gs) {
            Series fs = frontierSeries(g, o, 0, g.size() + " (N=" + g.sites() + ")");
            if (fs == null) {
                continue;
            }
            b.addSeries(fs);
            PowerLaw p = laws.get(g.lattice() + "|" + g.size() + "|" + g.j2());
            if (p != null && Double.isFinite(p.alpha())) {
                double[] x = {p.cMin(), p.cMax()};
                double[] y = {Math.exp(p.logAmplitude() - p.alpha() * Math.log(x[0])),
                        Math.exp(p.logAmplitude() - p.alpha() * Math.log(x[1]))};
                b.addSeries(new Series(String.format(Locale.ROOT, "fit %s: alpha = %.3f", g.size(), p.alpha()), x, y));
            }
        }
        b.build().save(dir.resolve("vscore_vs_compute_" + tag(lattice, j2)));
    }

    static void plotCollapse(Path dir, String lattice, double j2, List<Group> gs, Options o, double z)
            throws IOException {
        if (!Double.isFinite(z)) {
            return;
        }
        LineChart.Builder b = LineChart.builder()
                .optTitle(String.format(Locale.ROOT, "collapse, %s J2 = %s: z = %.3f", lattice, j2, z))
                .optXLabel("C / N^z").optYLabel("V-score").optLogX(true).optLogY(true);
        for (Group g : gs) {
            Series fs = frontierSeries(g, o, z, g.size());
            if (fs != null) {
                b.addSeries(fs);
            }
        }
        b.build().save(dir.resolve("collapse_" + tag(lattice, j2)));
    }

    static void plotAlpha(Path dir, Map<String, Group> groups, Map<String, PowerLaw> laws) throws IOException {
        Map<String, List<double[]>> bySize = new TreeMap<>();
        for (Map.Entry<String, Group> e : groups.entrySet()) {
            PowerLaw p = laws.get(e.getKey());
            if (p == null || !Double.isFinite(p.alpha())) {
                continue;
            }
            Group g = e.getValue();
            bySize.computeIfAbsent(g.lattice() + " " + g.size(), k -> new ArrayList<>())
                    .add(new double[] {g.j2(), p.alpha(), p.alphaLo(), p.alphaHi()});
        }
        if (bySize.isEmpty()) {
            return;
        }
        LineChart.Builder b = LineChart.builder().optTitle("scaling exponent alpha vs J2 (95% bootstrap interval)")
                .optXLabel("J2").optYLabel("alpha");
        for (Map.Entry<String, List<double[]>> e : bySize.entrySet()) {
            List<double[]> pts = e.getValue();
            pts.sort((a, c) -> Double.compare(a[0], c[0]));
            double[] x = pts.stream().mapToDouble(p -> p[0]).toArray();
            b.addSeries(new Series(e.getKey(), x, pts.stream().mapToDouble(p -> p[1]).toArray()));
            if (pts.stream().allMatch(p -> Double.isFinite(p[2]) && Double.isFinite(p[3]))) {
                b.addSeries(new Series(e.getKey() + " 2.5%", x, pts.stream().mapToDouble(p -> p[2]).toArray()));
                b.addSeries(new Series(e.getKey() + " 97.5%", x, pts.stream().mapToDouble(p -> p[3]).toArray()));
            }
        }
        b.build().save(dir.resolve("alpha_vs_j2"));
    }
}
