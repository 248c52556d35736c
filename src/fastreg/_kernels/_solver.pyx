"""The working-set solver, written once over a datafit and a penalty.

Problem solved here (n times the objective of the user-facing docs): a
datafit F plus the elastic net (``_enet.pxd``)::

    Ω(w) = l1 Σ_j v_j |w_j| + l2/2 Σ_j v_j w_j²,   l1 = n α ρ,  l2 = n α (1 − ρ)

with F the quadratic ½ Σ_i s_i (y_c,i − x̄_iᵀw)² (``_quadratic.pxd``; y_c
the centered target and X̄ = X − 1 mᵀ the implicitly centered design, m = 0
without intercept) or the logistic Σ_i s_i [log(1 + e^η_i) − y_i η_i]
(``_logistic.pxd``). The datafit is a fused type: each specialization is
compiled with its own steps inlined.

One solve: exact correlations where the bounds do not suffice
(``_bounds.pxd``) → full duality gap (the certificate) → Gap Safe screening →
a working set of growing size (``_working_set.pxd``) → the datafit's inner
solver on it until its own gap is a fraction of the full one: coordinate
descent in short blocks whose iterates are extrapolated
(``_extrapolation.pxd``) for the quadratic, proximal Newton steps
(``_newton.pxd``) for the logistic. The dual point is kept apart from the
primal state: any feasible one certifies, so the best one found is used, and
the previous alpha's certifies the warm start of the next.
"""

from libc.math cimport INFINITY, NAN, fabs, sqrt
from libc.stdint cimport int32_t, int64_t
from libc.string cimport memcpy

import numpy as np

from ._bounds cimport refresh, split_features
from ._cd cimport cd_epoch, residual_into, s_distance
from ._columns cimport Data, col_dot, col_dot_pair
from ._enet cimport DualTerms, ElasticNet, enet_dual_terms
from ._extrapolation cimport (SWEEPS, History, anderson_step, dual_extrapolation,
                              objective_on, record)
from ._fused cimport floating, index_t
from ._gap cimport Gap, logit_gap, quadratic_gaps
from ._logistic cimport Logistic, logit_dual_value_memo, logit_intercept_step, logit_refresh
from ._logit_block cimport logit_block_dual_point, logit_block_step
from ._newton cimport newton_working_set
from ._problem cimport DesignView, ElasticNetPenalty, LogisticLoss, QuadraticLoss, check_state
from ._quadratic cimport (Quadratic, quad_gradient, quad_lipschitz, quad_moments, quad_move,
                          quad_project_unpenalized, quad_safe_radius)
from ._working_set cimport build_working_set, gap_safe_screen
from ._workspace cimport Workspace, reserve


cdef double KKT_SLACK = 1e-3  # relative violation tolerated at a zero coefficient

ctypedef fused datafit_t:
    Quadratic
    Logistic


cdef struct Stats:
    double gap              # certified duality gap (absolute, n times the user scale)
    double loss             # the datafit's value F(w) at the solution
    Py_ssize_t n_epochs     # coordinate-descent epochs (over working sets)
    Py_ssize_t n_outer      # working sets solved
    Py_ssize_t n_screened   # features left out at the end (screened or kept out)
    Py_ssize_t ws_size      # size of the last working set
    Py_ssize_t n_passes     # full passes over X for a gap at a new dual point


# ---------------------------------------------------------------------------
# The duality gap (see _gap.pxd). Here, not inline in the .pxd: inlined into
# its three call sites it measured 3% more instructions per path.

