# Column access shared by every solver: the design as the kernels read it, and
# the three products a coordinate step needs (x_jᵀSr, two at once, r -= a x_j).
# Dense columns are contiguous (rows == NULL); sparse columns are (values, row
# indices) slices of the CSC arrays. X's pointers are fused (float32/float64
# values, int32/int64 indices), so they travel beside the struct, not in it.
from ._fused cimport floating, index_t
from ._sums cimport dot


cdef struct Data:
    Py_ssize_t n_samples
    bint sparse
    bint weighted
    const double* sw        # sample weights s (NULL when unit)
    double weight_sum       # Σ s_i (n for the datafits' weights, rescaled to sum to n)
    const double* mean      # weighted column means, zeros without intercept
    const double* sq_norm   # weighted squared norms of the centered columns
    const double* col_norm  # their square roots (for the screening tests)


cdef inline Py_ssize_t column(const Data* d, const floating* Xv, const index_t* Xi,
                              const index_t* Xp, Py_ssize_t j, const floating** vals,
                              const index_t** rows) noexcept nogil:
    cdef Py_ssize_t start
    if d.sparse:
        start = Xp[j]
        vals[0] = Xv + start
        rows[0] = Xi + start
        return Xp[j + 1] - start
    vals[0] = Xv + j * d.n_samples
    rows[0] = NULL
    return d.n_samples


cdef inline double col_dot(const Data* d, const floating* Xv, const index_t* Xi,
                           const index_t* Xp, Py_ssize_t j, const double* r) noexcept nogil:
    """Σ_i s_i x_ij r_i over the stored entries of column j (four partial sums)."""
    cdef const floating* v
    cdef const index_t* rows
    cdef Py_ssize_t k, nnz = column(d, Xv, Xi, Xp, j, &v, &rows)
    cdef Py_ssize_t n4 = nnz - nnz % 4
    cdef double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
    cdef const double* sw = d.sw
    if rows == NULL and not d.weighted:
        return dot(v, r, nnz)
    if rows == NULL:
        for k in range(0, n4, 4):
            a0 += v[k] * sw[k] * r[k]
            a1 += v[k + 1] * sw[k + 1] * r[k + 1]
            a2 += v[k + 2] * sw[k + 2] * r[k + 2]
            a3 += v[k + 3] * sw[k + 3] * r[k + 3]
        for k in range(n4, nnz):
            a0 += v[k] * sw[k] * r[k]
    elif d.weighted:
        for k in range(0, n4, 4):
            a0 += v[k] * sw[rows[k]] * r[rows[k]]
            a1 += v[k + 1] * sw[rows[k + 1]] * r[rows[k + 1]]
            a2 += v[k + 2] * sw[rows[k + 2]] * r[rows[k + 2]]
            a3 += v[k + 3] * sw[rows[k + 3]] * r[rows[k + 3]]
        for k in range(n4, nnz):
            a0 += v[k] * sw[rows[k]] * r[rows[k]]
    else:
        for k in range(0, n4, 4):
            a0 += v[k] * r[rows[k]]
            a1 += v[k + 1] * r[rows[k + 1]]
            a2 += v[k + 2] * r[rows[k + 2]]
            a3 += v[k + 3] * r[rows[k + 3]]
        for k in range(n4, nnz):
            a0 += v[k] * r[rows[k]]
    return (a0 + a1) + (a2 + a3)


cdef inline double col_dot_pair(const Data* d, const floating* Xv, const index_t* Xi,
                                const index_t* Xp, Py_ssize_t j, const double* r,
                                const double* theta, double* z_theta) noexcept nogil:
    """Σ_i s_i x_ij r_i, and Σ_i s_i x_ij θ_i into z_theta, in one pass over column j.

    Two partial sums per product: the two chains already overlap.
    """
    cdef const floating* v
    cdef const index_t* rows
    cdef Py_ssize_t k, i0, i1, nnz = column(d, Xv, Xi, Xp, j, &v, &rows)
    cdef double r0 = 0.0, r1 = 0.0, t0 = 0.0, t1 = 0.0, x0, x1
    cdef const double* sw = d.sw
    if rows == NULL and not d.weighted:
        for k in range(0, nnz - 1, 2):
            r0 += v[k] * r[k]
            r1 += v[k + 1] * r[k + 1]
            t0 += v[k] * theta[k]
            t1 += v[k + 1] * theta[k + 1]
    elif not d.weighted:
        for k in range(0, nnz - 1, 2):
            i0 = rows[k]
            i1 = rows[k + 1]
            r0 += v[k] * r[i0]
            r1 += v[k + 1] * r[i1]
            t0 += v[k] * theta[i0]
            t1 += v[k + 1] * theta[i1]
    else:
        for k in range(0, nnz - 1, 2):
            i0 = rows[k] if rows != NULL else k
            i1 = rows[k + 1] if rows != NULL else k + 1
            x0 = v[k] * sw[i0]
            x1 = v[k + 1] * sw[i1]
            r0 += x0 * r[i0]
            r1 += x1 * r[i1]
            t0 += x0 * theta[i0]
            t1 += x1 * theta[i1]
    if nnz % 2:
        k = nnz - 1
        i0 = rows[k] if rows != NULL else k
        x0 = v[k] * sw[i0] if d.weighted else v[k]
        r0 += x0 * r[i0]
        t0 += x0 * theta[i0]
    z_theta[0] = t0 + t1
    return r0 + r1


cdef inline void col_axpy(const Data* d, const floating* Xv, const index_t* Xi,
                          const index_t* Xp, Py_ssize_t j, double a, double* r) noexcept nogil:
    """r -= a x_j."""
    cdef const floating* v
    cdef const index_t* rows
    cdef Py_ssize_t k, nnz = column(d, Xv, Xi, Xp, j, &v, &rows)
    if rows == NULL:
        for k in range(nnz):
            r[k] -= a * v[k]
    else:
        for k in range(nnz):
            r[rows[k]] -= a * v[k]


cdef inline double s_sq_norm(const Data* d, const double* u) noexcept nogil:
    """‖u‖²_S."""
    cdef Py_ssize_t i
    cdef double acc = 0.0
    for i in range(d.n_samples):
        acc += (d.sw[i] * u[i] * u[i]) if d.weighted else u[i] * u[i]
    return acc
