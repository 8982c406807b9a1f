#!/usr/bin/env python3
"""Python PyTorch peer of MiniLmBench: all-MiniLM-L6-v2 (a 6-layer post-LN BERT, D=384, 12 heads, erf GELU,
LayerNorm eps 1e-12) written independently from the Hugging Face BERT equations, returning every hidden state
(like output_hidden_states=True).

Reads the weights (Hugging Face names, .npy) and token ids written by org.spinformer.benchmarks.PeerFixtures,
checks that its hidden states equal ours (hidden.npy) within 1e-4, then times the forward under no_grad with the
given number of intra-op threads. Prints one JSON object like the other peers.
"""
import glob
import math
import os

import numpy as np
import torch

import peer_common

EPS = 1e-12
HEADS = 12


def layer_norm(x, w, b):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w, b, EPS)


def forward(p, ids):
    b, t = ids.shape
    pos = torch.arange(t)
    x = p["embeddings.word_embeddings.weight"][ids] + p["embeddings.position_embeddings.weight"][pos][None]
    x = x + p["embeddings.token_type_embeddings.weight"][0]
    x = layer_norm(x, p["embeddings.LayerNorm.weight"], p["embeddings.LayerNorm.bias"])
    out = [x]
    i = 0
    while f"encoder.layer.{i}.attention.self.query.weight" in p:
        g = lambda n: p[f"encoder.layer.{i}.{n}"]
        lin = lambda h, n: h @ g(n + ".weight").T + g(n + ".bias")
        d = x.shape[-1]
        dh = d // HEADS
        split = lambda h: h.view(b, t, HEADS, dh).transpose(1, 2)
        q, k, v = (split(lin(x, "attention.self." + n)) for n in ("query", "key", "value"))
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dh), dim=-1) @ v
        a = a.transpose(1, 2).reshape(b, t, d)
        x = layer_norm(x + lin(a, "attention.output.dense"), g("attention.output.LayerNorm.weight"),
                       g("attention.output.LayerNorm.bias"))
        h = torch.nn.functional.gelu(lin(x, "intermediate.dense"))
        x = layer_norm(x + lin(h, "output.dense"), g("output.LayerNorm.weight"), g("output.LayerNorm.bias"))
        out.append(x)
        i += 1
    return out


def main():
    a = peer_common.parse_args(__doc__, warmup=3)
    d = os.path.join(a.fixtures, "minilm")
    p = {}
    for f in glob.glob(os.path.join(d, "*.npy")):
        name = os.path.basename(f)[:-4]
        if name not in ("input_ids", "hidden"):
            p[name] = torch.from_numpy(np.load(f))
    ids = torch.from_numpy(np.load(os.path.join(d, "input_ids.npy")))
    ours = np.load(os.path.join(d, "hidden.npy"))
    with torch.no_grad():
        hs = torch.stack(forward(p, ids)).numpy()
    err = float(np.abs(hs - ours).max())
    check = {"max_abs_err_hidden_states": err, "layers": int(hs.shape[0])}
    peer_common.require(err < 1e-4, check)
    with torch.no_grad():
        ms = peer_common.time_ms(lambda: forward(p, ids), a.warmup, a.repeats)
    peer_common.emit(a.threads, check, {"MiniLmBench.oursAllHiddenStates": ms})


if __name__ == "__main__":
    main()
