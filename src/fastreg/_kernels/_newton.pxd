# The logistic datafit's working-set solver: proximal Newton steps.
#
# Each step replaces F by its second-order model at the current η, a
# weighted quadratic ½ Σ h_i (z_i − x̄_iᵀΔ)² with Hessian weights
# h = s p (1 − p) and working response z = (y − p) / (p (1 − p)) (centered
# under h with an intercept, whose step is then z̄ − m_hᵀΔ): glmnet's IRLS. The
# quadratic's own coordinate-descent epoch (_cd.pxd) minimizes model +
# penalty on the working set (one sweep over it, then sweeps over its
# support); a backtracking line search on the true objective, the exact
# intercept and the working set's gap follow.
from libc.math cimport NAN, fabs
from libc.string cimport memcpy

from ._cd cimport cd_epoch
from ._columns cimport Data, column
from ._enet cimport ElasticNet, enet_along, enet_prox, enet_slope_along, enet_value
from ._fused cimport floating, index_t
from ._gap cimport Gap, logit_gap
from ._logistic cimport (Logistic, logit_cached_value, logit_evaluate, logit_intercept_step,
                         logit_mark_cached, logit_probabilities, logit_refresh)
from ._logit_block cimport logit_block_dual_point, logit_block_step
from ._quadratic cimport quad_gradient, quad_move
from ._workspace cimport Workspace

cdef enum:
    NEWTON_STEPS = 50       # most Newton steps per working set
    MODEL_EPOCHS = 10       # most coordinate-descent epochs per Newton model
    HALVINGS = 30           # most step halvings in the line search



cdef inline double _first_model_sweep(const Data* d, const Data* model, const Logistic* f,
                                      const ElasticNet* pen, const floating* Xv,
                                      const index_t* Xi, const index_t* Xp,
                                      const Py_ssize_t* ws, Py_ssize_t n_ws, double* w,
                                      double* r_model, double* off_model) noexcept nogil:
    """The Newton model's first CD sweep over the working set, each column read once for
    its mean and centered squared norm under the Hessian weights (the model's
    ``mean`` and ``sq_norm``) and its correlation with the model's residual.

    Also keeps each coefficient's start in ``f.w_start``. Returns what
    ``cd_epoch`` returns.
    """
    cdef const floating* v
    cdef const index_t* rows
    cdef const double* h = model.sw
    cdef Py_ssize_t t, j, k, i, nnz
    cdef double s1, s2, s3, hx, mean, sq, wj, new, delta, change, max_change = 0.0
    for t in range(n_ws):
        j = ws[t]
        wj = w[j]
        f.w_start[t] = wj
        nnz = column(d, Xv, Xi, Xp, j, &v, &rows)
        s1 = 0.0
        s2 = 0.0
        s3 = 0.0
        for k in range(nnz):
            i = rows[k] if rows != NULL else k
            hx = h[i] * v[k]
            s1 += hx
            s2 += hx * v[k]
            s3 += hx * r_model[i]
        mean = s1 / model.weight_sum if f.fit_intercept else 0.0
        sq = s2 - model.weight_sum * mean * mean
        if sq < 0.0:
            sq = 0.0
        f.model_mean[j] = mean
        f.model_sq_norm[j] = sq
        if sq == 0.0:
            continue  # constant under the weights: its coefficient stays
        new = enet_prox(pen, j, wj, quad_gradient(model, j, s3, off_model[0]), sq)
        if new != wj:
            delta = new - wj
            quad_move(model, Xv, Xi, Xp, j, delta, r_model, off_model)
            w[j] = new
            change = delta * delta * sq
            if change > max_change:
                max_change = change
    return max_change


