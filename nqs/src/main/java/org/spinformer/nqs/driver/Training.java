package org.spinformer.nqs.driver;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spinformer.core.device.Devices;
import org.spinformer.core.train.Schedule;
import org.spinformer.core.config.Records;
import org.spinformer.nqs.exact.ExactDiagonalization;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.model.Jastrow;
import org.spinformer.nqs.model.MarshallSign;
import org.spinformer.nqs.model.Symmetrized;
import org.spinformer.nqs.model.ViT;
import org.spinformer.nqs.model.WaveFunction;
import org.spinformer.nqs.operator.Heisenberg;
import org.spinformer.nqs.operator.Operator;
import org.spinformer.nqs.operator.TransverseFieldIsing;
import org.spinformer.nqs.operator.Xxz;
import org.spinformer.nqs.sampler.DirectSampler;
import org.spinformer.nqs.sampler.ExactSampler;
import org.spinformer.nqs.sampler.MetropolisExchange;
import org.spinformer.nqs.sampler.MetropolisLocal;
import org.spinformer.nqs.sampler.Sampler;
import org.spinformer.nqs.sampler.TwinSampler;
import org.spinformer.nqs.vqs.VariationalState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builds the parts of a run from a {@link TrainSpec} and runs it: what {@code nqs train} and the demo call. */
public final class Training {
    private static final Logger LOG = LoggerFactory.getLogger(Training.class);

    private Training() {}

    /** Exact ground-state energies per site (spin-½ units) known from the literature, for lattices beyond ED. */
    public static double referenceEnergyPerSite(Lattice l, double j2) {
        return Heisenberg.referenceEnergyPerSite(l, j2);
    }

    /** Exact energy (total, the Hamiltonian's units): ED up to 20 sites, else a literature value or NaN. */
    public static double exactEnergy(Operator op) {
        if (op.hilbert().sites() <= ExactSampler.MAX_SITES) {
            return new ExactDiagonalization(op).groundState().energy();
        }
        return op.knownGroundStateEnergy();
    }


    /**
     * The operator of a run: {@code heisenberg} (J1 = 1, J2), {@code xxz} (J1 = 1, J2, Δ) or {@code tfim} (J, h;
     * Pauli matrices, nearest-neighbour bonds).
     */
    public static Operator hamiltonian(TrainSpec s) {
        return hamiltonian(Records.lower(s.hamiltonian()), Lattice.parse(s.lattice(), s.size()), s.j2(),
                Records.lower(s.units()), s.delta(), s.field(), s.isingJ());
    }

    /** The operator of the given kind on a lattice (see {@link #hamiltonian(TrainSpec)}). */
    public static Operator hamiltonian(String kind, Lattice l, double j2, String units, double delta, double h,
                                       double j) {
        String k = kind == null ? "" : kind.trim().toLowerCase(Locale.ROOT);
        return switch (k) {
            case "heisenberg" -> new Heisenberg(l, 1.0, j2, Heisenberg.Units.parse(units));
            case "xxz" -> new Xxz(l, 1.0, j2, delta, Heisenberg.Units.parse(units));
            case "tfim" -> new TransverseFieldIsing(l, j, h);
            default -> throw new IllegalArgumentException("bad hamiltonian '" + kind + "': use heisenberg, xxz or tfim");
        };
    }

    public static WaveFunction model(TrainSpec s, Lattice l, DataType dt, NDManager m) {
        // b×b patches do not fit a chain (Lx×1): auto is 1 there
        int patch = l.kind() == Lattice.Kind.CHAIN && s.patch() == TrainSpec.AUTO_PATCH ? 1 : s.resolvedPatch(l.n());
        WaveFunction wf = switch (s.model()) {
            case VIT -> new ViT(l, new ViT.Config(s.dim(), s.layers(), s.heads(), patch, s.mlpDim(), s.headGain()), dt,
                    m, s.seed());
            case JASTROW -> new Jastrow(l, dt, m, s.seed());
        };
        wf = s.marshall() ? new MarshallSign(wf, l, dt, m) : wf;
        return symmetrize(s, l, wf, dt, m);
    }

