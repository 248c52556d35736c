"""Single steps exposed to Python: plain coordinate-descent sweeps and the
continuation of the last path segment (a warm start on dense data)."""

from libc.stdint cimport int32_t, int64_t
from libc.string cimport memcpy

import numpy as np

from ._cd cimport cd_epoch
from ._columns cimport Data
from ._enet cimport ElasticNet
from ._extrapolation cimport objective_on
from ._fused cimport floating, index_t
from ._problem cimport DesignView, ElasticNetPenalty, check_state
from ._quadratic cimport quad_move


cdef double _epochs(const Data* d, const ElasticNet* pen, const floating* Xv, const index_t* Xi,
                    const index_t* Xp, const Py_ssize_t* feats, Py_ssize_t p, double* w,
                    double* r, double* offset, Py_ssize_t n_epochs) noexcept nogil:
    cdef Py_ssize_t k
    cdef double change = 0.0
    for k in range(n_epochs):
        change = cd_epoch(d, pen, Xv, Xi, Xp, feats, p, w, r, offset, NULL, NULL)
    return change


def cd_epochs(DesignView design, ElasticNetPenalty penalty, double[::1] w, double[::1] r,
              double[::1] offset, Py_ssize_t n_epochs):
    """Plain cyclic CD sweeps over every feature (no working set, no stopping rule).

    Exposed to measure the cost of one epoch against one ``X.T @ r`` product.
    Arguments are those of :func:`solve`; returns the last max change.
    """
    cdef Data d = design.view()
    cdef ElasticNet pen = penalty.view()
    cdef Py_ssize_t p = design.n_features
    cdef Py_ssize_t[::1] feats = np.arange(p, dtype=np.intp)
    cdef double change
    check_state(design, w, r, offset)
    with nogil:
        if design.single and design.wide_index:
            change = _epochs(&d, &pen, <const float*> design.Xv, <const int64_t*> design.Xi,
                             <const int64_t*> design.Xp, &feats[0], p, &w[0], &r[0],
                             &offset[0], n_epochs)
        elif design.single:
            change = _epochs(&d, &pen, <const float*> design.Xv, <const int32_t*> design.Xi,
                             <const int32_t*> design.Xp, &feats[0], p, &w[0], &r[0],
                             &offset[0], n_epochs)
        elif design.wide_index:
            change = _epochs(&d, &pen, <const double*> design.Xv, <const int64_t*> design.Xi,
                             <const int64_t*> design.Xp, &feats[0], p, &w[0], &r[0],
                             &offset[0], n_epochs)
        else:
            change = _epochs(&d, &pen, <const double*> design.Xv, <const int32_t*> design.Xi,
                             <const int32_t*> design.Xp, &feats[0], p, &w[0], &r[0],
                             &offset[0], n_epochs)
    return change


cdef bint _continue_segment(const Data* d, const ElasticNet* pen, const floating* Xv,
                            const Py_ssize_t* moved, Py_ssize_t m, const double* w_before,
                            double step, double* w, double* r, double* offset, double* w_old,
                            double* w_new, double* r_work) noexcept nogil:
    cdef Py_ssize_t t, j
    cdef double wj, off_new
    cdef const int32_t* no_index = NULL  # dense X: the index type is unused
    memcpy(r_work, r, d.n_samples * sizeof(double))
    off_new = offset[0]
    for t in range(m):
        j = moved[t]
        w_old[t] = w[j]
        wj = w[j] + step * (w[j] - w_before[t])
        w_new[t] = wj if wj * w[j] > 0.0 else 0.0
        if w_new[t] != w[j]:
            quad_move(d, Xv, no_index, no_index, j, w_new[t] - w[j], r_work, &off_new)
    if not (objective_on(d, pen, moved, m, w_new, r_work, off_new)
            < objective_on(d, pen, moved, m, w_old, r, offset[0])):
        return False
    memcpy(r, r_work, d.n_samples * sizeof(double))
    offset[0] = off_new
    for t in range(m):
        w[moved[t]] = w_new[t]
    return True


def continue_segment(DesignView design, ElasticNetPenalty penalty, double[::1] w,
                     double[::1] r, double[::1] offset, const Py_ssize_t[::1] moved,
                     const double[::1] w_before, double step, double[::1] r_work):
    """Move (w, r, offset) to w + step·(w − w_before) if that lowers the objective (dense X).

    Continues the last segment of the path (exact for the Lasso while the
    support and signs do not change); coefficients that would change sign
    are set to zero. ``moved`` lists the features nonzero in w or in the
    solution before it, ``w_before`` their values there. Returns whether the
    move was made.
    """
    cdef Data d = design.view()
    cdef ElasticNet pen = penalty.view()
    cdef Py_ssize_t m = moved.shape[0]
    cdef double[::1] w_old = np.empty(m)
    cdef double[::1] w_new = np.empty(m)
    cdef bint accept
    check_state(design, w, r, offset)
    if design.sparse:
        raise ValueError("continue_segment is for dense designs")
    if m == 0:
        return False
    with nogil:
        if design.single:
            accept = _continue_segment(&d, &pen, <const float*> design.Xv, &moved[0], m,
                                       &w_before[0], step, &w[0], &r[0], &offset[0],
                                       &w_old[0], &w_new[0], &r_work[0])
        else:
            accept = _continue_segment(&d, &pen, <const double*> design.Xv, &moved[0], m,
                                       &w_before[0], step, &w[0], &r[0], &offset[0],
                                       &w_old[0], &w_new[0], &r_work[0])
    return accept
