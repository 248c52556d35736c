"""Exact leave-one-out errors of Ridge for many alphas from one eigendecomposition.

With the scaled Gram V^-½ G V^-½ = Q Λ Qᵀ and Q̃ = V^-½ Q, the rows of
A = Xc Q̃ give, for every alpha at once (D_α = (Λ + nα)⁻¹),

    leverage   h_i(α) = s_i (Σ_j A_ij² D_αj + 1/n [intercept])
    fit        ŷ_i(α) = Σ_j A_ij D_αj c_j,   c = Q̃ᵀ XcᵀS yc
    LOO error  e_i(α) = (yc_i − ŷ_i(α)) / (1 − h_i(α)).

This module accumulates Σ_i s_i e_i(α)² over one block of rows of A; the
caller streams the rows so A (n × p) is never held in full.
"""

import numpy as np

from ._blas cimport gemm


def loo_accumulate(double[::1, :] A, const double[::1] shift, const double[::1, :] D,
                   const double[::1, :] C, const double[::1, :] Yc,
                   const double[::1] sample_weight,
                   double lev0, double[:, ::1] err, double[::1, :] A2, double[::1, :] H,
                   double[::1, :] F):
    """Add the weighted squared leave-one-out errors of a block of rows to ``err``.

    Parameters
    ----------
    A : (r, p) rows of X Q̃, centered here in place: A − 1 shiftᵀ = rows of Xc Q̃
    shift : (p,) x̄ᵀQ̃ (empty: no centering)
    D : (p, m) D[j, a] = 1 / (λ_j + nα_a), zero for discarded directions
    C : (p, m·k) C[j, a·k + t] = D[j, a] c_jt
    Yc : (r, k) centered targets of the block
    sample_weight : (r,) weights s of the block (empty: unit)
    lev0 : leverage of the intercept, 1/n (0 without intercept)
    err : (m, k) accumulator of Σ s_i e_i²
    A2, H, F : work arrays of shapes (r, p), (r, m), (r, m·k), reused across blocks
    """
    cdef int r = A.shape[0], p = A.shape[1], m = D.shape[1], k = Yc.shape[1]
    cdef Py_ssize_t i, j, a, t
    cdef bint weighted = sample_weight.shape[0] > 0, centered = shift.shape[0] > 0
    cdef double s, h, e, c, v
    if r == 0:
        return
    with nogil:
        for j in range(p):
            c = shift[j] if centered else 0.0
            for i in range(r):
                v = A[i, j] - c
                A[i, j] = v
                A2[i, j] = v * v
        gemm(b'N', b'N', r, m, p, 1.0, &A2[0, 0], r, &D[0, 0], p, 0.0, &H[0, 0], r)
        gemm(b'N', b'N', r, m * k, p, 1.0, &A[0, 0], r, &C[0, 0], p, 0.0, &F[0, 0], r)
        for a in range(m):
            for t in range(k):
                for i in range(r):
                    s = sample_weight[i] if weighted else 1.0
                    h = s * (H[i, a] + lev0)
                    e = (Yc[i, t] - F[i, a * k + t]) / (1.0 - h)
                    err[a, t] += s * e * e