cdef Gap _quad_gap(const Data* d, const Quadratic* f, const ElasticNet* pen,
                   const floating* Xv, const index_t* Xi, const index_t* Xp,
                   const Py_ssize_t* feats, Py_ssize_t n_feats, const double* w,
                   const double* r, double offset, const double* theta, double* z,
                   bint z_known, double norm_floor) noexcept nogil:
    """Gap between the primal at (w, R = r + offset) and the dual points built from θ.

    Only the features in ``feats`` are checked (all nonzero w_j must be in
    it). θ is any S-centered n-vector: the residual itself, or an
    extrapolation of past residuals. Fills z[j] = x̄_jᵀSθ for j in feats
    unless ``z_known`` says z already holds it. With unpenalized features θ
    is first projected S-orthogonally to their columns, as dual feasibility
    requires. ``norm_floor`` bounds |x̄_jᵀSθ| / v_j for the features left
    out of ``feats`` that the dual point must still satisfy (features kept
    out on a bound: see ``_bounds.pxd``).
    """
    cdef Py_ssize_t t, j
    cdef double rss, theta_sq, theta_y
    cdef DualTerms dt
    cdef Gap g
    quad_moments(d, f, r, offset, theta, &rss, &theta_sq, &theta_y)
    if not z_known:
        for t in range(n_feats):
            j = feats[t]
            z[j] = col_dot(d, Xv, Xi, Xp, j, theta)  # = x̄_jᵀSθ since θ is centered
    if f.n_unpen > 0:
        quad_project_unpenalized(f, pen.positive, feats, n_feats, w, z, &theta_sq, &theta_y)
    dt = enet_dual_terms(pen, feats, n_feats, w, z, norm_floor, True)
    g.loss = 0.5 * rss
    g.primal = 0.5 * rss + pen.l1 * dt.l1_norm + 0.5 * pen.l2 * dt.l2_norm
    g.kkt = dt.kkt_max / pen.l1 - 1.0 if pen.l1 > 0.0 else 0.0
    quadratic_gaps(&g, theta_y, theta_sq, pen.l1, pen.l2, dt.l2_norm, dt.dual_norm,
                   dt.conjugate)
    if dt.infeasible:
        g.lasso_gap = INFINITY
        g.fenchel_gap = INFINITY
        g.gap = INFINITY
    g.radius = quad_safe_radius(g.gap)
    return g


# ---------------------------------------------------------------------------
# One working set

cdef Py_ssize_t _solve_working_set(const Data* d, const Quadratic* f, const ElasticNet* pen,
                                   const floating* Xv, const index_t* Xi, const index_t* Xp,
                                   const Py_ssize_t* ws, Py_ssize_t n_ws, double* w, double* r,
                                   double* offset, double inner_tol, Py_ssize_t max_epochs,
                                   Workspace work, History* h, bint* z_at_theta) noexcept nogil:
    """CD on the working set until its own gap ≤ inner_tol; returns the epochs used.

    Each block is a few sweeps over the current support only, which are
    cheap: 2, then 3, then SWEEPS (short first blocks measured best, as most
    warm-started solves need few sweeps). Their residuals are extrapolated
    into a dual point and their iterates into a primal point (kept if it
    lowers the objective). One sweep over the whole working set follows, so
    features can enter the support, then the working-set gap at the
    extrapolated dual point (and at the residual itself when extrapolation
    does not help). On return ``work.theta`` holds the better of the two dual
    points last checked, and ``z_at_theta`` says whether ``work.z`` holds
    x̄_jᵀSθ on the working set (then the next full gap need not compute them).
    """
    cdef Py_ssize_t epochs = 0, n_act, t, k, length = 2
    cdef double change, best = INFINITY
    cdef bint extrapolated
    cdef double* theta = work.theta
    cdef double* z = work.z
    cdef Py_ssize_t* act = work.act
    cdef Gap g, g_res
    residual_into(d, r, offset[0], theta)
    z_at_theta[0] = False
    while epochs < max_epochs:
        z_at_theta[0] = False
        n_act = 0
        for t in range(n_ws):
            if w[ws[t]] != 0.0:
                act[n_act] = ws[t]
                n_act += 1
        record(d, h, 0, r, offset[0], w, act, n_act)
        extrapolated = False
        for k in range(1, length + 1):
            if epochs >= max_epochs or n_act == 0:
                break
            change = cd_epoch(d, pen, Xv, Xi, Xp, act, n_act, w, r, offset, NULL, NULL)
            epochs += 1
            if change == 0.0:
                break
            record(d, h, k, r, offset[0], w, act, n_act)
            if k == length:
                # dual first: the primal step below breaks the residual sequence
                extrapolated = dual_extrapolation(d, h, k, theta)
                if k >= 3:
                    anderson_step(d, pen, Xv, Xi, Xp, act, n_act, h, k, w, r, offset,
                                  work.r_acc, work.w_acc)
        # given θ, the sweep also correlates the columns with it, for the gap below
        change = cd_epoch(d, pen, Xv, Xi, Xp, ws, n_ws, w, r, offset,
                          theta if extrapolated else NULL, z)
        epochs += 1
        if change == 0.0:
            residual_into(d, r, offset[0], theta)
            break  # a fixed point of the working-set problem
        g.gap = INFINITY
        if extrapolated:
            g = _quad_gap(d, f, pen, Xv, Xi, Xp, ws, n_ws, w, r, offset[0], theta, z, True, 0.0)
            z_at_theta[0] = True
        if not g.gap < best:
            # extrapolation unavailable or not improving: try the residual itself
            residual_into(d, r, offset[0], work.r_acc)
            g_res = _quad_gap(d, f, pen, Xv, Xi, Xp, ws, n_ws, w, r, offset[0], work.r_acc,
                                z, False, 0.0)
            z_at_theta[0] = g_res.gap < g.gap
            if z_at_theta[0]:
                g = g_res
                memcpy(theta, work.r_acc, d.n_samples * sizeof(double))
        if g.gap < best:
            best = g.gap
        if g.gap <= inner_tol:
            break
        length = 3 if length == 2 else SWEEPS
    return epochs


