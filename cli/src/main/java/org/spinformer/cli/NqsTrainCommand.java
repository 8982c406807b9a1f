package org.spinformer.cli;

import ai.djl.Device;
import com.google.gson.Gson;
import org.spinformer.core.device.Devices;
import org.spinformer.core.device.Env;
import org.spinformer.core.config.Records;
import org.spinformer.nqs.driver.TrainSpec;
import org.spinformer.nqs.driver.Training;
import org.spinformer.nqs.driver.Vmc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code spinformer nqs train}: VMC + SR training of a ViT (or Jastrow) wave function. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a transformer wave function for the J1-J2 Heisenberg model (or the XXZ or "
                + "transverse-field Ising model, --hamiltonian) by VMC with SR. Writes "
                + "config.json, log.jsonl, checkpoint/, summary.json and plots (energy, relative_error, "
                + "vscore_vs_compute as PNG+SVG) into --out.")
public final class NqsTrainCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.Run run = new CommonOptions.Run("runs/nqs");
    private static final TrainSpec D = TrainSpec.defaults();

    @Mixin
    HamiltonianOptions system = new HamiltonianOptions();
    @Option(names = "--symmetry", description = "Project the model onto the symmetric sector: none, or a '+'-joined "
            + "set of patch (translations inside a patch), point (C4v/C6v about site 0; L x L lattices), space (all "
            + "translations x point group) and flip (global spin flip with the ground state's character) "
            + "(default: ${DEFAULT-VALUE}).")
    String symmetry = D.symmetry();
    @Option(names = "--model", description = "vit or jastrow (default: ${DEFAULT-VALUE}).")
    String model = Records.lower(D.model());
    @Option(names = "--layers", description = "ViT encoder blocks (default: ${DEFAULT-VALUE}).")
    int layers = D.layers();
    @Option(names = "--dim", description = "ViT width D (default: ${DEFAULT-VALUE}).")
    int dim = D.dim();
    @Option(names = "--heads", description = "Attention heads (default: ${DEFAULT-VALUE}).")
    int heads = D.heads();
    @Option(names = "--patch", description = "Patch side b; 0 = auto: 1 up to 20 sites, else 2; "
            + "always 1 on a chain (default: ${DEFAULT-VALUE}).")
    int patch = D.patch();
    @Option(names = "--mlp-dim", description = "MLP hidden width (default: ${DEFAULT-VALUE}).")
    int mlpDim = D.mlpDim();
    @Option(names = "--head-gain", description = "Initial gain of the output LayerNorms (small: start near the "
            + "uniform state) (default: ${DEFAULT-VALUE}).")
    double headGain = D.headGain();
    @Option(names = "--sampler", description = "exact (full sum over the basis, <= 20 sites), direct (M independent "
            + "draws from |psi|^2, <= 20 sites) or metropolis (exchange moves on the Sz = 0 sector of heisenberg and "
            + "xxz, single-spin flips for tfim) (default: ${DEFAULT-VALUE}).")
    String sampler = Records.lower(D.sampler());
    @Option(names = "--samples", description = "Monte Carlo samples M per step (default: ${DEFAULT-VALUE}).")
    int samples = D.samples();
    @Option(names = "--chains", description = "Markov chains (divides --samples) (default: ${DEFAULT-VALUE}).")
    int chains = D.chains();
    @Option(names = "--steps", description = "Optimisation steps (default: ${DEFAULT-VALUE}).")
    int steps = D.steps();
    @Option(names = "--lr", description = "Learning rate eta (default: ${DEFAULT-VALUE}).")
    double lr = D.lr();
    @Option(names = "--schedule", description = "constant, cosine or exponential for eta (to eta/10) and the "
            + "diagonal shift (default: ${DEFAULT-VALUE}).")
    String schedule = Records.lower(D.schedule());
    @Option(names = "--diag-shift", description = "Initial SR diagonal shift lambda (default: ${DEFAULT-VALUE}).")
    double diagShift = D.diagShift();
    @Option(names = "--diag-shift-final", description = "Final SR diagonal shift (default: ${DEFAULT-VALUE}).")
    double diagShiftFinal = D.diagShiftFinal();
    @Option(names = "--momentum", description = "SR momentum mu in [0, 1) in the SPRING form (Goldshlager et al. "
            + "2024): keeps mu times the previous direction and corrects it with this step's samples; helps Monte "
            + "Carlo runs with fewer samples than parameters; 0 = plain SR (default: ${DEFAULT-VALUE}).")
    double momentum = D.momentum();
    @Option(names = "--optimizer", description = "sr or adam (default: ${DEFAULT-VALUE}).")
    String optimizer = Records.lower(D.optimizer());
    @Option(names = "--dtype", description = "float64 or float32 (default: ${DEFAULT-VALUE}).")
    String dtype = Records.lower(D.dtype());
    @Option(names = "--sample-dtype", description = "Precision of the sampler's forwards: float32 draws the samples "
            + "with a float32 copy of the model (about twice the speed on CPU); log psi, local energies, gradients "
            + "and the update stay in --dtype (default: ${DEFAULT-VALUE}).")
    String sampleDtype = Records.lower(D.sampleDtype());
    @Option(names = "--energy-dtype", description = "Precision of the local energies' forwards (σ and its connected "
            + "configurations): float32 runs them through the sampler's float32 copy of the model (needs --dtype "
            + "float64 and --sample-dtype float32; ~0.6x the local-energy time on CPU), the sum and everything else "
            + "stay float64 (default: ${DEFAULT-VALUE}).")
    String energyDtype = Records.lower(D.energyDtype());
    @Option(names = "--chunk", description = "Samples per per-sample-gradient chunk (bounds memory) "
            + "(default: ${DEFAULT-VALUE}).")
    int chunk = D.chunk();
    @Option(names = "--marshall", description = "Multiply by the Marshall sign (square lattice only).")
    boolean marshall = D.marshall();
    @Option(names = "--checkpoint-every", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery = D.checkpointEvery();
    @Option(names = "--thermalize", description = "Metropolis sweeps before the first step (default: ${DEFAULT-VALUE}).")
    int thermalize = D.thermalize();
    @Option(names = "--discard", description = "Metropolis sweeps discarded at each step (default: ${DEFAULT-VALUE}).")
    int discard = D.discard();
    @Option(names = "--max-minutes", description = "Wall-clock budget in minutes: stop after the step that exceeds "
            + "it, saving checkpoint, summary and plots; 0 = none (default: ${DEFAULT-VALUE}).")
    double maxMinutes = D.maxMinutes();
    @Option(names = "--max-flops", description = "Training-compute budget in FLOPs (forward, backward and SR solve "
            + "of every step, as logged in cumulative_flops): stop after the step that reaches it, saving as at "
            + "--max-minutes; 0 = none (default: ${DEFAULT-VALUE}).")
    double maxFlops = D.maxFlops();
    @Option(names = "--resume", description = "Continue from the checkpoint in --out.")
    boolean resume;
    @Option(names = "--allow-config-change", description = "With --resume: continue even if lattice, size, model, "
            + "hamiltonian or its couplings differ from the config.json in --out.")
    boolean allowConfigChange;

    @Override
    public Integer call() throws Exception {
        validate();
        Env.offline();
        Device dev = run.device();
        Map<String, Object> set = system.settings();
        set.putAll(Records.named("units", system.units, "model", model,
                "layers", layers, "dim", dim, "heads", heads, "patch", patch, "mlpDim", mlpDim, "headGain", headGain,
                "sampler", sampler, "samples", samples, "chains", chains, "steps", steps, "lr", lr,
                "schedule", schedule, "diagShift", diagShift, "diagShiftFinal", diagShiftFinal,
                "optimizer", optimizer, "seed", run.seed(), "dtype", dtype, "chunk", chunk, "marshall", marshall,
                "checkpointEvery", checkpointEvery, "thermalize", thermalize, "discard", discard,
                "maxMinutes", maxMinutes, "momentum", momentum, "symmetry", symmetry, "maxFlops", maxFlops,
                "sampleDtype", sampleDtype, "energyDtype", energyDtype));
        TrainSpec spec = Records.with(D, set);
        Vmc.Result r = Training.run(spec, run.out(), resume, allowConfigChange, dev);
        System.out.printf(Locale.ROOT, "E/N = %.8f +- %.2e  V-score %.3e  %s%n", r.energyPerSite(),
                r.error() / (r.energy() / r.energyPerSite()), r.vScore(),
                Double.isNaN(r.relativeError()) ? "" : String.format(Locale.ROOT, "exact %.8f  rel. error %.3e",
                        r.exactEnergy() / (r.energy() / r.energyPerSite()), r.relativeError()));
        System.out.println("outputs in " + run.out().toAbsolutePath());
        if (run.json()) {
            System.out.println(new Gson().toJson(r.summary()));
        }
        return 0;
    }

    /**
     * Checks what {@link TrainSpec} cannot: {@code --out} must be a directory (one-line error, exit 2).
     *
     * @throws IllegalArgumentException naming the option
     */
    void validate() {
        if (Files.exists(run.out()) && !Files.isDirectory(run.out())) {
            throw new IllegalArgumentException("--out " + run.out() + " exists and is not a directory");
        }
    }
}
