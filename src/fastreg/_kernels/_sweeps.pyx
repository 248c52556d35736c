"""Single steps exposed to Python: plain coordinate-descent sweeps, the
continuation of the last path segment (a warm start on dense data), and one
class's Newton step of a multinomial model."""

from libc.math cimport expm1, log1p
from libc.stdint cimport int32_t, int64_t
from libc.string cimport memcpy

import numpy as np

from ._cd cimport cd_epoch
from ._columns cimport Data
from ._enet cimport ElasticNet, enet_value
from ._extrapolation cimport objective_on
from ._fused cimport floating, index_t
from ._logistic cimport Logistic
from ._newton cimport newton_model_step
from ._problem cimport DesignView, ElasticNetPenalty, LogisticLoss, check_state
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


def newton_class_step(DesignView design, LogisticLoss loss, ElasticNetPenalty penalty,
                      double[::1] w, const double[::1] prob, const Py_ssize_t[::1] ws,
                      double[::1] step, Py_ssize_t max_epochs):
    """One proximal Newton model of a logistic loss, minimized on a working set.

    The model is the second-order one at the probabilities ``prob`` (for a
    class of a multinomial model: its softmax probabilities, which are the
    logistic ones given the other classes); coordinate descent minimizes it
    with the penalty over the features ``ws`` (the binary solver's own model
    step, ``_newton.pxd``). ``w`` moves to the model's minimizer and ``step``
    receives the step in η, XΔw + Δb; no line search is made here.

    Returns
    -------
    epochs : int
    db : float
        The intercept's step (0 without an intercept).
    """
    cdef Data d = design.view()
    cdef Logistic f = loss.view()
    cdef ElasticNet pen = penalty.view()
    cdef Py_ssize_t n = design.n_samples, n_ws = ws.shape[0], epochs = 0
    cdef Py_ssize_t[::1] act = np.empty(max(n_ws, 1), dtype=np.intp)
    cdef double db = 0.0
    if (w.shape[0] != design.n_features or prob.shape[0] != n or step.shape[0] != n
            or loss.y.shape[0] != n):
        raise ValueError("w, prob, step and the loss must match the design's shape")
    if n_ws == 0:
        step[:] = 0.0
        return 0, 0.0
    # the model step reads the probabilities and writes the step: point it at the callers'
    f.prob = <double*> &prob[0]
    f.response = &step[0]
    with nogil:
        if design.single and design.wide_index:
            epochs = newton_model_step(&d, &f, &pen, <const float*> design.Xv,
                                       <const int64_t*> design.Xi, <const int64_t*> design.Xp,
                                       &ws[0], n_ws, &w[0], &act[0], max_epochs, &db)
        elif design.single:
            epochs = newton_model_step(&d, &f, &pen, <const float*> design.Xv,
                                       <const int32_t*> design.Xi, <const int32_t*> design.Xp,
                                       &ws[0], n_ws, &w[0], &act[0], max_epochs, &db)
        elif design.wide_index:
            epochs = newton_model_step(&d, &f, &pen, <const double*> design.Xv,
                                       <const int64_t*> design.Xi, <const int64_t*> design.Xp,
                                       &ws[0], n_ws, &w[0], &act[0], max_epochs, &db)
        else:
            epochs = newton_model_step(&d, &f, &pen, <const double*> design.Xv,
                                       <const int32_t*> design.Xi, <const int32_t*> design.Xp,
                                       &ws[0], n_ws, &w[0], &act[0], max_epochs, &db)
    return epochs, db


def class_line_search(ElasticNetPenalty penalty, const double[::1] prob, const double[::1] y,
                      const double[::1] sw, const double[::1] step,
                      const Py_ssize_t[::1] ws, const double[::1] w_start,
                      const double[::1] w_model, double slack):
    """Backtracking on one class's step of a multinomial objective; returns (t, change).

    Along η_k + t·step (the other classes fixed) the loss changes by
    Σ_i s_i [log(1 + p_ik (e^{t·step_i} − 1)) − y_ik t·step_i] and the penalty on the
    working set ``ws`` by Ω(w_start + t (w_model − w_start)) − Ω(w_start): one pass
    over the samples per trial. t is halved from 1 until the change is at most
    ``slack`` (rounding); (0, 0) when 30 halvings do not get there.
    """
    cdef ElasticNet pen = penalty.view()
    cdef Py_ssize_t n = prob.shape[0], m = ws.shape[0], i, k, it
    cdef bint weighted = sw.shape[0] > 0
    cdef double t = 1.0, change = 0.0, base = 0.0, u, wj
    cdef bint accepted = False
    if y.shape[0] != n or step.shape[0] != n or (weighted and sw.shape[0] != n):
        raise ValueError("prob, y, step and sw must have one entry per sample")
    if w_start.shape[0] != m or w_model.shape[0] != m:
        raise ValueError("w_start and w_model must have one entry per working-set feature")
    with nogil:
        for k in range(m):
            base += enet_value(&pen, ws[k], w_start[k])
        for it in range(30):
            change = -base
            for k in range(m):
                wj = w_start[k] + t * (w_model[k] - w_start[k])
                change += enet_value(&pen, ws[k], wj)
            for i in range(n):
                u = t * step[i]
                u = log1p(prob[i] * expm1(u)) - y[i] * u
                change += sw[i] * u if weighted else u
            if change <= slack:  # also False for NaN (an overflowing trial)
                accepted = True
                break
            t *= 0.5
    return (t, change) if accepted else (0.0, 0.0)
