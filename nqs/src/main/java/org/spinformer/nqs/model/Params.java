package org.spinformer.nqs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
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
        // few engine ops (each costs ~10 µs of call overhead on the sampler's small batches); selects instead of
        // a sign tensor, sums instead of scalars. where selects x or −x with gradient ±1 (+1 at x = 0, as s(0) = 1).
        // Number operands only in add/sub (their backward saves no operand); the ½ goes through Functional.scale:
        // DJL's mul(Number) hands autograd a scalar that a GC can free before backward (see Functional.scale)
        NDArray pos = x.gte(0);
        NDArray ax = NDArrays.where(pos, x, x.neg()); // |x|
        NDArray sy = NDArrays.where(pos, y, y.neg()); // s·y
        NDArray u = ax.add(ax).neg().exp(); // e^{−2|x|}
        NDArray sy2 = sy.add(sy);
        NDArray uc = u.mul(sy2.cos()); // u cos 2y
        NDArray us = u.mul(sy2.sin()); // u sin 2sy
        NDArray re = ax.sub(Math.log(2)).add(Functional.scale(uc.add(uc).add(1).add(u.square()).log(), 0.5));
        NDArray im = sy.add(us.neg().atan2(uc.add(1)));
        return new NDArray[] {re, im};
    }
}
