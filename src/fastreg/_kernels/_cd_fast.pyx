"""Coordinate descent for the elastic net with working sets and Gap Safe screening.

Scaled problem solved here (n times the objective of the user-facing docs)::

    F(w) = ½ Σ_i s_i R_i² + l1 Σ_j v_j |w_j| + l2/2 Σ_j v_j w_j²,
    R    = y_c − X̄ w,   l1 = n α ρ,   l2 = n α (1 − ρ)

where y_c is the (weighted-)centered target and X̄ = X − 1 mᵀ the implicitly
centered design (m = 0 without intercept). X is never centered: the kernels
keep ``r = y_c − X w`` and one scalar ``offset = mᵀ w`` so that R = r + offset.
A coordinate update then touches only the stored entries of column j.

Dual points are built from the residual and certify the duality gap; the same
certificate drives the working-set priorities and the Gap Safe screening.
"""

from cpython.mem cimport PyMem_RawCalloc, PyMem_RawFree, PyMem_RawMalloc, PyMem_RawRealloc
from libc.stdlib cimport malloc, free
from libc.string cimport memcpy
from libc.math cimport fabs, sqrt, INFINITY, fmin as min, fmax as max

import numpy as np

from ._fused cimport floating, index_t
from ._sums cimport dot


cdef struct Problem:
    Py_ssize_t n_samples
    bint sparse
    bint weighted
    bint positive
    const double* sw        # sample weights (unused when not weighted)
    const double* y         # centered target
    const double* mean      # column means, zeros without intercept
    const double* sq_norm   # weighted squared norms of the centered columns
    const double* col_norm  # their square roots (solver only: see Workspace)
    const double* pf        # penalty factors
    double l1
    double l2
    Py_ssize_t n_unpen      # unpenalized features (penalty factor 0)
    const Py_ssize_t* unpen
    const double* cross     # cross[j * n_unpen + a] = x̄_jᵀ S x̄_{unpen[a]}
    const double* y_unpen   # x̄_{unpen[a]}ᵀ S y_c


cdef struct Gap:
    double primal
    double rss              # Σ s_i R_i²
    double gap              # best gap over the two dual points
    double lasso_gap        # gap of the rescaled (lasso-type) dual point
    double fenchel_gap      # gap of the unscaled dual point (needs l2 > 0)
    double scale            # scaling of the lasso-type dual point
    double kkt              # max relative KKT violation of a zero coefficient


# ---------------------------------------------------------------------------
# Column access: dense columns are contiguous (rows == NULL), sparse columns
# are (values, row indices) slices of the CSC arrays.

cdef inline Py_ssize_t _column(const Problem* pb, const floating* Xv, const index_t* Xi,
                               const index_t* Xp, Py_ssize_t j, const floating** vals,
                               const index_t** rows) noexcept nogil:
    cdef Py_ssize_t start
    if pb.sparse:
        start = Xp[j]
        vals[0] = Xv + start
        rows[0] = Xi + start
        return Xp[j + 1] - start
    vals[0] = Xv + j * pb.n_samples
    rows[0] = NULL
    return pb.n_samples


cdef inline double _col_dot(const Problem* pb, const floating* Xv, const index_t* Xi,
                            const index_t* Xp, Py_ssize_t j, const double* r) noexcept nogil:
    """Σ_i s_i x_ij r_i over the stored entries of column j.

    Four partial sums, as in ``_sums.dot``: independent add chains.
    """
    cdef const floating* v
    cdef const index_t* rows
    cdef Py_ssize_t k, nnz = _column(pb, Xv, Xi, Xp, j, &v, &rows)
    cdef Py_ssize_t n4 = nnz - nnz % 4
    cdef double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
    cdef const double* sw = pb.sw
    if rows == NULL and not pb.weighted:
        return dot(v, r, nnz)
    if rows == NULL:
        for k in range(0, n4, 4):
            a0 += v[k] * sw[k] * r[k]
            a1 += v[k + 1] * sw[k + 1] * r[k + 1]
            a2 += v[k + 2] * sw[k + 2] * r[k + 2]
            a3 += v[k + 3] * sw[k + 3] * r[k + 3]
        for k in range(n4, nnz):
            a0 += v[k] * sw[k] * r[k]
    elif pb.weighted:
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


cdef inline double _col_dot_pair(const Problem* pb, const floating* Xv, const index_t* Xi,
                                 const index_t* Xp, Py_ssize_t j, const double* r,
                                 const double* theta, double* z_theta) noexcept nogil:
    """Σ_i s_i x_ij r_i, and Σ_i s_i x_ij θ_i into z_theta, in one pass over column j.

    Two partial sums per product: the two chains already overlap.
    """
    cdef const floating* v
    cdef const index_t* rows
    cdef Py_ssize_t k, i0, i1, nnz = _column(pb, Xv, Xi, Xp, j, &v, &rows)
    cdef double r0 = 0.0, r1 = 0.0, t0 = 0.0, t1 = 0.0, x0, x1
    cdef const double* sw = pb.sw
    if rows == NULL and not pb.weighted:
        for k in range(0, nnz - 1, 2):
            r0 += v[k] * r[k]
            r1 += v[k + 1] * r[k + 1]
            t0 += v[k] * theta[k]
            t1 += v[k + 1] * theta[k + 1]
    elif not pb.weighted:
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
        x0 = v[k] * sw[i0] if pb.weighted else v[k]
        r0 += x0 * r[i0]
        t0 += x0 * theta[i0]
    z_theta[0] = t0 + t1
    return r0 + r1


cdef inline void _col_axpy(const Problem* pb, const floating* Xv, const index_t* Xi,
                           const index_t* Xp, Py_ssize_t j, double a, double* r) noexcept nogil:
    """r -= a x_j."""
    cdef const floating* v
    cdef const index_t* rows
    cdef Py_ssize_t k, nnz = _column(pb, Xv, Xi, Xp, j, &v, &rows)
    if rows == NULL:
        for k in range(nnz):
            r[k] -= a * v[k]
    else:
        for k in range(nnz):
            r[rows[k]] -= a * v[k]


# ---------------------------------------------------------------------------
# Coordinate descent epoch

cdef inline double _soft_threshold_update(const Problem* pb, Py_ssize_t j, double wj,
                                          double grad) noexcept nogil:
    """Minimizer of F along coordinate j, given the current x̄_jᵀ S R."""
    cdef double lj = pb.sq_norm[j]
    cdef double u = wj * lj + grad
    cdef double thr = pb.l1 * pb.pf[j]
    cdef double denom = lj + pb.l2 * pb.pf[j]
    if u > thr:
        return (u - thr) / denom
    if u < -thr and not pb.positive:
        return (u + thr) / denom
    return 0.0


