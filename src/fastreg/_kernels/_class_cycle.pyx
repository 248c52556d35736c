"""One cycle over the classes of a multinomial model, in one call.

With the other classes fixed, the multinomial loss in class k's predictor is
a binary logistic loss (the others' log-sum-exp a per-sample offset), so a
class step is the binary model's proximal Newton step (``newton_model_step``,
``_newton.pxd``: weights p_k (1 − p_k), coordinate descent on the working set)
followed by a backtracking line search on the multinomial objective. The
softmax is kept as E = e^(η − c) (c a per-sample shift fixed at the last
refresh) and its column sums: the line search's accepted trial already holds
e^(tΔη) for every sample, so updating class k's row costs no exponential.
"""

from libc.math cimport fabs
from libc.stdint cimport int32_t, int64_t

import numpy as np

from ._columns cimport Data
from ._enet cimport ElasticNet, enet_along
from ._fused cimport floating, index_t
from ._logistic cimport Logistic
from ._newton cimport newton_model_step
from ._problem cimport DesignView, ElasticNetPenalty, LogisticLoss
from ._vmath cimport CHUNK, vexp, vlog

cdef enum:
    HALVINGS = 30       # most step halvings in a class's line search

# η − c beyond this and E would soon overflow: the softmax is refreshed (new c)
cdef double E_RANGE = 500.0


cdef struct Softmax:
    Py_ssize_t n_classes
    Py_ssize_t n_samples
    double* eta         # (K, n) linear predictors, intercepts included
    double* E           # (K, n) e^(η − c)
    double* sums        # n: Σ_k E_k
    double* c           # n: each sample's largest η at the last refresh