cdef inline double _backtrack(const Data* d, const Logistic* f, const ElasticNet* pen,
                              const double* r, double offset, const double* step, double db,
                              const Py_ssize_t* ws, Py_ssize_t n_ws, const double* w,
                              double f0, double* loss) noexcept nogil:
    """The first t of 1, 1/2, 1/4, ... where the objective is at most ``f0``, its
    state and probabilities left in the trial buffers and its loss in ``loss``
    (0: none)."""
    cdef Py_ssize_t k
    cdef double t = 1.0
    for k in range(HALVINGS):
        loss[0] = logit_evaluate(d, f, r, offset - t * db, step, t, f.try_r, f.try_prob)
        if loss[0] + enet_along(pen, ws, n_ws, f.w_start, w, t) <= f0 + 1e-15 * fabs(f0):
            return t  # (rounding: near the optimum F cannot tell)
        t *= 0.5
    return 0.0


cdef inline Py_ssize_t newton_model_step(const Data* d, const Logistic* f, const ElasticNet* pen,
                                         const floating* Xv, const index_t* Xi,
                                         const index_t* Xp, const Py_ssize_t* ws,
                                         Py_ssize_t n_ws, double* w, Py_ssize_t* act,
                                         Py_ssize_t max_epochs, double* db) noexcept nogil:
    """One Newton model at the cached probabilities, minimized with the penalty on ws by CD.

    w moves to the model's minimizer (its start is kept in ``f.w_start``);
    ``f.response`` receives the step in η, XΔ + Δb, and ``db`` the intercept's
    Δb (0 without an intercept). Returns the CD epochs used.
    """
    cdef Py_ssize_t n = d.n_samples, i, k, e, n_act, epochs = 0
    cdef double p, pq, si, h_sum, zbar, off_model, change, first
    cdef double* h = f.hess
    cdef double* step = f.response
    cdef double* r_model = f.r_model
    cdef Data model
    model.n_samples = n
    model.sparse = d.sparse
    model.weighted = True
    model.sw = h
    model.mean = f.model_mean
    model.sq_norm = f.model_sq_norm
    model.col_norm = NULL
    # the model at η: weights, working response
    h_sum = 0.0
    zbar = 0.0
    for i in range(n):
        si = d.sw[i] if d.weighted else 1.0
        p = f.prob[i]
        # floored (glmnet clamps p to [1e-5, 1 − 1e-5]): saturated samples
        # would make the model's steps huge
        pq = p * (1.0 - p)
        if pq < 1e-6:
            pq = 1e-6
        h[i] = si * pq
        step[i] = (f.y[i] - p) / pq
        r_model[i] = step[i]
        h_sum += h[i]
        zbar += h[i] * step[i]
    model.weight_sum = h_sum
    # the model's residual z − z̄ (centered under h), z̄ carried in its offset
    off_model = -zbar / h_sum if f.fit_intercept else 0.0
    # one sweep over the working set, then sweeps over its support only
    # (cheap: most of the working set stays at zero), as the quadratic's
    # solver does between its gaps
    first = _first_model_sweep(d, &model, f, pen, Xv, Xi, Xp, ws, n_ws, w, r_model, &off_model)
    epochs += 1
    n_act = 0
    for k in range(n_ws):
        if w[ws[k]] != 0.0:
            act[n_act] = ws[k]
            n_act += 1
    for e in range(MODEL_EPOCHS):
        if first == 0.0 or n_act == 0 or epochs >= max_epochs:
            break
        change = cd_epoch(&model, pen, Xv, Xi, Xp, act, n_act, w, r_model, &off_model,
                          NULL, NULL)
        epochs += 1
        if change <= 1e-2 * first:  # measured best on news20 (1e-1 .. 1e-6)
            break
    # the Newton step in η: z − (model residual) = XΔ + Δb
    for i in range(n):
        step[i] = step[i] - (r_model[i] + off_model)
    db[0] = -off_model if f.fit_intercept else 0.0
    return epochs


