package org.spinformer.cli;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.spinformer.core.config.Records;
import org.spinformer.core.device.Devices;
import org.spinformer.language.corpus.Dataset;
import org.spinformer.language.experiment.Simplicity;
import org.spinformer.language.experiment.SimplicityGpt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code spinformer language simplicity-gpt}. */
@Command(name = "simplicity-gpt", mixinStandardHelpOptions = true,
        description = {"The simplicity-bias experiment with next-token loss (the paper's GPT variant): train causal "
                + "factored models with n = 1,2,3 layers (interactions among up to 2, 3, 5 tokens) as train-gpt does "
                + "(a curriculum: depth k+1 warm-started from depth k) "
                + "and draw their exact clones by ancestral sampling; then train a GPT-2-style causal student (core "
                + "decoder blocks: learnt positions, pre-LN causal attention, GELU MLP, final LN, linear head) by "
                + "next-token cross-entropy on the original training windows, and follow its next-token loss on "
                + "held-out windows of the original and of every clone at log-spaced steps (mean ± std over seeds). "
                + "If the student learns low orders first, its loss on the 2-body clone saturates first, then 3-body, "
                + "5-body, the original.",
                "Writes curves.csv (seed, step, dataset, loss), simplicity_gpt.json (curves, saturation steps, late "
                        + "drops, factored test losses and clone entropy floors, clone statistics, options), "
                        + "simplicity_gpt_loss.png/svg, "
                        + "simplicity_gpt_snapshots.png/svg, statistics/, clone_n<k>/, gpt_n<k>.jsonl, "
                        + "student_seed<s>.jsonl, checkpoints/."})
public final class LanguageSimplicityGptCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.Run run = new CommonOptions.Run("runs/simplicity-gpt");

    @Mixin
    LanguageDataOptions data;

    @Option(names = "--quick", description = "A short run (about 2 minutes): depths 1,3, smaller models, 300 steps, "
            + "2 seeds.")
    boolean quick;

    @Option(names = "--seeds", description = "Student seeds (default 3; 2 with --quick).")
    Integer seeds;

    @Option(names = "--layers", split = ",", description = "Factored depths n to clone (default 1,2,3; 1,3 with "
            + "--quick).")
    List<Integer> layers;

    @Option(names = "--factored-steps", description = "Training steps per factored depth (default 1500; 300 with "
            + "--quick).")
    Long factoredSteps;

    @Option(names = "--factored-dim", description = "Width D of the factored models (default 64; 32 with --quick).")
    Integer factoredDim;

    @Option(names = "--clones", description = "Exact clones drawn per depth (default 500; 300 with --quick).")
    Integer clones;

    @Option(names = "--clones-from", description = "Use DIR/clone_n<k>/clones.tsv of an earlier train-gpt or "
            + "simplicity-gpt run (same corpus, --vocab and --length) instead of training the factored models here.")
    Path clonesFrom;

    @Option(names = "--student-layers", description = "Decoder layers L of the student (default 4).")
    Integer studentLayers;

    @Option(names = "--student-dim", description = "Student width D (default 64; 32 with --quick).")
    Integer studentDim;

    @Option(names = "--student-heads", description = "Student heads H (default 4).")
    Integer studentHeads;

    @Option(names = "--student-hidden", description = "Student MLP width F (default 256; 64 with --quick).")
    Integer studentHidden;

    @Option(names = "--student-steps", description = "Student training steps (default 1000; 300 with --quick).")
    Long studentSteps;

    @Option(names = "--student-batch", description = "Windows per student step (default 64; 32 with --quick).")
    Integer studentBatch;

    @Option(names = "--student-lr", description = "Peak AdamW learning rate of the student (default 1e-3; 2e-3 "
            + "with --quick).")
    Double studentLr;

    @Option(names = "--eval-points", description = "Log-spaced evaluation steps (default 12; 7 with --quick).")
    Integer evalPoints;

    @Option(names = "--eval-windows", description = "Held-out windows per evaluation set (default 400; 300 with "
            + "--quick).")
    Integer evalWindows;

    @Option(names = "--no-curriculum", description = "Train each factored depth from scratch instead of the "
            + "curriculum of train-gpt (default: depth k+1 warm-started from the trained depth k, learning rate halved "
            + "per extra layer; depths below the largest are trained even if not in --layers).")
    boolean noCurriculum;

    @Option(names = "--resume", description = "Continue the run in --out: trained factored depths and each student "
            + "seed's finished evaluation points are restored from checkpoints/; an interrupted training continues "
            + "from its last checkpoint; clones are drawn again (same seeds, same clones).")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        SimplicityGpt.Options o = quick ? SimplicityGpt.Options.quick() : SimplicityGpt.Options.full();
        // named overrides of the preset; SimplicityGpt.Options validates them (one place, messages name the options)
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("seed", run.seed());
        if (noCurriculum) {
            set.put("factoredCurriculum", false);
        }
        if (layers != null) {
            set.put("factoredLayers", layers.stream().mapToInt(Integer::intValue).sorted().toArray());
        }
        Object[] given = {"seeds", seeds, "factoredSteps", factoredSteps, "factoredDim", factoredDim, "clones", clones,
            "studentLayers", studentLayers, "studentDim", studentDim, "studentHeads", studentHeads, "studentHidden",
            studentHidden, "studentSteps", studentSteps, "studentBatch", studentBatch, "studentLr", studentLr,
            "evalPoints", evalPoints, "evalWindows", evalWindows};
        for (int k = 0; k < given.length; k += 2) {
            if (given[k + 1] != null) {
                set.put((String) given[k], given[k + 1]);
            }
        }
        o = Records.with(o, set);
        if (clonesFrom != null && !Files.isDirectory(clonesFrom)) {
            throw new IllegalArgumentException("--clones-from: no directory " + clonesFrom);
        }
        Path out = run.out();
        Dataset d = data.load();
        try (NDManager m = Devices.manager(run.device())) {
            List<Simplicity.Curve> curves = SimplicityGpt.run(d, o, out, m, clonesFrom, resume);
            JsonObject s = new JsonObject();
            JsonArray arr = new JsonArray();
            for (Simplicity.Curve c : curves) {
                JsonObject j = new JsonObject();
                int last = c.mean().length - 1;
                j.addProperty("dataset", c.name());
                j.addProperty("final_loss", c.mean()[last]);
                j.addProperty("final_std", c.std()[last]);
                j.addProperty("saturation_step_90", c.saturationStep());
                arr.add(j);
                System.err.printf("%-28s final loss %.4f ± %.4f   90%% of the drop by step %d%n", c.name(),
                        c.mean()[last], c.std()[last], c.saturationStep());
            }
            s.add("curves", arr);
            s.addProperty("out", out.toString());
            if (run.json()) {
                System.out.println(s);
            }
        }
        return 0;
    }
}
