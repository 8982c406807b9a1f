#!/usr/bin/env python3
"""Python PyTorch peer of BertMlmBench: one BERT-style masked-language-model training step, written independently
from the equations (Devlin et al. 2019, pre-LN as in Xiong et al. 2020), float32:
  h0 = E_tok[x] + E_pos[t]
  h  <- h + W_o merge(softmax(Q K^T / sqrt(d_h)) V) + b_o,   Q,K,V = LN_before(h) W^T + b   (H heads)
  h  <- h + W_2 GELU(W_1 LN_after(h) + b_1) + b_2           (erf GELU, LN eps 1e-5)
  logits = W_dec LN_final(h[masked positions]) + b_dec,  loss = mean cross-entropy over the K masked positions
then torch.optim.AdamW (lr 1e-3, betas 0.9/0.999, eps 1e-8, weight decay 0.01 on the *weight parameters only).

Reads the weights, batch and our loss, gradients and post-step weights written by PeerFixtures (bert_mlm/), checks
agreement (float32 rounding), then times the whole step (zero_grad, forward, backward, optimizer step, loss read)
with the given intra-op threads. Prints one JSON object (see peer_common.emit).
"""
import math
import os
import sys

import numpy as np
import torch

import peer_common

LAYERS, HEADS, EPS = 4, 4, 1e-5
LR, WD = 1e-3, 0.01


def forward_loss(p, ids, rows, targets):
    B, T = ids.shape
    ln = torch.nn.functional.layer_norm
    lin = lambda x, n: torch.nn.functional.linear(x, p[n + ".weight"], p[n + ".bias"])
    h = p["embeddings.word_embeddings.weight"][ids] + p["embeddings.position_embeddings.weight"][:T][None]
    D = h.shape[-1]
    for l in range(LAYERS):
        pre = f"encoder.layer.{l}."
        x = ln(h, (D,), p[pre + "layernorm_before.weight"], p[pre + "layernorm_before.bias"], EPS)
        split = lambda t: t.view(B, T, HEADS, D // HEADS).transpose(1, 2)
        q, k, v = (split(lin(x, pre + "attention.attention." + n)) for n in ("query", "key", "value"))
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(D // HEADS), dim=-1) @ v
        h = h + lin(a.transpose(1, 2).reshape(B, T, D), pre + "attention.output.dense")
        x = ln(h, (D,), p[pre + "layernorm_after.weight"], p[pre + "layernorm_after.bias"], EPS)
        h = h + lin(torch.nn.functional.gelu(lin(x, pre + "intermediate.dense")), pre + "output.dense")
    hk = h.reshape(B * T, D)[rows]
    hk = ln(hk, (D,), p["encoder.final_layernorm.weight"], p["encoder.final_layernorm.bias"], EPS)
    return torch.nn.functional.cross_entropy(lin(hk, "mlm.decoder"), targets)


def rel(a, b):
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-30))


def main():
    a = peer_common.parse_args(__doc__, warmup=5)
    d = os.path.join(a.fixtures, "bert_mlm")
    load = lambda n: torch.from_numpy(np.load(os.path.join(d, n + ".npy")))
    names = open(os.path.join(d, "param_order.txt")).read().split()

    def fresh():
        p = {n: load("param/" + n).clone().requires_grad_(True) for n in names}
        opt = torch.optim.AdamW([{"params": [p[n] for n in names if n.endswith("weight")], "weight_decay": WD},
                                 {"params": [p[n] for n in names if not n.endswith("weight")], "weight_decay": 0.0}],
                                lr=LR, betas=(0.9, 0.999), eps=1e-8)
        return p, opt

    ids, rows, targets = load("ids"), load("rows"), load("targets")
    # ---- agreement: loss, every gradient, and the weights after one AdamW step
    p, opt = fresh()
    loss = forward_loss(p, ids, rows, targets)
    loss.backward()
    # relative to the largest gradient entry of all parameters (the key biases' gradients are exactly zero in exact
    # arithmetic, softmax being shift invariant, so a per-parameter relative error there is rounding over rounding)
    scale = max(float(load("grad/" + n).abs().max()) for n in names)
    grad_err = max(float(np.abs(p[n].grad.numpy() - load("grad/" + n).numpy()).max()) for n in names) / scale
    # AdamW's first update is lr * g / (|g| + eps): where |g| ~ eps the rounding noise of g moves it by O(lr), so the
    # optimizer is checked on identical gradients (ours), the forward/backward by the gradients above
    p, opt = fresh()
    for n in names:
        p[n].grad = load("grad/" + n).clone()
    opt.step()
    step_err = max(float(np.abs(p[n].detach().numpy() - load("step1/" + n).numpy()).max()) for n in names)
    check = {"abs_err_loss": abs(float(loss) - float(load("loss")[0])), "max_abs_err_gradients_over_max_gradient": grad_err,
             "max_abs_err_weights_after_adamw_step_same_grads": step_err, "parameters": len(names),
             "masked_positions": int(rows.shape[0])}
    print("[bert_mlm_torch] " + str(check), file=sys.stderr, flush=True)
    peer_common.require(check["abs_err_loss"] < 1e-5 and grad_err < 1e-4 and step_err < 1e-7, check)
    # ---- timing: the full training step
    p, opt = fresh()

    def step():
        opt.zero_grad(set_to_none=False)
        loss = forward_loss(p, ids, rows, targets)
        loss.backward()
        opt.step()
        return float(loss)

    ms = peer_common.time_ms(step, a.warmup, a.repeats)
    peer_common.emit(a.threads, check, {"BertMlmBench.trainStep": ms})


if __name__ == "__main__":
    main()
