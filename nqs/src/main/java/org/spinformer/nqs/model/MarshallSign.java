package org.spinformer.nqs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import org.spinformer.core.nn.Parameters;
import org.spinformer.nqs.lattice.Lattice;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Multiplies a wave function by the Marshall sign (−1)^{N↑(A)} of the square lattice (A: sites with x + y even),
 * exact for the unfrustrated model: im log ψ += π Σ_{i∈A} (1 + σ_i)/2. Off by default (an option for J2 = 0).
 */
public final class MarshallSign implements WaveFunction {
    private final WaveFunction inner;
    private final Lattice lattice;
    private final NDArray mask; // [N] 1 on sublattice A

    public MarshallSign(WaveFunction inner, Lattice lattice, DataType dtype, NDManager m) {
        if (lattice.kind() != Lattice.Kind.SQUARE || lattice.lx() % 2 != 0) {
            throw new IllegalArgumentException("the Marshall sign needs a square lattice with even L, got " + lattice);
        }
        this.inner = inner;
        this.lattice = lattice;
        double[] a = new double[lattice.n()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (lattice.x(i) + lattice.y(i)) % 2 == 0 ? 1 : 0;
        }
        mask = m.create(a).toType(dtype, false);
    }

    @Override
    public Parameters parameters() {
        return inner.parameters();
    }

    @Override
    public NDArray[] logPsi(NDArray sigma, Map<String, NDArray> params, boolean perSample) {
        NDArray[] lp = inner.logPsi(sigma, params, perSample);
        NDArray up = sigma.add(1).mul(0.5).matMul(mask); // [B]
        return new NDArray[] {lp[0], lp[1].add(up.mul(Math.PI))};
    }

    @Override
    public long forwardFlops() {
        return inner.forwardFlops() + 3L * lattice.n();
    }

    @Override
    public List<int[]> symmetries() {
        List<int[]> out = new ArrayList<>();
        for (int[] g : inner.symmetries()) {
            // keep the translations that map sublattice A onto itself
            int x = lattice.x(g[0]);
            int y = lattice.y(g[0]);
            if ((x + y) % 2 == 0) {
                out.add(g);
            }
        }
        return out;
    }

    @Override
    public JsonObject config() {
        JsonObject o = inner.config().deepCopy();
        o.addProperty("marshall_sign", true);
        return o;
    }
}
