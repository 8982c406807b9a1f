#!/usr/bin/env python3
"""Python PyTorch peer of AttentionBench: the same multi-head and factored attention, written independently.

Reads the fixtures written by org.spinformer.benchmarks.PeerFixtures (inputs and our outputs), checks that this
implementation reproduces our outputs and W_v gradients, then times forward and forward+backward with the given
number of intra-op threads. Prints one JSON object: {"check": {...}, "timings": {name: [ms, ...]}}.

Definitions (PyTorch weight layout [out, in]):
  multi-head: Q,K,V = x W^T + b split into H heads of width D/H; P = softmax(Q K^T / sqrt(D/H) + mask), mask = -1e9
              on padded keys; y = merge(P V) W_o^T + b_o
  factored:   V = x W_v^T + b_v split into heads; y = merge(alpha_h V_h) W_o^T + b_o, alpha [H,T,T] fixed
"""
import math
import os

import numpy as np
import torch

import peer_common


def split(t, heads):
    b, n, d = t.shape
    return t.view(b, n, heads, d // heads).transpose(1, 2)


def merge(t):
    b, h, n, dh = t.shape
    return t.transpose(1, 2).reshape(b, n, h * dh)


def mha(x, p, heads):
    q = split(x @ p["wq"].T + p["bq"], heads)
    k = split(x @ p["wk"].T + p["bk"], heads)
    v = split(x @ p["wv"].T + p["bv"], heads)
    s = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1]) + (1.0 - p["pad"])[:, None, None, :] * -1e9
    return merge(torch.softmax(s, dim=-1) @ v) @ p["wo"].T + p["bo"]


def factored(x, p, heads):
    v = split(x @ p["wv"].T + p["bv"], heads)
    return merge(p["alpha"][None] @ v) @ p["wo"].T + p["bo"]


def main():
    a = peer_common.parse_args(__doc__, warmup=5)
    d = os.path.join(a.fixtures, "attention")
    load = lambda n: torch.from_numpy(np.load(os.path.join(d, n + ".npy")))
    p = {n: load(n) for n in ["wq", "wk", "wv", "wo", "bq", "bk", "bv", "bo", "alpha", "pad"]}
    x = load("x")
    heads = p["alpha"].shape[0]
    check = {}
    fns = {"mha": lambda: mha(x, p, heads), "factored": lambda: factored(x, p, heads)}
    for tag, fn in fns.items():
        p["wv"].requires_grad_(True)
        y = fn()
        (y * y).mean().backward()
        ey = (y.detach() - load("y_" + tag)).abs().max().item()
        eg = (p["wv"].grad - load("gwv_" + tag)).abs().max().item() / load("gwv_" + tag).abs().max().item()
        p["wv"].grad = None
        check[tag] = {"max_abs_err_output": ey, "max_rel_err_grad_wv": eg}
        peer_common.require(ey < 1e-4 and eg < 1e-4, check)
    # every weight takes gradients in the timed backward, as in AttentionBench
    for n in ["wq", "wk", "wv", "wo", "bq", "bk", "bv", "bo", "alpha"]:
        p[n].requires_grad_(True)

    def fwd(fn):
        with torch.no_grad():
            return fn()

    def fwd_bwd(fn):
        y = fn()
        (y * y).mean().backward()
        for n in p:
            p[n].grad = None
        return y

    timings = {}
    for tag, fn in fns.items():
        for mode, run in [("Forward", fwd), ("ForwardBackward", fwd_bwd)]:
            timings["AttentionBench." + tag + mode] = peer_common.time_ms(lambda: run(fn), a.warmup, a.repeats)
    peer_common.emit(a.threads, check, timings)


if __name__ == "__main__":
    main()
