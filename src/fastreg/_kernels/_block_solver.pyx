"""The block working-set solver: group lasso, multi-task lasso, and both at once.

Problem solved here (n times the objective of the user-facing docs), for
W of shape p × K::

    ½ Σ_i s_i ‖Y_c,i − x̄_iᵀW‖² + Σ_g w_g (l1 ‖W_g‖ + l2/2 ‖W_g‖²)

with the block quadratic datafit (``_block_quadratic.pxd``) and the group
elastic net (``_group_enet.pxd``), W_g the rows of group g (all K columns),
‖·‖ the Frobenius norm. K = 1 is the group lasso; groups of one feature are
the multi-task lasso. The datafit is a fused type (``_block_datafit.pxd``):
the softmax loss of K classes (``_block_softmax.pxd``; the binary logistic
as its one-column case) in place of the quadratic gives the grouped
multinomial and the logistic group lasso, with the same gap, screening and
working sets; only the working set's inner solver differs (proximal Newton
steps, ``_block_newton.pxd``, as the scalar solver's logistic).

One solve has the structure of the scalar solver (``_solver.pyx``): full
duality gap (the certificate) → Gap Safe screening of blocks → a working set
of blocks of growing size, ranked by their distance to the dual constraint →
block coordinate descent on it, in short runs of sweeps over the support
whose residuals are extrapolated into dual points (``_extrapolation.pxd``),
until the working set's own gap is a fraction of the full one. A block step
minimizes the block exactly (``_block_cd.pxd``; its Gram's eigensystem from
``_block_spectra.pxd``). With X̄ᵀSX̄ at hand (dense X with few features, the
squared loss) a working set is solved in feature space instead
(``_block_gram.pxd``, the covariance method), to a tenth of the tolerance.
The correlations X̄_gᵀSθ of a block are kept, stamped with the dual point
they were computed at, so that a gap at an unchanged θ (the warm start of
the next alpha) costs no pass over the columns. As in ``_bounds.pxd``, a
zero block whose correlation, bounded from its last exact value by how far
θ moved since (‖X̄_gᵀS(θ − θ')‖ ≤ ‖X̄_g‖₂ ‖θ − θ'‖_S), stays clear of its
constraint is kept out of the gap's pass: the bound enters the dual norm.
"""

from libc.math cimport INFINITY
from libc.stdint cimport int32_t, int64_t
from libc.string cimport memcpy

import numpy as np

from ._block_cd cimport block_epoch, record_residual
from ._block_datafit cimport block_datafit, df_dual_point
from ._block_gram cimport gram_working_set
from ._block_quadratic cimport BlockQuadratic, bq_moments, bq_project_unpenalized, rows_dot
from ._block_newton cimport sm_newton_step
from ._block_softmax cimport BlockSoftmax, sm_dual_point, sm_gaps, sm_refresh, sm_value
from ._block_softmax_free cimport sm_attach_free, sm_exact, sm_free_solve
from ._block_work cimport (Stats, Work, build_block_working_set, refresh_blocks,
                           s_distance_blocks, screen_blocks, ws_support)
from ._columns cimport Data
from ._extrapolation cimport SWEEPS, affine_weights, combine
from ._fused cimport floating, index_t
from ._gap cimport Gap, quadratic_gaps
from ._block_spectra cimport LazySpectra
from ._group_enet cimport GroupDualTerms, GroupEnet, ge_block_zero, ge_dual_terms
from ._problem cimport DesignView
from ._quadratic cimport quad_safe_radius
from ._softmax_free import free_block


cdef double KKT_SLACK = 1e-3  # relative violation tolerated at a zero block (as _solver.pyx)


# ---------------------------------------------------------------------------
# The duality gap (as _quad_gap in _solver.pyx, over blocks)

