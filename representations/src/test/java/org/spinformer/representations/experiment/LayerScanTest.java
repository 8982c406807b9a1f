package org.spinformer.representations.experiment;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class LayerScanTest {
    @Test
    void semanticLayersAreThoseIndistinguishableFromTheBest() {
        // layer 0 is lowest but excluded; best is layer 3 (0.30); layer 2 within 2·√(0.01² + 0.01²) = 0.028
        double[] a2b = {0.10, 0.50, 0.32, 0.30, 0.40};
        double[] b2a = {0.10, 0.50, 0.33, 0.30, 0.40};
        double[] err = {0.01, 0.01, 0.01, 0.01, 0.01};
        assertArrayEquals(new int[] {2, 3}, LayerScan.semanticLayers(a2b, b2a, err, err));
        double[] tight = {0.001, 0.001, 0.001, 0.001, 0.001};
        assertArrayEquals(new int[] {3}, LayerScan.semanticLayers(a2b, b2a, tight, tight));
    }
}
