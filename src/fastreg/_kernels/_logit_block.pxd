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
from libc.math cimport fabs, sqrt
from libc.string cimport memcpy

from ._columns cimport Data, col_axpy, col_dot, column
from ._fused cimport floating, index_t
from ._linalg cimport solve_small
from ._logistic cimport (Logistic, logit_dual_point, logit_evaluate, logit_mark_cached,
                         logit_refresh)

cdef enum:
    BLOCK_STEPS = 50        # most Newton steps of one block solve
    BLOCK_HALVINGS = 30     # most step halvings in its line search


cdef inline double _block_cached(const Data* d, const Logistic* f, const double* r,
                                 double offset, double* grad, double* hess) noexcept nogil:
    """F at the state from the cached σ(η) and log(1 + e^η) (``logit_refresh``), with the
    gradient weights s_i (σ_i − y_i) in ``grad`` and the Hessian weights s_i σ_i (1 − σ_i)
    in ``hess``."""
    cdef Py_ssize_t i
    cdef double p, si, acc = 0.0
    for i in range(d.n_samples):
        si = d.sw[i] if d.weighted else 1.0
        p = f.prob[i]
        acc += si * (f.lse[i] + f.y[i] * (r[i] + offset))
        grad[i] = si * (p - f.y[i])
        hess[i] = si * p * (1.0 - p)
    return acc


cdef inline void logit_block_step(const Data* d, const Logistic* f, const floating* Xv,
                                  const index_t* Xi, const index_t* Xp, double* w, double* r,
                                  double* offset, bint cached) noexcept nogil:
    """The exact block: Newton on (b, w_U) until its gradient is at rounding level.

    The state (w, r = −Xw, offset = −b) moves. ``cached``: the cached
    probabilities (``f.prob``, ``f.lse``) are those of the state, which
    spares the first step its transcendentals; on return they are, in any
    case. Uses ``f.hess``, ``f.r_model``, ``f.response`` and ``f.block`` as
    scratch.
    """
    cdef Py_ssize_t n = d.n_samples, k = f.n_unpen, i, a, b, c, it, nnz, j
    cdef Py_ssize_t o = 1 if f.fit_intercept else 0
    cdef Py_ssize_t m = k + o
    cdef double* H = f.block
    cdef double* g = f.block + m * m
    cdef double* grad_copy = f.block + m * m + m
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
        if it > 0 or not cached:
            logit_refresh(d, f, r, offset[0])  # free after an accepted trial
        f0 = _block_cached(d, f, r, offset[0], grad, h)
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
            if fabs(g[o + a]) > 1e-12 * root_n * sqrt(d.sq_norm[j] + n * f.unpen_mean[a]
                                                     * f.unpen_mean[a]):
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
        if not solve_small(H, g, m):
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
        # Backtracking on F, unless the step's decrease is below what F's sum over
        # n samples resolves (its rounding grows as n^1.5 ε): there the full step
        # of the (then exact) quadratic model is taken
        accepted = False
        if decrement > 1e-8 * n or t < 1.0:
            for c in range(BLOCK_HALVINGS):
                ft = logit_evaluate(d, f, r, offset[0] + t * db, buf, t, f.try_r, f.try_prob,
                                    f.try_lse)
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
        if accepted:
            memcpy(r, f.try_r, n * sizeof(double))
            memcpy(f.prob, f.try_prob, n * sizeof(double))
            memcpy(f.lse, f.try_lse, n * sizeof(double))
            offset[0] += t * db
            logit_mark_cached(d, f, r, offset[0])
        else:
            for i in range(n):
                r[i] -= t * buf[i]
            offset[0] += t * db
        for i in range(n):
            buf[i] = 0.0
    logit_refresh(d, f, r, offset[0])  # out of steps: the cache of the last one


cdef inline void logit_block_dual_point(const Data* d, const Logistic* f, const floating* Xv,
                                        const index_t* Xi, const index_t* Xp,
                                        double* theta) noexcept nogil:
    """θ = y − σ(η) (``logit_dual_point``), then S-orthogonal to X̄_U.

    θ ← θ − X̄_U c, c = (X̄_UᵀSX̄_U)⁻¹ X̄_UᵀSθ: a move at rounding level after
    ``logit_block_step``, refused when larger (see the module comment).
    Uses ``f.try_prob`` and ``f.block`` as scratch.
    """
    cdef Py_ssize_t n = d.n_samples, k = f.n_unpen, i, a
    cdef double* G = f.block
    cdef double* coef = f.block + k * k
    cdef double* move = f.try_prob
    cdef double trace = 0.0, shift = 0.0, top = 0.0
    logit_dual_point(d, f, theta)
    if k == 0:
        return
    for a in range(k * k):
        G[a] = f.unpen_gram[a]
    for a in range(k):
        trace += G[a * k + a]
        coef[a] = col_dot(d, Xv, Xi, Xp, f.unpen[a], theta)  # = x̄_aᵀSθ: θ is centered
    for a in range(k):
        G[a * k + a] += 1e-12 * trace
    if not solve_small(G, coef, k):
        return
    for a in range(k):
        shift += coef[a] * f.unpen_mean[a]
    for i in range(n):
        move[i] = -shift
    for a in range(k):
        col_axpy(d, Xv, Xi, Xp, f.unpen[a], -coef[a], move)  # move = X̄_U c
    for i in range(n):
        if fabs(move[i]) > top:
            top = fabs(move[i])
    # a larger move is not rounding: y − θ could leave [0, 1] by more than
    # the entropy may ignore
    if top > 1e-10:
        return
    for i in range(n):
        theta[i] -= move[i]


cdef inline bint logit_block_feasible(const Data* d, const Logistic* f,
                                      const double* z) noexcept nogil:
    """Whether the correlations z of the unpenalized features are at rounding level."""
    cdef Py_ssize_t a, j
    cdef double root_n = sqrt(<double> d.n_samples)
    for a in range(f.n_unpen):
        j = f.unpen[a]
        if fabs(z[j]) > 1e-11 * root_n * sqrt(d.sq_norm[j] + d.n_samples * f.unpen_mean[a]
                                              * f.unpen_mean[a]):
            return False
    return True
