package org.spinformer.nqs;

import org.junit.jupiter.api.Test;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.operator.Heisenberg;
import org.spinformer.nqs.operator.Operator;
import org.spinformer.nqs.operator.TransverseFieldIsing;
import org.spinformer.nqs.operator.Xxz;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.function.LongToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The V-score's E∞ = Tr H / 2^N: the models' analytic 0 against the trace summed over all 2^N states (the
 * {@link Operator} default), and the default itself on a diagonal with a known trace.
 */
class InfiniteTemperatureEnergyTest {
    /**
     * h behind a proxy that forwards every call but {@code infiniteTemperatureEnergy}, so that the interface's
     * enumeration (the default) runs; {@code diagonal}, where not null, replaces ⟨s|H|s⟩ of bit strings.
     */
    private static Operator enumerated(Operator h, LongToDoubleFunction diagonal) {
        InvocationHandler forward = (proxy, method, args) -> {
            if (method.getName().equals("infiniteTemperatureEnergy")) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            boolean ofBitString = method.getParameterCount() == 1 && method.getParameterTypes()[0] == long.class;
            if (diagonal != null && method.getName().equals("diagonal") && ofBitString) {
                return diagonal.applyAsDouble((long) args[0]);
            }
            return method.invoke(h, args);
        };
        return (Operator) Proxy.newProxyInstance(Operator.class.getClassLoader(), new Class<?>[] {Operator.class},
                forward);
    }

    @Test
    void everyModelIsTraceless() {
        Lattice sq = Lattice.square(4);
        for (Operator h : new Operator[] {new Heisenberg(sq, 0.5), new Heisenberg(Lattice.triangular(4, 2), 0.3),
            new Heisenberg(Lattice.chain(10), 1.0, 0.2, Heisenberg.Units.PAULI),
            new Xxz(sq, 1.0, 0.5, 0.3, Heisenberg.Units.SPIN), new TransverseFieldIsing(Lattice.chain(10), 1.0, 0.7)}) {
            assertEquals(0.0, h.infiniteTemperatureEnergy(), 0.0, h.toString());
            assertEquals(0.0, enumerated(h, null).infiniteTemperatureEnergy(), 1e-12, h + " by enumeration");
        }
    }

    /** 0.8 σ^z_0 − 0.25 + (1 when spins 1 and 2 are both up): Tr / 2^N = 0 − 0.25 + 1/4 = 0.0; with 2.0: 0.25. */
    @Test
    void theEnumerationIsATrace() {
        Operator base = new TransverseFieldIsing(Lattice.chain(6), 1.0, 0.0);
        Operator shifted = enumerated(base, s -> ((s & 1L) != 0 ? 0.8 : -0.8) - 0.25 + ((s & 6L) == 6L ? 2.0 : 0.0));
        assertEquals(0.25, shifted.infiniteTemperatureEnergy(), 1e-15);
    }
}