    private static final List<String> SYMMETRY_PARTS = List.of("patch", "point", "space", "flip");

    /** Whether {@code spec} is {@code none} or a '+'-joined set of {@code patch, point, space, flip}. */
    static boolean validSymmetry(String spec) {
        if (spec.equals("none")) {
            return true;
        }
        List<String> parts = List.of(spec.split("\\+", -1));
        return !parts.isEmpty() && parts.stream().allMatch(SYMMETRY_PARTS::contains)
                && parts.stream().distinct().count() == parts.size()
                && !(parts.contains("space") && (parts.contains("patch") || parts.contains("point")));
    }

    /**
     * The model projected onto the symmetric sector ({@link Symmetrized}, trivial representation): {@code patch}
     * = the translations inside one b×b patch (the coset the patched ViT is not invariant under), {@code point} =
     * the point group about site 0 (C4v, C6v; L×L lattices), both together their products, {@code space} = every
     * translation times the point group, {@code flip} = also the global spin flip, with the ground state's
     * character: (−1)^(N/2) for the Sz = 0 Heisenberg and XXZ models (Marshall-Lieb-Mattis), +1 for the
     * transverse-field Ising model. {@code none}: the model itself.
     */
    public static WaveFunction symmetrize(TrainSpec s, Lattice l, WaveFunction wf, DataType dt, NDManager m) {
        if (s.symmetry().equals("none")) {
            return wf;
        }
        int patch = l.kind() == Lattice.Kind.CHAIN ? Math.max(1, s.patch()) : s.resolvedPatch(l.n());
        ExactDiagonalization.Sector g = sector(s.symmetry(), l, patch, Records.lower(s.hamiltonian()));
        return new Symmetrized(wf, g.perms(), g.flip(), g.flipCharacter(), dt, m);
    }

    /**
     * The group of a {@code --symmetry} value (see {@link #symmetrize}) on {@code l} with patches of side
     * {@code patch}, as an exact-diagonalisation sector: the permutations in the trivial representation and the
     * spin flip with the ground state's character for {@code hamiltonian}.
     */
    public static ExactDiagonalization.Sector sector(String symmetry, Lattice l, int patch, String hamiltonian) {
        if (!validSymmetry(symmetry)) {
            throw new IllegalArgumentException("--symmetry must be none or a '+'-joined set of patch, point, space "
                    + "and flip, got '" + symmetry + "'");
        }
        List<String> parts = symmetry.equals("none") ? List.of() : List.of(symmetry.split("\\+"));
        List<int[]> perms = new ArrayList<>();
        perms.add(l.translation(0, 0));
        if (parts.contains("space")) {
            perms = l.spaceGroup();
        } else {
            if (parts.contains("patch")) {
                perms = new ArrayList<>();
                for (int dx = 0; dx < patch; dx++) {
                    for (int dy = 0; dy < (l.kind() == Lattice.Kind.CHAIN ? 1 : patch); dy++) {
                        perms.add(l.translation(dx, dy));
                    }
                }
            }
            if (parts.contains("point")) {
                List<int[]> prod = new ArrayList<>();
                for (int[] t : perms) {
                    for (int[] g : l.pointGroup()) {
                        int[] c = new int[l.n()];
                        for (int i = 0; i < c.length; i++) {
                            c[i] = t[g[i]];
                        }
                        prod.add(c);
                    }
                }
                perms = prod;
            }
        }
        int character = hamiltonian.equals("tfim") || (l.n() / 2) % 2 == 0 ? 1 : -1;
        return new ExactDiagonalization.Sector(perms, parts.contains("flip"), character);
    }

