package org.spinformer.language.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import org.spinformer.core.nn.DecoderLayer;
import org.spinformer.core.nn.Embedding;
import org.spinformer.core.nn.LayerNorm;
import org.spinformer.core.nn.Linear;
import org.spinformer.core.nn.Parameters;
import org.spinformer.language.corpus.Windows;

import java.util.ArrayList;
import java.util.List;

/**
 * A GPT-2-style causal language model (Radford et al. 2019) on the core blocks, the next-token student of the
 * simplicity experiment ({@link org.spinformer.language.experiment.SimplicityGpt}):
 * <pre>
 *   h⁰_t = W_te[x_t] + W_pe[t]                         [B,T−1,D]   (inputs x_0 … x_{T−2})
 *   hˡ   = DecoderLayer_l(hˡ⁻¹)                         l = 1..L (GPT-2 form: pre-LN, causal softmax attention,
 *                                                                 GELU-tanh MLP of width F)
 *   logits_t = W_head LN_f(hᴸ_t)                        [B,T−1,V]
 *   L(x) = −1/(T−1) Σ_{t=1}^{T−1} log softmax(logits_{t−1})[x_t]
 * </pre>
 * so the logits that predict x_t depend on x_{&lt;t} only (the causal mask of {@link DecoderLayer}). Names:
 * {@code wte.weight}, {@code wpe.weight}, {@code h.<l>.*} (Hugging Face GPT-2 names), {@code ln_f.*},
 * {@code lm_head.weight}. Initialisation 𝒩(0, 0.02²) as GPT-2.
 */
public final class GptLm {
    /** V, window length T, width D, heads H, MLP width F, layers L, init seed. */
    public record Config(int vocab, int length, int dim, int heads, int hidden, int layers, long seed) {
        public Config {
            if (vocab < 2 || length < 2 || dim < 1 || heads < 1 || dim % heads != 0 || layers < 1 || hidden < 1) {
                throw new IllegalArgumentException("bad GPT student config: V=" + vocab + " T=" + length + " D="
                        + dim + " H=" + heads + " F=" + hidden + " L=" + layers
                        + " (need T >= 2 and D divisible by H)");
            }
        }
    }

    private final Config cfg;
    private final Parameters params = new Parameters();
    private final Embedding tokens;
    private final Embedding positions;
    private final List<DecoderLayer> layers = new ArrayList<>();
    private final LayerNorm finalNorm;
    private final Linear head;

    public GptLm(Config cfg, NDManager manager, DataType dtype) {
        this.cfg = cfg;
        tokens = Embedding.builder().setManager(manager).optParameters(params).optDataType(dtype).optSeed(cfg.seed)
                .optPrefix("wte.").setVocab(cfg.vocab).setDim(cfg.dim).build();
        positions = Embedding.builder().like(tokens).optPrefix("wpe.").setVocab(cfg.length).setDim(cfg.dim).build();
        for (int l = 0; l < cfg.layers; l++) {
            layers.add(DecoderLayer.builder().like(tokens).optPrefix("h." + l + ".").setStyle(DecoderLayer.Style.GPT2)
                    .setDim(cfg.dim).setHeads(cfg.heads).setHidden(cfg.hidden).build());
        }
        finalNorm = LayerNorm.builder().like(tokens).optPrefix("ln_f.").setDim(cfg.dim).build();
        head = Linear.builder().like(tokens).optPrefix("lm_head.").setIn(cfg.dim).setOut(cfg.vocab).optBias(false)
                .build();
    }

    public Config cfg() {
        return cfg;
    }

    public Parameters parameters() {
        return params;
    }

    /** {@code "kind": "gpt"} and the configuration's components. */
    public JsonObject config() {
        return Models.configJson("gpt", cfg);
    }

    /** ids int64 [B,S] (S ≤ T) → logits [B,S,V]; the logits at s depend on ids[:, 0..s] only. */
    public NDArray logits(NDArray ids) {
        long s = ids.getShape().get(1);
        NDArray pos = ids.getManager().arange(0L, s, 1L, DataType.INT64).reshape(1, s);
        NDArray h = tokens.forward(ids).add(positions.forward(pos));
        for (DecoderLayer layer : layers) {
            h = layer.forward(h, null);
        }
        return head.forward(finalNorm.forward(h));
    }

    /** log p(x_t | x_{&lt;t}) for t = 1..T−1 of windows int64 [B,T], [B,T−1]. */
    public NDArray logProbs(NDArray ids) {
        long b = ids.getShape().get(0);
        long t = ids.getShape().get(1);
        NDArray lp = logits(ids.get(new NDIndex(":, :-1"))).logSoftmax(2); // [B,T−1,V]
        NDManager m = ids.getManager();
        NDArray at = m.arange(0L, b * (t - 1), 1L, DataType.INT64).mul(cfg.vocab)
                .add(ids.get(new NDIndex(":, 1:")).reshape(b * (t - 1)));
        return lp.reshape(-1).take(m, at).reshape(b, t - 1);
    }

    /** The next-token loss of windows int64 [B,T]: −(1/(B(T−1))) Σ_b Σ_{t≥1} log p(x_t | x_{&lt;t}) (a scalar). */
    public NDArray loss(NDArray ids) {
        return logProbs(ids).mean().neg();
    }

    /**
     * Mean next-token loss (nats per predicted token) of {@code windows} int [N][T], no gradients, in batches of
     * {@code batch} windows on sub-managers of {@code base}.
     */
    public double evaluate(int[][] windows, NDManager base, int batch) {
        double sum = Windows.sumOverBatches(windows, batch, base, ids -> logProbs(ids).sum());
        double mean = -sum / ((double) windows.length * (cfg.length - 1));
        if (!Double.isFinite(mean)) {
            throw new IllegalStateException("test loss is not finite (" + mean + ")");
        }
        return mean;
    }
}
