package org.spinformer.nqs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.core.nn.Functional;

import java.util.Map;
import java.util.SplittableRandom;

/** Small helpers shared by the models: seeded initialisation, per-sample parameter access, the log-cosh head. */
final class Params {
    private Params() {}

    /** A normal(0, std²) array from a seeded stream (host RNG, so runs are reproducible on every device). */
    static NDArray normal(NDManager m, SplittableRandom rnd, double std, DataType dt, long... shape) {
        Shape s = new Shape(shape);
        double[] v = new double[(int) s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = std * gaussian(rnd);
        }
        return m.create(v, s).toType(dt, false);
    }

    static NDArray constant(NDManager m, double c, DataType dt, long... shape) {
        return m.full(new Shape(shape), (float) 0, DataType.FLOAT64).add(c).toType(dt, false);
    }

    static double gaussian(SplittableRandom r) {
        double u = 1.0 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /**
     * Fetches a parameter with a leading batch axis: [B]+s as given when per sample, [1]+s otherwise (a view
     * moved to σ's manager so nothing piles up on the parameter's manager).
     */
    static NDArray get(Map<String, NDArray> params, String name, boolean perSample, NDManager local) {
        NDArray p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException("missing parameter '" + name + "'");
        }
        if (perSample) {
            return p;
        }
        NDArray e = p.expandDims(0);
        e.attach(local);
        return e;
    }

    /**
     * log cosh(x + iy) = (re, im), stable for large |x|: with s = sign(x) (s(0) = 1) and u = e^{−2|x|},
     * log cosh z = s·z − log 2 + log(1 + u·e^{−2isy}), i.e.
     * re = |x| − log 2 + ½ log(1 + 2u cos 2y + u²), im = s·y + atan2(−u sin 2sy, 1 + u cos 2y).
     */
    static NDArray[] logCosh(NDArray x, NDArray y) {
        NDArray s = x.gte(0).toType(x.getDataType(), false).mul(2).sub(1);
        NDArray ax = x.mul(s);
        // Number operands through Functional.scale: DJL's mul(Number) hands autograd a scalar that a GC can free
        // before backward (see Functional.scale)
        NDArray u = Functional.scale(ax, -2).exp();
        NDArray c2 = Functional.scale(y, 2).cos();
        NDArray sy2 = Functional.scale(y.mul(s), 2).sin();
        NDArray re = ax.sub(Math.log(2)).add(Functional.scale(Functional.scale(u.mul(c2), 2).add(1).add(u.square()).log(), 0.5));
        NDArray im = y.mul(s).add(u.mul(sy2).neg().atan2(u.mul(c2).add(1)));
        return new NDArray[] {re, im};
    }
}