cdef Gap _gap(const Data* d, const block_datafit* f, const GroupEnet* pen,
              const floating* Xv, const index_t* Xi, const index_t* Xp, Work* work,
              const Py_ssize_t* groups, Py_ssize_t n_groups, const double* W, const double* r,
              const double* offset, const double* point, double norm_floor) noexcept nogil:
    """Gap between the primal at (W, R = r + 1oᵀ) and the dual points built from ``point``.

    ``point`` is θ itself (``work.theta``: stamped correlations are reused)
    or a candidate. Only ``groups`` are checked (every nonzero block must be
    in them). Fills ``work.z`` on them, and ``work.z_norms``, ``work.shifted``.
    """
    cdef Py_ssize_t t, u, g, j, K = f.n_tasks
    cdef bint is_theta = point == work.theta
    cdef double rss = 0.0, theta_sq = 0.0, theta_y = 0.0
    cdef GroupDualTerms dt
    cdef Gap gp
    for t in range(n_groups):
        g = groups[t]
        if is_theta and work.stamp[g] == work.version and f.n_unpen == 0:
            continue
        for u in range(pen.ptr[g], pen.ptr[g + 1]):
            j = pen.idx[u]
            rows_dot(d, Xv, Xi, Xp, j, point, K, work.z + j * K)
        if is_theta:
            work.stamp[g] = work.version
        else:
            work.stamp[g] = -1
            work.at_drift[g] = -INFINITY
    if block_datafit is BlockQuadratic:
        bq_moments(d, f, r, offset, point, &rss, &theta_sq, &theta_y)
        if f.n_unpen > 0:
            bq_project_unpenalized(f, NULL, work.n_features, work.z, &theta_sq, &theta_y)
        gp.loss = 0.5 * rss
    else:
        gp.loss = sm_value(d, f, r, offset)
    dt = ge_dual_terms(pen, groups, n_groups, W, work.z, norm_floor, work.z_norms, work.shifted)
    gp.primal = gp.loss + pen.l1 * dt.l1_norm + 0.5 * pen.l2 * dt.l2_norm
    gp.kkt = dt.kkt_max / pen.l1 - 1.0 if pen.l1 > 0.0 else 0.0
    if block_datafit is BlockQuadratic:
        quadratic_gaps(&gp, theta_y, theta_sq, pen.l1, pen.l2, dt.l2_norm, dt.dual_norm,
                       dt.conjugate)
        gp.radius = quad_safe_radius(gp.gap)  # 1-strongly concave dual, Frobenius norm
    else:
        sm_gaps(d, f, &gp, point, pen.l1, pen.l2, &dt)
    return gp


# ---------------------------------------------------------------------------
# One working set

