package org.spinformer.cli;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.spinformer.core.config.Records;
import org.spinformer.core.device.Env;
import org.spinformer.nqs.driver.TrainSpec;
import org.spinformer.nqs.scaling.ScalingFit;
import org.spinformer.nqs.scaling.ScalingStudy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code spinformer nqs scaling}: the sweep of the scaling-law study and its fits. */
@Command(name = "scaling", mixinStandardHelpOptions = true,
        description = {"The scaling-law study: one 'nqs train' run per size x J2 x model x seed, each stopped at the "
                + "same compute (FLOPs) or wall-clock budget, then the V-score frontier against training compute per "
                + "size, power-law fits V ~ C^-alpha with bootstrap intervals, and the collapse of sizes under "
                + "C/N^z.",
                "Writes sweep.json (plan, every run's status and result; rewritten atomically, so --resume "
                        + "continues a killed sweep), runs/<id>/ (each an ordinary train run with its checkpoint), "
                        + "runs.csv, fits.json, fits.csv, frontier.csv and plots vscore_vs_compute_*, collapse_*, "
                        + "alpha_vs_j2 (PNG + SVG). The table of runs is printed after every run."})
public final class NqsScalingCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.DeviceJson deviceJson = new CommonOptions.DeviceJson();
    @Mixin
    CommonOptions.OutOption outOpt = new CommonOptions.OutOption("runs/scaling");

    @Option(names = "--lattice", defaultValue = "square", description = "square or triangular (default: "
            + "${DEFAULT-VALUE}).")
    String lattice;

    @Option(names = "--sizes", split = ",", defaultValue = "4x4", description = "Lattice sizes LxL (default: "
            + "${DEFAULT-VALUE}); more than 20 sites are sampled by Metropolis.")
    List<String> sizes;

    @Option(names = "--j2", split = ",", defaultValue = "0,0.5", description = "J2 values (default: "
            + "${DEFAULT-VALUE}).")
    List<Double> j2;

    @Option(names = "--models", split = ",", defaultValue = "4:1:2,8:1:2,16:2:4", description = "Model sizes "
            + "D:L:H (width, blocks, heads; MLP 2D) (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--seeds", split = ",", defaultValue = "1,2", description = "Seeds, one run each (default: "
            + "${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--budget", defaultValue = "2e11", description = "Per-run budget: FLOPs (2e11, 5e12flops) or "
            + "wall-clock minutes (10m, 1.5h) (default: ${DEFAULT-VALUE}).")
    String budget;

    @Option(names = "--train", split = ",", paramLabel = "KEY=VALUE", description = "Settings of every run, as "
            + "'nqs train' names them (samples=512, lr=0.03, diag_shift=1e-3, sampler=metropolis, symmetry=patch, "
            + "units=pauli, steps=N: the cap, default 100000); sizes, J2, model and seed come from the sweep.")
    List<String> train = new ArrayList<>();

    @Option(names = "--resume", description = "Continue the sweep in --out: finished runs are kept, the interrupted "
            + "one continues from its checkpoint.")
    boolean resume;

    @Option(names = "--fit-only", description = "Only (re)fit the runs already in --out.")
    boolean fitOnly;

    @Option(names = "--window", defaultValue = "5", description = "Logged steps in the moving average of log V "
            + "(default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--fit-from", defaultValue = "0.25", description = "Fraction of the log-compute range left out "
            + "at the start of each fit (default: ${DEFAULT-VALUE}).")
    double fitFrom;

    @Option(names = "--bootstrap", defaultValue = "400", description = "Bootstrap resamples of the intervals "
            + "(default: ${DEFAULT-VALUE}).")
    int bootstrap;

    @Override
    public Integer call() throws Exception {
        Env.offline();
        ScalingFit.Options fo = new ScalingFit.Options(window, fitFrom, 32, bootstrap, 1);
        if (Files.exists(outOpt.out) && !Files.isDirectory(outOpt.out)) {
            throw new IllegalArgumentException("--out " + outOpt.out + " exists and is not a directory");
        }
        if (!fitOnly) {
            List<ScalingStudy.ModelSize> ms = new ArrayList<>();
            models.forEach(m -> ms.add(ScalingStudy.ModelSize.parse(m)));
            TrainSpec base = TrainSpec.defaults().with("steps", 100_000);
            base = Records.with(base, Records.parse(TrainSpec.class, train));
            ScalingStudy.Plan plan = new ScalingStudy.Plan(lattice.trim().toLowerCase(Locale.ROOT), sizes, j2, ms,
                    seeds, ScalingStudy.Budget.parse(budget), base);
            System.out.printf(Locale.ROOT, "scaling sweep: %d runs, budget %s each, into %s%n", plan.runs().size(),
                    plan.budget(), outOpt.out.toAbsolutePath());
            ScalingStudy.run(plan, outOpt.out, resume, deviceJson.device(), System.out);
        }
        JsonObject fits = ScalingFit.fit(outOpt.out, fo);
        for (JsonElement e : fits.getAsJsonArray("power_laws")) {
            JsonObject p = e.getAsJsonObject();
            System.out.printf(Locale.ROOT, "%s %s J2=%s: alpha = %s [%s, %s] over %d points%n",
                    p.get("lattice").getAsString(), p.get("size").getAsString(), p.get("j2").getAsString(),
                    p.get("alpha"), p.get("alpha_lo"), p.get("alpha_hi"), p.get("fit_points").getAsInt());
        }
        for (JsonElement e : fits.getAsJsonArray("collapses")) {
            JsonObject c = e.getAsJsonObject();
            System.out.printf(Locale.ROOT, "collapse %s J2=%s: z = %s [%s, %s]%n", c.get("lattice").getAsString(),
                    c.get("j2").getAsString(), c.get("z"), c.get("z_lo"), c.get("z_hi"));
        }
        System.out.println("outputs in " + outOpt.out.toAbsolutePath());
        if (deviceJson.json()) {
            System.out.println(new Gson().toJson(fits));
        }
        return 0;
    }
}
