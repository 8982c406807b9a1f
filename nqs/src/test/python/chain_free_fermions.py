"""Independent check (numpy) of the closed forms used by TfimExactTest and XxzTest.

TFIM chain H = -J sum_i sz_i sz_{i+1} - h sum_i sx_i (Pauli matrices, periodic): E0 = -sum_k sqrt(J^2 + h^2 -
2 J h cos k) over k = (2m+1) pi / N (even-parity sector, antiperiodic fermions).
XX chain H = sum_i (Sx Sx + Sy Sy) (spin-1/2, periodic, Sz = 0): N/2 fermions with eps_k = cos k, k = (2m+1) pi / N
when N/2 is even, 2 pi m / N when odd; E0 = sum of the N/2 lowest.
Both are compared with dense diagonalisation. Usage: python3 chain_free_fermions.py   (a few seconds)
Output of this session:
  tfim N=6 h=0.5: dense -6.384694563604 formula -6.384694563604 (and h = 1, 2; N = 8: differences <= 4e-14)
  xx N=6: -2.000000000000, N=8: -2.613125929753, N=10: -3.236067977500 (formula equal to 1e-14)
"""
import numpy as np


def tfim_dense(n, j, h):
    d = 2 ** n
    a = np.zeros((d, d))
    for s in range(d):
        b = [(s >> i) & 1 for i in range(n)]
        a[s, s] = -j * sum(1 if b[i] == b[(i + 1) % n] else -1 for i in range(n))
        for i in range(n):
            a[s ^ (1 << i), s] += -h
    return np.linalg.eigvalsh(a)[0]


def tfim_formula(n, j, h):
    ks = [(2 * m + 1) * np.pi / n for m in range(n)]
    return -sum(np.sqrt(j * j + h * h - 2 * j * h * np.cos(k)) for k in ks)


def xx_dense(n):
    states = [s for s in range(2 ** n) if bin(s).count("1") == n // 2]
    idx = {s: r for r, s in enumerate(states)}
    a = np.zeros((len(states), len(states)))
    for s in states:
        for i in range(n):
            m = (1 << i) | (1 << ((i + 1) % n))
            if (s & m) != 0 and (s & m) != m:
                a[idx[s ^ m], idx[s]] += 0.5
    return np.linalg.eigvalsh(a)[0]


def xx_formula(n):
    nf = n // 2
    ks = [(2 * m + 1) * np.pi / n for m in range(n)] if nf % 2 == 0 else [2 * np.pi * m / n for m in range(n)]
    return sum(sorted(np.cos(k) for k in ks)[:nf])


if __name__ == "__main__":
    for n in (6, 8):
        for h in (0.5, 1.0, 2.0):
            d, f = tfim_dense(n, 1.0, h), tfim_formula(n, 1.0, h)
            print(f"tfim N={n} h={h}: dense {d:.12f} formula {f:.12f} diff {d - f:.1e}")
    for n in (6, 8, 10):
        d, f = xx_dense(n), xx_formula(n)
        print(f"xx N={n}: dense {d:.12f} formula {f:.12f} diff {d - f:.1e}")