cdef Py_ssize_t _solve_working_set(const Data* d, const block_datafit* f, const GroupEnet* pen,
                                   const floating* Xv, const index_t* Xi, const index_t* Xp,
                                   const Py_ssize_t* ws, Py_ssize_t n_ws, double* W, double* r,
                                   double* offset, double inner_tol, Py_ssize_t max_epochs,
                                   Work* work) noexcept nogil:
    """Block CD on the working set until its own gap ≤ inner_tol; returns the epochs used.

    Runs of 2, 3, then SWEEPS sweeps over the support, whose residuals are
    extrapolated into a dual point; then one sweep over the whole working
    set (blocks may enter), and its gap at the extrapolated point, or at the
    residual when that is better. On return θ is the better point last checked.
    """
    cdef Py_ssize_t epochs = 0, n_act, k, length = 2, size = d.n_samples * f.n_tasks
    cdef double change, best = INFINITY
    cdef double c[SWEEPS]
    cdef bint extrapolated
    cdef Gap gp, g_res
    if block_datafit is BlockSoftmax:
        return _newton_working_set(d, f, pen, Xv, Xi, Xp, ws, n_ws, W, r, offset, inner_tol,
                                   max_epochs, work)
    if block_datafit is BlockQuadratic:
        if f.gram != NULL:
            epochs = gram_working_set(d, f, pen, Xv, Xi, Xp, ws, n_ws, W, r, offset, inner_tol,
                                      max_epochs, &work.gram, &work.steps)
            df_dual_point(d, f, r, offset, work.theta)
            work.version += 1
            return epochs
    df_dual_point(d, f, r, offset, work.theta)
    work.version += 1
    while epochs < max_epochs:
        n_act = ws_support(pen, ws, n_ws, W, work.act)
        df_dual_point(d, f, r, offset, work.cand)
        record_residual(size, work.hist, 0, work.cand)
        extrapolated = False
        for k in range(1, length + 1):
            if epochs >= max_epochs or n_act == 0:
                break
            change = block_epoch(d, f, pen, Xv, Xi, Xp, work.act, n_act, W, r, offset, &work.steps)
            epochs += 1
            if change == 0.0:
                break
            df_dual_point(d, f, r, offset, work.cand)
            record_residual(size, work.hist, k, work.cand)
            if k == length and affine_weights(work.hist, size, 1, k, c):
                combine(work.hist, size, 1, k, c, 0.0, work.theta)
                work.version += 1
                extrapolated = True
        change = block_epoch(d, f, pen, Xv, Xi, Xp, ws, n_ws, W, r, offset, &work.steps)
        epochs += 1
        if change == 0.0:
            df_dual_point(d, f, r, offset, work.theta)
            work.version += 1
            break  # a fixed point of the working-set problem
        gp.gap = INFINITY
        if extrapolated:
            gp = _gap(d, f, pen, Xv, Xi, Xp, work, ws, n_ws, W, r, offset, work.theta, 0.0)
        if not gp.gap < best:
            df_dual_point(d, f, r, offset, work.cand)
            g_res = _gap(d, f, pen, Xv, Xi, Xp, work, ws, n_ws, W, r, offset, work.cand,
                         0.0)
            if g_res.gap < gp.gap:
                gp = g_res
                memcpy(work.theta, work.cand, size * sizeof(double))
                work.version += 1
                for k in range(n_ws):
                    work.stamp[ws[k]] = work.version
        if gp.gap < best:
            best = gp.gap
        if gp.gap <= inner_tol:
            break
        length = 3 if length == 2 else SWEEPS
    return epochs


cdef Py_ssize_t _newton_working_set(const Data* d, const BlockSoftmax* f, const GroupEnet* pen,
                                    const floating* Xv, const index_t* Xi, const index_t* Xp,
                                    const Py_ssize_t* ws, Py_ssize_t n_ws, double* W, double* r,
                                    double* offset, double inner_tol, Py_ssize_t max_epochs,
                                    Work* work) noexcept nogil:
    """Proximal Newton steps (``_block_newton.pxd``) until the working set's gap ≤ inner_tol.

    The gap (a pass over the working set's columns and n·K logs) is skipped
    while a step still lowers the objective by more than the target. On
    return θ = Y − P at the last iterate whose gap was checked.
    """
    cdef Py_ssize_t it, epochs = 0
    cdef double objective, before = INFINITY, t
    cdef Gap gp
    sm_dual_point(d, f, work.theta)
    work.version += 1
    for it in range(50):
        if epochs >= max_epochs:
            break
        epochs += sm_newton_step(d, f, pen, Xv, Xi, Xp, ws, n_ws, W, r, offset,
                                 max_epochs - epochs, &work.steps, work.act, &objective, &t)
        if before - objective > inner_tol and t > 0.0 and epochs < max_epochs:
            before = objective
            continue
        before = objective
        if f.n_free > 0:  # the unpenalized rows exact: a feasible dual point
            sm_free_solve(d, f, W, r, offset)
        sm_dual_point(d, f, work.theta)
        work.version += 1
        gp = _gap(d, f, pen, Xv, Xi, Xp, work, ws, n_ws, W, r, offset, work.theta, 0.0)
        if gp.gap <= inner_tol or t == 0.0:
            break
    return epochs


# ---------------------------------------------------------------------------
# The solver for one alpha

