#!/usr/bin/env python3
"""Writes a random Llama-architecture Hugging Face directory (config.json, tokenizer.json, sharded BF16
safetensors, one shard per layer) for memory and speed measurements of `repr hidden`; numpy only.

    python3 random_llama.py OUT_DIR [--layers 16] [--dim 2048] [--hidden 8192] [--heads 32] [--kv-heads 8]
                                    [--vocab 128256] [--seed 1]

The defaults are Llama-3.2-1B's shape (1.24e9 parameters, 2.5 GB in BF16). Weights ~ N(0, 0.02²), norms 1.
The tokenizer is a whitespace WordLevel over the words w0 .. w{vocab-1}, so any text of such words works.
"""
import argparse
import json
import os
import struct

import numpy as np


def bf16(a):
    """float32 -> bfloat16 bit patterns (round to nearest even), as uint16."""
    u = a.astype(np.float32).view(np.uint32)
    u = u + 0x7FFF + ((u >> 16) & 1)
    return (u >> 16).astype(np.uint16)


def write_shard(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, arr in tensors:
        raw = bf16(arr).tobytes()
        header[name] = {"dtype": "BF16", "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--layers", type=int, default=16)
    p.add_argument("--dim", type=int, default=2048)
    p.add_argument("--hidden", type=int, default=8192)
    p.add_argument("--heads", type=int, default=32)
    p.add_argument("--kv-heads", type=int, default=8)
    p.add_argument("--vocab", type=int, default=128256)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    if min(a.layers, a.dim, a.hidden, a.heads, a.kv_heads, a.vocab) < 1 or a.dim % a.heads or a.heads % a.kv_heads:
        p.error("sizes must be >= 1, --heads must divide --dim and --kv-heads divide --heads")
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    d, f, dh = a.dim, a.hidden, a.dim // a.heads
    normal = lambda *shape: rng.standard_normal(shape, dtype=np.float32) * np.float32(0.02)
    weight_map, total, count = {}, 0, a.layers + 1

    def put(i, tensors):  # one shard at a time: one layer in memory
        nonlocal total
        name = f"model-{i + 1:05d}-of-{count:05d}.safetensors"
        write_shard(os.path.join(a.out, name), tensors)
        for t, arr in tensors:
            weight_map[t] = name
            total += arr.size

    put(0, [("model.embed_tokens.weight", normal(a.vocab, d)), ("model.norm.weight", np.ones(d, np.float32))])
    for l in range(a.layers):
        q = f"model.layers.{l}."
        put(l + 1, [(q + "input_layernorm.weight", np.ones(d, np.float32)),
                    (q + "self_attn.q_proj.weight", normal(a.heads * dh, d)),
                    (q + "self_attn.k_proj.weight", normal(a.kv_heads * dh, d)),
                    (q + "self_attn.v_proj.weight", normal(a.kv_heads * dh, d)),
                    (q + "self_attn.o_proj.weight", normal(d, a.heads * dh)),
                    (q + "post_attention_layernorm.weight", np.ones(d, np.float32)),
                    (q + "mlp.gate_proj.weight", normal(f, d)),
                    (q + "mlp.up_proj.weight", normal(f, d)),
                    (q + "mlp.down_proj.weight", normal(d, f))])
    with open(os.path.join(a.out, "model.safetensors.index.json"), "w") as fh:
        json.dump({"metadata": {"total_size": 2 * total}, "weight_map": weight_map}, fh)
    with open(os.path.join(a.out, "config.json"), "w") as fh:
        json.dump({"model_type": "llama", "vocab_size": a.vocab, "hidden_size": d, "intermediate_size": f,
                   "num_hidden_layers": a.layers, "num_attention_heads": a.heads,
                   "num_key_value_heads": a.kv_heads, "rms_norm_eps": 1e-5, "rope_theta": 500000.0,
                   "hidden_act": "silu", "max_position_embeddings": 2048, "torch_dtype": "bfloat16"}, fh)
    vocab = {f"w{i}": i for i in range(a.vocab)}
    with open(os.path.join(a.out, "tokenizer.json"), "w") as fh:
        json.dump({"version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": None,
                   "pre_tokenizer": {"type": "Whitespace"}, "post_processor": None, "decoder": None,
                   "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "w0"}}, fh)
    print(json.dumps({"out": a.out, "parameters": int(total), "layers": a.layers, "dim": d, "hidden": f,
                      "vocab": a.vocab, "bytes_bf16": 2 * int(total)}))


if __name__ == "__main__":
    main()
