package org.spinformer.cli;

import ai.djl.Device;
import org.spinformer.nqs.driver.TrainSpec;
import org.spinformer.nqs.driver.Training;
import org.spinformer.nqs.driver.Vmc;
import org.spinformer.nqs.exact.ExactDiagonalization;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.operator.Heisenberg;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The NQS part of {@code spinformer demo}: exact diagonalisation of the 4×4 J1-J2 model at J2 = 0.5, then a short
 * SR training of a small ViT with exact enumeration; writes the training outputs and the energy plots.
 */
public final class NqsDemoPart extends DemoPart {
    public NqsDemoPart() {
        super("nqs");
    }

    @Override
    public void run(Path out, Device device) throws Exception {
        System.out.println("  4x4 J1-J2 (J2=0.5): exact diagonalisation + ViT trained by SR");
        ExactDiagonalization.Result ed = new ExactDiagonalization(new Heisenberg(Lattice.square(4), 0.5)).groundState();
        System.out.printf(Locale.ROOT, "  exact E/N = %.10f (Lanczos, %d states)%n", ed.energyPerSite(),
                ed.basis().size());
        // the default model (D=16, 2 layers, 4 heads, patch 1 on 4x4) for 30 steps at a constant η = 0.05
        TrainSpec spec = TrainSpec.defaults().with("steps", 30, "schedule", "constant", "diagShiftFinal", 1e-2,
                "checkpointEvery", 30);
        Vmc.Result r = Training.run(spec, out.resolve("vit-4x4-j2-0.5"), false, device);
        System.out.printf(Locale.ROOT, "  ViT (%d steps) E/N = %.6f, relative error %.2e; plots in %s%n", r.steps(),
                r.energyPerSite(), r.relativeError(), out.resolve("vit-4x4-j2-0.5"));
    }
}
