# The logistic datafit's unpenalized block: the intercept and the coefficients
# of the unpenalized features U (penalty factor 0).
#
# Dual feasibility requires x_uᵀSθ = 0 for every u ∈ U (and Σ_i s_i θ_i = 0
# with an intercept), θ = y − σ(η). As the intercept step does for Σ s θ,
# an exact Newton solve on the block (b, w_U), the other coefficients fixed,
# brings these correlations to rounding level at every iterate
# (``logit_block_step``); the dual point then removes the rounding residual
# by the S-orthogonal projection onto the complement of [1, X_U], as the
# quadratic datafit does (``quad_project_unpenalized``), here on θ itself:
# the entropy in the logistic's conjugate needs θ, not only its correlations.
# The projection moves θ by rounding only, so y − θ stays in [0, 1] up to
# rounding (``entropy`` counts such excursions as 0). Should the block not
# be solved (data separable along X_U), the projection is refused and the
# gap, seeing x_uᵀSθ ≠ 0, reports the dual point infeasible.
#
# The block is small (a few covariates): its (k + 1)² Hessian is formed from
# column products and solved densely (``solve_small``).
#
# With ``positive`` the unpenalized coefficients are constrained ≥ 0: the
# block solve is then an active-set Newton (a coefficient at 0 whose gradient
# pushes it below stays fixed; a step is cut where a free one reaches 0),
# and feasibility asks x_uᵀSθ = 0 of the nonzero ones only, x_uᵀSθ ≤ 0 of
# those at 0 (``enet_dual_terms``): θ is projected onto the complement of
# [1, X_A], A the nonzero ones.
from libc.math cimport fabs, sqrt
from libc.string cimport memcpy

from ._columns cimport Data, col_axpy, col_dot, column
from ._fused cimport floating, index_t
from ._linalg cimport solve_small
from ._logistic cimport (Logistic, logit_cached_value, logit_dual_point, logit_evaluate,
                         logit_mark_cached, logit_refresh)

cdef enum:
    BLOCK_STEPS = 50        # most Newton steps of one block solve
    BLOCK_HALVINGS = 30     # most step halvings in its line search


cdef inline void _block_weights(const Data* d, const Logistic* f, double* grad,
                                double* hess) noexcept nogil:
    """From the cached σ(η) (``logit_refresh``): the gradient weights s_i (σ_i − y_i) in
    ``grad`` and the Hessian weights s_i σ_i (1 − σ_i) in ``hess``."""
    cdef Py_ssize_t i
    cdef double p, si
    for i in range(d.n_samples):
        si = d.sw[i] if d.weighted else 1.0
        p = f.prob[i]
        grad[i] = si * (p - f.y[i])
        hess[i] = si * p * (1.0 - p)


cdef inline bint _fixed(const Logistic* f, const double* w, const double* g, Py_ssize_t a,
                        bint positive) noexcept nogil:
    """Whether unpenalized coefficient a stays at its bound 0 (``positive``): its
    gradient g[a] (of F, block-indexed) would push it below."""
    return positive and w[f.unpen[a]] == 0.0 and g[a] >= 0.0


cdef inline bint _cut_free(const Logistic* f, const double* w, double* H, double* g,
                           const double* H_full, const double* g_full, double* fixed,
                           Py_ssize_t o, bint positive) noexcept nogil:
    """Solve H δ = g on the free coordinates (δ = 0 on the fixed ones, ``fixed[a]`` ≠ 0).

    With ``positive``, a coordinate at 0 that the solution would push below
    is fixed too and the system solved again (at most k times). H, g: the
    system's copies to solve in; H_full, g_full: the full system.
    """
    cdef Py_ssize_t k = f.n_unpen, m = k + o, a, b, again
    cdef bint more
    for again in range(k + 1):
        for a in range(m * m):
            H[a] = H_full[a]
        for a in range(m):
            g[a] = g_full[a]
        for a in range(k):
            if fixed[a] != 0.0:
                for b in range(m):
                    H[(o + a) * m + b] = 0.0
                    H[b * m + o + a] = 0.0
                H[(o + a) * m + o + a] = 1.0
                g[o + a] = 0.0
        if not solve_small(H, g, m):
            return False
        more = False
        for a in range(k):
            if positive and fixed[a] == 0.0 and w[f.unpen[a]] == 0.0 and g[o + a] > 0.0:
                fixed[a] = 1.0
                more = True
        if not more:
            return True
    return True