cdef inline Py_ssize_t newton_working_set(const Data* d, const Logistic* f, const ElasticNet* pen,
                                          const floating* Xv, const index_t* Xi,
                                          const index_t* Xp, const Py_ssize_t* ws,
                                          Py_ssize_t n_ws, double* w, double* r, double* offset,
                                          double inner_tol, Py_ssize_t max_epochs,
                                          Workspace work, bint* z_at_theta) noexcept nogil:
    """Proximal Newton on the working set until its gap ≤ inner_tol; returns CD epochs.

    On return ``work.theta`` holds the dual point y − σ(η) at the last
    iterate and ``work.z`` its correlations on the working set.
    """
    cdef Py_ssize_t n = d.n_samples, i, k, it, epochs = 0
    cdef double f0, t, db, slope, loss_try
    cdef bint backtrack
    cdef double f_before, f_after, decrease
    cdef double* step = f.response
    cdef Gap g
    z_at_theta[0] = False
    f0 = logit_refresh(d, f, r, offset[0])  # screening may have moved the state
    # the first step's decrease counts from the working set's start, so a
    # working set already near its optimum can stop after one step
    f_before = f0
    for k in range(n_ws):
        f_before += enet_value(pen, ws[k], w[ws[k]])
    for it in range(NEWTON_STEPS):
        if epochs >= max_epochs:
            break
        epochs += newton_model_step(d, f, pen, Xv, Xi, Xp, ws, n_ws, w, work.act,
                                    max_epochs - epochs, &db)
        # backtracking on the true objective, along (Δw, Δη): the trial states
        # are r − t XΔ and offset − t Δb (offset = −b), and XΔ = Δη − Δb
        for i in range(n):
            step[i] -= db
        f0 += enet_along(pen, ws, n_ws, f.w_start, w, 0.0)
        t = 1.0
        loss_try = NAN
        backtrack = True
        if f.fit_intercept and f.n_unpen == 0:
            # the intercept step follows and moves the state again: when the
            # objective still descends at t = 1 (so, convex, lies below its
            # start), accept the full step on its probabilities alone, leaving
            # the log of every sample to the intercept's final state
            slope = (logit_probabilities(d, f, r, offset[0] - db, step, 1.0, db, f.try_r,
                                         f.try_prob)
                     + enet_slope_along(pen, ws, n_ws, f.w_start, w))
            backtrack = not slope <= 0.0
        if backtrack:
            t = _backtrack(d, f, pen, r, offset[0], step, db, ws, n_ws, w, f0, &loss_try)
        # apply: w ← w_start + tΔ, and the accepted trial's state and probabilities
        for k in range(n_ws):
            w[ws[k]] = f.w_start[k] + t * (w[ws[k]] - f.w_start[k])
        if t > 0.0:
            memcpy(r, f.try_r, n * sizeof(double))
            memcpy(f.prob, f.try_prob, n * sizeof(double))
            offset[0] = offset[0] - t * db
            logit_mark_cached(d, f, r, offset[0], loss_try)
        if f.n_unpen > 0:  # the intercept and the unpenalized coefficients, exactly
            logit_block_step(d, f, Xv, Xi, Xp, w, r, offset, True, pen.positive)
            f0 = logit_cached_value(f)
        elif f.fit_intercept:
            logit_intercept_step(d, f, r, offset)
            f0 = logit_refresh(d, f, r, offset[0])
        else:
            f0 = logit_cached_value(f)  # the accepted trial's
        # The gap costs a pass over the working set's columns and the samples:
        # skipped while a step still lowers the objective by more than the
        # target (the gap is then surely above it, Newton converging fast)
        f_after = f0 + enet_along(pen, ws, n_ws, f.w_start, w, 1.0)
        decrease = f_before - f_after
        f_before = f_after
        if decrease > inner_tol and t > 0.0 and it + 1 < NEWTON_STEPS and epochs < max_epochs:
            continue
        logit_block_dual_point(d, f, Xv, Xi, Xp, w, pen.positive, work.theta)
        g = logit_gap(d, f, pen, Xv, Xi, Xp, ws, n_ws, w, work.theta, work.z, False, 0.0, False)
        z_at_theta[0] = True
        if g.gap <= inner_tol or t == 0.0:
            break
    return epochs
