package org.spinformer.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.spinformer.core.config.Records;
import org.spinformer.core.device.Env;
import org.spinformer.nqs.exact.ExactDiagonalization;
import org.spinformer.nqs.exact.StructureFactor;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.driver.TrainSpec;
import org.spinformer.nqs.driver.Training;
import org.spinformer.nqs.operator.Operator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code spinformer nqs exact}: Lanczos ground state of the chosen Hamiltonian on its Hilbert space. */
@Command(name = "exact", mixinStandardHelpOptions = true,
        description = "Exact ground-state energy (Lanczos; heisenberg and xxz in the Sz = 0 sector, up to 24-26 "
                + "sites; tfim in the full 2^N space, up to 24 sites), correlations <S_0.S_r> and structure factor "
                + "S(q).")
public final class NqsExactCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.JsonOption jsonOpt = new CommonOptions.JsonOption();
    @Mixin
    HamiltonianOptions system = new HamiltonianOptions(0.0);
    @Option(names = "--correlations", description = "Also compute <S_0.S_r> and S(q) (spin-1/2 units).")
    boolean correlations;
    @Option(names = "--symmetry", description = "Also the lowest energy of a symmetric sector, as nqs train "
            + "--symmetry projects: a '+'-joined set of patch, point, space and flip (trivial representation; flip "
            + "with the ground state's character) (default: ${DEFAULT-VALUE}: none).")
    String symmetry = "none";
    @Option(names = "--patch", description = "Patch side for --symmetry patch (default: ${DEFAULT-VALUE}).")
    int patch = 2;

    @Override
    public Integer call() {
        validate();
        Env.offline();
        Lattice l = system.lattice();
        Operator h = system.operator(l);
        long t0 = System.nanoTime();
        ExactDiagonalization ed = new ExactDiagonalization(h);
        ExactDiagonalization.Result r = ed.groundState();
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%s: E = %.10f, E/N = %.10f (dim %d, %d Lanczos steps, residual %.1e, %.1f s)%n",
                h, r.energy(), r.energyPerSite(), ed.basis().size(), r.iterations(), r.residual(), secs);
        JsonObject o = new JsonObject();
        o.addProperty("energy", r.energy());
        o.addProperty("energy_per_site", r.energyPerSite());
        o.addProperty("hamiltonian", h.toString());
        o.addProperty("sites", l.n());
        o.addProperty("dimension", ed.basis().size());
        o.addProperty("lanczos_steps", r.iterations());
        o.addProperty("residual", r.residual());
        o.addProperty("seconds", secs);
        if (!symmetry.equals("none")) {
            long t1 = System.nanoTime();
            ExactDiagonalization.Sector g = Training.sector(symmetry, l, patch, system.hamiltonian);
            ExactDiagonalization.Result rs = ed.groundState(g, 300, 1L);
            double ss = (System.nanoTime() - t1) / 1e9;
            System.out.printf(Locale.ROOT, "sector %s (|G| = %d): E = %.10f, E/N = %.10f (%d Lanczos steps, residual "
                    + "%.1e, %.1f s)%n", symmetry, g.perms().size() * (g.flip() ? 2 : 1), rs.energy(),
                    rs.energyPerSite(), rs.iterations(), rs.residual(), ss);
            o.addProperty("symmetry", symmetry);
            o.addProperty("sector_energy", rs.energy());
            o.addProperty("sector_energy_per_site", rs.energyPerSite());
            o.addProperty("sector_residual", rs.residual());
        }
        if (correlations) {
            double[] c = ed.correlations(r.vector());
            double[][] s = StructureFactor.compute(l, c);
            JsonArray cj = new JsonArray();
            for (double v : c) {
                cj.add(v);
            }
            JsonArray sj = new JsonArray();
            for (double[] row : s) {
                JsonArray rj = new JsonArray();
                for (double v : row) {
                    rj.add(v);
                }
                sj.add(rj);
            }
            o.add("correlations", cj);
            o.add("structure_factor", sj);
            for (int n1 = 0; n1 < s.length; n1++) {
                StringBuilder sb = new StringBuilder("S(q) n1=" + n1 + ":");
                for (double v : s[n1]) {
                    sb.append(String.format(Locale.ROOT, " %.5f", v));
                }
                System.out.println(sb);
            }
        }
        if (jsonOpt.json) {
            System.out.println(o);
        }
        return 0;
    }

    /**
     * Checks the options at the boundary (one-line error, exit 2, naming the option).
     *
     * @throws IllegalArgumentException on the first bad option
     */
    void validate() {
        // the one place nqs settings are checked (same messages as nqs train)
        java.util.Map<String, Object> set = system.settings();
        set.put("symmetry", symmetry);
        Records.with(TrainSpec.defaults(), set);
        CommonOptions.atLeast("--patch", patch, 1);
    }
}
