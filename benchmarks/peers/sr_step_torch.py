#!/usr/bin/env python3
"""Python PyTorch peer of SrStepBench: one stochastic-reconfiguration step of the Vision-Transformer wave function
on the 6x6 square J1-J2 Heisenberg model (J2 = 0.5, spin-1/2 operators), float64, written independently from the
equations (Viteritti, Rende, Becca, PRL 130, 236401 (2023); Rende et al., Commun. Phys. 7, 260 (2024)).

Model (sites i = x*L + y; patches b x b, token t = tx*(L/b) + ty, inside a patch ix*b + iy):
  x_t   = W_e P_t(s) + b_e
  x    <- x + W_o merge(alpha_h V_h) + b_o,  V = LN1(x) W_v^T + b_v,  alpha_h[i,j] = a_h[(r_j - r_i) mod torus]
  x    <- x + W_2 GELU(W_1 LN2(x) + b_1) + b_2                 (pre-LN blocks, erf GELU, LN eps 1e-5)
  z     = LN(sum_t x_t);  log psi = sum_a log cosh(LN_r(W_r z + b_r)_a + i LN_i(W_i z + b_i)_a)
Algorithm (the same as ours):
  sampling  Metropolis, C chains advanced together; a proposal exchanges the spins of one random J1/J2 bond per
            chain, accepted with min(1, |psi'/psi|^2); 10 thermalisation sweeps on the first step, then per step
            2 discarded sweeps and M/C recorded sweeps of N proposals
  E_loc     sum_b J_b [ s_i s_j / 4 + (1/2) [s_i != s_j] psi(s with i,j exchanged)/psi(s) ], the connected
            configurations of all samples evaluated in batched forward passes
  Jacobian  O_k(s) = d log psi(s)/d theta_k (re and im), per sample: functorch vmap(jacrev) or, where faster,
            weight replication (each weight copied per sample, one backward of the sum)
  SR        X = [Re O_c; Im O_c]/sqrt(M), eps = 2[Re E_c; Im E_c]/sqrt(M), delta = X^T (X X^T + lambda I)^-1 eps
            (Cholesky, LAPACK)

Reads the fixtures written by `SrStepBench --fixtures DIR` (parameters, samples, and our log psi, local energies,
gradient and delta for those samples), checks agreement (float64, ~1e-10), then times warm-up + `repeats` steps
and the forward pass alone with the given intra-op threads. Prints one JSON object (see peer_common.emit).
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch

import peer_common

LN_EPS = 1e-5
DT = torch.float64


class Problem:
    def __init__(self, fixtures):
        meta = json.load(open(os.path.join(fixtures, "meta.json")))
        self.side = meta["side"]
        self.j2 = meta["j2"]
        self.shift = meta["shift"]
        v = meta["vit"]
        self.dim, self.layers, self.heads, self.patch = v["dim"], v["layers"], v["heads"], v["patch"]
        names = open(os.path.join(fixtures, "param_order.txt")).read().split()
        self.names = names
        self.params = [torch.from_numpy(np.load(os.path.join(fixtures, "param", n + ".npy"))).to(DT) for n in names]
        L, b = self.side, self.patch
        self.n = L * L
        site = lambda x, y: (x % L) * L + (y % L)
        # bonds (J1 then J2), each pair once
        bonds, coup = [], []
        for vecs, j in (([(1, 0), (0, 1)], 1.0), ([(1, 1), (1, -1)], self.j2)):
            seen = set()
            for x in range(L):
                for y in range(L):
                    for dx, dy in vecs:
                        i, k = site(x, y), site(x + dx, y + dy)
                        key = (min(i, k), max(i, k))
                        if i != k and key not in seen:
                            seen.add(key)
                            bonds.append(key)
                            coup.append(j)
        self.bonds = torch.tensor(bonds, dtype=torch.long)  # [NB,2]
        self.coup = torch.tensor(coup, dtype=DT)  # [NB]
        # patch gather: sigma[:, order].view(B, T, b*b)
        p = L // b
        self.tokens = p * p
        order = [site(tx * b + ix, ty * b + iy) for tx in range(p) for ty in range(p) for ix in range(b)
                 for iy in range(b)]
        self.order = torch.tensor(order, dtype=torch.long)
        tor = [((j // p - i // p) % p) * p + ((j % p - i % p) % p) for i in range(self.tokens)
               for j in range(self.tokens)]
        self.torus = torch.tensor(tor, dtype=torch.long).view(self.tokens, self.tokens)

    # ---------------------------------------------------------------- model
    def unpack(self, ps):
        return dict(zip(self.names, ps))

    def log_psi(self, ps, s):
        """log psi (re, im) [B] for spins s [B,N] with shared parameters ps (a list in param_order)."""
        w = self.unpack(ps)
        B = s.shape[0]
        T, D, H = self.tokens, self.dim, self.heads
        ln = torch.nn.functional.layer_norm
        x = s[:, self.order].view(B, T, self.patch * self.patch)
        x = x @ w["embed.weight"].T + w["embed.bias"]
        for l in range(self.layers):
            g = lambda n: w[f"layers.{l}.{n}"]
            y = ln(x, (D,), g("ln1.weight"), g("ln1.bias"), LN_EPS)
            v = (y @ g("attn.value.weight").T + g("attn.value.bias")).view(B, T, H, D // H).transpose(1, 2)
            alpha = g("attn.alpha")[:, self.torus]  # [H,T,T]
            o = (alpha @ v).transpose(1, 2).reshape(B, T, D)
            x = x + o @ g("attn.output.weight").T + g("attn.output.bias")
            y = ln(x, (D,), g("ln2.weight"), g("ln2.bias"), LN_EPS)
            y = torch.nn.functional.gelu(y @ g("mlp.fc1.weight").T + g("mlp.fc1.bias"))
            x = x + y @ g("mlp.fc2.weight").T + g("mlp.fc2.bias")
        z = ln(x.sum(1), (D,), w["norm.weight"], w["norm.bias"], LN_EPS)
        re = ln(z @ w["head.re.weight"].T + w["head.re.bias"], (D,), w["head.re.norm.weight"],
                w["head.re.norm.bias"], LN_EPS)
        im = ln(z @ w["head.im.weight"].T + w["head.im.bias"], (D,), w["head.im.norm.weight"],
                w["head.im.norm.bias"], LN_EPS)
        lr, li = log_cosh(re, im)
        return lr.sum(-1), li.sum(-1)

    def log_psi_chunked(self, ps, s, chunk=8192):
        if s.shape[0] <= chunk:
            return self.log_psi(ps, s)
        parts = [self.log_psi(ps, s[i:i + chunk]) for i in range(0, s.shape[0], chunk)]
        return torch.cat([p[0] for p in parts]), torch.cat([p[1] for p in parts])

    # ---------------------------------------------------------------- local energy
    def local_energy(self, ps, s, lre, lim):
        i, j = self.bonds[:, 0], self.bonds[:, 1]
        si, sj = s[:, i], s[:, j]  # [M,NB]
        diag = (0.25 * si * sj * self.coup).sum(1)
        m_idx, b_idx = torch.nonzero(si != sj, as_tuple=True)  # anti-aligned bonds
        conn = s[m_idx].clone()
        rows = torch.arange(conn.shape[0])
        conn[rows, i[b_idx]] = -conn[rows, i[b_idx]]
        conn[rows, j[b_idx]] = -conn[rows, j[b_idx]]
        cre, cim = self.log_psi_chunked(ps, conn)
        amp = 0.5 * self.coup[b_idx] * torch.exp(cre - lre[m_idx])
        ph = cim - lim[m_idx]
        off_re = torch.zeros_like(diag).index_add_(0, m_idx, amp * torch.cos(ph))
        off_im = torch.zeros_like(diag).index_add_(0, m_idx, amp * torch.sin(ph))
        return diag + off_re, off_im

    # ---------------------------------------------------------------- Jacobian
    def jacobian_functorch(self, ps, s):
        import functorch

        def f(params, one):
            r, i = self.log_psi(list(params), one[None])
            return torch.stack([r[0], i[0]])

        jac = functorch.vmap(functorch.jacrev(f), in_dims=(None, 0))(tuple(ps), s)  # tuple of [M,2,*shape]
        flat = torch.cat([j.reshape(s.shape[0], 2, -1) for j in jac], dim=2)
        return flat[:, 0], flat[:, 1]

    def log_psi_per_sample(self, reps, s):
        """log psi with per-sample weights reps[k] [B,*shape]: linear maps as batched matmuls."""
        w = self.unpack(reps)
        B = s.shape[0]
        T, D, H = self.tokens, self.dim, self.heads

        def ln(x, g, b):
            mu = x.mean(-1, keepdim=True)
            xc = x - mu
            return xc / torch.sqrt((xc * xc).mean(-1, keepdim=True) + LN_EPS) * g[:, None] + b[:, None]

        lin = lambda x, wt, bias: torch.baddbmm(bias[:, None], x, wt.transpose(1, 2))
        x = s[:, self.order].view(B, T, self.patch * self.patch)
        x = lin(x, w["embed.weight"], w["embed.bias"])
        for l in range(self.layers):
            g = lambda n: w[f"layers.{l}.{n}"]
            y = ln(x, g("ln1.weight"), g("ln1.bias"))
            v = lin(y, g("attn.value.weight"), g("attn.value.bias")).view(B, T, H, D // H).transpose(1, 2)
            alpha = g("attn.alpha")[:, :, self.torus]  # [B,H,T,T]
            o = (alpha @ v).transpose(1, 2).reshape(B, T, D)
            x = x + lin(o, g("attn.output.weight"), g("attn.output.bias"))
            y = ln(x, g("ln2.weight"), g("ln2.bias"))
            y = torch.nn.functional.gelu(lin(y, g("mlp.fc1.weight"), g("mlp.fc1.bias")))
            x = x + lin(y, g("mlp.fc2.weight"), g("mlp.fc2.bias"))
        z = ln(x.sum(1, keepdim=True), w["norm.weight"], w["norm.bias"])
        re = ln(lin(z, w["head.re.weight"], w["head.re.bias"]), w["head.re.norm.weight"], w["head.re.norm.bias"])
        im = ln(lin(z, w["head.im.weight"], w["head.im.bias"]), w["head.im.norm.weight"], w["head.im.norm.bias"])
        lr, li = log_cosh(re[:, 0], im[:, 0])
        return lr.sum(-1), li.sum(-1)

    def jacobian_replicated(self, ps, s):
        M = s.shape[0]
        reps = [p.unsqueeze(0).repeat((2 * M,) + (1,) * p.dim()).requires_grad_(True) for p in ps]
        lr, li = self.log_psi_per_sample(reps, torch.cat([s, s]))
        grads = torch.autograd.grad(lr[:M].sum() + li[M:].sum(), reps)
        flat = torch.cat([g.reshape(2 * M, -1) for g in grads], dim=1)
        return flat[:M], flat[M:]

    # ---------------------------------------------------------------- SR
    def sr(self, ore, oim, ere, eim):
        M = ore.shape[0]
        sq = math.sqrt(M)
        x = torch.cat([ore - ore.mean(0), oim - oim.mean(0)]) / sq
        eps = 2 * torch.cat([ere - ere.mean(), eim - eim.mean()]) / sq
        grad = x.T @ eps
        k = x @ x.T
        k.diagonal().add_(self.shift)
        chol = torch.linalg.cholesky(k)
        y = torch.cholesky_solve(eps[:, None], chol)[:, 0]
        return x.T @ y, grad


def log_cosh(x, y):
    """log cosh(x + iy) as (re, im), stable for large |x|: s = sign(x), u = exp(-2|x|),
    log cosh z = s z - log 2 + log(1 + u e^{-2 i s y})."""
    s = torch.where(x >= 0, 1.0, -1.0).to(x.dtype)
    u = torch.exp(-2 * x * s)
    wr = u * torch.cos(2 * s * y)
    wi = -u * torch.sin(2 * s * y)
    return x * s - math.log(2) + 0.5 * torch.log((1 + wr) ** 2 + wi ** 2), s * y + torch.atan2(wi, 1 + wr)


class Sampler:
    def __init__(self, prob, samples, chains, seed=1):
        self.p, self.samples, self.chains = prob, samples, chains
        self.g = torch.Generator().manual_seed(seed)
        n = prob.n
        half = torch.cat([torch.ones(n // 2), -torch.ones(n // 2)]).to(DT)
        self.state = torch.stack([half[torch.randperm(n, generator=self.g)] for _ in range(chains)])
        self.thermalized = False

    def sample(self, ps):
        p, C, n = self.p, self.chains, self.p.n
        nb = p.bonds.shape[0]
        s = self.state
        re, im = p.log_psi(ps, s)
        per = self.samples // C
        sweeps = (2 if self.thermalized else 10) + per
        out_s, out_re, out_im = [], [], []
        rows = torch.arange(C)
        acc = 0.0
        for sw in range(sweeps):
            for _ in range(n):
                b = torch.randint(nb, (C,), generator=self.g)
                i, j = p.bonds[b, 0], p.bonds[b, 1]
                prop = s.clone()
                prop[rows, i] = s[rows, j]
                prop[rows, j] = s[rows, i]
                qre, qim = p.log_psi(ps, prop)
                a = 2 * (qre - re) > torch.log(torch.rand(C, generator=self.g, dtype=DT))
                s = torch.where(a[:, None], prop, s)
                re = torch.where(a, qre, re)
                im = torch.where(a, qim, im)
                acc += a.sum()
            if sw >= sweeps - per:
                out_s.append(s)
                out_re.append(re)
                out_im.append(im)
        self.thermalized = True
        self.state = s
        self.acceptance = float(acc) / (sweeps * n * C)
        return torch.cat(out_s), torch.cat(out_re), torch.cat(out_im)


def rel(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-300))


def main():
    a = peer_common.parse_args(__doc__, warmup=1)
    fx = os.path.join(a.fixtures, "sr_step")
    prob = Problem(fx)
    ps = prob.params
    load = lambda n: np.load(os.path.join(fx, n + ".npy"))
    sigma = torch.from_numpy(load("sigma")).to(DT)
    M = sigma.shape[0]
    log = lambda msg: print(f"[sr_step_torch] {msg}", file=sys.stderr, flush=True)
    # ---- agreement on the same parameters and samples
    with torch.no_grad():
        lre, lim = prob.log_psi(ps, sigma)
        ere, eim = prob.local_energy(ps, sigma, lre, lim)
    jr, ji = prob.jacobian_replicated(ps, sigma)
    delta, grad = prob.sr(jr, ji, ere, eim)
    check = {
        "max_abs_err_log_psi_re": float(np.abs(lre.numpy() - load("log_psi_re")).max()),
        "max_abs_err_log_psi_im": float(np.abs(lim.numpy() - load("log_psi_im")).max()),
        "max_abs_err_e_loc_re": float(np.abs(ere.numpy() - load("e_loc_re")).max()),
        "max_abs_err_e_loc_im": float(np.abs(eim.numpy() - load("e_loc_im")).max()),
        "rel_err_gradient": rel(grad.numpy(), load("gradient")),
        "rel_err_delta": rel(delta.numpy(), load("delta")),
        "samples": int(M), "parameters": int(jr.shape[1]),
    }
    jf = None
    try:
        sub = sigma[:64]
        fr, fi = prob.jacobian_functorch(ps, sub)
        check["max_abs_diff_jacobian_functorch_vs_replicated"] = float(
            max((fr - jr[:64]).abs().max(), (fi - ji[:64]).abs().max()))
        jf = prob.jacobian_functorch
    except Exception as e:  # functorch missing or without a batching rule: replication only
        check["functorch"] = f"unavailable: {e}"
    log(json.dumps(check))
    ok = all(check[k] < 1e-10 for k in check if k.startswith("max_abs_err") or k.startswith("rel_err"))
    peer_common.require(ok, check)
    # ---- pick the faster Jacobian (one timed call each on the same samples)
    jac = prob.jacobian_replicated
    if jf is not None:
        t0 = time.perf_counter(); prob.jacobian_replicated(ps, sigma); t_rep = time.perf_counter() - t0
        t0 = time.perf_counter(); jf(ps, sigma); t_fun = time.perf_counter() - t0
        check["jacobian_replicated_s"], check["jacobian_functorch_s"] = t_rep, t_fun
        jac = jf if t_fun < t_rep else prob.jacobian_replicated
    check["jacobian_method"] = "functorch vmap(jacrev)" if jac is jf else "weight replication"
    log("jacobian: " + check["jacobian_method"])
    # ---- timing: one warm-up step (thermalisation) then `repeats` steps, as in SrStepBench
    sampler = Sampler(prob, M, 64)
    phases = ["sampling", "local_energy", "jacobian", "solve"]
    times = {k: [] for k in phases}
    for step in range(a.warmup + a.repeats):
        t = []
        t0 = time.perf_counter()
        with torch.no_grad():
            s, re, im = sampler.sample(ps)
        t.append(time.perf_counter())
        with torch.no_grad():
            er, ei = prob.local_energy(ps, s, re, im)
        t.append(time.perf_counter())
        o_r, o_i = jac(ps, s)
        t.append(time.perf_counter())
        prob.sr(o_r, o_i, er, ei)
        t.append(time.perf_counter())
        d = [t[0] - t0] + [t[k] - t[k - 1] for k in range(1, 4)]
        log(f"step {step}: " + ", ".join(f"{n} {x:.2f} s" for n, x in zip(phases, d))
            + f" (acceptance {sampler.acceptance:.3f})")
        if step >= a.warmup:
            for n, x in zip(phases, d):
                times[n].append(x * 1e3)
    with torch.no_grad():
        batch = sampler.state.repeat(M // 64, 1)
        fw = peer_common.time_ms(lambda: prob.log_psi(ps, batch), 1, 5)
    camel = {"sampling": "sampling", "local_energy": "localEnergy", "jacobian": "jacobian", "solve": "solve"}
    timings = {"SrStep." + camel[n]: times[n] for n in phases}
    timings["SrStep.step"] = [sum(times[n][r] for n in phases) for r in range(a.repeats)]
    timings["SrStep.forward"] = fw
    peer_common.emit(a.threads, check, timings)


if __name__ == "__main__":
    main()
