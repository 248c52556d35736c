"""The multinomial model's products with X over a set of features.

η = B Xᵀ + b from the coefficients (K, p), skipping the zero ones, and the
correlations XᵀSΘ of the dual point Θ (n, K): each reads a feature's column
once for all K classes, with no copy of X's columns and no call per class.
"""

from libc.stdint cimport int32_t, int64_t

from ._block_quadratic cimport rows_dot
from ._columns cimport Data, column
from ._fused cimport floating, index_t
from ._problem cimport DesignView


cdef void _predictors(const Data* d, const floating* Xv, const index_t* Xi, const index_t* Xp,
                      const double* W, Py_ssize_t K, const Py_ssize_t* cols, Py_ssize_t m,
                      double* eta) noexcept nogil:
    cdef const floating* v
    cdef const index_t* rows
    cdef Py_ssize_t n = d.n_samples, t, k, q, nnz
    cdef double a
    cdef double* eta_k
    for t in range(m):
        nnz = column(d, Xv, Xi, Xp, cols[t], &v, &rows)
        for k in range(K):
            a = W[k * m + t]
            if a == 0.0:
                continue
            eta_k = eta + k * n
            if rows == NULL:
                for q in range(nnz):
                    eta_k[q] += a * v[q]
            else:
                for q in range(nnz):
                    eta_k[rows[q]] += a * v[q]


cdef void _correlations(const Data* d, const floating* Xv, const index_t* Xi,
                        const index_t* Xp, const double* theta, Py_ssize_t K,
                        const Py_ssize_t* cols, Py_ssize_t m, double* out) noexcept nogil:
    cdef Py_ssize_t t
    for t in range(m):
        rows_dot(d, Xv, Xi, Xp, cols[t], theta, K, out + t * K)


cdef void _product(const Data* d, const floating* Xv, const index_t* Xi, const index_t* Xp,
                   const double* src, Py_ssize_t K, const Py_ssize_t* cols, Py_ssize_t m,
                   double* out, bint predict) noexcept nogil:
    if predict:
        _predictors(d, Xv, Xi, Xp, src, K, cols, m, out)
    else:
        _correlations(d, Xv, Xi, Xp, src, K, cols, m, out)


cdef void _dispatch(DesignView design, const Data* d, const double* src, Py_ssize_t K,
                    const Py_ssize_t* cols, Py_ssize_t m, double* out,
                    bint predict) noexcept nogil:
    """_product for X's value and index types."""
    if design.single and design.wide_index:
        _product(d, <const float*> design.Xv, <const int64_t*> design.Xi,
                 <const int64_t*> design.Xp, src, K, cols, m, out, predict)
    elif design.single:
        _product(d, <const float*> design.Xv, <const int32_t*> design.Xi,
                 <const int32_t*> design.Xp, src, K, cols, m, out, predict)
    elif design.wide_index:
        _product(d, <const double*> design.Xv, <const int64_t*> design.Xi,
                 <const int64_t*> design.Xp, src, K, cols, m, out, predict)
    else:
        _product(d, <const double*> design.Xv, <const int32_t*> design.Xi,
                 <const int32_t*> design.Xp, src, K, cols, m, out, predict)


def predictors(DesignView design, const double[:, ::1] W, const double[::1] b,
               const Py_ssize_t[::1] cols, double[:, ::1] eta):
    """η_k = b_k + Σ_t W_kt x_{cols[t]} for every class k, into ``eta`` (K, n).

    ``W`` (K, len(cols)) holds the coefficients of the features ``cols``, which
    must include every nonzero one. X is read as stored (a view without
    implicit centering).
    """
    cdef Data d = design.view()
    cdef Py_ssize_t K = W.shape[0], n = design.n_samples, m = cols.shape[0], k, i
    if W.shape[1] != m or b.shape[0] != K or eta.shape[0] != K or eta.shape[1] != n:
        raise ValueError("W (K, len(cols)), b (K,) and eta (K, n) must match the design")
    _check_columns(cols, design.n_features)
    with nogil:
        for k in range(K):
            for i in range(n):
                eta[k, i] = b[k]
        if m > 0:
            _dispatch(design, &d, &W[0, 0], K, &cols[0], m, &eta[0, 0], True)


def correlations(DesignView design, const double[:, ::1] theta, const Py_ssize_t[::1] cols,
                 double[:, ::1] out):
    """out[t, k] = Σ_i s_i x_{i, cols[t]} Θ_ik (X as stored, uncentered)."""
    cdef Data d = design.view()
    cdef Py_ssize_t K = theta.shape[1], m = cols.shape[0]
    if theta.shape[0] != design.n_samples or out.shape[0] != m or out.shape[1] != K:
        raise ValueError("theta must be (n, K) and out (len(cols), K)")
    _check_columns(cols, design.n_features)
    if m == 0:
        return
    with nogil:
        _dispatch(design, &d, &theta[0, 0], K, &cols[0], m, &out[0, 0], False)


cdef void _check_columns(const Py_ssize_t[::1] cols, Py_ssize_t p) except *:
    cdef Py_ssize_t t
    for t in range(cols.shape[0]):
        if cols[t] < 0 or cols[t] >= p:
            raise IndexError("cols holds a feature out of range")
