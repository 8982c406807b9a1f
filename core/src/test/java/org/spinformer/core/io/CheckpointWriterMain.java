package org.spinformer.core.io;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import org.spinformer.core.device.Env;
import org.spinformer.core.nn.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Test helper run in a child JVM by {@link CheckpointKillTest}: resumes from the checkpoint in {@code args[0]}
 * (step s, or 0 when there is none) and saves checkpoints of step s+1, s+2, … as fast as it can, each weight
 * filled with the step number, and touches {@code args[1]} after its third save. The parent kills it with
 * SIGKILL at an arbitrary moment.
 */
public final class CheckpointWriterMain {
    private CheckpointWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Env.offline();
        Path dir = Path.of(args[0]);
        Path ready = Path.of(args[1]);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            long start = 0;
            if (Checkpoint.exists(dir)) {
                try (NDManager s = m.newSubManager()) {
                    start = Checkpoint.load(dir, s).step();
                }
            }
            for (long step = start + 1; ; step++) {
                try (NDManager s = m.newSubManager()) {
                    Parameters p = new Parameters();
                    p.put("a.weight", s.full(new Shape(256, 256), (float) step));
                    p.put("b.weight", s.full(new Shape(3000), (float) step).toType(ai.djl.ndarray.types.DataType.FLOAT64, false));
                    JsonObject rng = new JsonObject();
                    rng.addProperty("step", step);
                    Checkpoint.save(dir, p, Map.of("adamw.m.a.weight", s.full(new Shape(256, 256), (float) -step)),
                            step, new JsonObject(), rng);
                }
                if (step == start + 3) {
                    Files.createFile(ready);
                }
            }
        }
    }
}
