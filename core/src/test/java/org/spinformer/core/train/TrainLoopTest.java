package org.spinformer.core.train;

import org.spinformer.core.testing.OneThreadTest;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spinformer.core.device.Devices;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-step memory pattern: a 5,000-step loop keeps the number of live native arrays flat. */
class TrainLoopTest extends OneThreadTest {
    private static final long SEED = 7L;

    /** Live arrays of {@code m} and all its sub-managers. */
    static int live(NDManager m) {
        return m.getManagedArrays().size();
    }

    @Test
    void managedArraysCountIncludesSubManagers() {
        try (NDManager base = Devices.manager(Device.cpu())) {
            int before = live(base);
            try (NDManager sub = base.newSubManager()) {
                sub.zeros(new ai.djl.ndarray.types.Shape(2));
                sub.newSubManager().ones(new ai.djl.ndarray.types.Shape(3));
                assertEquals(before + 2, live(base));
            }
            assertEquals(before, live(base));
        }
    }

    @Test
    void fiveThousandStepsKeepLiveArraysFlat(@TempDir Path dir) throws Exception {
        try (NDManager base = Devices.manager(Device.cpu())) {
            ToyMlp model = new ToyMlp(base, 16, 32, SEED, DataType.FLOAT32);
            List<Double> losses = new ArrayList<>();
            try (AdamW opt = AdamW.builder().setParameters(model.params)
                    .setLearningRate(Schedule.warmupCosine(1e-2, 100, 5000, 1e-4)).optWeightDecay(1e-4).build();
                 MetricsLog log = MetricsLog.create(dir.resolve("metrics.jsonl"))) {
                TrainLoop loop = TrainLoop.builder().setParameters(model.params).setOptimizer(opt).setManager(base)
                        .setLoss(model::loss).optClipNorm(5.0).optLogEvery(100).optMetrics(log)
                        .optListener((s, l, g, lr) -> losses.add(l)).build();
                loop.run(100);
                int at100 = live(base);
                TrainLoop.Result r = loop.run(4900);
                int at5000 = live(base);
                assertEquals(5000, opt.stepCount());
                assertEquals(4900, r.steps());
                assertEquals(at100, at5000, "live native arrays grew between step 100 and step 5000");
                // parameters (4) + optimizer state (8) and nothing else survives a step
                assertEquals(12, at5000);
                org.slf4j.LoggerFactory.getLogger(TrainLoopTest.class).info("4900 steps in {} s", r.seconds());
            }
            assertTrue(losses.get(losses.size() - 1) < 0.3 * losses.get(0),
                    "loss did not fall: " + losses.get(0) + " -> " + losses.get(losses.size() - 1));
            List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
            assertEquals(50, lines.size());
            var last = JsonParser.parseString(lines.get(49)).getAsJsonObject();
            assertEquals(5000, last.get("step").getAsInt());
            assertTrue(last.get("grad_norm").getAsDouble() >= 0);
        }
    }

    /** Control: without the scope, results of parameter-first ops pile up in the base manager; the counter must see them. */
    @Test
    void withoutScopeTheCounterSeesTheLeak() {
        try (NDManager base = Devices.manager(Device.cpu())) {
            ToyMlp model = new ToyMlp(base, 8, 8, SEED, DataType.FLOAT32);
            int before = live(base);
            for (int s = 0; s < 5; s++) {
                try (NDManager sm = base.newSubManager();
                     GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray loss = model.loss(sm, s);
                    gc.backward(loss);
                    // a parameter-first op: its result belongs to the parameter's (base) manager
                    model.params.asMap().values().iterator().next().mul(2.0);
                }
                Gradients.zero(model.params);
            }
            assertTrue(live(base) >= before + 5, "expected leaked arrays, count " + before + " -> " + live(base));
        }
    }

    /** An absurd learning rate: the loop stops at the first non-finite logged loss, naming the step. */
    @Test
    void divergenceStopsNamingTheStep() {
        try (NDManager base = Devices.manager(Device.cpu())) {
            ToyMlp model = new ToyMlp(base, 8, 8, SEED, DataType.FLOAT32);
            try (Sgd opt = Sgd.builder().setParameters(model.params).setLearningRate(1e30).build()) {
                TrainLoop loop = TrainLoop.builder().setParameters(model.params).setOptimizer(opt).setManager(base)
                        .setLoss(model::loss).optLogEvery(1).build();
                NonFiniteException e = org.junit.jupiter.api.Assertions.assertThrows(NonFiniteException.class,
                        () -> loop.run(50));
                assertTrue(e.getMessage().matches("step \\d+: (training loss|gradient norm) is .*"), e.getMessage());
                assertTrue(e.step() >= 2, "the first step's loss is finite: " + e.getMessage());
            }
        }
    }
}
