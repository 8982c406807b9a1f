package org.spinformer.core.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static java.util.Map.entry;

/** The shared parameter map: order, lookup errors, counting, and gradients on floating tensors only. */
class ParametersTest {
    /** A map of zero tensors (the manager's default float type), named and shaped as given, in order. */
    @SafeVarargs
    private static Parameters zeros(NDManager m, Map.Entry<String, Shape>... tensors) {
        Parameters p = new Parameters();
        for (Map.Entry<String, Shape> t : tensors) {
            p.put(t.getKey(), m.zeros(t.getValue()));
        }
        return p;
    }

    @Test
    void keepsOrderCountsAndNamesMissingEntries() {
        try (NDManager m = NnTesting.manager()) {
            Parameters p = zeros(m, entry("b.weight", new Shape(2, 3)), entry("a.bias", new Shape(3)));
            assertEquals(List.of("b.weight", "a.bias"), p.names());
            assertEquals(9, p.numel());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.get("c"));
            assertTrue(e.getMessage().contains("'c'") && e.getMessage().contains("b.weight"), e.getMessage());
        }
    }

    @Test
    void gradientsAttachToFloatingTensorsOnlySoIntegerBuffersCanLiveInTheMap() {
        // Hugging Face BERT checkpoints carry int64 buffers such as embeddings.position_ids
        try (NDManager m = NnTesting.manager()) {
            Parameters p = new Parameters();
            p.put("w", m.create(new double[] {1, 2}));
            p.put("embeddings.position_ids", m.create(new long[] {0, 1}));
            p.put("mask", m.create(new boolean[] {true, false}));
            p.attachGradients();
            assertTrue(p.get("w").hasGradient());
            assertFalse(p.get("embeddings.position_ids").hasGradient());
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(p.get("w").mul(p.get("embeddings.position_ids").toType(DataType.FLOAT64, false)).sum());
            }
            assertArrayEquals(new double[] {0, 1}, p.get("w").getGradient().toDoubleArray());
        }
    }

    @Test
    void aFrozenMapNeverCreatesAndReportsEveryMissingNameTogether() {
        try (NDManager m = NnTesting.manager()) {
            Parameters p = zeros(m, entry("a.weight", new Shape(3, 2)), entry("a.bias", new Shape(3)),
                    entry("b.wieght", new Shape(3, 3)));
            p.freeze("model X");
            Linear.builder().setManager(m).optParameters(p).optPrefix("a.").setIn(2).setOut(3).build();
            Linear.builder().setManager(m).optParameters(p).optPrefix("b.").setIn(3).setOut(3).build();
            assertEquals(3, p.size(), "nothing created");
            assertEquals(List.of("'b.weight' (3, 3)", "'b.bias' (3)"), p.missing());
            assertEquals(List.of("b.wieght"), p.unused());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> p.requireComplete());
            assertTrue(e.getMessage().startsWith("model X: 2 tensors missing from the weights: 'b.weight' (3, 3)"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("unused: b.wieght"), e.getMessage());
        }
    }

    @Test
    void anOrdinaryMapStillCreatesFreshParametersAndACompleteFrozenOneListsUnused() {
        try (NDManager m = NnTesting.manager()) {
            Parameters p = new Parameters();
            Linear.builder().setManager(m).optParameters(p).setIn(2).setOut(3).build();
            assertEquals(List.of("weight", "bias"), p.names());
            assertTrue(p.missing().isEmpty());
            p.put("extra", m.zeros(new Shape(1)));
            p.freeze("model X");
            Linear.builder().setManager(m).optParameters(p).setIn(2).setOut(3).build();
            assertEquals(List.of("extra"), p.requireComplete());
        }
    }

    @Test
    void anIntegerTensorIsNeverAdoptedAsAWeight() {
        try (NDManager m = NnTesting.manager()) {
            Parameters p = new Parameters();
            p.put("weight", m.zeros(new Shape(3, 2), DataType.INT32));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Linear.builder().setManager(m).optParameters(p).setIn(2).setOut(3).build());
            assertTrue(e.getMessage().startsWith("tensor 'weight' is int32 but a weight must be floating point"),
                    e.getMessage());
        }
    }
}
