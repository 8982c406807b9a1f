"""Independent reference (numpy + scipy) for ExactDiagonalizationTest.triangular4x4Symmetry.

Builds H = J1 sum_<ij> S_i.S_j + J2 sum_<<ij>> S_i.S_j (spin-1/2 units) on the periodic 4x4 lattice in the
total Sz = 0 sector, with the same site numbering i = x*Ly + y and bond vectors as Lattice.java, and prints
the lowest eigenvalues per site and the ground state's expectation values of the translations T(1,0), T(0,1),
the inversion r -> -r and the global spin flip.
Usage: python3 triangular_4x4_symmetry.py [tri|square] [J2]     (needs ~10 s)
"""
import sys

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as sla

L = 4
N = L * L


def site(x, y):
    return (x % L) * L + (y % L)


def bonds(vectors):
    out = set()
    for x in range(L):
        for y in range(L):
            for v in vectors:
                i, j = site(x, y), site(x + v[0], y + v[1])
                if i != j:
                    out.add((min(i, j), max(i, j)))
    return sorted(out)


def main():
    kind = sys.argv[1] if len(sys.argv) > 1 else "tri"
    j2 = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    if kind == "tri":
        b1, b2 = bonds([(1, 0), (0, 1), (1, -1)]), bonds([(1, 1), (2, -1), (1, -2)])
    else:
        b1, b2 = bonds([(1, 0), (0, 1)]), bonds([(1, 1), (1, -1)])
    states = [s for s in range(1 << N) if bin(s).count("1") == N // 2]
    index = {s: k for k, s in enumerate(states)}
    dim = len(states)
    rows, cols, vals = [], [], []
    for k, s in enumerate(states):
        d = 0.0
        for jj, bl in ((1.0, b1), (j2, b2)):
            for i, j in bl:
                if (s >> i & 1) == (s >> j & 1):
                    d += 0.25 * jj
                else:
                    d -= 0.25 * jj
                    rows.append(index[s ^ (1 << i | 1 << j)])
                    cols.append(k)
                    vals.append(0.5 * jj)
        rows.append(k)
        cols.append(k)
        vals.append(d)
    h = sp.csr_matrix((vals, (rows, cols)), shape=(dim, dim))
    w, v = sla.eigsh(h, k=6, which="SA", tol=1e-13)
    order = np.argsort(w)
    w, v = w[order], v[:, order]
    print(f"{kind} 4x4 J2={j2}: bonds J1 {len(b1)}, J2 {len(b2)}")
    print("lowest E/N:", " ".join(f"{e / N:.10f}" for e in w))
    g = v[:, 0]

    def expect(f):
        p = np.empty(dim, dtype=np.int64)
        for k, s in enumerate(states):
            t = 0
            for i in range(N):
                if s >> i & 1:
                    t |= 1 << f(i)
            p[k] = index[t]
        return float(g @ g[p])

    print(f"<T(1,0)> = {expect(lambda i: site(i // L + 1, i % L)):.10f}")
    print(f"<T(0,1)> = {expect(lambda i: site(i // L, i % L + 1)):.10f}")
    print(f"<I>      = {expect(lambda i: site(-(i // L), -(i % L))):.10f}")
    flip = np.array([index[s ^ ((1 << N) - 1)] for s in states])
    print(f"<flip>   = {float(g @ g[flip]):.10f}")
    print(f"weight of negative amplitudes (gauge: largest amplitude positive) = "
          f"{float((g[g * np.sign(g[np.argmax(abs(g))]) < 0] ** 2).sum()):.4f}")


if __name__ == "__main__":
    main()
