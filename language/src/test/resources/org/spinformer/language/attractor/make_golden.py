"""Golden values for AttractorNetworkTest: the attractor update of D'Amico and Negri (2024) on a tiny case,
computed directly (loops over positions, no vectorisation tricks) in float64 with numpy.

    x_i(t+1) = u_i / |u_i|,  u_i = sum_{j != i} softmax_j(beta x_i^T J_ij x_j) J_ij x_j + gamma x_i
    E_i      = -(1/beta) log sum_{j != i} exp(beta x_i^T J_ij x_j) - (gamma/2) |x_i|^2
    L_i      = mean_b E_i(x^b)|_{gamma=0} + (lambda/2) sum_{j != i} |J_ij|_F^2
    dL_i/dJ_ij = -mean_b alpha^b_{i<-j} x_i^b x_j^bT + lambda J_ij

Run: python3 make_golden.py > attractor_golden.json
"""
import json
import numpy as np

rng = np.random.default_rng(20240924)
T, D, B = 3, 2, 2
beta, gamma, lam = 0.7, 0.3, 0.2
J = rng.normal(size=(T, T, D, D))
for i in range(T):
    J[i, i] = 0.0
x = rng.normal(size=(B, T, D))
x /= np.linalg.norm(x, axis=2, keepdims=True)

alpha = np.zeros((B, T, T))
u = np.zeros((B, T, D))
energy = np.zeros((B, T))
for b in range(B):
    for i in range(T):
        others = [j for j in range(T) if j != i]
        scores = np.array([beta * x[b, i] @ J[i, j] @ x[b, j] for j in others])
        w = np.exp(scores - scores.max())
        w /= w.sum()
        for k, j in enumerate(others):
            alpha[b, i, j] = w[k]
            u[b, i] += w[k] * (J[i, j] @ x[b, j])
        u[b, i] += gamma * x[b, i]
        energy[b, i] = -np.log(np.exp(scores).sum()) / beta - gamma / 2 * x[b, i] @ x[b, i]
update = u / np.linalg.norm(u, axis=2, keepdims=True)

loss = np.zeros(T)
grad = np.zeros((T, T, D, D))
for i in range(T):
    loss[i] = np.mean(energy[:, i] + gamma / 2) + lam / 2 * sum((J[i, j] ** 2).sum() for j in range(T) if j != i)
    for j in range(T):
        if j == i:
            continue
        grad[i, j] = -np.mean([alpha[b, i, j] * np.outer(x[b, i], x[b, j]) for b in range(B)], axis=0) + lam * J[i, j]

print(json.dumps({"T": T, "D": D, "B": B, "beta": beta, "gamma": gamma, "lambda": lam,
                  "J": J.ravel().tolist(), "x": x.ravel().tolist(), "alpha": alpha.ravel().tolist(),
                  "field": u.ravel().tolist(), "update": update.ravel().tolist(),
                  "energy": energy.ravel().tolist(), "loss": loss.tolist(), "gradient": grad.ravel().tolist()},
                 indent=1))
