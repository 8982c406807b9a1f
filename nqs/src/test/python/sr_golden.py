#!/usr/bin/env python3
"""Golden values (numpy + scipy only) for PeerGoldenTest: one stochastic-reconfiguration step of the ViT wave
function on the periodic 4x4 square J1-J2 Heisenberg model (J2 = 0.5, spin-1/2 units), float64.

Written from the equations, independently of the Java code, in the same layout as benchmarks/peers/sr_step_torch.py
(the PyTorch peer that agreed with SrStepBench to 1e-10), so the default build checks what the peer checked without
PyTorch:
  model     x_t = W_e P_t(s) + b_e;  x <- x + W_o merge(alpha_h V_h) + b_o, V = LN1(x) W_v^T + b_v,
            alpha_h[i,j] = a_h[(r_j - r_i) mod torus];  x <- x + W_2 GELU(W_1 LN2(x) + b_1) + b_2  (erf GELU,
            LN eps 1e-5);  z = LN(sum_t x_t);  log psi = sum_a log cosh(LN_r(W_r z + b_r)_a + i LN_i(W_i z + b_i)_a)
  E_loc     sum_b J_b [ s_i s_j / 4 + (1/2) [s_i != s_j] psi(s with i,j exchanged) / psi(s) ]
  Jacobian  O_k = d log psi / d theta_k by the complex step (exact to rounding: every function of theta before the
            log cosh is real-analytic), checked against central differences
  SR        X = [Re O_c; Im O_c]/sqrt(M), eps = 2 [Re E_c; Im E_c]/sqrt(M), gradient = X^T eps,
            delta = X^T (X X^T + lambda I)^-1 eps

Parameters are drawn here (seeded) with every gain away from 1 and every bias away from 0; the samples are random
total-Sz = 0 configurations (no Markov chain: the step's algebra does not depend on how they were drawn).
Writes nqs/src/test/resources/golden/sr/: meta.json (lattice, ViT config, J2, shift, parameter names and shapes in
the ViT's order), theta.npy [P] (parameters flattened in that order), sigma.npy [M,N], log_psi_re/im.npy [M],
e_loc_re/im.npy [M], jacobian_re/im.npy [M,P], gradient.npy [P], delta.npy [P].
Usage: python3 nqs/src/test/python/sr_golden.py [OUT_DIR]     (about 2 s)
"""
import json
import math
import os
import sys

import numpy as np
from scipy.special import erf

L, B = 4, 2  # lattice side, patch
D, LAYERS, H, F = 8, 2, 2, 12
J2 = 0.5
SHIFT = 1e-2
M = 24
LN_EPS = 1e-5
N = L * L
P_SIDE = L // B
T = P_SIDE * P_SIDE


def site(x, y):
    return (x % L) * L + (y % L)


def bonds():
    """Each J1 bond (vectors (1,0), (0,1)) and J2 bond ((1,1), (1,-1)) once, with its coupling."""
    x, y = np.divmod(np.arange(N), L)
    out, coup = [], []
    for vecs, j in ((((1, 0), (0, 1)), 1.0), (((1, 1), (1, -1)), J2)):
        pairs = np.concatenate([np.stack([site(x, y), site(x + dx, y + dy)], 1) for dx, dy in vecs])
        pairs = np.unique(np.sort(pairs[pairs[:, 0] != pairs[:, 1]], 1), axis=0)
        out.append(pairs)
        coup.append(np.full(len(pairs), j))
    return np.concatenate(out), np.concatenate(coup)


ORDER = np.array([site(tx * B + ix, ty * B + iy) for tx in range(P_SIDE) for ty in range(P_SIDE)
                  for ix in range(B) for iy in range(B)])
