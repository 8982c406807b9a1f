package org.spinformer.language.potts;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.spinformer.core.engine.NoGrad;
import com.google.gson.JsonObject;
import org.spinformer.core.train.MetricsLog;
import org.spinformer.core.train.RunHarness;

import java.io.IOException;
import java.nio.file.Path;
import org.spinformer.language.model.FactoredMlm;
import org.spinformer.language.train.Mlm;

/**
 * One factored-attention layer fitted by masked language modelling to Potts samples (Rende et al., PRR 2024):
 * vocabulary = the q colours plus {@code <mask>} (id q), T = L, one head, free attention. Its conditional is
 * exactly a Potts conditional (see {@link FactoredMlm}), with couplings α_ij Ũ(a,b), Ũ = R W Eᵀ restricted to
 * the colours.
 */
public final class FactoredPotts {
    private final FactoredMlm model;

    public FactoredPotts(int sites, int colors, int dim, long seed, NDManager m) {
        this.model = new FactoredMlm(new FactoredMlm.Config(colors + 1, sites, dim, 1, 1, "free", true, colors, seed),
                m, null, DataType.FLOAT32);
    }

    public FactoredMlm model() {
        return model;
    }

    /**
     * Fits by single-site MLM inside a core {@link RunHarness} in {@code dir} (a checkpoint every {@code every}
     * steps, log {@code log}): with {@code resume}, a finished fit is restored and an interrupted one continues
     * exactly.
     */
    public void fit(int[][] samples, Mlm.Options opt, NDManager m, Path dir, Path log, boolean resume, long every)
            throws IOException {
        try (Mlm t = new Mlm(model, samples, opt, m, null, null)) {
            JsonObject cfg = model.config().deepCopy();
            cfg.add("training", opt.toJson());
            RunHarness.Builder b = RunHarness.builder(dir).resume(resume).weights(model.parameters()).manager(m)
                    .config(cfg).logFile(log);
            t.sections().forEach(b::section);
            try (RunHarness run = b.build()) {
                t.run(run, every);
            }
        }
    }

    /** Fits by single-site MLM (stochastic pseudo-likelihood). Returns the final training loss. */
    public double fit(int[][] samples, Mlm.Options opt, NDManager m, MetricsLog log) {
        try (Mlm t = new Mlm(model, samples, opt, m, log, null)) {
            return t.train(opt.steps()).lastLoss();
        }
    }

    /** The learned couplings K_ij(a,b) = α_ij Ũ(a,b). */
    public double[][][][] couplings(NDManager m) {
        try (NoGrad noGrad = NoGrad.enter(); NDManager sm = m.newSubManager()) {
            int l = model.length();
            int q = model.maskId();
            NDArray alpha = model.alpha(0, sm).reshape(l, l).toType(DataType.FLOAT64, false);
            NDArray e = model.parameters().get("embedding.weight").duplicate();
            NDArray w = model.parameters().get("layers.0.attention.value.weight").duplicate();
            NDArray r = model.parameters().get("readout.0.weight").duplicate();
            e.attach(sm);
            w.attach(sm);
            r.attach(sm);
            NDArray ut = r.matMul(w).matMul(e.transpose()).toType(DataType.FLOAT64, false); // [V,V]
            double[] a = alpha.toDoubleArray();
            double[] u = ut.toDoubleArray();
            double[][] al = new double[l][l];
            for (int i = 0; i < l; i++) {
                for (int j = 0; j < l; j++) {
                    al[i][j] = a[i * l + j];
                }
            }
            double[][] uu = new double[q][q];
            for (int i = 0; i < q; i++) {
                for (int j = 0; j < q; j++) {
                    uu[i][j] = u[i * (q + 1) + j];
                }
            }
            return Couplings.factored(al, uu);
        }
    }
}