cdef inline void logit_block_step(const Data* d, const Logistic* f, const floating* Xv,
                                  const index_t* Xi, const index_t* Xp, double* w, double* r,
                                  double* offset, bint cached, bint positive) noexcept nogil:
    """The exact block: Newton on (b, w_U) until its gradient is at rounding level.

    The state (w, r = −Xw, offset = −b) moves. ``cached``: the cached
    probabilities (``f.prob``) and loss are those of the state,
    which spares the first step its transcendentals; on return they are, in
    any case. ``positive``: w_U ≥ 0 (see the module comment). Uses ``f.hess``,
    ``f.r_model``, ``f.response`` and ``f.block`` as scratch.
    """
    cdef Py_ssize_t n = d.n_samples, k = f.n_unpen, i, a, b, c, it, nnz, j
    cdef Py_ssize_t o = 1 if f.fit_intercept else 0
    cdef Py_ssize_t m = k + o
    cdef double* H = f.block
    cdef double* g = f.block + m * m
    cdef double* grad_copy = f.block + m * m + m
    cdef double* H_full = f.block + m * m + 2 * m
    cdef double* fixed = H_full + m * m
    cdef double t_max
    cdef double* grad = f.r_model       # s_i (p_i − y_i)
    cdef double* h = f.hess
    cdef double* buf = f.response       # zero between uses; then −X_U δ
    cdef double f0, ft, t, db, top, trace, decrement, root_n = sqrt(<double> n)
    cdef bint done, accepted
    cdef const floating* v
    cdef const index_t* rows
    cdef Data plain = d[0]
    plain.weighted = False              # the weights are inside grad and h
    for i in range(n):
        buf[i] = 0.0
    for it in range(BLOCK_STEPS):
        # (free after an accepted trial)
        f0 = logit_refresh(d, f, r, offset[0]) if it > 0 or not cached else logit_cached_value(f)
        _block_weights(d, f, grad, h)
        done = True
        if o:
            g[0] = 0.0
            H[0] = 0.0
            for i in range(n):
                g[0] += grad[i]
                H[0] += h[i]
            done = fabs(g[0]) <= 1e-12 * n
        for a in range(k):
            j = f.unpen[a]
            g[o + a] = col_dot(&plain, Xv, Xi, Xp, j, grad)
            # rounding level of x_jᵀS(p − y): ‖x_j‖_S ‖p − y‖_S ≤ ‖x_j‖_S √n
            if (fabs(g[o + a]) > 1e-12 * root_n * sqrt(d.sq_norm[j] + n * f.unpen_mean[a]
                                                       * f.unpen_mean[a])
                    and not _fixed(f, w, g + o, a, positive)):
                done = False
        if done:
            return
        # the Hessian [1, X_U]ᵀ diag(h) [1, X_U]: column a scattered as h ∘ x_a
        trace = 0.0
        for a in range(k):
            j = f.unpen[a]
            if o:
                H[a + 1] = col_dot(&plain, Xv, Xi, Xp, j, h)
                H[(a + 1) * m] = H[a + 1]
            nnz = column(d, Xv, Xi, Xp, j, &v, &rows)
            for c in range(nnz):
                i = rows[c] if rows != NULL else c
                buf[i] = h[i] * v[c]
            for b in range(a, k):
                H[(o + a) * m + o + b] = col_dot(&plain, Xv, Xi, Xp, f.unpen[b], buf)
                H[(o + b) * m + o + a] = H[(o + a) * m + o + b]
            for c in range(nnz):
                buf[rows[c] if rows != NULL else c] = 0.0
        for a in range(m):
            trace += H[a * m + a]
        for a in range(m):
            H[a * m + a] += 1e-12 * trace  # duplicate columns make H singular
        for a in range(m):
            grad_copy[a] = g[a]
        if positive:
            for a in range(m * m):
                H_full[a] = H[a]
            for a in range(k):
                fixed[a] = 1.0 if _fixed(f, w, grad_copy + o, a, True) else 0.0
            if not _cut_free(f, w, H, g, H_full, grad_copy, fixed, o, True):
                return
        elif not solve_small(H, g, m):
            return
        decrement = 0.0  # gᵀH⁻¹g: twice the model's decrease
        for a in range(m):
            decrement += grad_copy[a] * g[a]
        # w_U −= tδ, b −= tδ_b: the trial state is r − t·buf with buf = −X_U δ (r = −Xw)
        # and offset + tδ_b (offset = −b); η moves by t·(buf − δ_b)
        db = g[0] if o else 0.0
        for a in range(k):
            col_axpy(d, Xv, Xi, Xp, f.unpen[a], g[o + a], buf)  # buf −= δ_a x_a
        top = 0.0
        for i in range(n):
            if fabs(buf[i] - db) > top:
                top = fabs(buf[i] - db)
        # from a saturated start a Newton step can overshoot: at most e^8 in odds
        t = 8.0 / top if top > 8.0 else 1.0
        if positive:  # cut where a free coefficient reaches 0
            for a in range(k):
                if g[o + a] > 0.0 and w[f.unpen[a]] < t * g[o + a]:
                    t = w[f.unpen[a]] / g[o + a]
            if t == 0.0:
                for i in range(n):
                    buf[i] = 0.0
                return
        # Backtracking on F, unless the step's decrease is below what F's sum over
        # n samples resolves (its rounding grows as n^1.5 ε): there the full step
        # of the (then exact) quadratic model is taken
        accepted = False
        if decrement > 1e-8 * n or t < 1.0:
            for c in range(BLOCK_HALVINGS):
                ft = logit_evaluate(d, f, r, offset[0] + t * db, buf, t, f.try_r, f.try_prob)
                if ft <= f0 + 1e-15 * fabs(f0):
                    accepted = True
                    break
                t *= 0.5
            else:
                t = 0.0
        if t == 0.0:
            for i in range(n):
                buf[i] = 0.0
            return
        # apply: the accepted trial's state, its probabilities with it (as the Newton
        # step's), else the full step without them
        for a in range(k):
            w[f.unpen[a]] -= t * g[o + a]
            if positive and w[f.unpen[a]] < 0.0:  # reached 0, up to rounding
                w[f.unpen[a]] = 0.0
        if accepted:
            memcpy(r, f.try_r, n * sizeof(double))
            memcpy(f.prob, f.try_prob, n * sizeof(double))
            offset[0] += t * db
            logit_mark_cached(d, f, r, offset[0], ft)
        else:
            for i in range(n):
                r[i] -= t * buf[i]
            offset[0] += t * db
        for i in range(n):
            buf[i] = 0.0
    logit_refresh(d, f, r, offset[0])  # out of steps: the cache of the last one


