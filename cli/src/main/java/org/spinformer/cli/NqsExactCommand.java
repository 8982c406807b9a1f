package org.spinformer.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.spinformer.core.device.Env;
import org.spinformer.nqs.exact.ExactDiagonalization;
import org.spinformer.nqs.exact.StructureFactor;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.operator.Heisenberg;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code spinformer nqs exact}: Lanczos ground state in the Sz = 0 sector. */
@Command(name = "exact", mixinStandardHelpOptions = true,
        description = "Exact ground-state energy (Lanczos, Sz = 0 sector, up to 24-26 sites), correlations "
                + "<S_0.S_r> and structure factor S(q).")
public final class NqsExactCommand implements Callable<Integer> {
    @Option(names = "--lattice", description = "square or triangular (default: ${DEFAULT-VALUE}).")
    String lattice = "square";
    @Option(names = "--size", description = "Lattice size LxL (default: ${DEFAULT-VALUE}).")
    String size = "4x4";
    @Option(names = "--j2", description = "J2 (J1 = 1) (default: ${DEFAULT-VALUE}).")
    double j2 = 0.0;
    @Option(names = "--units", description = "spin or pauli (default: ${DEFAULT-VALUE}).")
    String units = "spin";
    @Option(names = "--correlations", description = "Also compute <S_0.S_r> and S(q).")
    boolean correlations;
    @Option(names = "--json", description = "Print a summary JSON as the last stdout line.")
    boolean json;

    @Override
    public Integer call() {
        Env.offline();
        Lattice l = Lattice.parse(lattice, size);
        Heisenberg h = new Heisenberg(l, 1.0, j2, Heisenberg.Units.parse(units));
        long t0 = System.nanoTime();
        ExactDiagonalization ed = new ExactDiagonalization(h);
        ExactDiagonalization.Result r = ed.groundState();
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%s: E = %.10f, E/N = %.10f (dim %d, %d Lanczos steps, residual %.1e, %.1f s)%n",
                h, r.energy(), r.energyPerSite(), ed.basis().size(), r.iterations(), r.residual(), secs);
        JsonObject o = new JsonObject();
        o.addProperty("energy", r.energy());
        o.addProperty("energy_per_site", r.energyPerSite());
        o.addProperty("sites", l.n());
        o.addProperty("dimension", ed.basis().size());
        o.addProperty("lanczos_steps", r.iterations());
        o.addProperty("residual", r.residual());
        o.addProperty("seconds", secs);
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
        if (json) {
            System.out.println(o);
        }
        return 0;
    }
}
