#!/usr/bin/env python3
"""Peer for the Information Imbalance benchmark: the full-rank numpy reference (both directions).

Usage: imbalance_numpy.py A.npy B.npy [--k 1] [--dtype float64|float32] [--repeat 1] [--maxk M]
Prints one JSON line: {"a_to_b", "b_to_a", "n", "k", "seconds" (best of --repeat), "gemm_seconds", "dtype"}.

Method (what DADApy does without its maxk truncation): squared distances by one GEMM per space
(|x|^2 + |y|^2 - 2 x.y), self at +inf, the full rank matrix of each space from a stable argsort of every row,
neighbours = the first k of the stable argsort, Delta(A->B) = 2/N * mean rank_B(i, nn_A(i)).

--maxk M: DADApy's default algorithm instead (biased): each point keeps only its M nearest (itself included, as
DADApy's dist_indices), found by argpartition + a sort of those M; the rank of a neighbour missing from the other
space's list is drawn uniformly from [M, N) (DADApy `_return_ranks`, seeded here).
"""
import argparse
import json
import time

import numpy as np


def sqdist(x):
    sq = (x * x).sum(1)
    d = sq[:, None] + sq[None, :] - 2.0 * (x @ x.T)
    np.fill_diagonal(d, np.inf)
    return d


def full_ranks(order):
    n = order.shape[0]
    r = np.empty_like(order)
    r[np.arange(n)[:, None], order] = np.arange(1, order.shape[1] + 1)[None, :]
    return r


def imbalance(a, b, k):
    n = a.shape[0]
    t0 = time.perf_counter()
    da = sqdist(a)
    db = sqdist(b)
    t1 = time.perf_counter()
    oa = np.argsort(da, axis=1, kind="stable")
    ob = np.argsort(db, axis=1, kind="stable")
    ra = full_ranks(oa)
    rb = full_ranks(ob)
    rows = np.arange(n)[:, None]
    a2b = 2.0 / n * rb[rows, oa[:, :k]].mean()
    b2a = 2.0 / n * ra[rows, ob[:, :k]].mean()
    t2 = time.perf_counter()
    return float(a2b), float(b2a), t2 - t0, t1 - t0


def imbalance_maxk(a, b, k, maxk, seed=0):
    n = a.shape[0]
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    da = sqdist(a)
    db = sqdist(b)
    t1 = time.perf_counter()
    rows = np.arange(n)[:, None]

    def lists(d):
        part = np.argpartition(d, maxk - 2, axis=1)[:, :maxk - 1]  # self is at +inf: the M-1 nearest others
        order = np.argsort(d[rows, part], axis=1, kind="stable")
        return np.concatenate([np.arange(n)[:, None], part[rows, order]], axis=1)  # [N, M], self first

    la = lists(da)
    lb = lists(db)

    def ranks(l1, l2):
        nb = l1[:, 1:k + 1]  # [N,k]
        hit = l2[:, None, :] == nb[:, :, None]  # [N,k,M]
        found = hit.any(2)
        pos = hit.argmax(2)
        rnd = rng.integers(maxk, n, size=nb.shape)
        return np.where(found, pos, rnd)

    a2b = 2.0 / n * ranks(la, lb).mean()
    b2a = 2.0 / n * ranks(lb, la).mean()
    t2 = time.perf_counter()
    return float(a2b), float(b2a), t2 - t0, t1 - t0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--k", type=int, default=1)
    p.add_argument("--dtype", default="float64")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--maxk", type=int, default=0, help="DADApy's truncated algorithm with this maxk (0: exact)")
    args = p.parse_args()
    a = np.load(args.a).astype(args.dtype)
    b = np.load(args.b).astype(args.dtype)
    best = None
    for _ in range(args.repeat):
        r = imbalance_maxk(a, b, args.k, args.maxk) if args.maxk > 0 else imbalance(a, b, args.k)
        if best is None or r[2] < best[2]:
            best = r
    print(json.dumps(dict(a_to_b=best[0], b_to_a=best[1], n=a.shape[0], k=args.k, seconds=best[2],
                          gemm_seconds=best[3], dtype=args.dtype, maxk=args.maxk)))


if __name__ == "__main__":
    main()