cdef double _cd_epoch(const Problem* pb, const floating* Xv, const index_t* Xi,
                      const index_t* Xp, const Py_ssize_t* ws, Py_ssize_t n_ws,
                      double* w, double* r, double* offset, const double* theta=NULL,
                      double* z=NULL) noexcept nogil:
    """One cyclic pass over the working set; returns max |Δw_j|² · ‖x̄_j‖².

    Given a dual point θ, also fills z[j] = x̄_jᵀSθ for j in the working
    set, reading each column once for both products.
    """
    cdef Py_ssize_t t, j
    cdef double wj, new, delta, change, dot, max_change = 0.0
    for t in range(n_ws):
        j = ws[t]
        if pb.sq_norm[j] == 0.0:
            if theta != NULL:
                z[j] = 0.0
            continue  # constant column: its coefficient stays 0
        wj = w[j]
        if theta != NULL:
            dot = _col_dot_pair(pb, Xv, Xi, Xp, j, r, theta, &z[j])
        else:
            dot = _col_dot(pb, Xv, Xi, Xp, j, r)
        # x̄_jᵀSR with R = r + offset, as Σ_i s_i R_i = 0 (R is centered)
        new = _soft_threshold_update(pb, j, wj, dot + pb.n_samples * pb.mean[j] * offset[0])
        if new != wj:
            delta = new - wj
            _col_axpy(pb, Xv, Xi, Xp, j, delta, r)
            offset[0] += delta * pb.mean[j]
            w[j] = new
            change = delta * delta * pb.sq_norm[j]
            if change > max_change:
                max_change = change
    return max_change


# ---------------------------------------------------------------------------
# Duality gap

cdef bint _solve_small(double* A, double* b, Py_ssize_t k) noexcept nogil:
    """Solve the k×k system A x = b in place (x in b) by Gaussian elimination with pivoting."""
    cdef Py_ssize_t i, row, col, piv
    cdef double m, tmp
    for col in range(k):
        piv = col
        for row in range(col + 1, k):
            if fabs(A[row * k + col]) > fabs(A[piv * k + col]):
                piv = row
        if A[piv * k + col] == 0.0:
            return False
        if piv != col:
            for i in range(k):
                tmp = A[col * k + i]
                A[col * k + i] = A[piv * k + i]
                A[piv * k + i] = tmp
            tmp = b[col]
            b[col] = b[piv]
            b[piv] = tmp
        for row in range(col + 1, k):
            m = A[row * k + col] / A[col * k + col]
            for i in range(col, k):
                A[row * k + i] -= m * A[col * k + i]
            b[row] -= m * b[col]
    for col in range(k - 1, -1, -1):
        for i in range(col + 1, k):
            b[col] -= A[col * k + i] * b[i]
        b[col] /= A[col * k + col]
    return True


cdef Gap _duality_gap(const Problem* pb, const floating* Xv, const index_t* Xi,
                      const index_t* Xp, const Py_ssize_t* feats, Py_ssize_t n_feats,
                      const double* w, const double* r, double offset,
                      const double* theta, double* z, bint z_known,
                      double norm_floor=0.0) noexcept nogil:
    """Gap between the primal at (w, R = r + offset) and a dual point built from θ.

    Only the features in ``feats`` are checked (all nonzero w_j must be in
    it). θ is any S-centered n-vector: the residual itself, or an
    extrapolation of past residuals. Fills z[j] = x̄_jᵀ S θ for j in feats
    unless ``z_known`` says z already holds it. With unpenalized features θ
    is first projected S-orthogonally to their columns, as dual feasibility
    requires. Two dual objectives are tried, θ rescaled into the lasso-type
    dual feasible set (valid for l1 > 0) and θ itself in the Fenchel dual
    (valid for l2 > 0); the gap reported is the smaller one. ``norm_floor``
    bounds |x̄_jᵀSθ| / v_j for the features left out of ``feats`` that the
    dual point must still satisfy (see "Features kept out on a bound").
    """
    cdef Py_ssize_t i, t, j, n = pb.n_samples
    cdef double Ri, si, rss = 0.0, l1_norm = 0.0, l2_norm = 0.0
    cdef double rss_dual = 0.0, ry_dual = 0.0
    cdef double a, dual_norm = norm_floor, excess, fenchel_pen = 0.0, c, d1, d2
    cdef bint infeasible = False
    cdef double kkt_max = 0.0
    cdef Gap g
    for i in range(n):
        Ri = r[i] + offset
        si = pb.sw[i] if pb.weighted else 1.0
        rss += si * Ri * Ri
        rss_dual += si * theta[i] * theta[i]
        ry_dual += si * theta[i] * pb.y[i]
    if not z_known:
        for t in range(n_feats):
            j = feats[t]
            z[j] = _col_dot(pb, Xv, Xi, Xp, j, theta)  # = x̄_jᵀSθ since θ is centered
    if pb.n_unpen > 0:
        _project_unpenalized(pb, feats, n_feats, w, z, &rss_dual, &ry_dual)
    for t in range(n_feats):
        j = feats[t]
        if pb.pf[j] == 0.0:
            # projected out, except an inactive nonnegative one: θ must satisfy x̄_jᵀSθ ≤ 0
            if pb.positive and w[j] == 0.0 and z[j] > 0.0:
                infeasible = True
            continue
        l1_norm += pb.pf[j] * fabs(w[j])
        l2_norm += pb.pf[j] * w[j] * w[j]
        a = z[j] - pb.l2 * pb.pf[j] * w[j]
        a = a if pb.positive else fabs(a)
        if a / pb.pf[j] > dual_norm:
            dual_norm = a / pb.pf[j]
        if w[j] == 0.0 and a > kkt_max * pb.pf[j]:
            kkt_max = a / pb.pf[j]
        if pb.l2 > 0.0:
            excess = (z[j] if pb.positive else fabs(z[j])) - pb.l1 * pb.pf[j]
            if excess > 0.0:
                fenchel_pen += excess * excess / (2.0 * pb.l2 * pb.pf[j])
    g.rss = rss
    g.primal = 0.5 * rss + pb.l1 * l1_norm + 0.5 * pb.l2 * l2_norm
    g.kkt = kkt_max / pb.l1 - 1.0 if pb.l1 > 0.0 else 0.0
    # best multiple of θ inside the feasible set: D(cθ) is a concave quadratic in c
    c = ry_dual / (rss_dual + pb.l2 * l2_norm) if rss_dual + pb.l2 * l2_norm > 0.0 else 1.0
    if c < 0.0:
        c = 0.0
    if dual_norm * c > pb.l1:
        c = pb.l1 / dual_norm
    d1 = c * ry_dual - 0.5 * c * c * (rss_dual + pb.l2 * l2_norm)
    g.scale = c
    g.lasso_gap = g.primal - d1
    g.fenchel_gap = INFINITY
    if pb.l2 > 0.0:
        d2 = ry_dual - 0.5 * rss_dual - fenchel_pen
        g.fenchel_gap = g.primal - d2
    if infeasible:
        g.lasso_gap = INFINITY
        g.fenchel_gap = INFINITY
    g.gap = g.lasso_gap if g.lasso_gap < g.fenchel_gap else g.fenchel_gap
    return g


