package org.spinformer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.spinformer.core.device.Devices;
import org.spinformer.representations.data.Pairs;
import org.spinformer.representations.experiment.LayerScan;
import org.spinformer.representations.imbalance.InformationImbalance;
import org.spinformer.representations.models.HiddenStateModel;
import org.spinformer.representations.models.HiddenStates;
import org.spinformer.representations.models.Models;
import org.spinformer.representations.pooling.Pooling;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The representations part of {@code spinformer demo}: MiniLM on 300 English-Spanish Bible verses. */
public final class ReprDemoPart extends DemoPart {
    public ReprDemoPart() {
        super("repr");
    }

    @Override
    public void run(Path out, Device device) throws Exception {
        long t0 = System.nanoTime();
        Pairs pairs = Pairs.parse("bible:en_kjv,es_rv1909").sample(300, 1);
        LayerScan.Result r;
        try (HiddenStateModel m = Models.load("minilm", device, ai.djl.ndarray.types.DataType.FLOAT32);
             NDManager nd = Devices.manager(device)) {
            r = LayerScan.run(m, pairs, Pooling.parse("mean"), new LayerScan.Settings(
                    InformationImbalance.Options.defaults(), true, 1, HiddenStates.DEFAULT_TOKEN_BUDGET), nd);
        }
        Path png = LayerScan.write(r, out);
        PrintWriter pw = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        ReprLayersCommand.summary(pw, r, (System.nanoTime() - t0) / 1e9, png);
    }
}
