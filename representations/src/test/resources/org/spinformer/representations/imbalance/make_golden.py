#!/usr/bin/env python3
"""Golden values for InformationImbalanceGoldenTest: Information Imbalance from full argsort ranks (numpy only).

Writes the datasets (float64 .npy) and golden.json. Run from this directory: python3 make_golden.py
Ranks: "first" = position in np.argsort(kind="stable") of the row (self at +inf, last);
       "min"   = 1 + number of strictly smaller distances (np.sort + searchsorted 'left').
Neighbours in the source space: the first k of the stable argsort (ties -> lower index).
Delta(A->B) = 2/N_ref * mean over queries and over the k neighbours of the B-rank.
"""
import json
import numpy as np

rng = np.random.default_rng(20261129)


def dist(x, y, metric):
    if metric == "euclidean":
        return np.sqrt(((x[:, None, :] - y[None, :, :]) ** 2).sum(-1))
    if metric == "cosine":
        nx = np.linalg.norm(x, axis=1)[:, None]
        ny = np.linalg.norm(y, axis=1)[None, :]
        return 1.0 - (x @ y.T) / (nx * ny)
    if metric == "hamming":
        bx = x > 0
        by = y > 0
        return (bx[:, None, :] != by[None, :, :]).sum(-1).astype(np.float64)
    raise ValueError(metric)


def ranks(d, ties):
    n = d.shape[1]
    if ties == "first":
        order = np.argsort(d, axis=1, kind="stable")
        r = np.empty_like(order)
        r[np.arange(d.shape[0])[:, None], order] = np.arange(n)[None, :]
        return r + 1
    s = np.sort(d, axis=1)
    return np.stack([np.searchsorted(s[i], d[i], side="left") for i in range(d.shape[0])]) + 1


def imbalance(a, b, k, ties, metric, q, r):
    da = dist(a[q], a[r], metric)
    db = dist(b[q], b[r], metric)
    self_mask = np.asarray(q)[:, None] == np.asarray(r)[None, :]
    da[self_mask] = np.inf
    db[self_mask] = np.inf
    nn_a = np.argsort(da, axis=1, kind="stable")[:, :k]
    nn_b = np.argsort(db, axis=1, kind="stable")[:, :k]
    rb = ranks(db, ties)
    ra = ranks(da, ties)
    rows = np.arange(len(q))[:, None]
    a2b = 2.0 / len(r) * rb[rows, nn_a].mean()
    b2a = 2.0 / len(r) * ra[rows, nn_b].mean()
    return float(a2b), float(b2a)


# dataset 1: Gaussian, B = two of A's coordinates plus noise
n = 60
ga = rng.normal(size=(n, 5))
gb = np.concatenate([ga[:, :2] + 0.3 * rng.normal(size=(n, 2)), rng.normal(size=(n, 1))], axis=1)
# dataset 2: small integers, many exact ties
ia = rng.integers(0, 4, size=(50, 3)).astype(np.float64)
ib = (ia[:, :2] + rng.integers(0, 2, size=(50, 2))).astype(np.float64)
np.save("gauss_a.npy", ga)
np.save("gauss_b.npy", gb)
np.save("int_a.npy", ia)
np.save("int_b.npy", ib)

cases = []
for name, a, b in [("gauss", ga, gb), ("int", ia, ib)]:
    all_idx = list(range(a.shape[0]))
    for metric in (["euclidean", "cosine", "hamming"] if name == "gauss" else ["euclidean"]):
        for k in (1, 5):
            for ties in ("min", "first"):
                a2b, b2a = imbalance(a, b, k, ties, metric, all_idx, all_idx)
                cases.append(dict(data=name, metric=metric, k=k, ties=ties, queries=None, references=None,
                                  a_to_b=a2b, b_to_a=b2a))
    # query/reference split with overlap (self excluded where a query is also a reference)
    q = list(range(0, 20))
    r = list(range(10, a.shape[0]))
    for k in (1, 5):
        for ties in ("min", "first"):
            a2b, b2a = imbalance(a, b, k, ties, "euclidean", q, r)
            cases.append(dict(data=name, metric="euclidean", k=k, ties=ties, queries=q, references=r,
                              a_to_b=a2b, b_to_a=b2a))

with open("golden.json", "w") as f:
    json.dump(cases, f, indent=1)
print(len(cases), "cases")