cdef void _project_unpenalized(const Problem* pb, const Py_ssize_t* feats, Py_ssize_t n_feats,
                               const double* w, double* z, double* rss,
                               double* ry) noexcept nogil:
    """Replace R by θ = R − X̄_A c, c = (X̄_AᵀSX̄_A)⁻¹ X̄_AᵀSR, on the unpenalized set A.

    Works on correlations only: z, ‖θ‖²_S and θᵀS y follow from the
    precomputed cross products, so θ itself is never formed. With
    ``positive``, A holds the unpenalized features that are nonzero.
    """
    cdef Py_ssize_t k = pb.n_unpen, m = 0, a, b, t, j
    cdef Py_ssize_t* act = <Py_ssize_t*> malloc(k * sizeof(Py_ssize_t))
    cdef double* G = <double*> malloc(k * k * sizeof(double))
    cdef double* coef = <double*> malloc(k * sizeof(double))
    cdef double zc = 0.0, cgc = 0.0, yc = 0.0, trace = 0.0, acc
    for a in range(k):
        if not pb.positive or w[pb.unpen[a]] > 0.0:
            act[m] = a
            m += 1
    for a in range(m):
        for b in range(m):
            G[a * m + b] = pb.cross[pb.unpen[act[a]] * k + act[b]]
        trace += G[a * m + a]
        coef[a] = z[pb.unpen[act[a]]]
    for a in range(m):
        G[a * m + a] += 1e-12 * trace  # duplicate unpenalized columns make G singular
    if m > 0 and _solve_small(G, coef, m):
        for a in range(m):
            zc += coef[a] * z[pb.unpen[act[a]]]
            yc += coef[a] * pb.y_unpen[act[a]]
            acc = 0.0
            for b in range(m):
                acc += pb.cross[pb.unpen[act[a]] * k + act[b]] * coef[b]
            cgc += coef[a] * acc
        rss[0] += cgc - 2.0 * zc
        ry[0] -= yc
        for t in range(n_feats):
            j = feats[t]
            acc = 0.0
            for a in range(m):
                acc += pb.cross[j * k + act[a]] * coef[a]
            z[j] -= acc
    free(act)
    free(G)
    free(coef)


# ---------------------------------------------------------------------------
# Screening and working sets

cdef inline double _augmented_norm(const Problem* pb, Py_ssize_t j) noexcept nogil:
    """Norm of column j of the lasso-type augmented design [X̄; √(l2 v_j) e_j]."""
    if pb.l2 == 0.0:
        return pb.col_norm[j]
    return sqrt(pb.sq_norm[j] + pb.l2 * pb.pf[j])


cdef inline double _safe_radius(const Gap* g) noexcept nogil:
    """Radius √(2·gap) of the Gap Safe sphere around the better of the two dual points."""
    cdef double gap = g.fenchel_gap if g.fenchel_gap < g.lasso_gap else g.lasso_gap
    return sqrt(2.0 * gap) if gap > 0.0 else 0.0


cdef inline bint _provably_zero(const Problem* pb, const Gap* g, double radius, Py_ssize_t j,
                                double zj, double wj) noexcept nogil:
    """Gap Safe test: feature j is zero at every optimum.

    ``zj`` is x̄_jᵀSθ, or an upper bound on it (on its absolute value unless
    ``positive``); ``wj`` the current coefficient. The sphere is centered on
    whichever dual point gives the smaller gap (see ``_duality_gap``).
    """
    cdef double corr, col_norm
    if pb.pf[j] <= 0.0 or pb.l1 <= 0.0:
        return False
    if g.fenchel_gap < g.lasso_gap:
        corr = zj if pb.positive else fabs(zj)
        col_norm = pb.col_norm[j]
    else:
        corr = zj - pb.l2 * pb.pf[j] * wj
        corr = g.scale * (corr if pb.positive else fabs(corr))
        col_norm = _augmented_norm(pb, j)
    # small relative margin: the test must stay safe under rounding
    return corr + radius * col_norm < pb.l1 * pb.pf[j] * (1.0 - 1e-10)


