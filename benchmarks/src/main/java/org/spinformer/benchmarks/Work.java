package org.spinformer.benchmarks;

import java.util.Map;

/** Analytic work per benchmark op (FLOPs or bytes), so the report can give rates and shares of the ceiling. */
final class Work {
    private Work() {}

    /** amount in giga-{unit} is computed by the report; ceilingKey names the ceiling it is compared with. */
    record Amount(double amount, String unit, String ceilingKey) {}

    static Amount of(String benchmark, Map<String, String> p) {
        String method = benchmark.substring(benchmark.indexOf('.') + 1);
        String cls = benchmark.substring(0, benchmark.indexOf('.'));
        switch (cls) {
            case "MatmulCeilingBench": {
                if (method.equals("copy1GiB")) {
                    return new Amount(2.0 * (1L << 30), "GB", "bandwidth");
                }
                double n = Double.parseDouble(p.get("n"));
                return new Amount(2 * n * n * n, "GFLOP", "matmul-" + p.get("dtype"));
            }
            case "AttentionBench": {
                double b = Double.parseDouble(p.get("batch"));
                double t = Double.parseDouble(p.get("tokens"));
                double d = Double.parseDouble(p.get("width"));
                boolean factored = method.startsWith("factored");
                // forward: projections (q,k,v,o or v,o) + scores/softmax-free products (QKᵀ, AV or αV)
                double proj = (factored ? 2 : 4) * 2 * b * t * d * d;
                double mix = (factored ? 1 : 2) * 2 * b * t * t * d;
                double fwd = proj + mix;
                double total = method.endsWith("Backward") ? 3 * fwd : fwd;
                return new Amount(total, "GFLOP", "matmul-" + p.getOrDefault("dtype", "float32"));
            }
            case "MiniLmBench": {
                // per token and layer: Q,K,V,O projections 8D², MLP 4DF, scores and weighted values 4TD
                double b = Double.parseDouble(p.get("batch"));
                double t = Double.parseDouble(p.get("tokens"));
                double d = 384;
                double f = 1536;
                return new Amount(b * t * 6 * (8 * d * d + 4 * d * f + 4 * t * d), "GFLOP", "matmul-float32");
            }
            case "BertMlmBench": {
                // per token and layer 8D² (Q,K,V,O) + 4DF (MLP) + 4TD (scores, weighted values); decoder 2DV per
                // masked position (K = B·round(0.15 T)); training step = 3 × forward (backward ≈ 2 × forward)
                double b = Double.parseDouble(p.get("batch"));
                double t = BertMlmBench.LENGTH;
                double d = BertMlmBench.DIM;
                double f = BertMlmBench.HIDDEN;
                double k = b * Math.round(0.15 * t);
                double fwd = b * t * BertMlmBench.LAYERS * (8 * d * d + 4 * d * f + 4 * t * d)
                        + k * 2 * d * BertMlmBench.VOCAB;
                return new Amount(3 * fwd, "GFLOP", "matmul-float32");
            }
            default:
                return null;
        }
    }
}