cdef void _solve(const Data* d, const block_datafit* f, const GroupEnet* pen,
                 const floating* Xv, const index_t* Xi, const index_t* Xp, double* W, double* r,
                 double* offset, double tol_abs, Py_ssize_t max_epochs, Py_ssize_t ws_start,
                 bint screen, bint dual_known, Work* work, Stats* stats) noexcept nogil:
    """Working-set block CD until the full gap ≤ tol_abs (see the module docstring).

    ``dual_known``: θ and its stamped correlations come from the previous alpha.
    """
    cdef Py_ssize_t t, g, n_groups = 0, n_ws, nnz, size = 0, epochs = 0, outer = 0, n_checked
    cdef Py_ssize_t size_nk = d.n_samples * f.n_tasks
    cdef Py_ssize_t stalled = 0
    cdef double inner_tol, norm_floor, best_gap = INFINITY
    cdef Gap gp
    if block_datafit is BlockSoftmax:
        if not dual_known:
            sm_refresh(d, f, r, offset)  # the kept probabilities of the warm start
    if not dual_known:
        if block_datafit is BlockSoftmax:
            sm_exact(d, f, W, r, offset)
        df_dual_point(d, f, r, offset, work.theta)
        memcpy(work.theta_ref, work.theta, size_nk * sizeof(double))
        work.version += 1
        for g in range(work.n_groups):
            work.at_drift[g] = -INFINITY
    for g in range(work.n_groups):
        if pen.lipschitz[g] > 0.0:  # constant columns only: no dual constraint
            work.groups[n_groups] = g
            n_groups += 1
    while True:
        if block_datafit is BlockSoftmax:
            sm_exact(d, f, W, r, offset)  # exact intercepts (and free rows) for the primal
        n_checked = refresh_blocks(f, pen, work, n_groups, W, &norm_floor)
        gp = _gap(d, f, pen, Xv, Xi, Xp, work, work.checked, n_checked, W, r, offset,
                  work.theta, norm_floor)
        for t in range(n_checked):
            work.at_drift[work.checked[t]] = work.drift
        # as the scalar solver: at least one solve at this alpha unless far inside tol,
        # and no zero block clearly violating its KKT condition
        if ((gp.gap <= tol_abs and (outer > 0 or gp.gap <= 1e-3 * tol_abs)
                and gp.kkt <= KKT_SLACK) or epochs >= max_epochs):
            break
        if block_datafit is BlockSoftmax:
            # as the scalar logistic: stop after 20 outer iterations without a
            # better gap, at the rounding floor of the objective (the result warns)
            if gp.gap < best_gap:
                best_gap = gp.gap
                stalled = 0
            else:
                stalled += 1
                if stalled >= 20:
                    break
        outer += 1
        if screen:
            n_groups = screen_blocks(d, f, pen, Xv, Xi, Xp, &gp, work, n_groups, W, r, offset)
        nnz = 0
        for t in range(n_groups):
            if not ge_block_zero(pen, work.groups[t], W):
                nnz += 1
        size = 2 * size if size > 0 else ws_start
        if size < nnz + nnz // 4 + 10:
            size = nnz + nnz // 4 + 10
        if size > n_groups:
            size = n_groups
        n_ws = build_block_working_set(pen, &gp, work, n_groups, size, W)
        inner_tol = 0.1 * gp.gap
        if inner_tol < tol_abs:
            inner_tol = tol_abs
        if block_datafit is BlockQuadratic:
            if f.gram != NULL:
                # feature-space epochs are cheap, full gaps are not: aim below tol at once
                inner_tol = 0.1 * tol_abs
        epochs += _solve_working_set(d, f, pen, Xv, Xi, Xp, work.ws, n_ws, W, r, offset,
                                     inner_tol, max_epochs - epochs, work)
        # θ moved: the bounds of the blocks not recomputed at it grow by the distance
        work.drift += s_distance_blocks(d, f.n_tasks, work.theta, work.theta_ref)
        memcpy(work.theta_ref, work.theta, size_nk * sizeof(double))
        for t in range(n_ws):
            if work.stamp[work.ws[t]] == work.version:
                work.at_drift[work.ws[t]] = work.drift
    stats.gap = gp.gap
    stats.loss = gp.loss
    stats.n_epochs = epochs
    stats.n_outer = outer
    stats.n_screened = work.n_groups - n_groups
    stats.ws_size = size


