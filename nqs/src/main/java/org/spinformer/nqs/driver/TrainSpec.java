package org.spinformer.nqs.driver;

import com.google.gson.JsonObject;

import org.spinformer.core.config.Records;
import org.spinformer.nqs.operator.Heisenberg;

import java.util.Map;

/**
 * Everything that defines a training run (the CLI options of {@code spinformer nqs train}); defaults are the
 * small-lattice setting that reaches ≤ 2e-3 relative error on 4×4 J2 = 0.5 with exact enumeration.
 * {@code sampleDtype}: the precision of the sampler's forwards (float32: a float32 twin of the model, refreshed
 * from the parameters every step, draws the samples; log ψ, local energies, the Jacobian and the update stay in
 * {@code dtype}). {@code energyDtype} float32 (with {@code sampleDtype} float32): the local energies' forwards
 * of σ and its connected configurations run through that float32 twin too, the sum stays float64
 * ({@code LocalEnergy}; tested against ED and by the gradient-convergence test). {@code maxFlops} ≤ 0: no compute budget; otherwise the run stops like at the wall-clock budget once the
 * training compute ({@link Compute}) reaches it. {@code maxMinutes} ≤ 0: no wall-clock budget; otherwise the run stops (checkpoint, summary, plots) after the
 * step that exceeds it. {@code momentum} μ: SR with SPRING momentum (0: plain SR). {@code hamiltonian}:
 * {@code heisenberg} (J1 = 1, {@code j2}), {@code xxz} (J1 = 1, {@code j2}, anisotropy {@code delta}) or
 * {@code tfim} (−J Σ σᶻσᶻ − h Σ σˣ with {@code isingJ} = J and {@code field} = h, Pauli matrices; {@code j2} and
 * {@code units} do not apply). {@code symmetry}: the projection of {@link Training#symmetrize} ({@code none}, or a
 * {@code +}-joined set of {@code patch}, {@code point}, {@code space}, {@code flip}).
 */
