package org.spinformer.language.potts;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** results.json: one object per sample size, keys in order, the exact entropy null where it was not enumerable. */
class PottsSummaryJsonTest {
    @Test
    void resultsKeepTheirKeysAndOrderAndANonFiniteEntropyIsNull() {
        PottsExperiment.Result a = new PottsExperiment.Result(100, 0.5, 1.25, 1.0, 0.25, 1.5, 2.0);
        PottsExperiment.Result b = new PottsExperiment.Result(200, 0.5, 1.25, Double.NaN, 0.25, 1.5, 2.0);
        String json = new com.google.gson.GsonBuilder().serializeNulls().create()
                .toJson(PottsExperiment.summary(List.of(a, b)));
        assertEquals("{\"results\":[{\"samples\":100,\"coupling_correlation\":0.5,\"test_loss\":1.25,"
                + "\"exact_entropy\":1.0,\"plm_coupling_correlation\":0.25,\"plm_test_loss\":1.5,\"seconds\":2.0},"
                + "{\"samples\":200,\"coupling_correlation\":0.5,\"test_loss\":1.25,\"exact_entropy\":null,"
                + "\"plm_coupling_correlation\":0.25,\"plm_test_loss\":1.5,\"seconds\":2.0}]}", json);
    }
}
