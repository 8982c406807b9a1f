package org.spinformer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.spinformer.core.device.Devices;
import org.spinformer.language.corpus.Dataset;
import org.spinformer.language.experiment.Simplicity;

import java.nio.file.Path;

/**
 * Demo part of the language pipeline: the quick simplicity-bias run on Moby-Dick (factored models with 1 and 3
 * layers, their clones, clone statistics, a small 4-layer BERT followed on original and clones), with plots.
 */
public final class LanguageDemoPart extends DemoPart {
    public LanguageDemoPart() {
        super("language");
    }

    @Override
    public void run(Path out, Device device) throws Exception {
        Dataset d = Dataset.load("moby-dick", "words", 1000, 24, 0.1);
        try (NDManager m = Devices.manager(device)) {
            var curves = Simplicity.run(d, Simplicity.Options.quick(), out, m);
            for (var c : curves) {
                System.out.printf("  %-28s BERT test loss %.3f, 90%% of its drop by step %d%n", c.name(),
                        c.mean()[c.mean().length - 1], c.saturationStep());
            }
            System.out.println("  plots: " + out.resolve("simplicity_loss.png") + ", "
                    + out.resolve("statistics").resolve("correlation_errors.png"));
        }
    }
}
