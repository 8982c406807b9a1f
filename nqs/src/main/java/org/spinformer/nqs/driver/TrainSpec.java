package org.spinformer.nqs.driver;

import com.google.gson.JsonObject;

/**
 * Everything that defines a training run (the CLI options of {@code spinformer nqs train}); defaults are the
 * small-lattice setting that reaches ≤ 2e-3 relative error on 4×4 J2 = 0.5 with exact enumeration.
 * {@code maxMinutes} ≤ 0: no wall-clock budget; otherwise the run stops (checkpoint, summary, plots) after the
 * step that exceeds it. {@code momentum} μ: SR with SPRING momentum (0: plain SR). {@code hamiltonian}:
 * {@code heisenberg} (J1 = 1, {@code j2}), {@code xxz} (J1 = 1, {@code j2}, anisotropy {@code delta}) or
 * {@code tfim} (−J Σ σᶻσᶻ − h Σ σˣ with {@code isingJ} = J and {@code field} = h, Pauli matrices; {@code j2} and
 * {@code units} do not apply).
 */
public record TrainSpec(String lattice, String size, double j2, String units, String model, int layers, int dim,
                        int heads, int patch, int mlpDim, double headGain, String sampler, int samples, int chains, int steps,
                        double lr, String lrSchedule, double diagShift, double diagShiftFinal, String optimizer,
                        long seed, String dtype, int chunk, boolean marshall, int checkpointEvery, int thermalize,
                        int discard, double maxMinutes, double momentum, String hamiltonian, double delta,
                        double field, double isingJ) {
    /** The Heisenberg model (the settings before the operator choice existed). */
    public TrainSpec(String lattice, String size, double j2, String units, String model, int layers, int dim,
                     int heads, int patch, int mlpDim, double headGain, String sampler, int samples, int chains,
                     int steps, double lr, String lrSchedule, double diagShift, double diagShiftFinal,
                     String optimizer, long seed, String dtype, int chunk, boolean marshall, int checkpointEvery,
                     int thermalize, int discard, double maxMinutes, double momentum) {
        this(lattice, size, j2, units, model, layers, dim, heads, patch, mlpDim, headGain, sampler, samples, chains,
                steps, lr, lrSchedule, diagShift, diagShiftFinal, optimizer, seed, dtype, chunk, marshall,
                checkpointEvery, thermalize, discard, maxMinutes, momentum, "heisenberg", 1.0, 1.0, 1.0);
    }

    /** Without SR momentum (plain SR). */
    public TrainSpec(String lattice, String size, double j2, String units, String model, int layers, int dim,
                     int heads, int patch, int mlpDim, double headGain, String sampler, int samples, int chains,
                     int steps, double lr, String lrSchedule, double diagShift, double diagShiftFinal,
                     String optimizer, long seed, String dtype, int chunk, boolean marshall, int checkpointEvery,
                     int thermalize, int discard, double maxMinutes) {
        this(lattice, size, j2, units, model, layers, dim, heads, patch, mlpDim, headGain, sampler, samples, chains,
                steps, lr, lrSchedule, diagShift, diagShiftFinal, optimizer, seed, dtype, chunk, marshall,
                checkpointEvery, thermalize, discard, maxMinutes, 0.0);
    }

    /** Patch value meaning "1 on lattices of at most 20 sites, else 2". */
    public static final int AUTO_PATCH = 0;

    /**
     * The patch side actually used: {@code patch} when positive, else 1 up to 20 sites (full translation
     * invariance; the J2 = 0.5 sign structure is learnt far more easily) and 2 beyond (the ViT's default).
     */
    public int resolvedPatch(int sites) {
        return patch > 0 ? patch : (sites <= 20 ? 1 : 2);
    }

    /** The defaults. */
    public static TrainSpec defaults() {
        return new TrainSpec("square", "4x4", 0.5, "spin", "vit", 2, 16, 4, AUTO_PATCH, 32, 0.1, "exact", 1024, 64, 300,
                0.05, "cosine", 1e-2, 1e-4, "sr", 1L, "float64", 512, false, 50, 50, 2, 0);
    }

    public TrainSpec withSteps(int s) {
        return new TrainSpec(lattice, size, j2, units, model, layers, dim, heads, patch, mlpDim, headGain, sampler, samples,
                chains, s, lr, lrSchedule, diagShift, diagShiftFinal, optimizer, seed, dtype, chunk, marshall,
                checkpointEvery, thermalize, discard, maxMinutes, momentum, hamiltonian, delta, field, isingJ);
    }

    /** The same run with another Hamiltonian: kind {@code heisenberg|xxz|tfim}, XXZ Δ, TFIM field h and J. */
    public TrainSpec withHamiltonian(String kind, double anisotropy, double h, double j) {
        return new TrainSpec(lattice, size, j2, units, model, layers, dim, heads, patch, mlpDim, headGain, sampler, samples,
                chains, steps, lr, lrSchedule, diagShift, diagShiftFinal, optimizer, seed, dtype, chunk, marshall,
                checkpointEvery, thermalize, discard, maxMinutes, momentum, kind, anisotropy, h, j);
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("lattice", lattice);
        o.addProperty("size", size);
        o.addProperty("j1", 1.0);
        o.addProperty("j2", j2);
        o.addProperty("units", units);
        o.addProperty("model", model);
        o.addProperty("layers", layers);
        o.addProperty("dim", dim);
        o.addProperty("heads", heads);
        o.addProperty("patch", patch);
        o.addProperty("mlp_dim", mlpDim);
        o.addProperty("head_gain", headGain);
        o.addProperty("sampler", sampler);
        o.addProperty("samples", samples);
        o.addProperty("chains", chains);
        o.addProperty("steps", steps);
        o.addProperty("lr", lr);
        o.addProperty("lr_schedule", lrSchedule);
        o.addProperty("diag_shift", diagShift);
        o.addProperty("diag_shift_final", diagShiftFinal);
        o.addProperty("optimizer", optimizer);
        o.addProperty("seed", seed);
        o.addProperty("dtype", dtype);
        o.addProperty("chunk", chunk);
        o.addProperty("marshall", marshall);
        o.addProperty("checkpoint_every", checkpointEvery);
        o.addProperty("thermalize", thermalize);
        o.addProperty("discard", discard);
        o.addProperty("max_minutes", maxMinutes);
        o.addProperty("momentum", momentum);
        o.addProperty("hamiltonian", hamiltonian);
        o.addProperty("delta", delta);
        o.addProperty("h", field);
        o.addProperty("j", isingJ);
        return o;
    }
}