# ---------------------------------------------------------------------------
# The solver for one alpha

cdef void _solve(const Data* d, const datafit_t* f, const ElasticNet* pen,
                 const floating* Xv, const index_t* Xi, const index_t* Xp,
                 Py_ssize_t n_features, double* w, double* r, double* offset,
                 double tol_abs, Py_ssize_t max_epochs, Py_ssize_t ws_start, bint screen,
                 bint dual_known, Workspace work, Stats* stats) noexcept nogil:
    """Working-set coordinate descent until the full gap ≤ tol_abs (see the module docstring).

    ``dual_known`` says θ, z and the screening state in ``work`` come from
    the previous alpha. Fills ``stats``.
    """
    cdef Py_ssize_t t, n_feats, n_ws, epochs = 0, outer = 0, passes = 0
    cdef Py_ssize_t nnz, size = 0, n_kept
    cdef Gap g
    cdef double inner_tol, norm_floor, ws_stamp
    cdef bint z_at_theta
    cdef double* theta = work.theta
    cdef double* theta_ref = work.theta_ref
    cdef double* z = work.z
    cdef double* stamp = work.stamp
    cdef Py_ssize_t* feats = work.feats
    cdef Py_ssize_t* ws = work.ws
    cdef signed char* left_out = work.left_out
    cdef History h
    h.r = work.hist_r
    h.w = work.hist_w

    cdef Py_ssize_t n_unpen = 0, stalled = 0
    cdef double best_gap = INFINITY
    if datafit_t is Quadratic:
        n_unpen = f.n_unpen
    if datafit_t is Logistic:
        if not dual_known and f.n_unpen > 0:
            logit_block_step(d, f, Xv, Xi, Xp, w, r, offset, False, pen.positive)
        elif not dual_known and f.fit_intercept:
            logit_intercept_step(d, f, r, offset)
        logit_refresh(d, f, r, offset[0])  # the cached probabilities of the warm start
    if not dual_known:
        if datafit_t is Quadratic:
            residual_into(d, r, offset[0], theta)
        else:
            logit_block_dual_point(d, f, Xv, Xi, Xp, w, pen.positive, theta)
        memcpy(theta_ref, theta, d.n_samples * sizeof(double))
        passes += 1
    n_feats = split_features(d, n_features, dual_known, stamp, left_out, feats, &n_kept)
    while True:
        n_feats = refresh(d, n_unpen, pen, Xv, Xi, Xp, w, theta, z, stamp, work.drift, left_out,
                          feats, n_feats, n_features, &n_kept, screen and outer > 0, ws,
                          &norm_floor)
        if datafit_t is Quadratic:
            g = _quad_gap(d, f, pen, Xv, Xi, Xp, feats, n_feats, w, r, offset[0], theta, z,
                          True, norm_floor)
        else:
            # the first gap at the next alpha: its dual value bounded from the last one
            g = logit_gap(d, f, pen, Xv, Xi, Xp, feats, n_feats, w, theta, z, True, norm_floor,
                          dual_known and outer == 0)
        # Stop on the certificate, but only after at least one solve at this
        # alpha (unless the warm start is already far inside tol) and with no
        # zero coefficient clearly violating its KKT condition: both cost
        # little and make the primal much more accurate than the gap alone
        # guarantees.
        if ((g.gap <= tol_abs and (outer > 0 or g.gap <= 1e-3 * tol_abs)
                and g.kkt <= KKT_SLACK) or epochs >= max_epochs):
            break
        if datafit_t is Logistic:
            # Newton steps can stall at the rounding floor of the objective, or
            # crawl there: stop after 20 outer iterations without a gap 10% below
            # the best one (the result warns with its gap)
            if g.gap < 0.9 * best_gap:
                best_gap = g.gap
                stalled = 0
            else:
                stalled += 1
                if stalled >= 20:
                    break
        outer += 1
        if screen:
            n_feats = gap_safe_screen(d, pen, Xv, Xi, Xp, &g, z, w, r, offset,
                                      feats, n_feats, left_out)
        nnz = 0
        for t in range(n_feats):
            if w[feats[t]] != 0.0:
                nnz += 1
        # grow geometrically, never below the support plus a margin (measured best)
        size = 2 * size if size > 0 else ws_start
        if size < nnz + nnz // 4 + 10:
            size = nnz + nnz // 4 + 10
        if size > n_feats:
            size = n_feats
        n_ws = build_working_set(d, pen, &g, z, w, feats, n_feats, size, work.key, ws)
        # far from tol, a tenth of the gap: fewer outer iterations (full passes)
        # than the usual 0.3, measured at tight tolerances
        inner_tol = 0.1 * g.gap
        if inner_tol < tol_abs:
            inner_tol = tol_abs
        if not reserve(work, n_ws):
            break  # out of memory: return the current iterate, its gap above tol warns
        if datafit_t is Quadratic:
            h.w = work.hist_w
            epochs += _solve_working_set(d, f, pen, Xv, Xi, Xp, ws, n_ws, w, r, offset,
                                         inner_tol, max_epochs - epochs, work, &h, &z_at_theta)
        else:
            epochs += newton_working_set(d, f, pen, Xv, Xi, Xp, ws, n_ws, w, r, offset,
                                         inner_tol, max_epochs - epochs, work, &z_at_theta)
        # a new dual point: the next gap is a full pass
        work.drift += s_distance(d, theta, theta_ref)
        memcpy(theta_ref, theta, d.n_samples * sizeof(double))
        passes += 1
        # the working set's correlations are exact at θ (projected, like every
        # stored correlation, with unpenalized features), or at other dual points
        ws_stamp = work.drift if z_at_theta else -INFINITY
        for t in range(n_ws):
            stamp[ws[t]] = ws_stamp
    stats.gap = g.gap
    stats.loss = g.loss
    stats.n_epochs = epochs
    stats.n_outer = outer
    stats.n_screened = n_features - n_feats
    stats.ws_size = size
    stats.n_passes = passes