public record TrainSpec(String lattice, String size, double j2, Heisenberg.Units units, Model model, int layers,
                        int dim, int heads, int patch, int mlpDim, double headGain, SamplerKind sampler, int samples,
                        int chains, int steps, double lr, Schedule schedule, double diagShift,
                        double diagShiftFinal, OptimizerKind optimizer, long seed, Precision dtype, int chunk,
                        boolean marshall, int checkpointEvery, int thermalize, int discard, double maxMinutes,
                        double momentum, HamiltonianKind hamiltonian, double delta, double field, double isingJ,
                        String symmetry, double maxFlops, Precision sampleDtype, Precision energyDtype) {
    /** {@code --model}. */
    public enum Model { VIT, JASTROW }

    /** {@code --sampler}: sums over the basis, independent draws from |ψ|², or Markov chains. */
    public enum SamplerKind { EXACT, DIRECT, METROPOLIS }

    /** {@code --schedule} of the learning rate and the diagonal shift. */
    public enum Schedule { CONSTANT, COSINE, EXPONENTIAL }

    /** {@code --optimizer}. */
    public enum OptimizerKind { SR, ADAM }

    /** {@code --dtype} of the model. */
    public enum Precision { FLOAT32, FLOAT64 }

    /** {@code --hamiltonian}. */
    public enum HamiltonianKind { HEISENBERG, XXZ, TFIM }

    /** The one place these settings are checked; messages name the {@code nqs train} options. */
    public TrainSpec {
        try {
            org.spinformer.nqs.lattice.Lattice.parse(lattice, size);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--lattice/--size: " + e.getMessage());
        }
        need(Double.isFinite(j2), "--j2 must be finite, got " + j2);
        need(Double.isFinite(momentum) && momentum >= 0 && momentum < 1,
                "--momentum must be a finite number in [0, 1), got " + momentum);
        need(discard >= 0, "--discard must be >= 0, got " + discard);
        need(thermalize >= 0, "--thermalize must be >= 0, got " + thermalize);
        need(patch >= 0, "--patch must be >= 0 (0 = auto), got " + patch);
        need(maxMinutes >= 0, "--max-minutes must be >= 0, got " + maxMinutes);
        need(maxFlops >= 0 && !Double.isInfinite(maxFlops), "--max-flops must be a finite number >= 0, got "
                + maxFlops);
        need(sampleDtype != null, "--sample-dtype must be float32 or float64");
        need(sampleDtype == Precision.FLOAT64 || sampler != SamplerKind.EXACT,
                "--sample-dtype float32 needs a Monte Carlo sampler (direct or metropolis): exact weights stay float64");
        need(energyDtype != null, "--energy-dtype must be float32 or float64");
        need(energyDtype == dtype || (energyDtype == Precision.FLOAT32 && sampleDtype == Precision.FLOAT32
                        && dtype == Precision.FLOAT64),
                "--energy-dtype float32 needs --dtype float64 and --sample-dtype float32 (it runs the connected "
                        + "configurations through the sampler's float32 copy of the model)");
        need(Double.isFinite(lr) && lr >= 0, "--lr must be a finite number >= 0, got " + lr);
        need(diagShift >= 0 && diagShiftFinal >= 0 && Double.isFinite(diagShift) && Double.isFinite(diagShiftFinal),
                "--diag-shift and --diag-shift-final must be finite and >= 0, got " + diagShift + ", "
                        + diagShiftFinal);
        need(steps >= 0, "--steps must be >= 0, got " + steps);
        need(samples > 0 && chains > 0, "--samples and --chains must be >= 1, got " + samples + ", " + chains);
        need(layers > 0 && dim > 0 && heads > 0 && mlpDim > 0 && chunk > 0,
                "--layers, --dim, --heads, --mlp-dim and --chunk must be >= 1");
        need(Double.isFinite(headGain), "--head-gain must be finite, got " + headGain);
        need(units != null && model != null && sampler != null && schedule != null && optimizer != null
                && dtype != null && hamiltonian != null, "--units, --model, --sampler, --schedule, --optimizer, "
                + "--dtype and --hamiltonian need a value");
        need(model != Model.VIT || dim % heads == 0, "--dim (" + dim + ") must be divisible by --heads (" + heads
                + ")");
        need(headGain > 0, "--head-gain must be > 0, got " + headGain);
        need(Double.isFinite(delta), "--delta must be a finite number, got " + delta);
        need(Double.isFinite(field), "--h must be a finite number, got " + field);
        need(Double.isFinite(isingJ), "--j must be a finite number, got " + isingJ);
        symmetry = symmetry == null ? "none" : symmetry.trim().toLowerCase(java.util.Locale.ROOT);
        need(Training.validSymmetry(symmetry), "--symmetry must be none or a '+'-joined set of patch, point, "
                + "space and flip (e.g. patch+point+flip), got '" + symmetry + "'");
    }

    private static void need(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** A copy with settings changed by name ({@code with("steps", 30, "lr", 0.05)}), validated again. */
    public TrainSpec with(Object... nameValue) {
        return Records.with(this, Records.named(nameValue));
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
        return new TrainSpec("square", "4x4", 0.5, Heisenberg.Units.SPIN, Model.VIT, 2, 16, 4, AUTO_PATCH, 32, 0.1,
                SamplerKind.EXACT, 1024, 64, 300, 0.05, Schedule.COSINE, 1e-2, 1e-4, OptimizerKind.SR, 1L,
                Precision.FLOAT64, 512, false, 50, 50, 2, 0, 0, HamiltonianKind.HEISENBERG, 1.0, 1.0, 1.0, "none", 0,
                Precision.FLOAT64, Precision.FLOAT64);
    }

    public TrainSpec withSteps(int s) {
        return with("steps", s);
    }

    /** The same run with another Hamiltonian: kind {@code heisenberg|xxz|tfim}, XXZ Δ, TFIM field h and J. */
    public TrainSpec withHamiltonian(String kind, double anisotropy, double h, double j) {
        return with("hamiltonian", kind, "delta", anisotropy, "field", h, "isingJ", j);
    }

    /** config.json: snake_case keys, with {@code lr_schedule}, {@code h}, {@code j} for three components. */
    public JsonObject toJson() {
        JsonObject o = Records.toJson(this, Map.of("schedule", "lr_schedule", "field", "h", "isingJ", "j"));
        o.addProperty("j1", 1.0); // J1 is the unit of energy
        return o;
    }
}
