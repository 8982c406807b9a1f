package org.spinformer.language.clones;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import org.spinformer.core.engine.NoGrad;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.core.io.Npy;
import org.spinformer.core.nn.Parameters;
import org.spinformer.core.train.MetricsLog;
import org.spinformer.core.train.RunHarness;
import org.spinformer.core.train.SavableRandom;
import org.spinformer.core.train.Progress;
import org.spinformer.core.train.TrainLoop;
import org.spinformer.language.corpus.Tokenizer;
import org.spinformer.language.model.MaskedLm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Samples a "clone" of a corpus from a masked language model (Rende et al., NeurIPS 2024): a Markov chain on
 * windows x ∈ {0..V−1}^T whose single-site moves use the model's masked conditional
 * p_θ(x_i = a | x_{∖i}) = softmax_a(logits_i(x with x_i → mask)), with the banned tokens (mask, pad) removed.
 * <ul>
 *   <li>{@link Rule#HEAT_BATH}: x_i ← a drawn from p_θ(· | x_{∖i}) (Gibbs; every move accepted);</li>
 *   <li>{@link Rule#METROPOLIS}: propose a uniformly among allowed tokens, accept with probability
 *       min(1, p_θ(a | x_{∖i}) / p_θ(x_i | x_{∖i})).</li>
 * </ul>
 * A sweep visits the sites i = 0..T−1 in order (T updates). All chains move together: one batched forward per
 * update. When the conditionals come from one joint distribution p (e.g. a Potts model) the chain's stationary
 * distribution is p; in general it is the fixed point of the sweep kernel K_{T−1}···K_1 K_0, which the tests
 * compare with exact enumeration. Per sweep it logs the acceptance rate, the fraction of tokens changed, and the
 * mean log-conditional log p_θ(x_i | x_{∖i}) of the updated tokens (a pseudo-log-likelihood per token).
 */
public final class CloneSampler {
    /** Single-site update rule. */
    public enum Rule { HEAT_BATH, METROPOLIS }

    /**
     * Where the chains live between updates: {@link #DEVICE} keeps them as one int64 [B,T] array on the engine and
     * changes one column per update, so only the B random numbers of an update go to the device and the per-sweep
     * statistics come back once per sweep; {@link #HOST} keeps them in a host {@code int[][]} (the [B,T] ids
     * uploaded and the new tokens downloaded at every update). Both give the same clones from the same seed. The
     * default is DEVICE when the model's parameters are on a GPU and HOST on the CPU, where "uploading" is a copy
     * and the device path's extra small ops made it slower (CloneSamplerBench, 2026-12-04: 0.68× the host path's
     * clones per second at V = 2000, T = 24).
     */
    public enum Chains { DEVICE, HOST }

    /** Statistics of one sweep, averaged over chains and sites. */
    public record SweepStats(int sweep, double acceptance, double changed, double meanLogConditional) {}

    /** Clones [N][T] and per-sweep statistics (averaged over all chains). */
    public record Result(int[][] clones, List<SweepStats> stats, double seconds) {}

    private final MaskedLm model;
    private final Rule rule;
    private final int[] allowed;
    private final double[] bias;
    private Chains chains;

    /** {@code banned}: token ids never produced (typically mask and pad). */
    public CloneSampler(MaskedLm model, Rule rule, Set<Integer> banned) {
        this.model = model;
        this.rule = rule;
        int v = model.vocabSize();
        List<Integer> ok = new ArrayList<>();
        bias = new double[v];
        for (int a = 0; a < v; a++) {
            if (banned.contains(a)) {
                bias[a] = -1e30;
            } else {
                ok.add(a);
            }
        }
        if (ok.isEmpty()) {
            throw new IllegalArgumentException("every token is banned");
        }
        allowed = ok.stream().mapToInt(Integer::intValue).toArray();
        boolean gpu = false;
        for (var e : model.parameters()) {
            gpu = e.getValue().getDevice().isGpu();
            break;
        }
        chains = gpu ? Chains.DEVICE : Chains.HOST;
    }

    /** Where the chains live (default: DEVICE on a GPU, HOST on the CPU). */
    public CloneSampler withChains(Chains where) {
        this.chains = where;
        return this;
    }

    /**
     * Runs {@code sweeps} sweeps from each start window, {@code chunk} chains at a time.
     *
     * @param start  [N][T] initial windows (test sequences or random ones), not modified
     * @param log    JSON-lines log of per-sweep statistics or null
     * @param task   progress name or null
     */
    public Result sample(int[][] start, int sweeps, int chunk, long seed, NDManager base, MetricsLog log,
                         String task) {
        try {
            return sample(start, sweeps, chunk, seed, base, log, task, null, false);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // no checkpoint: nothing is written
        }
    }

    /**
     * As {@link #sample(int[][], int, int, long, NDManager, MetricsLog, String)}, with a core {@link RunHarness}
     * checkpoint in {@code checkpointDir} after every chunk of chains (the finished clones, the per-sweep sums and
     * the random stream): with {@code resume}, the finished chunks are restored and sampling continues where the
     * stream stopped, so the clones equal an uninterrupted run's. A checkpoint made with other settings (N, T,
     * sweeps, chunk, seed, rule) is refused. {@code checkpointDir} null: no checkpoint.
     */
    public Result sample(int[][] start, int sweeps, int chunk, long seed, NDManager base, MetricsLog log,
                         String task, Path checkpointDir, boolean resume) throws IOException {
        if (sweeps < 1 || chunk < 1) {
            throw new IllegalArgumentException("sweeps and chunk must be >= 1");
        }
        long t0 = System.nanoTime();
        int n = start.length;
        int t = model.length();
        for (int[] w : start) {
            if (w.length != t) {
                throw new IllegalArgumentException("start window of length " + w.length + ", model expects " + t);
            }
        }
        int[][] out = new int[n][];
        double[][] acc = new double[sweeps][3];
        SavableRandom r = new SavableRandom(seed);
        int chunks = (n + chunk - 1) / chunk;
        JsonObject settings = new JsonObject();
        settings.addProperty("windows", n);
        settings.addProperty("length", t);
        settings.addProperty("sweeps", sweeps);
        settings.addProperty("chunk", chunk);
        settings.addProperty("seed", seed);
        settings.addProperty("rule", rule.name());
        RunHarness run = checkpointDir == null ? null : RunHarness.builder(checkpointDir).resume(resume)
                .weights(new Parameters()).manager(base).config(settings)
                .logFile(checkpointDir.resolve("chunks.jsonl"))
                .section(RunHarness.random("rng", r))
                .section(RunHarness.json("clones", () -> progress(settings, out, acc),
                        j -> restore(j, settings, out, acc, checkpointDir)))
                .build();
        int from = run == null ? 0 : (int) run.start();
        NoGrad noGrad = NoGrad.enter();
        Progress progress = task == null ? null : Progress.start(task, (long) sweeps * (chunks - from));
        try {
            for (int c = from; c < chunks; c++) {
                int lo = c * chunk;
                int b = Math.min(chunk, n - lo);
                int[][] x = new int[b][];
                for (int i = 0; i < b; i++) {
                    x[i] = start[lo + i].clone();
                }
                if (chains == Chains.DEVICE) {
                    x = onDevice(x, sweeps, r, base, acc, progress);
                } else {
                    for (int s = 0; s < sweeps; s++) {
                        for (int site = 0; site < t; site++) {
                            double[] st = update(x, site, r, base);
                            acc[s][0] += st[0];
                            acc[s][1] += st[1];
                            acc[s][2] += st[2];
                        }
                        if (progress != null) {
                            progress.step(1);
                        }
                    }
                }
                System.arraycopy(x, 0, out, lo, b);
                if (run != null) {
                    run.log(MetricsLog.row("step", c + 1, "chains_done", lo + b));
                    run.save(c + 1);
                }
            }
        } finally {
            noGrad.close();
            if (progress != null) {
                progress.close();
            }
            if (run != null) {
                run.close();
            }
        }
        List<SweepStats> stats = new ArrayList<>();
        double norm = (double) n * t;
        for (int s = 0; s < sweeps; s++) {
            SweepStats ss = new SweepStats(s + 1, acc[s][0] / norm, acc[s][1] / norm, acc[s][2] / norm);
            stats.add(ss);
            if (log != null) {
                log.write(MetricsLog.row("sweep", ss.sweep(), "acceptance", ss.acceptance(), "changed",
                        ss.changed(), "mean_log_conditional", ss.meanLogConditional()));
            }
        }
        return new Result(out, stats, (System.nanoTime() - t0) / 1e9);
    }

    /** The checkpoint state: the settings, the finished clones (rows so far) and the per-sweep sums. */
    private static JsonObject progress(JsonObject settings, int[][] out, double[][] acc) {
        JsonObject j = new JsonObject();
        j.add("settings", settings);
        com.google.gson.JsonArray rows = new com.google.gson.JsonArray();
        for (int[] w : out) {
            if (w == null) {
                break; // chunks finish in order
            }
            com.google.gson.JsonArray a = new com.google.gson.JsonArray();
            for (int id : w) {
                a.add(id);
            }
            rows.add(a);
        }
        j.add("clones", rows);
        com.google.gson.JsonArray sums = new com.google.gson.JsonArray();
        for (double[] a : acc) {
            com.google.gson.JsonArray row = new com.google.gson.JsonArray();
            for (double v : a) {
                row.add(v);
            }
            sums.add(row);
        }
        j.add("sums", sums);
        return j;
    }

    private static void restore(JsonObject j, JsonObject settings, int[][] out, double[][] acc, Path dir) {
        if (!settings.equals(j.get("settings"))) {
            throw new IllegalArgumentException("the clone checkpoint in " + dir + " was made with other settings ("
                    + j.get("settings") + ", now " + settings + "): not resuming; use another --out or delete it");
        }
        com.google.gson.JsonArray rows = j.getAsJsonArray("clones");
        for (int i = 0; i < rows.size(); i++) {
            com.google.gson.JsonArray a = rows.get(i).getAsJsonArray();
            out[i] = new int[a.size()];
            for (int k = 0; k < a.size(); k++) {
                out[i][k] = a.get(k).getAsInt();
            }
        }
        com.google.gson.JsonArray sums = j.getAsJsonArray("sums");
        for (int s = 0; s < acc.length; s++) {
            for (int k = 0; k < 3; k++) {
                acc[s][k] = sums.get(s).getAsJsonArray().get(k).getAsDouble();
            }
        }
    }

    /** Random numbers of one update, drawn on the host in the host path's order: u (log u for Metropolis), proposals. */
    private double[] uniforms(int b, Random r) {
        double[] u = new double[b];
        for (int i = 0; i < b; i++) {
            u[i] = r.nextDouble();
        }
        return u;
    }

    private long[] proposals(int b, Random r) {
        long[] proposal = new long[b];
        for (int i = 0; i < b; i++) {
            proposal[i] = allowed[r.nextInt(allowed.length)];
        }
        return proposal;
    }

    /**
     * {@code sweeps} sweeps of the chains {@code start} [B][T] kept on the engine: per update the masked ids are the
     * chains with one column set to the mask, the new column is chosen on the device and written into the chains
     * in place; the sums (accepted, changed, log-conditional) of a sweep stay on the device until it ends.
     */
    private int[][] onDevice(int[][] start, int sweeps, Random r, NDManager base, double[][] acc, Progress progress) {
        int b = start.length;
        int t = start[0].length;
        int v = model.vocabSize();
        long[] flatIds = new long[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                flatIds[i * t + j] = start[i][j];
            }
        }
        try (NDManager cm = base.newSubManager()) {
            NDArray x = cm.create(flatIds, new Shape(b, t)); // the chains
            NDArray biasArr = cm.create(bias).toType(model.dataType(), false); // [V], −1e30 on banned tokens
            NDArray rowStart = cm.arange(0L, (long) b * t, (long) t, DataType.INT64); // b·T
            NDArray flatStart = cm.arange(0L, (long) b * v, (long) v, DataType.INT64); // b·V
            for (int s = 0; s < sweeps; s++) {
                NDArray sums = cm.zeros(new Shape(3), DataType.FLOAT64);
                for (int site = 0; site < t; site++) {
                    double[] u = uniforms(b, r);
                    long[] prop = rule == Rule.METROPOLIS ? proposals(b, r) : null;
                    try (NDManager m = cm.newSubManager()) { // the update's intermediates
                        NDIndex column = new NDIndex(":, {}", site);
                        NDArray ids = x.duplicate();
                        ids.set(column, model.maskId());
                        NDArray logp = model.logits(ids, rowStart.add(site)).add(biasArr).logSoftmax(1); // [B,V]
                        NDArray flat = logp.reshape(-1);
                        NDArray cur = x.get(column); // [B]
                        NDArray chosen;
                        NDArray accepted;
                        NDArray logc;
                        if (rule == Rule.HEAT_BATH) {
                            NDArray cdf = logp.exp().cumSum(1);
                            NDArray thr = cdf.get(":, -1:").mul(m.create(u, new Shape(b, 1)).toType(cdf.getDataType(),
                                    false));
                            chosen = cdf.lt(thr).sum(new int[] {1}).toType(DataType.INT64, false).minimum(v - 1);
                            accepted = m.ones(new Shape(b), DataType.FLOAT64);
                            logc = flat.take(m, flatStart.add(chosen)).toType(DataType.FLOAT64, false);
                        } else {
                            NDArray pr = m.create(prop);
                            NDArray lc = flat.take(m, flatStart.add(cur)).toType(DataType.FLOAT64, false);
                            NDArray lq = flat.take(m, flatStart.add(pr)).toType(DataType.FLOAT64, false);
                            NDArray ok = logU(m, u).lt(lq.sub(lc)); // log u < log p(a) − log p(x_i)
                            chosen = NDArrays.where(ok, pr, cur);
                            accepted = ok.toType(DataType.FLOAT64, false);
                            logc = NDArrays.where(ok, lq, lc);
                        }
                        NDArray changed = chosen.neq(cur).toType(DataType.FLOAT64, false);
                        sums.addi(NDArrays.stack(new NDList(accepted.sum(), changed.sum(), logc.sum())));
                        x.set(column, chosen); // in place: the chains stay on cm
                    }
                }
                double[] sw = sums.toDoubleArray();
                for (int k = 0; k < 3; k++) {
                    acc[s][k] += sw[k];
                }
                if (progress != null) {
                    progress.step(1);
                }
            }
            long[] fin = x.toLongArray();
            int[][] out = new int[b][t];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < t; j++) {
                    out[i][j] = (int) fin[i * t + j];
                }
            }
            return out;
        }
    }

    /** log u on the host (the host path compares the same numbers), as a float64 array. */
    private static NDArray logU(NDManager m, double[] u) {
        double[] l = new double[u.length];
        for (int i = 0; i < u.length; i++) {
            l[i] = Math.log(u[i]);
        }
        return m.create(l);
    }

    /** One update of {@code site} in every chain; returns sums of (accepted, changed, log-conditional). */
    private double[] update(int[][] x, int site, Random r, NDManager base) {
        int b = x.length;
        int t = x[0].length;
        int v = model.vocabSize();
        long[] ids = new long[b * t];
        long[] rows = new long[b];
        long[] cur = new long[b];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                ids[i * t + j] = x[i][j];
            }
            cur[i] = x[i][site];
            ids[i * t + site] = model.maskId();
            rows[i] = (long) i * t + site;
        }
        double[] u = uniforms(b, r);
        long[] proposal = rule == Rule.METROPOLIS ? proposals(b, r) : null;
        final long[] prop = proposal;
        double[][] res = TrainLoop.inStep(base, m -> {
            NDArray logits = model.logits(m.create(ids, new Shape(b, t)), m.create(rows)); // [B,V]
            NDArray logp = logits.add(m.create(bias).toType(logits.getDataType(), false)).logSoftmax(1);
            NDArray flat = logp.reshape(-1);
            long[] at = new long[b];
            if (rule == Rule.HEAT_BATH) {
                // inverse CDF: the first a with cdf_a ≥ u·cdf_V (banned tokens have p = 0 and are never picked)
                NDArray cdf = logp.exp().cumSum(1);
                NDArray thr = cdf.get(":, -1:").mul(m.create(u, new Shape(b, 1)).toType(cdf.getDataType(), false));
                long[] nw = cdf.lt(thr).sum(new int[] {1}).toType(DataType.INT64, false).toLongArray();
                for (int i = 0; i < b; i++) {
                    at[i] = (long) i * v + Math.min(nw[i], v - 1);
                }
                double[] lpv = flat.take(m, m.create(at)).toType(DataType.FLOAT64, false).toDoubleArray();
                double[] nd = new double[b];
                for (int i = 0; i < b; i++) {
                    nd[i] = Math.min(nw[i], v - 1);
                }
                return new double[][] {nd, lpv};
            }
            long[] at2 = new long[2 * b];
            for (int i = 0; i < b; i++) {
                at2[i] = (long) i * v + cur[i];
                at2[b + i] = (long) i * v + prop[i];
            }
            double[] both = flat.take(m, m.create(at2)).toType(DataType.FLOAT64, false).toDoubleArray();
            return new double[][] {java.util.Arrays.copyOfRange(both, 0, b), java.util.Arrays.copyOfRange(both, b, 2 * b)};
        });
        double accepted = 0;
        double changed = 0;
        double logc = 0;
        for (int i = 0; i < b; i++) {
            int old = x[i][site];
            if (rule == Rule.HEAT_BATH) {
                x[i][site] = (int) res[0][i];
                accepted += 1;
                logc += res[1][i];
            } else {
                if (Math.log(u[i]) < res[1][i] - res[0][i]) { // u < min(1, p(a)/p(x_i)), in logs
                    x[i][site] = (int) prop[i];
                    accepted += 1;
                    logc += res[1][i];
                } else {
                    logc += res[0][i];
                }
            }
            if (x[i][site] != old) {
                changed += 1;
            }
        }
        return new double[] {accepted, changed, logc};
    }

    /**
     * Writes {@code clones.txt} (one decoded window per line), {@code clones.ids.npy} (int64 [N,T]) and
     * {@code clones.tsv} (token ids, tab-separated), atomically.
     */
    public static void write(Path dir, int[][] clones, Tokenizer tok, NDManager m) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        StringBuilder text = new StringBuilder();
        StringBuilder ids = new StringBuilder();
        long[] flat = new long[clones.length * clones[0].length];
        int k = 0;
        for (int[] w : clones) {
            if (tok != null) {
                text.append(tok.decode(w)).append('\n');
            }
            for (int j = 0; j < w.length; j++) {
                ids.append(j == 0 ? "" : "\t").append(w[j]);
                flat[k++] = w[j];
            }
            ids.append('\n');
        }
        if (tok != null) {
            AtomicFiles.write(dir.resolve("clones.txt"), text.toString().getBytes(StandardCharsets.UTF_8));
        }
        AtomicFiles.write(dir.resolve("clones.tsv"), ids.toString().getBytes(StandardCharsets.UTF_8));
        try (NDManager sm = m.newSubManager()) {
            Npy.write(dir.resolve("clones.ids.npy"), sm.create(flat, new Shape(clones.length, clones[0].length)));
        }
    }

    /** Reads {@code clones.tsv} (or any TSV of token ids, one window per line). */
    public static int[][] readTsv(Path file) throws IOException {
        List<int[]> rows = new ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            String[] c = line.trim().split("\\s+");
            int[] w = new int[c.length];
            for (int j = 0; j < c.length; j++) {
                w[j] = Integer.parseInt(c[j]);
            }
            rows.add(w);
        }
        return rows.toArray(new int[0][]);
    }
}