# ---------------------------------------------------------------------------
# Python entry points: the design, the datafit and the penalty as typed objects
# (``_problem.pyx``)

cdef void _run(const Data* d, const datafit_t* f, const ElasticNet* pen, DesignView design,
               double* w, double* r, double* offset, double tol_abs, Py_ssize_t max_epochs,
               Py_ssize_t ws_start, bint screen, bint dual_known, Workspace work,
               Stats* stats) noexcept nogil:
    """_solve for X's value and index types."""
    cdef Py_ssize_t p = design.n_features
    if design.single and design.wide_index:
        _solve(d, f, pen, <const float*> design.Xv, <const int64_t*> design.Xi,
               <const int64_t*> design.Xp, p, w, r, offset, tol_abs, max_epochs, ws_start,
               screen, dual_known, work, stats)
    elif design.single:
        _solve(d, f, pen, <const float*> design.Xv, <const int32_t*> design.Xi,
               <const int32_t*> design.Xp, p, w, r, offset, tol_abs, max_epochs, ws_start,
               screen, dual_known, work, stats)
    elif design.wide_index:
        _solve(d, f, pen, <const double*> design.Xv, <const int64_t*> design.Xi,
               <const int64_t*> design.Xp, p, w, r, offset, tol_abs, max_epochs, ws_start,
               screen, dual_known, work, stats)
    else:
        _solve(d, f, pen, <const double*> design.Xv, <const int32_t*> design.Xi,
               <const int32_t*> design.Xp, p, w, r, offset, tol_abs, max_epochs, ws_start,
               screen, dual_known, work, stats)