cdef void _run(const Data* d, const block_datafit* f, const GroupEnet* pen, DesignView design,
               double* W, double* r, double* offset, double tol_abs, Py_ssize_t max_epochs,
               Py_ssize_t ws_start, bint screen, bint dual_known, Work* work,
               Stats* stats) noexcept nogil:
    """_solve for X's value and index types."""
    if design.single and design.wide_index:
        _solve(d, f, pen, <const float*> design.Xv, <const int64_t*> design.Xi,
               <const int64_t*> design.Xp, W, r, offset, tol_abs, max_epochs, ws_start, screen,
               dual_known, work, stats)
    elif design.single:
        _solve(d, f, pen, <const float*> design.Xv, <const int32_t*> design.Xi,
               <const int32_t*> design.Xp, W, r, offset, tol_abs, max_epochs, ws_start, screen,
               dual_known, work, stats)
    elif design.wide_index:
        _solve(d, f, pen, <const double*> design.Xv, <const int64_t*> design.Xi,
               <const int64_t*> design.Xp, W, r, offset, tol_abs, max_epochs, ws_start, screen,
               dual_known, work, stats)
    else:
        _solve(d, f, pen, <const double*> design.Xv, <const int32_t*> design.Xi,
               <const int32_t*> design.Xp, W, r, offset, tol_abs, max_epochs, ws_start, screen,
               dual_known, work, stats)


# ---------------------------------------------------------------------------
# Python entry points

