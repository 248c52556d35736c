"""Column statistics of a design matrix, computed without copying X."""

import numpy as np

from ._fused cimport floating, index_t
from ._sums cimport dot


cdef double _centered_sq_sum(const floating* x, const double* sw, double m,
                             Py_ssize_t n) noexcept nogil:
    """Σ s_i (x_i − m)², four partial sums for throughput."""
    cdef Py_ssize_t i, n4 = n - n % 4
    cdef double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0, d0, d1, d2, d3
    for i in range(0, n4, 4):
        d0 = x[i] - m
        d1 = x[i + 1] - m
        d2 = x[i + 2] - m
        d3 = x[i + 3] - m
        if sw == NULL:
            a0 += d0 * d0
            a1 += d1 * d1
            a2 += d2 * d2
            a3 += d3 * d3
        else:
            a0 += sw[i] * d0 * d0
            a1 += sw[i + 1] * d1 * d1
            a2 += sw[i + 2] * d2 * d2
            a3 += sw[i + 3] * d3 * d3
    for i in range(n4, n):
        d0 = x[i] - m
        a0 += (d0 * d0) if sw == NULL else sw[i] * d0 * d0
    return (a0 + a1) + (a2 + a3)


def dense_column_stats(const floating[::1, :] X, const double[::1] sample_weight, bint center,
                       double[::1] mean, double[::1] sq_norm):
    """Weighted means and (centered) squared norms of the columns of a dense X.

    ``sample_weight`` is empty for unit weights. ``mean`` stays zero when not
    centering. Two passes per column, so centering loses no precision to
    cancellation.
    """
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1], j
    cdef bint weighted = sample_weight.shape[0] > 0
    cdef const double* s = &sample_weight[0] if weighted else NULL
    # The mean is a dot product with the weights, or with ones (exact products).
    cdef const double[::1] sum_weights = sample_weight if weighted else np.ones(n)
    cdef double m
    with nogil:
        for j in range(p):
            m = dot(&X[0, j], &sum_weights[0], n) / n if center else 0.0
            mean[j] = m
            sq_norm[j] = _centered_sq_sum(&X[0, j], s, m, n)


def sparse_column_stats(const floating[::1] data, const index_t[::1] indices,
                        const index_t[::1] indptr, Py_ssize_t n,
                        const double[::1] sample_weight, bint center, double[::1] mean,
                        double[::1] sq_norm):
    """Same as :func:`dense_column_stats` for a CSC matrix.

    The implicit zeros of a centered column contribute m² times the weight
    of the rows not stored, which is added in closed form.
    """
    cdef Py_ssize_t p = indptr.shape[0] - 1, j, k
    cdef bint weighted = sample_weight.shape[0] > 0
    cdef double m, d, acc, w_stored, s
    with nogil:
        for j in range(p):
            m = 0.0
            w_stored = 0.0
            for k in range(indptr[j], indptr[j + 1]):
                s = sample_weight[indices[k]] if weighted else 1.0
                m += s * data[k]
                w_stored += s
            m = m / n if center else 0.0
            acc = 0.0
            for k in range(indptr[j], indptr[j + 1]):
                s = sample_weight[indices[k]] if weighted else 1.0
                d = data[k] - m
                acc += s * d * d
            mean[j] = m
            sq_norm[j] = acc + m * m * (n - w_stored)


def sparse_rmatvec(const floating[::1] data, const index_t[::1] indices,
                   const index_t[::1] indptr, const double[::1] v, double[::1] out):
    """out = Xᵀ v for a CSC X, accumulated in float64 without converting X's values.

    scipy would first cast a float32 X to a float64 copy of its values.
    """
    cdef Py_ssize_t p = indptr.shape[0] - 1, j, k
    cdef double acc
    with nogil:
        for j in range(p):
            acc = 0.0
            for k in range(indptr[j], indptr[j + 1]):
                acc += data[k] * v[indices[k]]
            out[j] = acc
