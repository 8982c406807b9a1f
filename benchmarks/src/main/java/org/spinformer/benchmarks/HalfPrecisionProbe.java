package org.spinformer.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import org.spinformer.core.io.AtomicFiles;
import org.spinformer.core.io.HalfFloats;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which half-precision operations DJL 0.32 with PyTorch 2.5.1 can run, and how fast against float32 on the same
 * machine: for bfloat16 and float16, arrays made from raw bytes and by {@code toType}, then a [S,S]·[S,S] matmul,
 * softmax, exp, a row mean, LayerNorm and the cast back, each timed against the same op in float32. Every
 * (dtype, construction) runs in its own child JVM, because a failure can abort the process (a C++ exception the
 * JNI does not catch), and that is a result too.
 *
 * <pre>HalfPrecisionProbe [--size 512] [--repeat 20] [--device cpu] [--out benchmarks/results/half-precision.json]</pre>
 */
public final class HalfPrecisionProbe {
    private HalfPrecisionProbe() {}

    private static final String[] OPS = {"matmul", "softmax", "exp", "mean", "layernorm", "to_float32"};

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), args[5]);
            return;
        }
        BenchArgs cli = BenchArgs.parse(args, "--size", "--repeat", "--device", "--out");
        int size = cli.integer("--size", 512);
        int repeat = cli.integer("--repeat", 20);
        String device = cli.string("--device", "cpu");
        Path out = cli.path("--out", "benchmarks/results/half-precision.json");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String dtype : new String[] {"bfloat16", "float16"}) {
            for (String make : new String[] {"bytes", "to_type"}) {
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
                        "-Dai.djl.pytorch.num_threads=" + System.getProperty("ai.djl.pytorch.num_threads", "1"),
                        "-cp", System.getProperty("java.class.path"), HalfPrecisionProbe.class.getName(), "child",
                        dtype, make, String.valueOf(size), String.valueOf(repeat), device));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("dtype", dtype);
                row.put("made_from", make);
                List<String> lines = new ArrayList<>();
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("op ")) {
                            String[] f = line.split(" ");
                            Map<String, Object> op = new LinkedHashMap<>();
                            op.put("half_ms", Double.parseDouble(f[2]));
                            op.put("float32_ms", Double.parseDouble(f[3]));
                            op.put("half_over_float32", Double.parseDouble(f[2]) / Double.parseDouble(f[3]));
                            row.put(f[1], op);
                        } else if (!line.contains(" INFO ") && !line.contains("WARN")) {
                            lines.add(line);
                        }
                    }
                }
                int code = p.waitFor();
                row.put("exit_code", code);
                row.put("process_aborted", code == 134);
                if (code != 0) {
                    row.put("last_output", lines.isEmpty() ? "" : lines.get(lines.size() - 1));
                }
                System.out.println(dtype + " " + make + ": exit " + code + " " + row);
                rows.add(row);
            }
        }
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("setting", "DJL 0.32.0, PyTorch 2.5.1, [" + size + "," + size + "] float arrays, best of " + repeat
                + " per op after one warm-up, " + System.getProperty("ai.djl.pytorch.num_threads", "1")
                + " intra-op thread(s)");
        all.put("device", device);
        all.put("cpu", BenchSupport.cpu());
        all.put("results", rows);
        AtomicFiles.write(out, new GsonBuilder().setPrettyPrinting().create().toJson(all)
                .getBytes(StandardCharsets.UTF_8));
        System.out.println("wrote " + out);
    }

    private static void child(String dtype, String make, int size, int repeat, String device) {
        DataType t = dtype.equals("float16") ? DataType.FLOAT16 : DataType.BFLOAT16;
        try (NDManager m = BenchSupport.manager(device)) {
            NDArray x32 = m.randomNormal(new Shape(size, size));
            NDArray x;
            if (make.equals("bytes")) {
                float[] f = x32.toFloatArray();
                ByteBuffer bb = ByteBuffer.allocateDirect(f.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : f) {
                    bb.putShort(t == DataType.BFLOAT16 ? HalfFloats.floatToBf16(v) : HalfFloats.floatToF16(v));
                }
                bb.flip();
                x = m.create(bb, new Shape(size, size), t);
            } else {
                x = x32.toType(t, false);
            }
            System.out.println("made " + x.getDataType());
            for (String op : OPS) {
                System.out.printf(java.util.Locale.ROOT, "op %s %.4f %.4f%n", op, best(m, x, op, repeat),
                        best(m, x32, op, repeat));
            }
        }
    }

    /** Best time in ms of {@code op} on {@code x} over {@code repeat} runs after one warm-up. */
    private static double best(NDManager m, NDArray x, String op, int repeat) {
        double best = Double.MAX_VALUE;
        for (int r = 0; r <= repeat; r++) {
            try (NDManager s = m.newSubManager()) {
                long t0 = System.nanoTime();
                NDArray y = switch (op) {
                    case "matmul" -> x.matMul(x);
                    case "softmax" -> x.softmax(-1);
                    case "exp" -> x.exp();
                    case "mean" -> x.mean(new int[] {-1});
                    case "layernorm" -> ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(x.getShape().get(1)),
                            s.ones(new Shape(x.getShape().get(1)), x.getDataType()),
                            s.zeros(new Shape(x.getShape().get(1)), x.getDataType()), 1e-5f).get(0);
                    case "to_float32" -> x.toType(DataType.FLOAT32, true);
                    default -> throw new IllegalArgumentException(op);
                };
                BenchSupport.sync(y);
                y.attach(s);
                if (r > 0) {
                    best = Math.min(best, (System.nanoTime() - t0) / 1e6);
                }
            }
        }
        return best;
    }
}
