"""Per-group statistics of the design for the block models: the groups' Gram matrices."""

from libc.stdint cimport int32_t, int64_t

import numpy as np

from ._columns cimport Data, column
from ._fused cimport floating, index_t
from ._problem cimport DesignView


cdef void _grams(const Data* d, const floating* Xv, const index_t* Xi, const index_t* Xp,
                 const Py_ssize_t* ptr, const Py_ssize_t* idx, Py_ssize_t n_groups,
                 double* scatter, double* out) noexcept nogil:
    cdef Py_ssize_t g, a, b, s, t, nnz, start, m, pos = 0
    cdef const floating* v
    cdef const index_t* rows
    cdef double acc
    for g in range(n_groups):
        start = ptr[g]
        m = ptr[g + 1] - start
        for a in range(m):
            # column a, weighted, scattered into a dense n-vector
            nnz = column(d, Xv, Xi, Xp, idx[start + a], &v, &rows)
            for t in range(nnz):
                s = rows[t] if rows != NULL else t
                scatter[s] = v[t] * d.sw[s] if d.weighted else v[t]
            for b in range(a, m):
                nnz = column(d, Xv, Xi, Xp, idx[start + b], &v, &rows)
                acc = 0.0
                for t in range(nnz):
                    acc += v[t] * scatter[rows[t] if rows != NULL else t]
                acc -= d.weight_sum * d.mean[idx[start + a]] * d.mean[idx[start + b]]
                out[pos + a * m + b] = acc
                out[pos + b * m + a] = acc
            nnz = column(d, Xv, Xi, Xp, idx[start + a], &v, &rows)
            for t in range(nnz):
                scatter[rows[t] if rows != NULL else t] = 0.0
        pos += m * m


def group_grams(DesignView design, group_ptr, group_idx):
    """The centered weighted Gram X̄_gᵀSX̄_g of every group, concatenated (row-major blocks).

    One pass over each group's columns per column of the group; never a
    dense copy of X.
    """
    cdef Py_ssize_t[::1] ptr = np.ascontiguousarray(group_ptr, dtype=np.intp)
    cdef Py_ssize_t[::1] idx = np.ascontiguousarray(group_idx, dtype=np.intp)
    sizes = np.diff(np.asarray(ptr))
    cdef double[::1] out = np.zeros(max(int(np.sum(sizes * sizes)), 1))
    cdef double[::1] scatter = np.zeros(max(design.n_samples, 1))
    cdef Data d = design.view()
    cdef Py_ssize_t G = ptr.shape[0] - 1
    with nogil:
        if design.single and design.wide_index:
            _grams(&d, <const float*> design.Xv, <const int64_t*> design.Xi,
                   <const int64_t*> design.Xp, &ptr[0], &idx[0], G, &scatter[0], &out[0])
        elif design.single:
            _grams(&d, <const float*> design.Xv, <const int32_t*> design.Xi,
                   <const int32_t*> design.Xp, &ptr[0], &idx[0], G, &scatter[0], &out[0])
        elif design.wide_index:
            _grams(&d, <const double*> design.Xv, <const int64_t*> design.Xi,
                   <const int64_t*> design.Xp, &ptr[0], &idx[0], G, &scatter[0], &out[0])
        else:
            _grams(&d, <const double*> design.Xv, <const int32_t*> design.Xi,
                   <const int32_t*> design.Xp, &ptr[0], &idx[0], G, &scatter[0], &out[0])
    return np.asarray(out)
