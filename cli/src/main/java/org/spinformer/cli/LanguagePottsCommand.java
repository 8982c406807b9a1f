package org.spinformer.cli;

import ai.djl.ndarray.NDManager;
import org.spinformer.core.device.Devices;
import org.spinformer.language.potts.PottsExperiment;
import org.spinformer.core.config.Records;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code spinformer language potts}: the Potts mapping experiment. */
@Command(name = "potts", mixinStandardHelpOptions = true,
        description = {"Sample a planted generalised Potts model (J_ij U_ab couplings) by MCMC, fit one factored-"
                + "attention layer by MLM and a plmDCA-style pseudo-likelihood baseline, and report against the "
                + "number of samples M the coupling correlation (zero-sum gauge) and the test loss vs the exact "
                + "conditional entropy.",
                "Writes results.json, results.csv, potts_correlation.png/svg, potts_test_loss.png/svg."})
public final class LanguagePottsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.Run run = new CommonOptions.Run("runs/potts");

    @Option(names = "--sites", defaultValue = "12", description = "Number of sites L (default: ${DEFAULT-VALUE}).")
    int sites;

    @Option(names = "--colors", defaultValue = "3", description = "Number of colours q (default: ${DEFAULT-VALUE}).")
    int colors;

    @Option(names = "--samples", defaultValue = "4000", split = ",",
            description = "Training sample counts M1,M2,... (default: ${DEFAULT-VALUE}).")
    List<Integer> samples;

    @Option(names = "--beta", defaultValue = "1.0", description = "Coupling strength β: J_ij = β g_ij/√L.")
    double beta;

    @Option(names = "--steps", defaultValue = "3000", description = "MLM training steps of the factored layer.")
    int steps;

    @Option(names = "--lr", defaultValue = "0.01", description = "Peak AdamW learning rate.")
    double lr;

    @Option(names = "--dim", defaultValue = "8", description = "Embedding width D of the factored layer.")
    int dim;

    @Option(names = "--chains", defaultValue = "500", description = "MCMC chains.")
    int chains;

    @Option(names = "--burn-in", defaultValue = "200", description = "MCMC burn-in sweeps.")
    int burnIn;

    @Option(names = "--thin", defaultValue = "10", description = "Sweeps between kept samples of a chain.")
    int thin;

    @Option(names = "--test-samples", defaultValue = "2000", description = "Held-out samples for the test loss.")
    int testSamples;

    @Mixin
    CheckpointOptions checkpoints = new CheckpointOptions(500);

    @Option(names = "--instances", defaultValue = "1", description = "Planted instances (seeds --seed, --seed+1, "
            + "...), each in instance_<seed>/, aggregated as mean +- std per M in instances.json/csv (default: "
            + "${DEFAULT-VALUE}: one instance, written into --out itself).")
    int instances;

    @Override
    public Integer call() throws Exception {
        long seed = run.seed();
        Path out = run.out();
        boolean json = run.json();
        int[] m = samples.stream().mapToInt(Integer::intValue).toArray();
        // --checkpoint-every is checked by CheckpointOptions, the rest by PottsExperiment.Options (one place; its
        // messages name the options)
        PottsExperiment.Options o = Records.with(PottsExperiment.Options.defaults(sites, colors, m, seed),
                Map.of("beta", beta, "dim", dim, "steps", steps, "lr", lr, "chains", chains, "burnIn", burnIn,
                        "thin", thin, "testSamples", testSamples, "checkpointEvery", checkpoints.interval()));
        CommonOptions.atLeast("--instances", instances, 1);
        try (NDManager manager = Devices.manager(run.device())) {
            if (instances > 1) {
                var agg = PottsExperiment.runInstances(o, instances, out, manager, checkpoints.resume);
                for (var e : agg.getAsJsonArray("aggregate")) {
                    var a = e.getAsJsonObject();
                    System.out.printf("M=%d  coupling correlation %.4f +- %.4f (plm %.4f +- %.4f) over %d instances%n",
                            a.get("samples").getAsInt(), a.get("coupling_correlation_mean").getAsDouble(),
                            a.get("coupling_correlation_std").getAsDouble(),
                            a.get("plm_coupling_correlation_mean").getAsDouble(),
                            a.get("plm_coupling_correlation_std").getAsDouble(), instances);
                }
                if (json) {
                    System.out.println(agg);
                }
                return 0;
            }
            var results = PottsExperiment.run(o, out, manager, checkpoints.resume);
            if (json) {
                System.out.println(PottsExperiment.summary(results));
            } else {
                for (var r : results) {
                    System.out.printf("M=%d  coupling correlation %.4f (plm %.4f)  test loss %.4f (plm %.4f, exact "
                                    + "entropy %.4f)  %.1f s%n", r.samples(), r.couplingCorrelation(),
                            r.plmCouplingCorrelation(), r.testLoss(), r.plmTestLoss(), r.exactEntropy(), r.seconds());
                }
                System.out.println("wrote " + out.resolve("results.json") + " and plots; samples " + Arrays.toString(m));
            }
        }
        return 0;
    }
}