cdef inline Py_ssize_t _n_active(const Logistic* f, const double* w,
                                bint positive) noexcept nogil:
    """|A|: the unpenalized features the dual point is projected against."""
    cdef Py_ssize_t a, count = 0
    for a in range(f.n_unpen):
        if not (positive and w[f.unpen[a]] == 0.0):
            count += 1
    return count


cdef inline void logit_block_dual_point(const Data* d, const Logistic* f, const floating* Xv,
                                        const index_t* Xi, const index_t* Xp, const double* w,
                                        bint positive, double* theta) noexcept nogil:
    """θ = y − σ(η) (``logit_dual_point``), then S-orthogonal to X̄_A.

    θ ← θ − X̄_A c, c = (X̄_AᵀSX̄_A)⁻¹ X̄_AᵀSθ, A = U (with ``positive``, the
    nonzero ones of U): a move at rounding level after ``logit_block_step``,
    refused when larger (see the module comment). Uses ``f.try_prob`` and
    ``f.block`` as scratch.
    """
    cdef Py_ssize_t n = d.n_samples, k = f.n_unpen, i, a, b, ka = 0, kb
    cdef Py_ssize_t n_act = _n_active(f, w, positive)
    cdef double* G = f.block
    cdef double* coef = f.block + k * k
    cdef double* move = f.try_prob
    cdef double trace = 0.0, shift = 0.0, top = 0.0
    logit_dual_point(d, f, theta)
    if n_act == 0:
        return
    for a in range(k):  # A's Gram and correlations, compacted
        if positive and w[f.unpen[a]] == 0.0:
            continue
        kb = 0
        for b in range(k):
            if not (positive and w[f.unpen[b]] == 0.0):
                G[ka * n_act + kb] = f.unpen_gram[a * k + b]
                kb += 1
        coef[ka] = col_dot(d, Xv, Xi, Xp, f.unpen[a], theta)  # = x̄_aᵀSθ: θ is centered
        ka += 1
    for a in range(ka):
        trace += G[a * ka + a]
    for a in range(ka):
        G[a * ka + a] += 1e-12 * trace
    if not solve_small(G, coef, ka):
        return
    ka = 0
    for a in range(k):
        if not (positive and w[f.unpen[a]] == 0.0):
            shift += coef[ka] * f.unpen_mean[a]
            ka += 1
    for i in range(n):
        move[i] = -shift
    ka = 0
    for a in range(k):
        if not (positive and w[f.unpen[a]] == 0.0):
            col_axpy(d, Xv, Xi, Xp, f.unpen[a], -coef[ka], move)  # move = X̄_A c
            ka += 1
    for i in range(n):
        if fabs(move[i]) > top:
            top = fabs(move[i])
    # a larger move is not rounding: y − θ could leave [0, 1] by more than
    # the entropy may ignore
    if top > 1e-10:
        return
    for i in range(n):
        theta[i] -= move[i]


cdef inline bint logit_block_feasible(const Data* d, const Logistic* f, const double* z,
                                      const double* w, bint positive) noexcept nogil:
    """Whether the correlations z of the unpenalized features are at rounding level.

    With ``positive``, those at 0 are left to the sign test of ``enet_dual_terms``.
    """
    cdef Py_ssize_t a, j
    cdef double root_n = sqrt(<double> d.n_samples)
    for a in range(f.n_unpen):
        j = f.unpen[a]
        if positive and w[j] == 0.0:
            continue
        if fabs(z[j]) > 1e-11 * root_n * sqrt(d.sq_norm[j] + d.n_samples * f.unpen_mean[a]
                                              * f.unpen_mean[a]):
            return False
    return True