cdef Py_ssize_t _gap_safe_screen(const Problem* pb, const floating* Xv, const index_t* Xi,
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
    cdef double radius = _safe_radius(g)
    for t in range(n_feats):
        j = feats[t]
        if _provably_zero(pb, g, radius, j, z[j], w[j]):
            left_out[j] = 1
            if w[j] != 0.0:
                _col_axpy(pb, Xv, Xi, Xp, j, -w[j], r)
                offset[0] -= w[j] * pb.mean[j]
                w[j] = 0.0
            continue
        feats[kept] = j
        kept += 1
    return kept


cdef void _swap(double* key, Py_ssize_t* idx, Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    cdef double k = key[a]
    cdef Py_ssize_t i = idx[a]
    key[a] = key[b]
    idx[a] = idx[b]
    key[b] = k
    idx[b] = i


cdef void _select_smallest(double* key, Py_ssize_t* idx, Py_ssize_t n,
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


cdef Py_ssize_t _build_working_set(const Problem* pb, const Gap* g, const double* z,
                                   const double* w, const Py_ssize_t* feats,
                                   Py_ssize_t n_feats, Py_ssize_t ws_size,
                                   double* key, Py_ssize_t* ws) noexcept nogil:
    """The ws_size features of ``feats`` closest to their dual constraint.

    Nonzero and unpenalized coefficients always belong to the working set.
    Returns the working-set size.
    """
    cdef Py_ssize_t t, j
    cdef double corr
    if ws_size >= n_feats or pb.l1 <= 0.0:
        for t in range(n_feats):
            ws[t] = feats[t]
        return n_feats
    for t in range(n_feats):
        j = feats[t]
        ws[t] = j
        if w[j] != 0.0 or pb.pf[j] == 0.0:
            key[t] = -INFINITY
        else:
            corr = g.scale * (z[j] if pb.positive else fabs(z[j]))
            key[t] = (pb.l1 * pb.pf[j] - corr) / _augmented_norm(pb, j)
    _select_smallest(key, ws, n_feats, ws_size)
    return ws_size


# ---------------------------------------------------------------------------
# Extrapolation of the support sweeps: dual points and primal iterates

cdef double KKT_SLACK = 1e-3  # relative violation tolerated at a zero coefficient

cdef enum:
    SWEEPS = 5  # most support sweeps per block (the block's residuals are extrapolated)


cdef struct History:
    # One block of support sweeps. Row 0 holds the last recorded iterate, row
    # k ≥ 1 the difference between iterates k and k − 1: extrapolation needs
    # only differences, and storing them saves forming each one again per
    # product of the Gram matrix.
    double* r                   # (SWEEPS + 1) × n: residuals R = r + offset
    double offset[SWEEPS + 1]   # the offset of each iterate
    double* w                   # (SWEEPS + 1) × n_act: support coefficients


cdef void _record(const Problem* pb, History* h, Py_ssize_t k, const double* r, double offset,
                  const double* w, const Py_ssize_t* act, Py_ssize_t n_act) noexcept nogil:
    """Store iterate k of the block (k = 0: its start)."""
    cdef Py_ssize_t i, t
    cdef double* last = h.r
    cdef double* diff = h.r + k * pb.n_samples
    cdef double v
    h.offset[k] = offset
    if k == 0:
        for i in range(pb.n_samples):
            last[i] = r[i] + offset
        for t in range(n_act):
            h.w[t] = w[act[t]]
        return
    for i in range(pb.n_samples):
        v = r[i] + offset
        diff[i] = v - last[i]
        last[i] = v
    for t in range(n_act):
        h.w[k * n_act + t] = w[act[t]] - h.w[t]
        h.w[t] = w[act[t]]


cdef enum:
    CHUNK = 512  # rows per block of the Gram products (all m rows' blocks stay in L1)


cdef bint _affine_weights(const double* rows, Py_ssize_t stride, Py_ssize_t first,
                          Py_ssize_t m, double* c) noexcept nogil:
    """c (Σ c = 1) minimizing ‖Σ_a c_a d_{first+a}‖ over m stored differences (see History).

    c ∝ (DᵀD)⁻¹ 1 with a small Tikhonov term, as the differences become
    nearly collinear near convergence. Returns False when they vanish.
    """
    cdef double G[SWEEPS * SWEEPS]
    cdef Py_ssize_t a, b, lo, hi
    cdef const double* da
    cdef double total = 0.0, trace = 0.0
    for a in range(m * m):
        G[a] = 0.0
    # by chunks of rows, so that all m differences' chunks are read from L1
    # (BLAS syrk was measured slower for such thin matrices)
    lo = 0
    while lo < stride:
        hi = lo + CHUNK if lo + CHUNK < stride else stride
        for a in range(m):
            da = rows + (first + a) * stride
            for b in range(a, m):
                G[a * m + b] += dot(da + lo, rows + (first + b) * stride + lo, hi - lo)
        lo = hi
    for a in range(m):
        for b in range(a):
            G[a * m + b] = G[b * m + a]
        trace += G[a * m + a]
        c[a] = 1.0
    if trace == 0.0:
        return False
    for a in range(m):
        G[a * m + a] += 1e-12 * trace
    if not _solve_small(G, c, m):
        return False
    for a in range(m):
        total += c[a]
    if total == 0.0:
        return False
    for a in range(m):
        c[a] /= total
    return True


cdef void _combine(const double* rows, Py_ssize_t stride, Py_ssize_t first, Py_ssize_t m,
                   const double* c, double shift, double* out) noexcept nogil:
    """out = Σ_a c_a x_{first+a} − shift for the iterates x_first … x_{first+m−1} = row 0.

    With Σ c = 1, x_{first+a} = x_last − Σ_{k > first+a} d_k gives
    out = x_last − Σ_k (Σ_{a < k−first} c_a) d_k − shift.
    """
    cdef Py_ssize_t i, b
    cdef double weight = 0.0
    cdef const double* d
    for i in range(stride):
        out[i] = rows[i] - shift
    for b in range(1, m):
        weight += c[b - 1]
        d = rows + (first + b) * stride
        for i in range(stride):
            out[i] -= weight * d[i]


cdef bint _dual_extrapolation(const Problem* pb, const History* h, Py_ssize_t m,
                              double* theta) noexcept nogil:
    """θ = Σ_k c_k R_k over the residuals R_1 … R_m of the block's sweeps.

    Once the support is fixed CD is a linear iteration on the residual whose
    error is dominated by a few slow modes; the affine combination that best
    cancels the successive differences removes them, giving a dual point
    much closer to the optimum than the last residual (celer's dual
    extrapolation). θ is S-centered like every R_k.
    """
    cdef double c[SWEEPS]
    if not _affine_weights(h.r, pb.n_samples, 1, m, c):
        return False
    _combine(h.r, pb.n_samples, 1, m, c, 0.0, theta)
    return True


cdef double _primal(const Problem* pb, const Py_ssize_t* act, Py_ssize_t n_act,
                    const double* w_act, const double* r, double offset) noexcept nogil:
    """F(w) for w supported on act, given compactly: w_act[t] is the value of feature act[t]."""
    cdef Py_ssize_t i, t, j
    cdef double Ri, rss = 0.0, pen = 0.0
    for i in range(pb.n_samples):
        Ri = r[i] + offset
        rss += (pb.sw[i] * Ri * Ri) if pb.weighted else Ri * Ri
    for t in range(n_act):
        j = act[t]
        pen += pb.pf[j] * (pb.l1 * fabs(w_act[t]) + 0.5 * pb.l2 * w_act[t] * w_act[t])
    return 0.5 * rss + pen


cdef bint _anderson_step(const Problem* pb, const floating* Xv, const index_t* Xi,
                         const index_t* Xp, const Py_ssize_t* act, Py_ssize_t n_act,
                         const History* h, Py_ssize_t n_sweeps, double* w, double* r,
                         double* offset, double* r_acc, double* w_acc) noexcept nogil:
    """Anderson-extrapolate w from the block's iterates 2..n_sweeps; keep it if F decreases.

    The weights come from the coefficient differences. The residual is
    affine in w, so the extrapolated one is the same combination of the
    stored residuals: no pass over the columns (except to undo the
    clipping of negative coefficients under ``positive``).
    """
    cdef double c[SWEEPS - 1]
    cdef Py_ssize_t a, t, m = n_sweeps - 1
    cdef double offset_acc = 0.0, acc
    if not _affine_weights(h.w, n_act, 2, m, c):
        return False
    for a in range(m):
        offset_acc += c[a] * h.offset[a + 2]
    _combine(h.r, pb.n_samples, 2, m, c, offset_acc, r_acc)
    _combine(h.w, n_act, 2, m, c, 0.0, w_acc)
    if pb.positive:
        for t in range(n_act):
            acc = w_acc[t]
            if acc < 0.0:
                w_acc[t] = 0.0
                _col_axpy(pb, Xv, Xi, Xp, act[t], -acc, r_acc)
                offset_acc -= acc * pb.mean[act[t]]
    # row 0 of the history is the current iterate
    if (_primal(pb, act, n_act, w_acc, r_acc, offset_acc)
            >= _primal(pb, act, n_act, h.w, r, offset[0])):
        return False
    for t in range(n_act):
        w[act[t]] = w_acc[t]
    memcpy(r, r_acc, pb.n_samples * sizeof(double))
    offset[0] = offset_acc
    return True


cdef void _residual_into(const Problem* pb, const double* r, double offset,
                         double* theta) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(pb.n_samples):
        theta[i] = r[i] + offset


cdef Py_ssize_t _solve_working_set(const Problem* pb, const floating* Xv, const index_t* Xi,
                                   const index_t* Xp, const Py_ssize_t* ws, Py_ssize_t n_ws,
                                   double* w, double* r, double* offset, double inner_tol,
                                   Py_ssize_t max_epochs, double* z, Py_ssize_t* act,
                                   History* h, double* w_acc, double* r_acc,
                                   double* theta, bint* z_at_theta) noexcept nogil:
    """CD on the working set until its own gap ≤ inner_tol; returns the epochs used.

    Each block is a few sweeps over the current support only, which are
    cheap: 2, then 3, then SWEEPS (short first blocks measured best, as most
    warm-started solves need few sweeps). Their residuals are extrapolated
    into a dual point and their iterates into a primal point (kept if it
    lowers F). One sweep over the
    whole working set follows, so features can enter the support, then the
    working-set gap at the extrapolated dual point (and at the residual
    itself when extrapolation does not help).
    On return θ holds the better of the two dual points last checked, and
    ``z_at_theta`` says whether z holds x̄_jᵀSθ on the working set (then the
    next full gap need not compute them again).
    """
    cdef Py_ssize_t epochs = 0, n_act, t, k, length = 2
    cdef double change, best = INFINITY
    cdef bint extrapolated
    cdef Gap g, g_res
    _residual_into(pb, r, offset[0], theta)
    z_at_theta[0] = False
    while epochs < max_epochs:
        z_at_theta[0] = False
        n_act = 0
        for t in range(n_ws):
            if w[ws[t]] != 0.0:
                act[n_act] = ws[t]
                n_act += 1
        _record(pb, h, 0, r, offset[0], w, act, n_act)
        extrapolated = False
        for k in range(1, length + 1):
            if epochs >= max_epochs or n_act == 0:
                break
            change = _cd_epoch(pb, Xv, Xi, Xp, act, n_act, w, r, offset)
            epochs += 1
            if change == 0.0:
                break
            _record(pb, h, k, r, offset[0], w, act, n_act)
            if k == length:
                # dual first: the primal step below breaks the residual sequence
                extrapolated = _dual_extrapolation(pb, h, k, theta)
                if k >= 3:
                    _anderson_step(pb, Xv, Xi, Xp, act, n_act, h, k, w, r, offset, r_acc, w_acc)
        # given θ, the sweep also correlates the columns with it, for the gap below
        change = _cd_epoch(pb, Xv, Xi, Xp, ws, n_ws, w, r, offset,
                           theta if extrapolated else NULL, z)
        epochs += 1
        if change == 0.0:
            _residual_into(pb, r, offset[0], theta)
            break  # a fixed point of the working-set problem
        g.gap = INFINITY
        if extrapolated:
            g = _duality_gap(pb, Xv, Xi, Xp, ws, n_ws, w, r, offset[0], theta, z, True)
            z_at_theta[0] = True
        if not g.gap < best:
            # extrapolation unavailable or not improving: try the residual itself
            _residual_into(pb, r, offset[0], r_acc)
            g_res = _duality_gap(pb, Xv, Xi, Xp, ws, n_ws, w, r, offset[0], r_acc, z, False)
            z_at_theta[0] = g_res.gap < g.gap
            if z_at_theta[0]:
                g = g_res
                memcpy(theta, r_acc, pb.n_samples * sizeof(double))
        if g.gap < best:
            best = g.gap
        if g.gap <= inner_tol:
            break
        length = 3 if length == 2 else SWEEPS
    return epochs


# ---------------------------------------------------------------------------
# Features kept out on a bound
#
# The exact correlation z_j = x̄_jᵀSθ of a feature was computed at some
# earlier dual point; every full gap since then moved θ by a known S-distance,
# and the running sum of those moves ("drift") bounds |x̄_jᵀSθ| by
# |z_j| + ‖x̄_j‖ (drift − stamp_j), where stamp_j is the drift when z_j was
# computed (−∞ when z_j is not such a value). A zero coefficient whose bound
# stays clear of its dual constraint needs no pass over its column: the bound
# enters the dual norm instead (``norm_floor`` of ``_duality_gap``). Such
# features are "kept out": listed at the back of ``feats``, the features
# checked exactly being at the front; Gap Safe screened features are in
# neither list. Both kinds are flagged in ``left_out``: the next solve starts
# them on the back list (``_split_features``), and every gap first tests the
# bounds there (``_refresh``).

cdef double KEEP_OUT = 0.9  # bound / penalty level below which a zero coefficient is kept out


cdef inline double _corr_bound(const Problem* pb, const double* z, const double* stamp,
                               double drift, Py_ssize_t j) noexcept nogil:
    cdef double corr = z[j] if pb.positive else fabs(z[j])
    return corr + pb.col_norm[j] * (drift - stamp[j])


cdef inline bint _keep_out(const Problem* pb, double bound, Py_ssize_t j) noexcept nogil:
    # With unpenalized features z holds x̄_jᵀSPθ for the S-orthogonal projection
    # P of the dual point (see _project_unpenalized). P is non-expansive, so the
    # drift bound holds while P is fixed: always, unless ``positive`` makes it
    # depend on which unpenalized coefficients are nonzero.
    return ((pb.n_unpen == 0 or not pb.positive) and pb.pf[j] > 0.0
            and bound < KEEP_OUT * pb.l1 * pb.pf[j])


cdef inline double _floor_with(const Problem* pb, double floor, double bound,
                               Py_ssize_t j) noexcept nogil:
    return bound / pb.pf[j] if bound > floor * pb.pf[j] else floor


cdef Py_ssize_t _split_features(const Problem* pb, Py_ssize_t n_features, bint dual_known,
                                double* stamp, signed char* left_out, Py_ssize_t* feats,
                                Py_ssize_t* n_kept) noexcept nogil:
    """Start of a solve: the features checked at the last gap, and those left out.

    The first go to the front of ``feats``, the second to its back, where
    ``_refresh`` tests their bounds. Without a known dual point no stored
    correlation is trusted and every nonconstant feature is checked. Returns
    the number at the front.
    """
    cdef Py_ssize_t j, n_feats = 0, m = 0
    for j in range(n_features):
        if pb.sq_norm[j] == 0.0:
            left_out[j] = 1  # constant column: never leaves zero, no dual constraint
            continue
        if not dual_known:
            stamp[j] = -INFINITY
            left_out[j] = 0
        if left_out[j]:
            m += 1
            feats[n_features - m] = j
        else:
            feats[n_feats] = j
            n_feats += 1
    n_kept[0] = m
    return n_feats


cdef Py_ssize_t _refresh(const Problem* pb, const floating* Xv, const index_t* Xi,
                         const index_t* Xp, const double* w, const double* theta, double* z,
                         double* stamp, double drift, signed char* left_out,
                         Py_ssize_t* feats, Py_ssize_t n_feats, Py_ssize_t n_features,
                         Py_ssize_t* n_kept, bint keep_more, Py_ssize_t* scratch,
                         double* norm_floor) noexcept nogil:
    """Before every gap at θ: exact correlations where needed, bounds elsewhere.

    Kept-out features whose bound no longer allows it are checked exactly
    again; with ``keep_more``, checked features with a zero coefficient
    whose bound allows it are kept out too (``scratch`` holds the kept-out
    list meanwhile). Correlations already exact at θ are not recomputed.
    Returns the number checked exactly; z holds their correlations at θ.
    """
    cdef Py_ssize_t t, j, m = 0, moved = 0
    cdef double u, floor = 0.0
    for t in range(n_features - n_kept[0], n_features):
        j = feats[t]
        u = _corr_bound(pb, z, stamp, drift, j)
        if _keep_out(pb, u, j):
            floor = _floor_with(pb, floor, u, j)
            scratch[moved] = j
            moved += 1
            continue
        left_out[j] = 0
        feats[n_feats] = j  # a slot of the back list already read
        n_feats += 1
    for t in range(n_feats):
        j = feats[t]
        if keep_more and w[j] == 0.0:
            u = _corr_bound(pb, z, stamp, drift, j)
            if _keep_out(pb, u, j):
                floor = _floor_with(pb, floor, u, j)
                left_out[j] = 1
                scratch[moved] = j
                moved += 1
                continue
        # with unpenalized features z holds projected correlations, and the gap
        # needs raw ones (it projects them, and corrects ‖θ‖ with them)
        if stamp[j] != drift or pb.n_unpen > 0:
            z[j] = _col_dot(pb, Xv, Xi, Xp, j, theta)
            stamp[j] = drift
        feats[m] = j
        m += 1
    for t in range(moved):
        feats[n_features - 1 - t] = scratch[t]
    n_kept[0] = moved
    norm_floor[0] = floor
    return m


cdef double _s_distance(const Problem* pb, const double* u, const double* v) noexcept nogil:
    """‖u − v‖_S."""
    cdef Py_ssize_t i
    cdef double d, acc = 0.0
    for i in range(pb.n_samples):
        d = u[i] - v[i]
        acc += (pb.sw[i] * d * d) if pb.weighted else d * d
    return sqrt(acc)


# ---------------------------------------------------------------------------
# Solver memory, allocated once per path

cdef class Workspace:
    """Buffers of the solver, and the state it carries from one alpha to the next.

    Made for one design from its squared column norms (kept as norms, for
    the screening tests). Carried: the dual point θ and the correlations
    z = X̄ᵀSθ, θ at the last full gap (``theta_ref``), the drift of θ and
    each correlation's stamp, the flags and lists of the features left out
    (see "Features kept out on a bound"). The rest is scratch. Allocating
    it once keeps the per-alpha cost free of page faults on fresh memory.
    Python's raw allocator is used so that memory tracing (tracemalloc)
    accounts for it.
    """
    cdef double* theta
    cdef double* theta_ref
    cdef double* z
    cdef double* stamp
    cdef double* key
    cdef double* r_acc
    cdef double* w_acc
    cdef double* hist_r
    cdef double* hist_w
    cdef Py_ssize_t* feats
    cdef Py_ssize_t* ws
    cdef Py_ssize_t* act
    cdef signed char* left_out
    cdef double* col_norm
    cdef double drift
    cdef Py_ssize_t capacity  # rows of hist_w, w_acc and act: the largest working set so far

    def __cinit__(self, Py_ssize_t n_samples, const double[::1] sq_norm):
        cdef Py_ssize_t j, p = sq_norm.shape[0]
        cdef size_t n = n_samples if n_samples > 0 else 1
        cdef size_t m = p if p > 0 else 1
        self.col_norm = <double*> PyMem_RawMalloc(m * sizeof(double))
        self.theta = <double*> PyMem_RawMalloc(n * sizeof(double))
        self.theta_ref = <double*> PyMem_RawMalloc(n * sizeof(double))
        self.r_acc = <double*> PyMem_RawMalloc(n * sizeof(double))
        self.hist_r = <double*> PyMem_RawMalloc((SWEEPS + 1) * n * sizeof(double))
        self.z = <double*> PyMem_RawMalloc(m * sizeof(double))
        self.stamp = <double*> PyMem_RawMalloc(m * sizeof(double))
        self.key = <double*> PyMem_RawMalloc(m * sizeof(double))
        self.capacity = 0
        self.w_acc = NULL
        self.hist_w = NULL
        self.feats = <Py_ssize_t*> PyMem_RawMalloc(m * sizeof(Py_ssize_t))
        self.ws = <Py_ssize_t*> PyMem_RawMalloc(m * sizeof(Py_ssize_t))
        self.act = NULL
        self.left_out = <signed char*> PyMem_RawCalloc(m, sizeof(signed char))
        if (self.theta == NULL or self.theta_ref == NULL or self.r_acc == NULL
                or self.hist_r == NULL or self.z == NULL or self.stamp == NULL
                or self.key == NULL
                or self.feats == NULL or self.ws == NULL
                or self.left_out == NULL or self.col_norm == NULL):
            raise MemoryError("cannot allocate the coordinate-descent workspace")
        self.drift = 0.0
        for j in range(p):
            self.col_norm[j] = sqrt(sq_norm[j])

    def __dealloc__(self):
        PyMem_RawFree(self.theta)
        PyMem_RawFree(self.theta_ref)
        PyMem_RawFree(self.r_acc)
        PyMem_RawFree(self.hist_r)
        PyMem_RawFree(self.z)
        PyMem_RawFree(self.stamp)
        PyMem_RawFree(self.key)
        PyMem_RawFree(self.w_acc)
        PyMem_RawFree(self.hist_w)
        PyMem_RawFree(self.feats)
        PyMem_RawFree(self.ws)
        PyMem_RawFree(self.act)
        PyMem_RawFree(self.left_out)
        PyMem_RawFree(self.col_norm)


cdef bint _reserve(Workspace work, Py_ssize_t n_ws) noexcept nogil:
    """Grow the per-working-set buffers to n_ws rows (working sets are mostly small)."""
    cdef double* hist_w
    cdef double* w_acc
    cdef Py_ssize_t* act
    if n_ws <= work.capacity:
        return True
    if n_ws < 2 * work.capacity:
        n_ws = 2 * work.capacity
    hist_w = <double*> PyMem_RawRealloc(work.hist_w, (SWEEPS + 1) * n_ws * sizeof(double))
    if hist_w == NULL:
        return False
    work.hist_w = hist_w
    w_acc = <double*> PyMem_RawRealloc(work.w_acc, n_ws * sizeof(double))
    if w_acc == NULL:
        return False
    work.w_acc = w_acc
    act = <Py_ssize_t*> PyMem_RawRealloc(work.act, n_ws * sizeof(Py_ssize_t))
    if act == NULL:
        return False
    work.act = act
    work.capacity = n_ws
    return True


# ---------------------------------------------------------------------------
# The solver for one alpha

cdef Py_ssize_t _enet_solve(const Problem* pb, const floating* Xv, const index_t* Xi,
                            const index_t* Xp, Py_ssize_t n_features,
                            double* w, double* r, double* offset,
                            double tol_abs, Py_ssize_t max_epochs,
                            Py_ssize_t ws_start, bint screen, bint dual_known,
                            Workspace work, double* stats) noexcept nogil:
    """Working-set coordinate descent until the full gap ≤ tol_abs.

    Outer loop: exact correlations where the bounds do not suffice (see
    ``_refresh``) → full gap (certificate) → Gap Safe screening → working
    set of growing size. Inner loop: CD epochs on the working set, stopped
    when the working-set gap falls below a fraction of the full gap. The dual point θ
    is kept apart from the primal residual: any centered vector certifies,
    so the best one found (often an extrapolation) is used, and the previous
    alpha's θ certifies the warm start of the next one without a full pass.
    ``dual_known`` says θ, z and the screening state in ``work`` come from
    the previous alpha (see ``Workspace``).
    ``stats`` receives [gap, n_outer, features left out (screened or kept
    out), last ws size, full passes, Σ s R²].
    Returns the number of CD epochs.
    """
    cdef Py_ssize_t j, t, n_feats, n_ws, epochs = 0, outer = 0, passes = 0
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

    if not dual_known:
        _residual_into(pb, r, offset[0], theta)
        memcpy(theta_ref, theta, pb.n_samples * sizeof(double))
        passes += 1
    n_feats = _split_features(pb, n_features, dual_known, stamp, left_out, feats, &n_kept)
    while True:
        n_feats = _refresh(pb, Xv, Xi, Xp, w, theta, z, stamp, work.drift, left_out,
                           feats, n_feats, n_features, &n_kept, screen and outer > 0, ws, &norm_floor)
        g = _duality_gap(pb, Xv, Xi, Xp, feats, n_feats, w, r, offset[0], theta, z, True,
                         norm_floor)
        # Stop on the certificate, but only after at least one solve at this
        # alpha (unless the warm start is already far inside tol) and with no
        # zero coefficient clearly violating its KKT condition: both cost
        # little and make the primal much more accurate than the gap alone
        # guarantees.
        if ((g.gap <= tol_abs and (outer > 0 or g.gap <= 1e-3 * tol_abs)
                and g.kkt <= KKT_SLACK) or epochs >= max_epochs):
            break
        outer += 1
        if screen:
            n_feats = _gap_safe_screen(pb, Xv, Xi, Xp, &g, z, w, r, offset,
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
        n_ws = _build_working_set(pb, &g, z, w, feats, n_feats, size, work.key, ws)
        # far from tol, a tenth of the gap: fewer outer iterations (full passes)
        # than the usual 0.3, measured at tight tolerances
        inner_tol = 0.1 * g.gap
        if inner_tol < tol_abs:
            inner_tol = tol_abs
        if not _reserve(work, n_ws):
            break  # out of memory: return the current iterate, its gap above tol warns
        h.w = work.hist_w
        epochs += _solve_working_set(pb, Xv, Xi, Xp, ws, n_ws, w, r, offset, inner_tol,
                                     max_epochs - epochs, z, work.act, &h, work.w_acc,
                                     work.r_acc, theta, &z_at_theta)
        # a new dual point: the next gap is a full pass
        work.drift += _s_distance(pb, theta, theta_ref)
        memcpy(theta_ref, theta, pb.n_samples * sizeof(double))
        passes += 1
        # the working set's correlations are exact at θ (projected, like every
        # stored correlation, with unpenalized features), or at other dual points
        ws_stamp = work.drift if z_at_theta else -INFINITY
        for t in range(n_ws):
            stamp[ws[t]] = ws_stamp
    stats[0] = g.gap
    stats[1] = outer
    stats[2] = n_features - n_feats
    stats[3] = size
    stats[4] = passes
    stats[5] = g.rss
    return epochs


# ---------------------------------------------------------------------------
# Python entry points

cdef Problem _problem(bint sparse, const double[::1] sw, const double[::1] y,
                      const double[::1] x_mean, const double[::1] sq_norm,
                      const double[::1] pf, double l1, double l2, bint positive,
                      const Py_ssize_t[::1] unpen=None, const double[:, ::1] cross=None,
                      const double[::1] y_unpen=None):
    cdef Problem pb
    pb.n_samples = y.shape[0]
    pb.sparse = sparse
    pb.weighted = sw.shape[0] > 0
    pb.positive = positive
    pb.sw = &sw[0] if pb.weighted else NULL
    pb.y = &y[0]
    pb.mean = &x_mean[0]
    pb.sq_norm = &sq_norm[0]
    pb.col_norm = NULL
    pb.pf = &pf[0]
    pb.l1 = l1
    pb.l2 = l2
    pb.n_unpen = 0 if unpen is None else unpen.shape[0]
    pb.unpen = &unpen[0] if pb.n_unpen > 0 else NULL
    pb.cross = &cross[0, 0] if pb.n_unpen > 0 else NULL
    pb.y_unpen = &y_unpen[0] if pb.n_unpen > 0 else NULL
    return pb


cdef void _x_pointers(const floating[::1, :] X, const floating[::1] X_data,
                      const index_t[::1] X_indices, const index_t[::1] X_indptr, bint sparse,
                      const floating** Xv, const index_t** Xi, const index_t** Xp):
    """Raw pointers to dense X, or to the CSC arrays (unused ones are NULL)."""
    Xi[0] = NULL
    Xp[0] = NULL
    if sparse:
        Xv[0] = &X_data[0] if X_data.shape[0] > 0 else NULL
        Xi[0] = &X_indices[0] if X_indices.shape[0] > 0 else NULL
        Xp[0] = &X_indptr[0]
    else:
        Xv[0] = &X[0, 0]


def enet_solve(const floating[::1, :] X, const floating[::1] X_data,
               const index_t[::1] X_indices, const index_t[::1] X_indptr,
               bint sparse, const double[::1] sw, const double[::1] y,
               const double[::1] x_mean, const double[::1] sq_norm,
               const double[::1] pf, double l1, double l2, bint positive,
               double[::1] w, double[::1] r, double[::1] offset,
               double tol_abs, Py_ssize_t max_epochs,
               Py_ssize_t ws_start, bint screen, bint dual_known,
               Workspace work, double[::1] stats,
               const Py_ssize_t[::1] unpen, const double[:, ::1] cross,
               const double[::1] y_unpen):
    """Solve one elastic-net problem in place (see the module docstring).

    ``w``, ``r`` (= y_c − X w) and ``offset`` (= x_meanᵀ w) are the warm start
    and receive the solution. ``work`` is a :class:`Workspace` made for this
    X; ``dual_known`` says it holds
    the dual point and screening state of a previous solve on the same data,
    still valid for this one (the residual may have changed, not the design).
    Returns the number of coordinate-descent epochs; ``stats`` receives
    [gap, outer iterations, screened features, working-set size, full
    gradient passes, Σ s_i R_i²]. ``unpen`` lists the unpenalized features,
    ``cross`` (n_features × len(unpen)) and ``y_unpen`` their centered
    weighted cross products with every column and with y (see
    ``_project_unpenalized``).
    """
    cdef Problem pb
    cdef Py_ssize_t p = x_mean.shape[0], epochs
    cdef const floating* Xv
    cdef const index_t* Xi = NULL
    cdef const index_t* Xp = NULL
    pb = _problem(sparse, sw, y, x_mean, sq_norm, pf, l1, l2, positive, unpen, cross, y_unpen)
    pb.col_norm = work.col_norm
    _x_pointers(X, X_data, X_indices, X_indptr, sparse, &Xv, &Xi, &Xp)
    with nogil:
        epochs = _enet_solve(&pb, Xv, Xi, Xp, p, &w[0], &r[0], &offset[0], tol_abs,
                             max_epochs, ws_start, screen, dual_known, work, &stats[0])
    return epochs


def cd_epochs(const floating[::1, :] X, const floating[::1] X_data,
              const index_t[::1] X_indices, const index_t[::1] X_indptr,
              bint sparse, const double[::1] sw, const double[::1] y,
              const double[::1] x_mean, const double[::1] sq_norm,
              const double[::1] pf, double l1, double l2, bint positive,
              double[::1] w, double[::1] r, double[::1] offset, Py_ssize_t n_epochs):
    """Plain cyclic CD sweeps over every feature (no working set, no stopping rule).

    Exposed to measure the cost of one epoch against one ``X.T @ r`` product.
    Arguments are those of :func:`enet_solve`; returns the last max change.
    """
    cdef Problem pb
    cdef Py_ssize_t p = x_mean.shape[0], k
    cdef double change = 0.0
    cdef const floating* Xv
    cdef const index_t* Xi = NULL
    cdef const index_t* Xp = NULL
    cdef Py_ssize_t[::1] all_features = np.arange(p, dtype=np.intp)
    pb = _problem(sparse, sw, y, x_mean, sq_norm, pf, l1, l2, positive)
    _x_pointers(X, X_data, X_indices, X_indptr, sparse, &Xv, &Xi, &Xp)
    with nogil:
        for k in range(n_epochs):
            change = _cd_epoch(&pb, Xv, Xi, Xp, &all_features[0], p, &w[0], &r[0], &offset[0])
    return change


def try_warm_start(const floating[::1, :] X, const floating[::1] X_data,
                   const index_t[::1] X_indices, const index_t[::1] X_indptr,
                   bint sparse, const double[::1] sw, const double[::1] y,
                   const double[::1] x_mean, const double[::1] sq_norm,
                   const double[::1] pf, double l1, double l2, bint positive,
                   double[::1] w, double[::1] r, double[::1] offset,
                   const Py_ssize_t[::1] moved, const double[::1] w_before, double step,
                   double[::1] r_work):
    """Move (w, r, offset) to w + step·(w − w_before) if that lowers the objective.

    Continues the last segment of the path (exact for the Lasso while the
    support and signs do not change); coefficients that would change sign
    are set to zero. ``moved`` lists the features nonzero in w or in the
    solution before it, ``w_before`` their values there. Returns whether the
    move was made.
    """
    cdef Problem pb
    cdef const floating* Xv
    cdef const index_t* Xi
    cdef const index_t* Xp
    cdef Py_ssize_t n = y.shape[0], m = moved.shape[0], t, j
    cdef double[::1] w_old = np.empty(m)
    cdef double[::1] w_new = np.empty(m)
    cdef double wj, off_new
    cdef bint accept = False
    if m == 0:
        return False
    pb = _problem(sparse, sw, y, x_mean, sq_norm, pf, l1, l2, positive)
    _x_pointers(X, X_data, X_indices, X_indptr, sparse, &Xv, &Xi, &Xp)
    with nogil:
        memcpy(&r_work[0], &r[0], n * sizeof(double))
        off_new = offset[0]
        for t in range(m):
            j = moved[t]
            w_old[t] = w[j]
            wj = w[j] + step * (w[j] - w_before[t])
            w_new[t] = wj if wj * w[j] > 0.0 else 0.0
            if w_new[t] != w[j]:
                _col_axpy(&pb, Xv, Xi, Xp, j, w_new[t] - w[j], &r_work[0])
                off_new += (w_new[t] - w[j]) * pb.mean[j]
        accept = (_primal(&pb, &moved[0], m, &w_new[0], &r_work[0], off_new)
                  < _primal(&pb, &moved[0], m, &w_old[0], &r[0], offset[0]))
        if accept:
            memcpy(&r[0], &r_work[0], n * sizeof(double))
            offset[0] = off_new
            for t in range(m):
                w[moved[t]] = w_new[t]
    return accept
