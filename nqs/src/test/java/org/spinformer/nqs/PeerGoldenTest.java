package org.spinformer.nqs;

import org.spinformer.core.io.Npy;
import org.spinformer.core.testing.CpuTest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.model.ViT;
import org.spinformer.nqs.operator.Heisenberg;
import org.spinformer.nqs.optimizer.StochasticReconfiguration;
import org.spinformer.nqs.vqs.LocalEnergies;
import org.spinformer.nqs.vqs.LocalEnergy;
import org.spinformer.nqs.vqs.VariationalState;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One SR step of the ViT against committed golden values from an independent numpy implementation
 * ({@code nqs/src/test/python/sr_golden.py}: the forward written from the equations, E_loc by explicit loops over
 * bonds, the Jacobian by the complex step, the SR solve by {@code numpy.linalg.solve}): log ψ, local energies,
 * the per-sample Jacobian, the energy gradient and the update δ on 4×4 J1-J2 (J2 = 0.5), two layers, float64.
 * The same check the PyTorch peer ({@code benchmarks/peers/sr_step_torch.py}) makes, without PyTorch.
 */
class PeerGoldenTest extends CpuTest {

    static Path golden(String name) throws Exception {
        return Path.of(PeerGoldenTest.class.getResource("/golden/sr/" + name).toURI());
    }

    static double[] load(String name, NDManager s) throws Exception {
        return Npy.read(golden(name + ".npy"), s).toDoubleArray();
    }

    @Test
    void srStepMatchesTheNumpyGolden() throws Exception {
        JsonObject meta = JsonParser.parseString(Files.readString(golden("meta.json"), StandardCharsets.UTF_8))
                .getAsJsonObject();
        JsonObject v = meta.getAsJsonObject("vit");
        Lattice l = Lattice.square(meta.get("side").getAsInt());
        ViT vit = new ViT(l, new ViT.Config(v.get("dim").getAsInt(), v.get("layers").getAsInt(),
                v.get("heads").getAsInt(), v.get("patch").getAsInt(), v.get("mlp").getAsInt()), DataType.FLOAT64, m, 1);
        try (NDManager s = m.newSubManager()) {
            double[] theta = load("theta", s);
            // the golden's parameters, by name and shape, in the ViT's order
            JsonArray want = meta.getAsJsonArray("parameters");
            List<String> names = new ArrayList<>();
            int at = 0;
            int k = 0;
            for (Map.Entry<String, NDArray> e : vit.parameters()) {
                JsonObject w = want.get(k++).getAsJsonObject();
                names.add(e.getKey());
                assertEquals(w.get("name").getAsString(), e.getKey(), "parameter order");
                long[] shape = new long[w.getAsJsonArray("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = w.getAsJsonArray("shape").get(i).getAsLong();
                }
                assertEquals(new ai.djl.ndarray.types.Shape(shape), e.getValue().getShape(), e.getKey());
                int n = (int) e.getValue().size();
                double[] part = java.util.Arrays.copyOfRange(theta, at, at + n);
                at += n;
                NDArray p = e.getValue();
                p.subi(p.duplicate()).addi(s.create(part, p.getShape())); // in place: the core blocks hold p
            }
            assertEquals(want.size(), names.size());
            assertEquals(theta.length, at);

            NDArray sigma = Npy.read(golden("sigma.npy"), s);
            int rows = (int) sigma.getShape().get(0);
            VariationalState vs = new VariationalState(vit, 7); // chunks of 7: the Jacobian in four pieces
            NDArray[] lp = vit.logPsi(sigma);
            close(load("log_psi_re", s), lp[0].toDoubleArray(), 1e-12, "log psi re");
            close(load("log_psi_im", s), lp[1].toDoubleArray(), 1e-12, "log psi im");
            Heisenberg h = new Heisenberg(l, 1.0, meta.get("j2").getAsDouble(), Heisenberg.Units.SPIN);
            LocalEnergies e = LocalEnergy.compute(h, vs, sigma, lp[0], lp[1]);
            close(load("e_loc_re", s), e.re().toDoubleArray(), 1e-12, "E_loc re");
            close(load("e_loc_im", s), e.im().toDoubleArray(), 1e-12, "E_loc im");
            NDArray[] jac = vs.jacobian(sigma);
            close(load("jacobian_re", s), jac[0].toDoubleArray(), 1e-12, "Jacobian re");
            close(load("jacobian_im", s), jac[1].toDoubleArray(), 1e-12, "Jacobian im");
            NDArray w = s.ones(new ai.djl.ndarray.types.Shape(rows), DataType.FLOAT64).div(rows);
            StochasticReconfiguration.Update u = StochasticReconfiguration.compute(jac[0], jac[1], e.re(), e.im(), w,
                    meta.get("shift").getAsDouble());
            closeNorm(load("gradient", s), u.gradient().toDoubleArray(), 1e-11, "gradient");
            closeNorm(load("delta", s), u.delta().toDoubleArray(), 1e-11, "delta");
        }
    }

    /** |got − want| ≤ tol·max(1, |want|) element by element. */
    static void close(double[] want, double[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + ": length");
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i])));
        }
        System.out.printf(java.util.Locale.ROOT, "golden %s: worst error %.2e%n", what, worst);
        assertTrue(worst <= tol, what + ": worst error " + worst + " > " + tol);
    }

    /** max|got − want| ≤ tol·max|want| (a vector whose small entries are rounding-dominated). */
    static void closeNorm(double[] want, double[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + ": length");
        double err = 0;
        double scale = 0;
        for (int i = 0; i < want.length; i++) {
            err = Math.max(err, Math.abs(got[i] - want[i]));
            scale = Math.max(scale, Math.abs(want[i]));
        }
        System.out.printf(java.util.Locale.ROOT, "golden %s: max error %.2e of max %.3g%n", what, err, scale);
        assertTrue(scale > 0 && err <= tol * scale, what + ": max error " + err + " > " + tol + " × " + scale);
    }
}
