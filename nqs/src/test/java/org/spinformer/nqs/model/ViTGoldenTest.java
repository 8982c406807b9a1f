package org.spinformer.nqs.model;

import org.spinformer.core.testing.CpuTest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.vqs.VariationalState;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The ViT against golden values: log ψ (shared-weight forward, per-sample-weight forward) and the per-sample
 * gradients ({@code rowGradients}) for fixed configurations σ and parameters (seeded initialisation plus a seeded
 * uniform(−0.1, 0.1) perturbation, so no gain is 1 and no bias 0), float64, three architectures (square b = 2 with
 * two layers, square b = 1, triangular b = 2).
 *
 * <p>The fixture {@code vit-golden.json} was written by this class on the ViT with its own linear and LayerNorm
 * helpers (commit 68ec83e, before the ViT was built from core blocks):
 * {@code -Dvit.golden.write=nqs/src/test/resources/vit-golden.json}. Parameter names and their order are part of
 * the fixture (checkpoints and the Jacobian's column order depend on them).
 */
class ViTGoldenTest extends CpuTest {

    /** name, lattice, D, layers, H, b, F, model seed. */
    record Case(String name, Lattice lattice, ViT.Config cfg, long seed) {}

    static final List<Case> CASES = List.of(
            new Case("square4-b2-l2", Lattice.square(4), new ViT.Config(8, 2, 2, 2, 16), 5),
            new Case("square4-b1-l1", Lattice.square(4), new ViT.Config(4, 1, 2, 1, 8), 6),
            new Case("triangular4x4-b2-l1", Lattice.triangular(4, 4), new ViT.Config(8, 1, 4, 2, 12, 0.3), 7));

    static final int ROWS = 5;

    static void perturb(ViT vit, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Map.Entry<String, NDArray> e : vit.parameters()) {
            double[] noise = new double[(int) e.getValue().size()];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = 0.2 * (r.nextDouble() - 0.5);
            }
            e.getValue().addi(e.getValue().getManager().create(noise, e.getValue().getShape()));
        }
    }

    static double[] spins(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] s = new double[ROWS * n];
        for (int i = 0; i < s.length; i++) {
            s[i] = r.nextBoolean() ? 1 : -1;
        }
        return s;
    }

    /** Everything the fixture holds for one case, computed by the current code. */
    static JsonObject compute(Case c, NDManager s) {
        ViT vit = new ViT(c.lattice(), c.cfg(), DataType.FLOAT64, m, c.seed());
        perturb(vit, 100 + c.seed());
        int n = c.lattice().n();
        double[] sv = spins(n, 200 + c.seed());
        NDArray sigma = s.create(sv, new Shape(ROWS, n));
        JsonObject o = new JsonObject();
        o.addProperty("name", c.name());
        o.add("sigma", arr(sv));
        JsonArray names = new JsonArray();
        vit.parameters().names().forEach(names::add);
        o.add("parameter_names", names);
        NDArray[] lp = vit.logPsi(sigma);
        o.add("log_psi_re", arr(lp[0].toDoubleArray()));
        o.add("log_psi_im", arr(lp[1].toDoubleArray()));
        // per-sample-weight forward (the replication path's form)
        java.util.LinkedHashMap<String, NDArray> reps = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : vit.parameters()) {
            reps.put(e.getKey(), s.zeros(new Shape(ROWS).addAll(e.getValue().getShape()), DataType.FLOAT64)
                    .add(e.getValue().expandDims(0)));
        }
        NDArray[] lpr = vit.logPsi(sigma, reps, true);
        o.add("log_psi_per_sample_re", arr(lpr[0].toDoubleArray()));
        o.add("log_psi_per_sample_im", arr(lpr[1].toDoubleArray()));
        NDArray[] jac = new VariationalState(vit, ROWS).jacobian(sigma);
        o.add("jacobian_re", arr(jac[0].toDoubleArray()));
        o.add("jacobian_im", arr(jac[1].toDoubleArray()));
        o.addProperty("parameters", vit.parameters().numel());
        return o;
    }

    static JsonArray arr(double[] v) {
        JsonArray a = new JsonArray();
        for (double x : v) {
            a.add(x);
        }
        return a;
    }

    static double[] doubles(JsonElement e) {
        JsonArray a = e.getAsJsonArray();
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsDouble();
        }
        return v;
    }

    @Test
    void matchesGoldenOfTheOriginalViT() throws IOException {
        String write = System.getProperty("vit.golden.write");
        try (NDManager s = m.newSubManager()) {
            if (write != null && !write.isBlank()) {
                JsonObject root = new JsonObject();
                root.addProperty("written_by", "ViTGoldenTest (original ViT, own linear/LayerNorm helpers)");
                JsonArray cases = new JsonArray();
                for (Case c : CASES) {
                    cases.add(compute(c, s));
                }
                root.add("cases", cases);
                Gson g = new GsonBuilder().create();
                Files.writeString(Path.of(write), g.toJson(root) + "\n", StandardCharsets.UTF_8);
                return;
            }
            JsonObject root;
            try (InputStream in = ViTGoldenTest.class.getResourceAsStream("/vit-golden.json")) {
                assertNotNull(in, "fixture vit-golden.json missing");
                root = new Gson().fromJson(new InputStreamReader(in, StandardCharsets.UTF_8), JsonObject.class);
            }
            JsonArray cases = root.getAsJsonArray("cases");
            assertEquals(CASES.size(), cases.size());
            for (int k = 0; k < CASES.size(); k++) {
                JsonObject want = cases.get(k).getAsJsonObject();
                JsonObject got = compute(CASES.get(k), s);
                String name = CASES.get(k).name();
                assertEquals(want.get("parameter_names"), got.get("parameter_names"), name + ": parameter names/order");
                assertArrayEqualsRel(doubles(want.get("sigma")), doubles(got.get("sigma")), 0, name + " sigma");
                for (String key : new String[] {"log_psi_re", "log_psi_im", "log_psi_per_sample_re",
                        "log_psi_per_sample_im"}) {
                    assertArrayEqualsRel(doubles(want.get(key)), doubles(got.get(key)), 1e-12, name + " " + key);
                }
                for (String key : new String[] {"jacobian_re", "jacobian_im"}) {
                    assertArrayEqualsRel(doubles(want.get(key)), doubles(got.get(key)), 1e-11, name + " " + key);
                }
            }
        }
    }

    /** |got − want| ≤ tol·max(1, |want|) element-wise. */
    static void assertArrayEqualsRel(double[] want, double[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + ": length");
        List<String> bad = new ArrayList<>();
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i]));
            worst = Math.max(worst, err);
            if (!(err <= tol) && bad.size() < 5) {
                bad.add(i + ": want " + want[i] + " got " + got[i]);
            }
        }
        System.out.printf(java.util.Locale.ROOT, "golden %s: worst rel. error %.3g%n", what, worst);
        assertEquals(List.of(), bad, what + " (worst rel. error " + worst + ", tolerance " + tol + ")");
    }
}
