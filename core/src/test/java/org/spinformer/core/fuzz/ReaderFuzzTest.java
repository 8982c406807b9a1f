package org.spinformer.core.fuzz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.spinformer.core.io.Checkpoint;
import org.spinformer.core.io.Npy;
import org.spinformer.core.io.OnnxModel;
import org.spinformer.core.io.SafeTensors;
import org.spinformer.core.io.ShardedSafeTensors;
import org.spinformer.core.io.Utf8Lines;
import org.spinformer.core.nn.Parameters;
import org.spinformer.core.text.TokenizerFile;
import org.spinformer.core.train.MetricsLog;

/**
 * Coverage-guided fuzzing of core's readers of outside bytes under {@link FuzzContract}. The default build replays
 * the committed seeds in {@code ReaderFuzzTestInputs/<target>/} (regression mode: made by
 * {@code core/src/test/fuzz/make_seeds.py}, plus every finding kept after its fix); {@code JAZZER_FUZZ=1} with
 * {@code -Dtest=ReaderFuzzTest#<target>} fuzzes one target (see {@code scripts/fuzz-campaign.sh}).
 */
class ReaderFuzzTest {
    private static final String[] SHARDS = {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"};

    @FuzzTest
    void safetensors(byte[] data) {
        Path f = FuzzContract.write(FuzzContract.dir("safetensors"), "model.safetensors", data);
        FuzzContract.check(m -> {
            SafeTensors.readHeader(f);
            SafeTensors.load(f, m, DataType.FLOAT32);
        });
    }

    /** The index JSON is fuzzed; the two shards it may point to are valid. */
    @FuzzTest
    void shardedIndex(byte[] data) {
        Path dir = shardDir();
        Path index = FuzzContract.write(dir, ShardedSafeTensors.INDEX_FILE, data);
        FuzzContract.check(m -> ShardedSafeTensors.load(index, m, DataType.FLOAT32));
    }

    @FuzzTest
    void npy(byte[] data) {
        Path f = FuzzContract.write(FuzzContract.dir("npy"), "a.npy", data);
        FuzzContract.check(m -> {
            Npy.readHeader(f);
            Npy.read(f, m);
        });
    }

    @FuzzTest
    void onnx(byte[] data) {
        Path f = Path.of("fuzz.onnx");
        FuzzContract.check(m -> {
            OnnxModel model = OnnxModel.parse(f, ByteBuffer.wrap(data));
            for (OnnxModel.Tensor t : model.initializers().values()) {
                model.toNDArray(t, m);
            }
            model.matMulWeightNodes();
            model.huggingFaceParameters(m);
        });
    }

    @FuzzTest
    void tokenizer(byte[] data) {
        FuzzContract.check(m -> {
            try (TokenizerFile t = TokenizerFile.of(data, "fuzz tokenizer.json", true, 16)) {
                long[] ids = t.encode("The quick brown fox, ünïcödé 東京 🙂");
                t.decode(ids);
                t.vocabulary();
            }
        });
    }

    @FuzzTest
    void utf8Lines(byte[] data) {
        FuzzContract.check(m -> Utf8Lines.read(new ByteArrayInputStream(data), "--texts fuzz.txt"));
    }

    /** A {@code log.jsonl} read back and cut back on resume. */
    @FuzzTest
    void metricsLog(byte[] data) {
        Path f = FuzzContract.write(FuzzContract.dir("metrics"), "log.jsonl", data);
        FuzzContract.check(m -> {
            MetricsLog.read(f);
            MetricsLog.resume(f, "step", 3).close();
        });
    }

    /** A valid checkpoint whose manifest.json is fuzzed. */
    @FuzzTest
    void checkpointManifest(byte[] data) {
        Path dir = checkpointDir();
        FuzzContract.write(dir, Checkpoint.MANIFEST, data);
        FuzzContract.check(m -> Checkpoint.load(dir, m));
    }

    /** A valid checkpoint whose state.json is fuzzed, with the manifest's hash of it made to match. */
    @FuzzTest
    void checkpointState(byte[] data) throws IOException {
        Path dir = checkpointDir();
        Path state = FuzzContract.write(dir, Checkpoint.STATE, data);
        JsonObject man = JsonParser.parseString(new String(manifest, StandardCharsets.UTF_8)).getAsJsonObject();
        JsonObject entry = man.getAsJsonObject("files").getAsJsonObject(Checkpoint.STATE);
        entry.addProperty("bytes", data.length);
        entry.addProperty("sha256", Checkpoint.sha256(state));
        Files.writeString(dir.resolve(Checkpoint.MANIFEST), man.toString());
        FuzzContract.check(m -> Checkpoint.load(dir, m));
    }

    private static Path shardDir() {
        Path dir = FuzzContract.dir("sharded");
        if (!Files.exists(dir.resolve(SHARDS[1]))) {
            FuzzContract.check(m -> {
                SafeTensors.write(dir.resolve(SHARDS[0]), Map.of("a.weight", m.arange(6f).reshape(2, 3)));
                SafeTensors.write(dir.resolve(SHARDS[1]), Map.of("b.bias", m.ones(new ai.djl.ndarray.types.Shape(3))));
            });
        }
        return dir;
    }

    private static byte[] manifest;
    private static byte[] stateJson;

    /** A valid checkpoint, made once; each call restores the manifest and state a previous input replaced. */
    private static synchronized Path checkpointDir() {
        Path dir = FuzzContract.dir("checkpoint").resolve("ckpt");
        if (manifest == null) {
            FuzzContract.check(m -> {
                Parameters w = new Parameters();
                w.put("w", m.arange(4f));
                Map<String, NDArray> opt = new LinkedHashMap<>();
                opt.put("m.w", m.zeros(new ai.djl.ndarray.types.Shape(4)));
                JsonObject cfg = new JsonObject();
                cfg.addProperty("lr", 0.1);
                Checkpoint.save(dir, w, opt, 7, cfg, new JsonObject());
                manifest = Files.readAllBytes(dir.resolve(Checkpoint.MANIFEST));
                stateJson = Files.readAllBytes(dir.resolve(Checkpoint.STATE));
            });
        }
        FuzzContract.write(dir, Checkpoint.MANIFEST, manifest);
        FuzzContract.write(dir, Checkpoint.STATE, stateJson);
        return dir;
    }
}