    /**
     * The sampler of a run; {@code metropolis} is exchange moves on an Sz = 0 Hilbert space and single-spin flips on
     * an unconstrained one.
     */
    public static Sampler sampler(TrainSpec s, Operator h, WaveFunction wf, DataType dt, NDManager m) {
        return switch (s.sampler()) {
            case EXACT -> new ExactSampler(h, wf.symmetries(), dt, m);
            case DIRECT -> new DirectSampler(h, wf.symmetries(), s.samples(), s.seed(), dt, m);
            case METROPOLIS -> h.hilbert().constrained()
                    ? new MetropolisExchange(h, s.samples(), s.chains(), s.thermalize(), s.discard(), s.seed(), dt, m)
                    : new MetropolisLocal(h.hilbert(), s.samples(), s.chains(), s.thermalize(), s.discard(), s.seed(),
                            dt, m);
        };
    }

    /** η schedule: constant, cosine (to η/10) or exponential (to η/10 at the last step). */
    public static Schedule lrSchedule(TrainSpec s) {
        return schedule(s.schedule(), s.lr(), s.lr() / 10, s.steps());
    }

    /** λ schedule from diagShift to diagShiftFinal with the same shape as η's. */
    public static Schedule shiftSchedule(TrainSpec s) {
        return schedule(s.schedule(), s.diagShift(), s.diagShiftFinal(), s.steps());
    }

    static Schedule schedule(TrainSpec.Schedule kind, double start, double end, int steps) {
        switch (kind) {
            case CONSTANT:
                return Schedule.constant(start);
            case COSINE:
                return Schedule.warmupCosine(start, 0, steps, end);
            default:
                double g = start > 0 && end > 0 ? Math.pow(end / start, 1.0 / Math.max(1, steps - 1)) : 1.0;
                return Schedule.warmupExponential(start, 0, Math.min(1.0, g), end);
        }
    }

    /** Validates, builds and runs; a resume must keep lattice, size, model, Hamiltonian and couplings. */
    public static Vmc.Result run(TrainSpec s, Path out, boolean resume, Device device) throws IOException {
        return run(s, out, resume, false, device);
    }

    /**
     * On {@code --resume}: refuses when lattice, size, model, the Hamiltonian or its couplings (J2 and units for
     * heisenberg, J2, Δ and units for xxz, h and J for tfim) differ from the {@code config.json} in {@code out} (the CLI's
     * {@code --allow-config-change} skips this check). A config written before the Hamiltonian choice existed is a
     * Heisenberg run.
     *
     * @throws IllegalArgumentException naming each setting that differs
     */
    public static void checkResumeConfig(TrainSpec spec, Path out) throws IOException {
        Path cfgFile = out.resolve("config.json");
        if (!Files.isRegularFile(cfgFile)) {
            return;
        }
        JsonObject old = JsonParser.parseString(Files.readString(cfgFile)).getAsJsonObject();
        JsonObject now = spec.toJson();
        List<String> diffs = new ArrayList<>();
        String oldKind = hamiltonianKind(old.get("hamiltonian"));
        String nowKind = hamiltonianKind(now.get("hamiltonian"));
        if (!oldKind.equals(nowKind)) {
            diffs.add("hamiltonian (checkpoint " + oldKind + ", now " + nowKind + ")");
        }
        List<String> keys = new ArrayList<>(List.of("lattice", "size", "model", "symmetry"));
        switch (nowKind) {
            case "heisenberg" -> keys.addAll(List.of("j2", "units"));
            case "xxz" -> keys.addAll(List.of("j2", "delta", "units"));
            case "tfim" -> keys.addAll(List.of("h", "j"));
            default -> { }
        }
        for (String k : keys) {
            JsonElement a = old.get(k);
            JsonElement b = now.get(k);
            if (k.equals("units") && a == null) {
                a = new com.google.gson.JsonPrimitive("spin"); // the default before units were recorded
            }
            if (k.equals("symmetry") && a == null) {
                a = new com.google.gson.JsonPrimitive("none"); // before symmetries existed
            }
            boolean numeric = !List.of("lattice", "size", "model", "units", "symmetry").contains(k);
            boolean same = numeric
                    ? a != null && b != null && a.isJsonPrimitive() && a.getAsJsonPrimitive().isNumber()
                            && a.getAsDouble() == b.getAsDouble()
                    : java.util.Objects.equals(a, b);
            if (!same) {
                diffs.add(k + " (checkpoint " + a + ", now " + b + ")");
            }
        }
        if (!diffs.isEmpty()) {
            throw new IllegalArgumentException("--resume: settings differ from " + cfgFile + ": "
                    + String.join(", ", diffs) + "; pass --allow-config-change to continue anyway");
        }
    }

