package org.spinformer.representations.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.spinformer.core.device.Devices;
import org.spinformer.core.io.BadFileException;
import org.spinformer.core.nn.EncoderLayer;
import org.spinformer.core.nn.Functional;
import org.spinformer.core.nn.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A vision-transformer image encoder on core blocks, for hidden states (ViT: Dosovitskiy et al., ICLR 2021;
 * DINOv2: Oquab et al., TMLR 2024). Images x [B,C,H,W] (already resized and normalised), patch side p,
 * P = (H/p)(W/p) patches:
 * <pre>
 *   patches = x cut into p×p squares, each flattened in (C, p, p) order     [B,P,C·p·p]
 *   h₀ = [cls; patches Wᵀ + b] + E_pos                                        [B,1+P,D]
 *   h_l = EncoderLayer_l(h_{l−1})   pre-LN; DINOv2 with layer scale λ₁, λ₂
 * </pre>
 * The states are those of Hugging Face's {@code output_hidden_states}: h₀ … h_L, the last without the final
 * LayerNorm ({@code layernorm.*}, applied by {@link #lastHiddenState}). Names (a leading {@code vit.} or
 * {@code dinov2.} is stripped): {@code embeddings.cls_token} [1,1,D], {@code embeddings.position_embeddings}
 * [1,1+P,D], {@code embeddings.patch_embeddings.projection.{weight [D,C,p,p], bias}}, {@code encoder.layer.l.*}
 * ({@link EncoderLayer.Names#VIT} or {@link EncoderLayer.Names#DINOV2}), {@code layernorm.*}. The position table
 * is used as trained, so H and W must give its number of patches (no interpolation).
 */
public final class VisionEncoder implements AutoCloseable {
    /** Architecture families. */
    public enum Family {
        VIT, DINOV2
    }

    /**
     * Shape of the model.
     *
     * @param family    architecture
     * @param imageSize H = W the position table was trained for
     * @param patch     p
     * @param channels  C
     * @param dim       D
     * @param heads     H
     * @param layers    L
     * @param hidden    F (MLP width)
     * @param eps       LayerNorm ε
     * @param act       MLP activation
     */
    public record Config(Family family, int imageSize, int patch, int channels, long dim, int heads, int layers,
            long hidden, double eps, Functional.Activation act) {
        public Config {
            if (patch < 1 || imageSize < patch || imageSize % patch != 0 || channels < 1 || dim < 1 || heads < 1
                    || dim % heads != 0 || layers < 1 || hidden < 1) {
                throw new IllegalArgumentException("vision config: need patch_size >= 1 dividing image_size, "
                        + "num_channels, hidden_size (divisible by num_attention_heads), num_hidden_layers and "
                        + "intermediate_size >= 1");
            }
        }

        /** Patches per image, (imageSize/patch)². */
        public long patches() {
            long g = imageSize / patch;
            return g * g;
        }
    }

    private final String name;
    private final Config cfg;
    private final Parameters params;
    private final NDManager manager;
    private final List<EncoderLayer> layers = new ArrayList<>();

    /** Takes ownership of {@code manager}, which owns {@code params}. */
    public VisionEncoder(String name, Config cfg, Parameters params, NDManager manager) {
        this.name = name;
        this.cfg = cfg;
        this.params = params;
        this.manager = manager;
        boolean dino = cfg.family() == Family.DINOV2;
        for (int l = 0; l < cfg.layers(); l++) {
            layers.add(EncoderLayer.builder().setManager(manager).optParameters(params)
                    .optDataType(params.floatType()).optPrefix("encoder.layer." + l + ".").setDim(cfg.dim())
                    .setHeads(cfg.heads()).setHidden(cfg.hidden()).optActivation(cfg.act()).optPreNorm(true)
                    .optEps(cfg.eps()).optNames(dino ? EncoderLayer.Names.DINOV2 : EncoderLayer.Names.VIT)
                    .optLayerScale(dino).build());
        }
        long p = cfg.patch();
        params.need("embeddings.cls_token", new Shape(1, 1, cfg.dim()));
        params.need("embeddings.position_embeddings", new Shape(1, 1 + cfg.patches(), cfg.dim()));
        params.need("embeddings.patch_embeddings.projection.weight", new Shape(cfg.dim(), cfg.channels(), p, p));
        params.need("embeddings.patch_embeddings.projection.bias", new Shape(cfg.dim()));
        params.need("layernorm.weight", new Shape(cfg.dim()));
        params.need("layernorm.bias", new Shape(cfg.dim()));
    }

    public String name() {
        return name;
    }

    public Config config() {
        return cfg;
    }

    /** The compute type of the weights. */
    public DataType dataType() {
        return params.floatType();
    }

    /** h₀ [B,1+P,D] of images [B,C,H,W]. */
    public NDArray embed(NDArray images) {
        Shape s = images.getShape();
        int p = cfg.patch();
        if (s.dimension() != 4 || s.get(1) != cfg.channels() || s.get(2) % p != 0 || s.get(3) % p != 0
                || (s.get(2) / p) * (s.get(3) / p) != cfg.patches()) {
            throw new IllegalArgumentException("images must be [B, " + cfg.channels() + ", H, W] with "
                    + cfg.patches() + " patches of " + p + "x" + p + " (e.g. " + cfg.imageSize() + "x"
                    + cfg.imageSize() + "), got " + s);
        }
        long b = s.get(0);
        long gh = s.get(2) / p;
        long gw = s.get(3) / p;
        NDArray patches = images.reshape(b, cfg.channels(), gh, p, gw, p).transpose(0, 2, 4, 1, 3, 5)
                .reshape(b, gh * gw, (long) cfg.channels() * p * p);
        NDArray w = params.get("embeddings.patch_embeddings.projection.weight").reshape(cfg.dim(), -1);
        NDArray x = Functional.linear(patches, w, params.get("embeddings.patch_embeddings.projection.bias"));
        NDArray cls = params.get("embeddings.cls_token").broadcast(new Shape(b, 1, cfg.dim()));
        return cls.concat(x, 1).add(params.get("embeddings.position_embeddings"));
    }

    /** h₀ … h_L, each [B,1+P,D] (the last before the final LayerNorm, as Hugging Face's hidden_states). */
    public NDList hiddenStates(NDArray images) {
        return LoadedModel.states(embed(images), layers.size(), (l, in) -> layers.get(l).forward(in, null));
    }

    /** LN(h_L): the model's {@code last_hidden_state}. */
    public NDArray lastHiddenState(NDList states) {
        return Functional.layerNorm(states.get(states.size() - 1), params.get("layernorm.weight"),
                params.get("layernorm.bias"), cfg.eps());
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Loads a Hugging Face ViT or DINOv2 directory (config.json, single or sharded safetensors). */
    public static VisionEncoder load(Path dir, Device device, DataType dtype) throws IOException {
        Config cfg;
        try {
            cfg = Models.visionConfig(dir);
        } catch (IllegalArgumentException e) {
            throw new BadFileException(e.getMessage(), e);
        }
        NDManager m = Devices.manager(device);
        try {
            Parameters p = Models.loadWeights(dir, m, dtype, cfg.family() == Family.DINOV2 ? "dinov2" : "vit");
            VisionEncoder v = new VisionEncoder(dir.getFileName().toString(), cfg, p, m);
            p.requireComplete();
            return v;
        } catch (IllegalArgumentException e) {
            m.close();
            throw new BadFileException(e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }
}
