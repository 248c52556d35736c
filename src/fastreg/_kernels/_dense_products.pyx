"""Products of a dense X (float32 or float64) with float64 matrices.

numpy would upcast a float32 X to a full float64 copy before multiplying;
these kernels call DGEMM on X itself when it is float64 and otherwise convert
one block of rows at a time into a float64 buffer, so memory stays
O(block · n_features) and every product is accumulated in double.
"""

import numpy as np

from ._blas cimport gemm
from ._fused cimport floating

# Rows converted per block for float32 input: a few MB of buffer.
cdef Py_ssize_t BLOCK_BYTES = 1 << 23


cdef Py_ssize_t _block_rows(Py_ssize_t p, Py_ssize_t n) noexcept nogil:
    return max(1, min(n, BLOCK_BYTES // (8 * max(p, 1))))


cdef void _convert_rows(const floating[::1, :] X, Py_ssize_t i0, Py_ssize_t rb,
                        double[::1, :] buf) noexcept nogil:
    cdef Py_ssize_t i, j
    for j in range(X.shape[1]):
        for i in range(rb):
            buf[i, j] = X[i0 + i, j]


def xt_matmat(const floating[::1, :] X, const double[::1, :] M, double[::1, :] out):
    """out = Xᵀ M for M of shape (n_samples, m); out has shape (n_features, m)."""
    cdef int n = X.shape[0], p = X.shape[1], m = M.shape[1]
    cdef Py_ssize_t r, blk, i0, rb
    cdef double[::1, :] buf
    if floating is double:
        with nogil:
            gemm(b'T', b'N', p, m, n, 1.0, &X[0, 0], n, &M[0, 0], n, 0.0, &out[0, 0], p)
    else:
        r = _block_rows(p, n)
        buf = np.empty((r, p), order="F")
        with nogil:
            for blk in range((n + r - 1) // r):
                i0 = blk * r
                rb = min(r, n - i0)
                _convert_rows(X, i0, rb, buf)
                gemm(b'T', b'N', p, m, <int> rb, 1.0, &buf[0, 0], <int> r, &M[i0, 0], n,
                     0.0 if i0 == 0 else 1.0, &out[0, 0], p)


def x_matmat(const floating[::1, :] X, Py_ssize_t start, Py_ssize_t stop,
             const double[::1, :] M, double[::1, :] out):
    """out = X[start:stop] M for M of shape (n_features, m); out is (stop − start, m)."""
    cdef int n = X.shape[0], p = X.shape[1], m = M.shape[1]
    cdef int rows = <int> (stop - start)
    cdef Py_ssize_t r, blk, i0, rb
    cdef double[::1, :] buf
    if rows <= 0:
        return
    if floating is double:
        with nogil:
            gemm(b'N', b'N', rows, m, p, 1.0, &X[start, 0], n, &M[0, 0], p, 0.0,
                 &out[0, 0], rows)
    else:
        r = _block_rows(p, rows)
        buf = np.empty((r, p), order="F")
        with nogil:
            for blk in range((rows + r - 1) // r):
                i0 = blk * r
                rb = min(r, rows - i0)
                _convert_rows(X, start + i0, rb, buf)
                gemm(b'N', b'N', <int> rb, m, p, 1.0, &buf[0, 0], <int> r, &M[0, 0], p, 0.0,
                     &out[i0, 0], rows)
