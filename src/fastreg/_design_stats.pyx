"""Column statistics of a design matrix, computed without copying X."""

import numpy as np

from ._fused cimport floating, index_t


def dense_column_stats(const floating[::1, :] X, const double[::1] sw, bint center,
                       double[::1] mean, double[::1] sq_norm):
    """Weighted means and (centered) squared norms of the columns of a dense X.

    ``sw`` is empty for unit weights. ``mean`` stays zero when not centering.
    Two passes per column, so centering loses no precision to cancellation.
    """
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1], i, j
    cdef bint weighted = sw.shape[0] > 0
    cdef double m, d, acc
    with nogil:
        for j in range(p):
            m = 0.0
            if center:
                for i in range(n):
                    m += (sw[i] * X[i, j]) if weighted else X[i, j]
                m /= n
            acc = 0.0
            for i in range(n):
                d = X[i, j] - m
                acc += (sw[i] * d * d) if weighted else d * d
            mean[j] = m
            sq_norm[j] = acc


def sparse_column_stats(const floating[::1] data, const index_t[::1] indices,
                        const index_t[::1] indptr, Py_ssize_t n, const double[::1] sw,
                        bint center, double[::1] mean, double[::1] sq_norm):
    """Same as :func:`dense_column_stats` for a CSC matrix.

    The implicit zeros of a centered column contribute m² times the weight
    of the rows not stored, which is added in closed form.
    """
    cdef Py_ssize_t p = indptr.shape[0] - 1, j, k
    cdef bint weighted = sw.shape[0] > 0
    cdef double m, d, acc, w_stored, s
    with nogil:
        for j in range(p):
            m = 0.0
            w_stored = 0.0
            for k in range(indptr[j], indptr[j + 1]):
                s = sw[indices[k]] if weighted else 1.0
                m += s * data[k]
                w_stored += s
            m = m / n if center else 0.0
            acc = 0.0
            for k in range(indptr[j], indptr[j + 1]):
                s = sw[indices[k]] if weighted else 1.0
                d = data[k] - m
                acc += s * d * d
            mean[j] = m
            sq_norm[j] = acc + m * m * (n - w_stored)