cdef class BlockSolver:
    """One block problem's fixed parts (design, targets, blocks) and its workspace.

    Parameters
    ----------
    design : DesignView
    y_centered : ndarray of shape (n_samples, n_tasks), C-contiguous
        The targets, centered (weighted) when an intercept is fitted.
    group_ptr, group_idx : ndarray of intp
        Group g holds the features ``group_idx[group_ptr[g]:group_ptr[g + 1]]``.
    weights : ndarray of shape (n_groups,)
        w_g ≥ 0 (0: unpenalized).
    lipschitz, norm, eig_val, eig_vec, vec_ptr : ndarray
        A bound on λ_max(X̄_gᵀSX̄_g) (exact for groups of one feature), a
        bound on its root, and room for the Grams' eigendecompositions (see
        ``fastreg._groups.block_spectra``), given or computed on first use
        from ``grams``.
    unpenalized, cross, y_cross : optional
        As for :class:`fastreg._kernels._problem.QuadraticLoss` (``y_cross`` of
        shape (n_unpenalized, n_tasks)).
    softmax : (codes, n_tasks, binary, fit_intercept[, free]), optional
        The multinomial datafit (``_block_softmax.pxd``) in place of the
        squared loss: class indices (int32, n), K stored columns (binary: 1,
        codes 0 / 1), whether the intercepts are fitted, and the unpenalized
        block ``free = (features, columns (n_free, n), AᵀSA (m, m), rounding
        levels (m,))`` of A = [1, X_free] (``_block_softmax_free.pxd``). ``y_centered`` is
        then ignored, the design must have no implicit centering, the state
        is r = XW and ``offset`` the intercepts, and ``lipschitz``/``eig_val``
        are the Hessian bounds (the raw Grams' spectra times ½, or ¼ binary).
    grams : ndarray, optional
        The groups' Grams (as ``eig_vec``): a group of several features is
        decomposed the first time it is stepped (``_block_spectra.pxd``),
        its eigenvalues times ``eig_scale``. None: ``eig_val``/``eig_vec``
        hold every eigensystem.
    gram : (ndarray of shape (p, p), ndarray of shape (p, n_tasks)), optional
        X̄ᵀSX̄ and X̄ᵀSY_c: working sets are then solved by the covariance
        method (``_block_gram.pxd``). Squared loss without unpenalized
        features only.
    """

    cdef readonly object design, y, ptr, idx, weights, lipschitz, norm, eig_val, eig_vec, vec_ptr
    cdef readonly object unpen, cross, y_cross, gram, gram_y, grams
    cdef object lazy_work, lazy_done
    cdef LazySpectra lazy
    cdef object buffers, index_buffers, scratch, flags
    cdef Work work
    cdef Data d
    cdef BlockQuadratic f
    cdef BlockSoftmax fs
    cdef readonly object codes, prob, lse, free
    cdef object newton
    cdef readonly bint softmax
    cdef readonly Py_ssize_t n_tasks

    def __init__(self, DesignView design, y_centered, group_ptr, group_idx, weights, lipschitz,
                 norm, eig_val, eig_vec, vec_ptr, *, unpenalized=None, cross=None,
                 y_cross=None, softmax=None, gram=None, grams=None, eig_scale=1.0):
        n, p = design.n_samples, design.n_features
        self.design = design
        self.softmax = softmax is not None
        if self.softmax:
            codes, K, binary, fit_intercept = softmax[:4]
            self.free = free_block(softmax[4] if len(softmax) > 4 else None, n, K,
                                    fit_intercept)
            self.codes = np.ascontiguousarray(codes, dtype=np.int32)
            if self.codes.shape != (n,) or (binary and K != 1):
                raise ValueError("softmax needs one class index per sample (K = 1 if binary)")
            self.y = np.zeros((n, K))
            self.prob = np.zeros((n, K))   # P at the state
            self.fs.n_tasks, self.fs.binary = K, binary
            self.fs.fit_intercept, self.fs.n_unpen = fit_intercept, 0
        else:
            self.y = np.ascontiguousarray(y_centered, dtype=np.float64)
            if self.y.ndim != 2 or self.y.shape[0] != n:
                raise ValueError("y_centered must have shape (n_samples, n_tasks)")
        K = self.n_tasks = self.y.shape[1]
        self.ptr = np.ascontiguousarray(group_ptr, dtype=np.intp)
        self.idx = np.ascontiguousarray(group_idx, dtype=np.intp)
        G = self.ptr.shape[0] - 1
        self.weights, self.lipschitz, self.norm = (
            np.ascontiguousarray(a, dtype=np.float64) for a in (weights, lipschitz, norm))
        self.eig_val = np.array(eig_val, dtype=np.float64)  # owned: filled on first use
        self.eig_vec = np.array(eig_vec, dtype=np.float64)
        self.vec_ptr = np.ascontiguousarray(vec_ptr, dtype=np.intp)
        sizes = np.diff(self.ptr)
        if (self.idx.shape[0] != p or self.eig_val.shape[0] != p
                or self.vec_ptr.shape[0] != G + 1 or self.eig_vec.shape[0] < np.sum(sizes * sizes)
                or any(a.shape[0] != G for a in (self.weights, self.lipschitz, self.norm))):
            raise ValueError("the groups must partition the features, with one weight, "
                             "Lipschitz constant and norm each")
        largest = int(np.max(sizes)) if G else 1
        self.grams = np.zeros(0) if grams is None else np.ascontiguousarray(grams,
                                                                            dtype=np.float64)
        if grams is not None and self.grams.shape[0] < np.sum(sizes * sizes):
            raise ValueError("grams must hold every group's Gram")
        self.lazy_work = np.zeros(max(8 * largest, 8))
        self.lazy_done = np.zeros(max(G, 1), dtype=np.int8)
        self.lazy.grams = <const double*> _address(self.grams)
        self.lazy.scale = eig_scale
        self.lazy.done = <signed char*> <size_t> self.lazy_done.ctypes.data
        self.lazy.work = <double*> <size_t> self.lazy_work.ctypes.data
        self.lazy.lwork = self.lazy_work.shape[0]
        m = 0 if unpenalized is None else len(unpenalized)
        self.unpen = np.ascontiguousarray(np.zeros(0) if m == 0 else unpenalized, dtype=np.intp)
        self.cross = np.ascontiguousarray(np.zeros((0, 0)) if m == 0 else cross,
                                          dtype=np.float64)
        self.y_cross = np.ascontiguousarray(np.zeros((0, K)) if m == 0 else y_cross,
                                            dtype=np.float64)
        self.scratch = np.empty(max(m * m + m * K + 1, K * K + K))
        if gram is not None:
            self.gram, self.gram_y = (np.ascontiguousarray(a, dtype=np.float64) for a in gram)
            if (self.gram.shape != (p, p) or self.gram_y.shape != (p, K) or m > 0
                    or self.softmax):
                raise ValueError("gram must be (X̄ᵀSX̄, X̄ᵀSY_c), for the squared loss without "
                                 "unpenalized features")
        else:
            self.gram = self.gram_y = np.zeros(0)
        np_gram = p if gram is not None else 1
        nk = max(n * K, 1)
        self.buffers = [np.zeros(nk), np.zeros(nk), np.zeros((SWEEPS + 1) * nk),
                        np.zeros(max(p * K, 1)), np.zeros(max(G, 1)), np.zeros(max(G, 1)),
                        np.zeros(max(G, 1)), np.zeros(max(largest * K, 1)), np.zeros(K),
                        np.zeros(nk), np.zeros(max(G, 1)), np.full(max(G, 1), -np.inf),
                        np.zeros(max(largest * K, 1)), np.zeros(max(np_gram * K, 1)),
                        np.zeros(max(np_gram * K, 1))]
        self.index_buffers = [np.zeros(max(G, 1), dtype=np.intp) for _ in range(3)]
        self.index_buffers.append(np.full(max(G, 1), -1, dtype=np.intp))
        self.index_buffers.append(np.zeros(max(G, 1), dtype=np.intp))
        self.index_buffers.append(np.zeros(max(2 * np_gram, 1), dtype=np.intp))
        self.flags = np.zeros(max(G, 1), dtype=np.int8)
        self._build()

    cdef void _build(self):
        b = [<size_t> a.ctypes.data for a in self.buffers]
        ib = [<size_t> a.ctypes.data for a in self.index_buffers]
        self.work.theta, self.work.cand = <double*> <size_t> b[0], <double*> <size_t> b[1]
        self.work.hist, self.work.z = <double*> <size_t> b[2], <double*> <size_t> b[3]
        self.work.z_norms, self.work.shifted = <double*> <size_t> b[4], <double*> <size_t> b[5]
        self.work.key, self.work.steps.grad = <double*> <size_t> b[6], <double*> <size_t> b[7]
        self.work.steps.delta = <double*> <size_t> b[8]
        self.work.theta_ref, self.work.bound = <double*> <size_t> b[9], <double*> <size_t> b[10]
        self.work.at_drift = <double*> <size_t> b[11]
        self.work.steps.chat = <double*> <size_t> b[12]
        self.work.gram.u, self.work.gram.w_start = <double*> <size_t> b[13], <double*> <size_t> b[14]
        self.work.gram.feats = <Py_ssize_t*> <size_t> ib[5]
        self.work.checked = <Py_ssize_t*> <size_t> ib[4]
        self.work.kept = <signed char*> <size_t> self.flags.ctypes.data
        self.work.drift = 0.0
        self.work.groups, self.work.ws = <Py_ssize_t*> <size_t> ib[0], <Py_ssize_t*> <size_t> ib[1]
        self.work.act, self.work.stamp = <Py_ssize_t*> <size_t> ib[2], <Py_ssize_t*> <size_t> ib[3]
        self.work.version = 0
        self.work.n_groups = self.ptr.shape[0] - 1
        self.work.n_features = (<DesignView> self.design).n_features
        self.d = (<DesignView> self.design).view()
        self.f.n_tasks = self.n_tasks
        self.f.y = <const double*> _address(self.y)
        self.f.n_unpen = self.unpen.shape[0]
        self.f.unpen = <const Py_ssize_t*> _address(self.unpen)
        self.f.cross = <const double*> _address(self.cross)
        self.f.y_unpen = <const double*> _address(self.y_cross)
        self.f.scratch = <double*> _address(self.scratch)
        self.f.gram = <const double*> _address(self.gram)
        self.f.gram_ld = self.work.n_features
        self.f.gram_y = <const double*> _address(self.gram_y)
        if self.softmax:
            self._build_softmax()

    cdef void _build_softmax(self):
        n, K, p = self.y.shape[0], self.n_tasks, self.work.n_features
        self.lse = np.zeros(max(n, 1))
        # ρ, Δη, trial P (n × K each); trial lse, curvatures (n); model curvatures (p);
        # the working set's start (p × K); the model's intercept system (K² + 3K)
        self.newton = [np.zeros(max(n * K, 1)) for _ in range(3)] + [
            np.zeros(max(n, 1)), np.zeros(max(n, 1)), np.zeros(max(p, 1)),
            np.zeros(max(p * K, 1)), np.zeros(K * K + 3 * K)]
        b = [<size_t> a.ctypes.data for a in self.newton]
        self.fs.codes = <const int*> _address(self.codes)
        self.fs.prob = <double*> _address(self.prob)
        self.fs.lse = <double*> _address(self.lse)
        self.fs.scratch = <double*> _address(self.scratch)
        self.fs.rho, self.fs.deta = <double*> <size_t> b[0], <double*> <size_t> b[1]
        self.fs.try_prob, self.fs.try_lse = <double*> <size_t> b[2], <double*> <size_t> b[3]
        self.fs.curv, self.fs.lip = <double*> <size_t> b[4], <double*> <size_t> b[5]
        self.fs.w_start, self.fs.model_hess = <double*> <size_t> b[6], <double*> <size_t> b[7]
        self.fs.n_free = 0
        if self.free is not None:
            sm_attach_free(&self.fs, self.free)

    def solve(self, double[::1] W, double[::1] r, double[::1] offset, *, double l1, double l2,
              double tol_abs, Py_ssize_t max_epochs, Py_ssize_t ws_start=10, bint screen=True,
              bint dual_known=False):
        """Solve at penalty levels (l1, l2) in place, until the gap ≤ ``tol_abs``.

        ``W`` (p × K, rows contiguous), ``r`` (n × K) and ``offset`` (K) are
        the warm start and receive the solution: r = Y_c − XW, offset = WᵀM
        (softmax: r = XW, offset the intercepts). ``dual_known`` says the
        workspace holds the previous alpha's dual point (and, for the softmax,
        the probabilities of the state).

        Returns
        -------
        stats : dict
            ``gap`` (absolute), ``loss``, ``n_epochs``, ``n_outer``,
            ``n_screened`` (blocks), ``ws_size`` (blocks).
        """
        cdef DesignView design = self.design
        cdef GroupEnet pen
        cdef Stats stats
        K, n, p = self.n_tasks, design.n_samples, design.n_features
        if W.shape[0] != p * K or r.shape[0] != n * K or offset.shape[0] != K:
            raise ValueError("W, r and offset must have p·K, n·K and K entries")
        pen.n_tasks = K
        pen.ptr = <const Py_ssize_t*> _address(self.ptr)
        pen.idx = <const Py_ssize_t*> _address(self.idx)
        pen.weight = <const double*> _address(self.weights)
        pen.lipschitz = <const double*> _address(self.lipschitz)
        pen.norm = <const double*> _address(self.norm)
        pen.eig_val = <double*> _address(self.eig_val)
        pen.eig_vec = <double*> _address(self.eig_vec)
        pen.vec_ptr = <const Py_ssize_t*> _address(self.vec_ptr)
        pen.lazy = &self.lazy if self.grams.shape[0] > 0 else NULL
        pen.l1 = l1
        pen.l2 = l2
        with nogil:
            if self.softmax:
                _run(&self.d, &self.fs, &pen, design, &W[0], &r[0], &offset[0], tol_abs,
                     max_epochs, ws_start, screen, dual_known, &self.work, &stats)
            else:
                _run(&self.d, &self.f, &pen, design, &W[0], &r[0], &offset[0], tol_abs,
                     max_epochs, ws_start, screen, dual_known, &self.work, &stats)
        return stats


cdef const void* _address(array) except? NULL:
    if array.size == 0:
        return NULL
    return <const void*> <size_t> array.ctypes.data
