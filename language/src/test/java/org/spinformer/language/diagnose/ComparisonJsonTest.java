package org.spinformer.language.diagnose;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** statistics.json: one object per corpus with the keys, in order, that the plots and readers expect. */
class ComparisonJsonTest {
    @Test
    void rowsKeepTheirKeysAndOrder() {
        Comparison.Row r = new Comparison.Row("moby", 12, 0.5, 0.25, 0.75, 0.125, 1.0, new double[] {2.0, 0.5});
        String json = Comparison.toJson(List.of(r), Comparison.Options.defaults()).getAsJsonArray("corpora").get(0)
                .toString();
        assertEquals("{\"name\":\"moby\",\"windows\":12,\"single_site_tv\":0.5,\"two_point_rel_error\":0.25,"
                + "\"two_point_correlation\":0.75,\"three_point_rel_error\":0.125,\"three_point_correlation\":1.0,"
                + "\"mutual_information\":[2.0,0.5]}", json);
    }
}
