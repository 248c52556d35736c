"""Gram and kernel matrices for the Ridge direct solvers, always in float64.

* Gram (primal, p × p):   G = Σ_i s_i (x_i − m)(x_i − m)ᵀ
* kernel (dual, n × n):   K = W (X − 1mᵀ) C (X − 1mᵀ)ᵀ W,  W = diag(√s), C = diag(c)

Only the lower triangle is written. Dense float64 input without weights is
read in place by blocked SYRK/GEMM (``gram_direct``); otherwise rows (Gram)
or columns (kernel) are streamed through a small float64 buffer where they
are centered and weighted (``*_chunked``), so float32 data is accumulated in
double and no full-size copy of X is ever made.
"""

import numpy as np

from ._blas cimport gram_blocked
from ._fused cimport floating, index_t


def gram_direct(const double[::1, :] X, double[::1, :] G, int block):
    """Lower triangle of G = XᵀX for a float64 Fortran-ordered X, read in place."""
    cdef int n = X.shape[0], p = X.shape[1]
    with nogil:
        gram_blocked(b'T', p, n, &X[0, 0], n, 0.0, &G[0, 0], p, block)


def gram_chunked(const floating[::1, :] X, const double[::1] sqrt_weights,
                 const double[::1] shift,
                 double[::1, :] G, int block, Py_ssize_t chunk_rows):
    """Lower triangle of G = Σ_i s_i (x_i − shift)(x_i − shift)ᵀ, by chunks of rows.

    ``sqrt_weights`` (√s) and ``shift`` may be empty (unit
    weights, no centering). Each chunk of rows is centered and weighted in a
    float64 buffer first, so there is no cancellation from centering later.
    """
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1]
    cdef Py_ssize_t r = max(1, min(chunk_rows, n)), blk, i0, rb, i, j
    cdef bint weighted = sqrt_weights.shape[0] > 0, centered = shift.shape[0] > 0
    cdef double m
    cdef double[::1, :] buf = np.empty((r, p), order="F")
    with nogil:
        for blk in range((n + r - 1) // r):
            i0 = blk * r
            rb = min(r, n - i0)
            for j in range(p):
                m = shift[j] if centered else 0.0
                if weighted:
                    for i in range(rb):
                        buf[i, j] = (X[i0 + i, j] - m) * sqrt_weights[i0 + i]
                else:
                    for i in range(rb):
                        buf[i, j] = X[i0 + i, j] - m
            gram_blocked(b'T', <int> p, <int> rb, &buf[0, 0], <int> r,
                         0.0 if i0 == 0 else 1.0, &G[0, 0], <int> p, block)


def kernel_chunked(const floating[::1, :] X, const double[::1] sqrt_weights,
                   const double[::1] shift,
                   const double[::1] colscale, double[::1, :] K, int block,
                   Py_ssize_t chunk_cols):
    """Lower triangle of K = Σ_j c_j (√s∘(x_j − shift_j))(√s∘(x_j − shift_j))ᵀ.

    ``colscale`` holds √c_j (empty for c = 1); ``sqrt_weights`` and ``shift`` as in
    :func:`gram_chunked`. Columns are streamed through an n × chunk buffer.
    """
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1]
    cdef Py_ssize_t cb = max(1, min(chunk_cols, p)), blk, j0, jb, i, jj, j
    cdef bint weighted = sqrt_weights.shape[0] > 0, centered = shift.shape[0] > 0
    cdef bint scaled = colscale.shape[0] > 0
    cdef double m, c
    cdef double[::1, :] buf = np.empty((n, cb), order="F")
    with nogil:
        for blk in range((p + cb - 1) // cb):
            j0 = blk * cb
            jb = min(cb, p - j0)
            for jj in range(jb):
                j = j0 + jj
                m = shift[j] if centered else 0.0
                c = colscale[j] if scaled else 1.0
                if weighted:
                    for i in range(n):
                        buf[i, jj] = (X[i, j] - m) * (sqrt_weights[i] * c)
                else:
                    for i in range(n):
                        buf[i, jj] = (X[i, j] - m) * c
            gram_blocked(b'N', <int> n, <int> jb, &buf[0, 0], <int> n,
                         0.0 if j0 == 0 else 1.0, &K[0, 0], <int> n, block)


def sparse_outer_sum(const floating[::1] data, const index_t[::1] indices,
                     const index_t[::1] indptr, const double[::1] scale, double[::1, :] out):
    """Add Σ_s scale_s v_s v_sᵀ to the lower triangle of ``out`` (empty ``scale``: 1).

    v_s is the s-th compressed slice (a row of CSR or a column of CSC data):
    rows of CSR scaled by the sample weights s give the Gram XᵀSX, columns
    of CSC scaled by c = 1/v the kernel X C Xᵀ. Cost is Σ_s nnz_s²,
    independent of the dense dimension.
    """
    cdef Py_ssize_t n_slices = indptr.shape[0] - 1, s, k1, k2, a, b
    cdef bint scaled = scale.shape[0] > 0
    cdef double sc, v2
    with nogil:
        for s in range(n_slices):
            sc = scale[s] if scaled else 1.0
            if sc == 0.0:
                continue
            for k2 in range(indptr[s], indptr[s + 1]):
                b = indices[k2]
                v2 = sc * data[k2]
                for k1 in range(k2, indptr[s + 1]):
                    a = indices[k1]
                    if a >= b:
                        out[a, b] += data[k1] * v2
                    else:
                        out[b, a] += data[k1] * v2
