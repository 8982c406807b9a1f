package org.spinformer.cli;

import ai.djl.ndarray.NDManager;
import org.spinformer.core.device.Devices;
import org.spinformer.language.corpus.Dataset;
import org.spinformer.language.experiment.Simplicity;
import org.spinformer.core.config.Records;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code spinformer language simplicity}. */
@Command(name = "simplicity", mixinStandardHelpOptions = true,
        description = {"The distributional simplicity bias experiment: train factored models with 1,2,3 layers, "
                + "sample their clones, compare statistics, then train a 4-layer BERT on the original and follow its "
                + "test loss on the original and on every clone (mean ± std over seeds).",
                "Writes simplicity.json, curves.csv, simplicity_loss.png/svg, simplicity_snapshots.png/svg, "
                        + "statistics/, clone_n<k>/, training logs."})
public final class LanguageSimplicityCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.Run run = new CommonOptions.Run("runs/simplicity");

    @Mixin
    LanguageDataOptions data;

    @Option(names = "--quick", description = "A short run (about 2 minutes; for the demo).")
    boolean quick;

    @Option(names = "--seeds", description = "BERT seeds (default 3; 2 with --quick).")
    Integer seeds;

    @Option(names = "--bert-steps", description = "BERT training steps, students and teacher (default 1000; 300 with --quick).")
    Long bertSteps;

    @Option(names = "--factored-steps", description = "Training steps per factored depth (default 1500; 300 with --quick).")
    Long factoredSteps;

    @Option(names = "--layers", split = ",", description = "Factored depths to clone (default 1,2,3).")
    List<Integer> layers;

    @Option(names = "--clones", description = "Clones sampled per factored model (default 1000; 300 with --quick).")
    Integer clones;

    @Option(names = "--bert-clones", description = "Clones sampled from a separately trained BERT teacher "
            + "(default 256; 64 with --quick; 0 = no BERT clone).")
    Integer bertClones;

    @Option(names = "--teacher-steps", description = "Training steps of the BERT teacher that samples the BERT "
            + "clone (default 2000; 300 with --quick).")
    Long teacherSteps;

    @Option(names = "--sweeps", description = "Clone sweeps (default 20).")
    Integer sweeps;

    @Option(names = "--reuse-clones", description = "Reuse clone_n<k>/clones.tsv already in --out (skip the "
            + "factored models and the sampling).")
    boolean reuseClones;

    @Option(names = "--resume", description = "Continue the run in --out: trained factored depths, the BERT teacher "
            + "and each BERT seed's finished evaluation points are restored from checkpoints/; an interrupted "
            + "training continues from its last checkpoint; clones are sampled again (same seeds, same clones).")
    boolean resume;

    @Option(names = "--eval-points", description = "Log-spaced BERT evaluation steps (default 12).")
    Integer evalPoints;

    @Option(names = "--eval-windows", description = "Windows per evaluation set (default 400; 300 with --quick).")
    Integer evalWindows;

    @Override
    public Integer call() throws Exception {
        long seed = run.seed();
        Path out = run.out();
        boolean json = run.json();
        Simplicity.Options o = quick ? Simplicity.Options.quick() : Simplicity.Options.full();
        // named overrides of the preset; Simplicity.Options validates them (one place, messages name the options)
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("seed", seed);
        if (layers != null) {
            set.put("factoredLayers", layers.stream().mapToInt(Integer::intValue).sorted().toArray());
        }
        Object[] given = {"seeds", seeds, "bertSteps", bertSteps, "factoredSteps", factoredSteps, "clones", clones,
            "bertClones", bertClones, "teacherSteps", teacherSteps, "sweeps", sweeps, "evalPoints", evalPoints,
            "evalWindows", evalWindows};
        for (int k = 0; k < given.length; k += 2) {
            if (given[k + 1] != null) {
                set.put((String) given[k], given[k + 1]);
            }
        }
        o = Records.with(o, set);
        Dataset d = data.load();
        try (NDManager m = Devices.manager(run.device())) {
            var curves = Simplicity.run(d, o, out, m, reuseClones, resume);
            com.google.gson.JsonObject s = new com.google.gson.JsonObject();
            com.google.gson.JsonArray arr = new com.google.gson.JsonArray();
            for (var c : curves) {
                com.google.gson.JsonObject j = new com.google.gson.JsonObject();
                j.addProperty("dataset", c.name());
                j.addProperty("final_loss", c.mean()[c.mean().length - 1]);
                j.addProperty("saturation_step_90", c.saturationStep());
                arr.add(j);
                System.err.printf("%-28s final loss %.4f ± %.4f   90%% of the drop by step %d%n", c.name(),
                        c.mean()[c.mean().length - 1], c.std()[c.std().length - 1], c.saturationStep());
            }
            s.add("curves", arr);
            s.addProperty("out", out.toString());
            if (json) {
                System.out.println(s);
            }
        }
        return 0;
    }
}