TORUS = np.array([[((j // P_SIDE - i // P_SIDE) % P_SIDE) * P_SIDE + ((j % P_SIDE - i % P_SIDE) % P_SIDE)
                   for j in range(T)] for i in range(T)])


def shapes():
    s = [("embed.weight", (D, B * B)), ("embed.bias", (D,))]
    for l in range(LAYERS):
        p = f"layers.{l}."
        s += [(p + "ln1.weight", (D,)), (p + "ln1.bias", (D,)), (p + "attn.alpha", (H, T)),
              (p + "attn.value.weight", (D, D)), (p + "attn.value.bias", (D,)),
              (p + "attn.output.weight", (D, D)), (p + "attn.output.bias", (D,)),
              (p + "ln2.weight", (D,)), (p + "ln2.bias", (D,)),
              (p + "mlp.fc1.weight", (F, D)), (p + "mlp.fc1.bias", (F,)),
              (p + "mlp.fc2.weight", (D, F)), (p + "mlp.fc2.bias", (D,))]
    s += [("norm.weight", (D,)), ("norm.bias", (D,))]
    for part in ("re", "im"):
        s += [(f"head.{part}.weight", (D, D)), (f"head.{part}.bias", (D,)),
              (f"head.{part}.norm.weight", (D,)), (f"head.{part}.norm.bias", (D,))]
    return s


SHAPES = shapes()


def draw_parameters(rng):
    flat = []
    for name, shp in SHAPES:
        if name.endswith("norm.weight") and name.startswith("head"):
            v = 0.6 + 0.2 * rng.standard_normal(shp)  # output gains: log psi of order one
        elif "ln" in name.split(".")[-2] or name.startswith("norm"):
            v = (1.0 if name.endswith("weight") else 0.0) + 0.2 * rng.standard_normal(shp)
        elif name.endswith("bias"):
            v = 0.1 * rng.standard_normal(shp)
        elif name.endswith("alpha"):
            v = rng.standard_normal(shp) / math.sqrt(T)
        else:
            v = rng.standard_normal(shp) / math.sqrt(shp[-1])
        flat.append(v.ravel())
    return np.concatenate(flat)


def unpack(theta):
    w, o = {}, 0
    for name, shp in SHAPES:
        k = int(np.prod(shp))
        w[name] = theta[o:o + k].reshape(shp)
        o += k
    return w


def layer_norm(x, g, b):
    mu = x.mean(-1, keepdims=True)
    xc = x - mu
    return xc / np.sqrt((xc * xc).mean(-1, keepdims=True) + LN_EPS) * g + b


def gelu(x):
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


def heads(theta, s):
    """The two real head outputs (re, im) [M,D] before the log cosh; theta may carry a complex step."""
    w = unpack(theta)
    m = s.shape[0]
    x = s[:, ORDER].reshape(m, T, B * B) @ w["embed.weight"].T + w["embed.bias"]
    for l in range(LAYERS):
        g = lambda n: w[f"layers.{l}.{n}"]
        y = layer_norm(x, g("ln1.weight"), g("ln1.bias"))
        v = (y @ g("attn.value.weight").T + g("attn.value.bias")).reshape(m, T, H, D // H).transpose(0, 2, 1, 3)
        alpha = g("attn.alpha")[:, TORUS]  # [H,T,T]
        o = (alpha[None] @ v).transpose(0, 2, 1, 3).reshape(m, T, D)
        x = x + o @ g("attn.output.weight").T + g("attn.output.bias")
        y = layer_norm(x, g("ln2.weight"), g("ln2.bias"))
        y = gelu(y @ g("mlp.fc1.weight").T + g("mlp.fc1.bias"))
        x = x + y @ g("mlp.fc2.weight").T + g("mlp.fc2.bias")
    z = layer_norm(x.sum(1), w["norm.weight"], w["norm.bias"])
    out = []
    for part in ("re", "im"):
        h = z @ w[f"head.{part}.weight"].T + w[f"head.{part}.bias"]
        out.append(layer_norm(h, w[f"head.{part}.norm.weight"], w[f"head.{part}.norm.bias"]))
    return out


def log_cosh(x, y):
    """log cosh(x + iy) as (re, im), the stable form: s = sign x, u = exp(-2|x|),
    log cosh z = s z - log 2 + log(1 + u e^{-2 i s y})."""
    s = np.where(x >= 0, 1.0, -1.0)
    u = np.exp(-2 * x * s)
    wr, wi = u * np.cos(2 * s * y), -u * np.sin(2 * s * y)
    return x * s - math.log(2) + 0.5 * np.log((1 + wr) ** 2 + wi ** 2), s * y + np.arctan2(wi, 1 + wr)


def log_psi(theta, s):
    re, im = heads(theta, s)
    lr, li = log_cosh(re, im)
    return lr.sum(-1), li.sum(-1)


def local_energy(theta, s, lre, lim):
    bd, coup = bonds()
    i, j = bd[:, 0], bd[:, 1]
    si, sj = s[:, i], s[:, j]
    e = (0.25 * si * sj * coup).sum(1).astype(complex)
    for r in range(s.shape[0]):
        for b in np.nonzero(si[r] != sj[r])[0]:
            c = s[r].copy()
            c[i[b]], c[j[b]] = c[j[b]], c[i[b]]
            cre, cim = log_psi(theta, c[None])
            e[r] += 0.5 * coup[b] * np.exp(cre[0] - lre[r] + 1j * (cim[0] - lim[r]))
    return e.real, e.imag


def jacobian(theta, s, step=1e-30):
    re, im = heads(theta, s)
    t = np.tanh(re + 1j * im)  # d log cosh(z) / dz
    jr = np.empty((s.shape[0], theta.size))
    ji = np.empty_like(jr)
    for k in range(theta.size):
        th = theta.astype(complex)
        th[k] += 1j * step
        dre, dim = (h.imag / step for h in heads(th, s))
        o = (t * (dre + 1j * dim)).sum(-1)
        jr[:, k], ji[:, k] = o.real, o.imag
    return jr, ji


def sr(jr, ji, er, ei):
    sq = math.sqrt(jr.shape[0])
    x = np.concatenate([jr - jr.mean(0), ji - ji.mean(0)]) / sq
    eps = 2 * np.concatenate([er - er.mean(), ei - ei.mean()]) / sq
    k = x @ x.T + SHIFT * np.eye(x.shape[0])
    return x.T @ eps, x.T @ np.linalg.solve(k, eps)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "resources",
                                                             "golden", "sr")
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20261204)
    theta = draw_parameters(rng)
    half = np.array([1.0] * (N // 2) + [-1.0] * (N // 2))
    sigma = np.stack([rng.permutation(half) for _ in range(M)])
    lre, lim = log_psi(theta, sigma)
    er, ei = local_energy(theta, sigma, lre, lim)
    jr, ji = jacobian(theta, sigma)
    # the complex step against central differences (a check of this script, printed)
    fd = 1e-6
    worst = 0.0
    for k in range(0, theta.size, 17):
        tp, tm = theta.copy(), theta.copy()
        tp[k] += fd
        tm[k] -= fd
        (pr, pi), (mr, mi) = log_psi(tp, sigma), log_psi(tm, sigma)
        worst = max(worst, np.abs((pr - mr) / (2 * fd) - jr[:, k]).max(), np.abs((pi - mi) / (2 * fd) - ji[:, k]).max())
    grad, delta = sr(jr, ji, er, ei)
    for name, v in [("theta", theta), ("sigma", sigma), ("log_psi_re", lre), ("log_psi_im", lim), ("e_loc_re", er),
                    ("e_loc_im", ei), ("jacobian_re", jr), ("jacobian_im", ji), ("gradient", grad),
                    ("delta", delta)]:
        np.save(os.path.join(out, name + ".npy"), np.ascontiguousarray(v, dtype=np.float64))
    meta = {"written_by": "nqs/src/test/python/sr_golden.py (numpy " + np.__version__ + ")",
            "lattice": "square", "side": L, "j2": J2, "units": "spin", "shift": SHIFT, "samples": M,
            "vit": {"dim": D, "layers": LAYERS, "heads": H, "patch": B, "mlp": F},
            "parameters": [{"name": n, "shape": list(s)} for n, s in SHAPES],
            "energy_per_site_mean": float(er.mean() / N),
            "check_complex_step_vs_central_difference_max_abs": float(worst)}
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    print(f"P={theta.size} M={M}  E/N mean {er.mean() / N:.6f}  |log psi| max {np.abs(lre).max():.3f}  "
          f"complex step vs central difference {worst:.2e}  |delta| {np.linalg.norm(delta):.4f}  -> {out}")


if __name__ == "__main__":
    main()