    /** The Hamiltonian kind of a config entry: absent or an old description string "Heisenberg(...)": heisenberg. */
    private static String hamiltonianKind(JsonElement e) {
        if (e == null || e.isJsonNull() || !e.isJsonPrimitive()) {
            return "heisenberg";
        }
        String v = e.getAsString().trim().toLowerCase(Locale.ROOT);
        return v.startsWith("heisenberg") ? "heisenberg" : v;
    }

    /**
     * Validates, builds and runs. On {@code resume} the settings are checked against the run in {@code out}
     * ({@link #checkResumeConfig}) unless {@code allowConfigChange}.
     */
    public static Vmc.Result run(TrainSpec s, Path out, boolean resume, boolean allowConfigChange, Device device)
            throws IOException {
        if (resume && !allowConfigChange) {
            checkResumeConfig(s, out);
        }
        if (s.steps() < 0 || s.lr() < 0 || s.diagShift() < 0 || s.diagShiftFinal() < 0) {
            throw new IllegalArgumentException("steps, lr and diag shifts must be >= 0");
        }
        if (s.momentum() < 0 || s.momentum() >= 1) {
            throw new IllegalArgumentException("--momentum must be in [0, 1), got " + s.momentum());
        }
        DataType dt = s.dtype() == TrainSpec.Precision.FLOAT32 ? DataType.FLOAT32 : DataType.FLOAT64;
        Lattice lattice = Lattice.parse(s.lattice(), s.size());
        Operator h = hamiltonian(s);
        Vmc.Method method = s.optimizer() == TrainSpec.OptimizerKind.ADAM ? Vmc.Method.ADAM : Vmc.Method.SR;
        double exact = exactEnergy(h);
        try (NDManager m = Devices.manager(device)) {
            WaveFunction wf = model(s, lattice, dt, m);
            DataType sdt = s.sampleDtype() == TrainSpec.Precision.FLOAT32 ? DataType.FLOAT32 : dt;
            WaveFunction twin = sdt == dt ? null : model(s, lattice, sdt, m);
            Sampler sampler = twin == null ? sampler(s, h, wf, dt, m)
                    : new TwinSampler(sampler(s, h, twin, sdt, m), new VariationalState(twin, s.chunk()));
            VariationalState vs = new VariationalState(wf, s.chunk());
            JsonObject cfg = s.toJson();
            cfg.add("model_config", wf.config());
            cfg.addProperty("hamiltonian_description", h.toString());
            cfg.addProperty("exact_energy", exact);
            cfg.addProperty("device", device.toString());
            LOG.info("{}; {} with {} parameters, {} sampler; exact E/N = {}", h, Records.lower(s.model()),
                    wf.parameters().numel(),
                    sampler.name(), exact / h.graph().n());
            Vmc vmc = new Vmc(h, vs, sampler, new Vmc.Options(s.steps(), method, lrSchedule(s), shiftSchedule(s),
                    s.checkpointEvery(), exact, cfg, s.maxMinutes() * 60, s.momentum(), s.maxFlops()), m);
            if (s.energyDtype() != s.dtype() && sampler instanceof TwinSampler t) {
                vmc.energyTwin(t.twin());
            }
            return vmc.run(out, resume);
        }
    }
}
