# Working sets and Gap Safe screening: which features a solve looks at.
#
# A working set holds the features closest to their dual constraint (the
# penalty's priority at the current dual point); Gap Safe screening drops, for
# good, the features the sphere around the dual point proves zero.
from libc.math cimport INFINITY, fmax as max, fmin as min

from ._columns cimport Data
from ._enet cimport ElasticNet, enet_penalized, enet_priority, enet_provably_zero
from ._fused cimport floating, index_t
from ._gap cimport Gap
from ._quadratic cimport quad_move


cdef inline Py_ssize_t gap_safe_screen(const Data* d, const ElasticNet* pen,
                                       const floating* Xv, const index_t* Xi,
                                       const index_t* Xp, const Gap* g, const double* z,
                                       double* w, double* r, double* offset,
                                       Py_ssize_t* feats, Py_ssize_t n_feats,
                                       signed char* left_out) noexcept nogil:
    """Drop from ``feats`` every feature the Gap Safe sphere proves zero at the optimum.

    A screened feature with a nonzero coefficient (possible after a warm
    start) is set to zero. Returns the new number of features; ``feats`` is
    compacted in place.
    """
    cdef Py_ssize_t t, j, kept = 0
    cdef double radius = g.radius
    cdef bint fenchel = g.fenchel_gap < g.lasso_gap
    for t in range(n_feats):
        j = feats[t]
        if enet_provably_zero(pen, d, fenchel, g.scale, radius, j, z[j], w[j]):
            left_out[j] = 1
            if w[j] != 0.0:
                quad_move(d, Xv, Xi, Xp, j, -w[j], r, offset)
                w[j] = 0.0
            continue
        feats[kept] = j
        kept += 1
    return kept


cdef inline void _swap(double* key, Py_ssize_t* idx, Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    cdef double k = key[a]
    cdef Py_ssize_t i = idx[a]
    key[a] = key[b]
    idx[a] = idx[b]
    key[b] = k
    idx[b] = i


cdef inline void select_smallest(double* key, Py_ssize_t* idx, Py_ssize_t n,
                                 Py_ssize_t k) noexcept nogil:
    """Reorder (key, idx) so that the k smallest keys come first (quickselect).

    Three-way partitioning keeps it linear when many keys are equal.
    """
    cdef Py_ssize_t lo = 0, hi = n, lt, gt, i
    cdef double pivot, a, b, c
    if k <= 0 or k >= n:
        return
    while hi - lo > 1:
        a = key[lo]
        b = key[lo + (hi - lo) // 2]
        c = key[hi - 1]
        pivot = max(min(a, b), min(max(a, b), c))  # median of three
        # invariant: [lo, lt) < pivot, [lt, i) == pivot, [gt, hi) > pivot
        lt = lo
        i = lo
        gt = hi
        while i < gt:
            if key[i] < pivot:
                _swap(key, idx, i, lt)
                lt += 1
                i += 1
            elif key[i] > pivot:
                gt -= 1
                _swap(key, idx, i, gt)
            else:
                i += 1
        if k < lt:
            hi = lt
        elif k <= gt:
            return
        else:
            lo = gt


cdef inline Py_ssize_t build_working_set(const Data* d, const ElasticNet* pen, const Gap* g,
                                         const double* z, const double* w,
                                         const Py_ssize_t* feats, Py_ssize_t n_feats,
                                         Py_ssize_t ws_size, double* key,
                                         Py_ssize_t* ws) noexcept nogil:
    """The ws_size features of ``feats`` closest to their dual constraint.

    Nonzero and unpenalized coefficients always belong to the working set.
    Returns the working-set size.
    """
    cdef Py_ssize_t t, j
    if ws_size >= n_feats or pen.l1 <= 0.0:
        for t in range(n_feats):
            ws[t] = feats[t]
        return n_feats
    for t in range(n_feats):
        j = feats[t]
        ws[t] = j
        if w[j] != 0.0 or not enet_penalized(pen, j):
            key[t] = -INFINITY
        else:
            key[t] = enet_priority(pen, d, g.scale, j, z[j])
    select_smallest(key, ws, n_feats, ws_size)
    return ws_size