cdef void _refresh(Softmax* s) noexcept nogil:
    """c = max_k η_k, E = e^(η − c) and its sums: K exponentials per sample.

    A batch of samples at a time, its K rows' segments in L1: η read once, E
    written once.
    """
    cdef Py_ssize_t K = s.n_classes, n = s.n_samples, i, k, batch, start, m
    cdef double v
    cdef double* c
    cdef double* Ek
    cdef const double* eta_k
    for batch in range((n + CHUNK - 1) // CHUNK):
        start = batch * CHUNK
        m = min(<Py_ssize_t> CHUNK, n - start)
        c = s.c + start
        for i in range(m):
            c[i] = s.eta[start + i]
        for k in range(1, K):
            eta_k = s.eta + k * n + start
            for i in range(m):  # (a store either way: a max the compiler vectorizes)
                v = eta_k[i]
                c[i] = v if v > c[i] else c[i]
        for i in range(m):
            s.sums[start + i] = 0.0
        for k in range(K):
            eta_k = s.eta + k * n + start
            Ek = s.E + k * n + start
            for i in range(m):
                Ek[i] = eta_k[i] - c[i]
            vexp(Ek, Ek, m)
            for i in range(m):
                s.sums[start + i] += Ek[i]


cdef double _line_search(const Data* d, const ElasticNet* pen, const double* prob,
                         const double* rest, const double* y, const double* step,
                         const Py_ssize_t* ws, Py_ssize_t n_ws, const double* w_start,
                         const double* w_model, double null_obj, double* factor,
                         double* t_out) noexcept nogil:
    """Backtracking along η_k + t·step; returns the objective's change, t in ``t_out``.

    The loss changes by Σ_i s_i [log(1 − p_ik + p_ik e^{t·step_i}) − y_ik t·step_i]
    (``rest`` holds 1 − p_ik, summed from the other classes where p_ik rounds
    to 1), the penalty on ws by Ω(w_start + t (w_model − w_start)) − Ω(w_start).
    One exp and one log per sample, a batch at a time (``_vmath.pxd``): near
    t·step = 0 the log's rounding (1e-16 a sample) stays far below the slack.
    t is halved from 1 until the change is at most the rounding of the
    objective; ``factor`` keeps e^{t·step} of the accepted trial. t = 0
    (change 0) when HALVINGS halvings do not get there.
    """
    cdef Py_ssize_t i, it, batch, start, m, k
    cdef double t = 1.0, change, u, slack
    cdef double arg[CHUNK]
    cdef double base = enet_along(pen, ws, n_ws, w_start, w_model, 0.0)
    slack = 1e-15 * (fabs(base) + null_obj)
    for it in range(HALVINGS):
        change = enet_along(pen, ws, n_ws, w_start, w_model, t) - base
        for batch in range((d.n_samples + CHUNK - 1) // CHUNK):
            start = batch * CHUNK
            m = min(<Py_ssize_t> CHUNK, d.n_samples - start)
            for k in range(m):
                factor[start + k] = t * step[start + k]
            vexp(factor + start, factor + start, m)
            for k in range(m):
                arg[k] = rest[start + k] + prob[start + k] * factor[start + k]
            vlog(arg, arg, m)
            for k in range(m):
                i = start + k
                u = arg[k] - y[i] * (t * step[i])
                change += d.sw[i] * u if d.weighted else u
        if change <= slack:  # also False for NaN (an overflowing trial)
            t_out[0] = t
            return change
        t *= 0.5
    t_out[0] = 0.0
    return 0.0


cdef Py_ssize_t _class_step(const Data* d, Logistic* f, const double* Y, const ElasticNet* pen,
                            const floating* Xv, const index_t* Xi, const index_t* Xp,
                            const Py_ssize_t* ws, Py_ssize_t n_ws, Softmax* s, Py_ssize_t k,
                            double* w, double* b, Py_ssize_t* act,
                            Py_ssize_t max_epochs, double null_obj,
                            double* decrease) noexcept nogil:
    """Class k's Newton step and line search, then its η, E and the sums; returns epochs."""
    cdef Py_ssize_t n = d.n_samples, K = s.n_classes, i, j, epochs
    cdef double* Ek = s.E + k * n
    cdef double* eta_k = s.eta + k * n
    cdef const double* y = Y + k * n    # class k's labels
    # the loss's buffers that its Newton model leaves alone
    cdef double* rest = f.spare         # 1 − p_k: the other classes' share
    cdef double* factor = f.try_prob    # e^{tΔη} of the accepted trial
    cdef double db, t, change, others, inv
    cdef bint moved, refresh = False
    for i in range(n):
        others = s.sums[i] - Ek[i]
        if others <= 1e-8 * Ek[i]:  # class k dominates: the difference lost its digits
            others = 0.0
            for j in range(K):
                if j != k:
                    others += s.E[j * n + i]
        inv = 1.0 / s.sums[i]
        f.prob[i] = Ek[i] * inv
        rest[i] = others * inv
    f.y = y
    epochs = newton_model_step(d, f, pen, Xv, Xi, Xp, ws, n_ws, w, act, max_epochs, &db)
    moved = db != 0.0
    for j in range(n_ws):
        moved = moved or w[ws[j]] != f.w_start[j]
    if not moved:
        return epochs
    change = _line_search(d, pen, f.prob, rest, y, f.response, ws, n_ws, f.w_start, w,
                          null_obj, factor, &t)
    for j in range(n_ws):
        w[ws[j]] = f.w_start[j] + t * (w[ws[j]] - f.w_start[j])
    if t == 0.0:
        return epochs
    b[k] += t * db
    for i in range(n):
        eta_k[i] += t * f.response[i]
        refresh = refresh or eta_k[i] - s.c[i] > E_RANGE
        others = rest[i] * s.sums[i]
        Ek[i] *= factor[i]
        s.sums[i] = others + Ek[i]
    if refresh:
        _refresh(s)
    decrease[0] -= change
    return epochs


cdef Py_ssize_t _cycle(const Data* d, Logistic* f, const double* Y, const ElasticNet* pen,
                       const floating* Xv, const index_t* Xi, const index_t* Xp,
                       const Py_ssize_t* ws, Py_ssize_t n_ws, Softmax* s, double* W,
                       Py_ssize_t p, double* b, Py_ssize_t* act,
                       Py_ssize_t max_epochs, double null_obj, double* decrease) noexcept nogil:
    cdef Py_ssize_t k, epochs = 0
    for k in range(s.n_classes):
        epochs += _class_step(d, f, Y, pen, Xv, Xi, Xp, ws, n_ws, s, k, W + k * p, b,
                              act, max_epochs - epochs if max_epochs > epochs else 1,
                              null_obj, decrease)
    return epochs


cdef Softmax _softmax(double[:, ::1] eta, double[:, ::1] E, double[::1] sums,
                      double[::1] c) except *:
    cdef Softmax s
    cdef Py_ssize_t K = eta.shape[0], n = eta.shape[1]
    if (E.shape[0] != K or E.shape[1] != n or sums.shape[0] != n or c.shape[0] != n
            or K == 0 or n == 0):
        raise ValueError("E must match eta (K, n), sums and c have one entry per sample")
    s.n_classes, s.n_samples = K, n
    s.eta, s.E, s.sums, s.c = &eta[0, 0], &E[0, 0], &sums[0], &c[0]
    return s


cdef double _loss(const Softmax* s, const int* codes, const double* sw) noexcept nogil:
    """n · loss from the kept softmax: Σ_i s_i (c_i + log Σ_k E_ki − η_{y_i i})."""
    cdef Py_ssize_t i, n = s.n_samples, batch, start, m, k
    cdef double log_sum[CHUNK]
    cdef double li, acc = 0.0
    for batch in range((n + CHUNK - 1) // CHUNK):
        start = batch * CHUNK
        m = min(<Py_ssize_t> CHUNK, n - start)
        vlog(s.sums + start, log_sum, m)
        for k in range(m):
            i = start + k
            li = s.c[i] + log_sum[k] - s.eta[codes[i] * n + i]
            acc += sw[i] * li if sw != NULL else li
    return acc


def softmax_refresh(double[:, ::1] eta, double[:, ::1] E, double[::1] sums, double[::1] c,
                    const int[::1] codes, const double[::1] sw, bint exps=True):
    """Recompute the kept softmax of η (K, n): c = max_k η_k, E = e^(η − c), sums = Σ_k E_k.

    Returns the loss Σ_i s_i [log Σ_k e^η_ik − η_{y_i i}] (``sw`` empty: unit
    weights) at η. ``exps=False`` only reads the loss off a softmax kept in
    step with η (no exponential).
    """
    cdef Softmax s = _softmax(eta, E, sums, c)
    cdef double loss
    if codes.shape[0] != s.n_samples or (sw.shape[0] != 0 and sw.shape[0] != s.n_samples):
        raise ValueError("codes and sw (if not empty) must have one entry per sample")
    with nogil:
        if exps:
            _refresh(&s)
        loss = _loss(&s, &codes[0], &sw[0] if sw.shape[0] else NULL)
    return loss


def class_cycle(DesignView design, LogisticLoss loss, ElasticNetPenalty penalty,
                double[:, ::1] W, double[::1] b, double[:, ::1] eta, double[:, ::1] E,
                double[::1] sums, double[::1] c, const double[:, ::1] Y,
                const Py_ssize_t[::1] ws, double null_obj, Py_ssize_t max_epochs):
    """One Newton step and line search per class, k = 0 .. K − 1, on the working set ``ws``.

    Parameters
    ----------
    design, loss, penalty
        The design, a binary logistic loss lending its buffers (its labels are
        not read) and the penalty on the solver's scale.
    W : ndarray of shape (K, p), in/out
        Coefficients; only the columns ``ws`` move.
    b : ndarray of shape (K,), in/out
        Intercepts (they move only when the loss fits one).
    eta : ndarray of shape (K, n), in/out
        η = X Wᵀ + b, kept in step with W and b.
    E, sums, c : in/out
        The kept softmax of η (see :func:`softmax_refresh`); refreshed here
        when a class's η leaves the range of c.
    Y : ndarray of shape (K, n)
        The one-hot labels, class by class (row k: class k's 0/1 labels).
    null_obj : float
        The objective's scale (its rounding sets the line search's slack).
    max_epochs : int
        Coordinate-descent epochs allowed over the cycle.

    Returns
    -------
    epochs : int
    decrease : float
        The objective's decrease over the cycle (n times the user scale).
    """
    cdef Data d = design.view()
    cdef Logistic f = loss.view()
    cdef ElasticNet pen = penalty.view()
    cdef Softmax s = _softmax(eta, E, sums, c)
    cdef Py_ssize_t n = design.n_samples, p = design.n_features, n_ws = ws.shape[0]
    cdef Py_ssize_t epochs = 0
    cdef Py_ssize_t[::1] act = np.empty(max(n_ws, 1), dtype=np.intp)
    cdef double decrease = 0.0
    if (W.shape[0] != s.n_classes or W.shape[1] != p or b.shape[0] != s.n_classes
            or s.n_samples != n or Y.shape[0] != s.n_classes or Y.shape[1] != n
            or loss.y.shape[0] != n):
        raise ValueError("W (K, p), b (K,), eta and Y (K, n) and the loss must match the design")
    if n_ws == 0:
        return 0, 0.0
    with nogil:
        if design.single and design.wide_index:
            epochs = _cycle(&d, &f, &Y[0, 0], &pen, <const float*> design.Xv,
                            <const int64_t*> design.Xi, <const int64_t*> design.Xp, &ws[0],
                            n_ws, &s, &W[0, 0], p, &b[0], &act[0], max_epochs,
                            null_obj, &decrease)
        elif design.single:
            epochs = _cycle(&d, &f, &Y[0, 0], &pen, <const float*> design.Xv,
                            <const int32_t*> design.Xi, <const int32_t*> design.Xp, &ws[0],
                            n_ws, &s, &W[0, 0], p, &b[0], &act[0], max_epochs,
                            null_obj, &decrease)
        elif design.wide_index:
            epochs = _cycle(&d, &f, &Y[0, 0], &pen, <const double*> design.Xv,
                            <const int64_t*> design.Xi, <const int64_t*> design.Xp, &ws[0],
                            n_ws, &s, &W[0, 0], p, &b[0], &act[0], max_epochs,
                            null_obj, &decrease)
        else:
            epochs = _cycle(&d, &f, &Y[0, 0], &pen, <const double*> design.Xv,
                            <const int32_t*> design.Xi, <const int32_t*> design.Xp, &ws[0],
                            n_ws, &s, &W[0, 0], p, &b[0], &act[0], max_epochs,
                            null_obj, &decrease)
    return epochs, decrease