def solve(DesignView design, datafit, ElasticNetPenalty penalty, double[::1] w, double[::1] r,
          double[::1] offset, Workspace work, *, double tol_abs, Py_ssize_t max_epochs,
          Py_ssize_t ws_start=10, bint screen=True, bint dual_known=False):
    """Solve one problem in place, until its duality gap ≤ ``tol_abs`` (or max_epochs).

    ``datafit`` is a :class:`QuadraticLoss` or a :class:`LogisticLoss`.
    ``w``, ``r`` and ``offset`` (one entry) are the warm start and receive
    the solution: for the quadratic, r = y_c − X w and offset = x_meanᵀw;
    for the logistic, r = −X w and offset = −b (the intercept). ``work`` is
    a :class:`Workspace` of this design's size; ``dual_known`` says it holds
    the dual point and screening state of a previous solve on the same
    design and datafit, still valid for this one (the penalty and the
    iterate may differ).

    Returns
    -------
    stats : dict
        ``gap`` (absolute), ``loss``, ``n_epochs``, ``n_outer``,
        ``n_screened``, ``ws_size``, ``n_passes`` (see ``Stats``).
    """
    cdef Data d = design.view()
    cdef ElasticNet pen = penalty.view()
    cdef Quadratic fq
    cdef Logistic fl
    cdef Stats stats
    cdef bint quadratic = isinstance(datafit, QuadraticLoss)
    check_state(design, w, r, offset)
    if not quadratic and not isinstance(datafit, LogisticLoss):
        raise TypeError("datafit must be a QuadraticLoss or a LogisticLoss")
    if (datafit.y.shape[0] != design.n_samples
            or penalty.penalty_factor.shape[0] != design.n_features):
        raise ValueError("the datafit and the penalty must match the design's shape")
    if quadratic:
        fq = (<QuadraticLoss> datafit).view()
    else:
        fl = (<LogisticLoss> datafit).view()
    with nogil:
        if quadratic:
            _run(&d, &fq, &pen, design, &w[0], &r[0], &offset[0], tol_abs, max_epochs,
                 ws_start, screen, dual_known, work, &stats)
        else:
            _run(&d, &fl, &pen, design, &w[0], &r[0], &offset[0], tol_abs, max_epochs,
                 ws_start, screen, dual_known, work, &stats)
    return stats


def logistic_dual_value(DesignView design, LogisticLoss loss, const double[::1] theta,
                        double c, double c_next):
    """The logistic dual value at cθ, then at c_next θ bounded and computed (for tests).

    Returns (D(cθ), what ``logit_dual_value_memo`` gives at c_next right after
    the pass at c, D(c_next θ) computed): the middle one is the bound for
    0.9 c ≤ c_next < c, and the computed value elsewhere.
    """
    cdef Data d = design.view()
    cdef Logistic f = loss.view()
    if theta.shape[0] != design.n_samples or loss.y.shape[0] != design.n_samples:
        raise ValueError("theta and the loss must have one entry per sample")
    f.memo[0] = NAN
    value = logit_dual_value_memo(&d, &f, &theta[0], c, False)
    bound = logit_dual_value_memo(&d, &f, &theta[0], c_next, True)
    f.memo[0] = NAN
    exact = logit_dual_value_memo(&d, &f, &theta[0], c_next, False)
    f.memo[0] = NAN
    return value, bound, exact
