# The softmax datafit's unpenalized block: the intercepts and the rows of the
# features of weight 0 (nonconstant), solved exactly with the other rows fixed.
#
# Dual feasibility for them requires AᵀSθ = 0, A = [1, X_free] (1 with an
# intercept), θ = Y − P. As the binary logistic's block (_logit_block.pxd):
# Newton on the block's (mK)² system (m = n_free + fit_intercept)
#
#     H[(a, k), (c, l)] = Σ_i s_i A_ia A_ic P_ik (δ_kl − P_il)
#
# with backtracking, until the gradient is at rounding level; the dual point
# is then projected onto A's S-orthogonal complement (``sm_project_free``,
# _block_softmax.pxd). The loss is invariant to a constant added across the
# classes to one row (or to the intercepts): H is singular along e_a ⊗ 1, so
# (1/K)(11ᵀ ⊗ D), D the rows' mean curvatures, is added there, which leaves
# the Newton step the one whose rows sum to 0 (binary: one column, no such
# direction). The block solver (_block_solver.pyx) runs it on its datafit's
# state; the ungrouped multinomial on a copy of its own (_softmax_free.pyx).
from libc.math cimport INFINITY, fabs
from libc.string cimport memcpy

from ._block_softmax cimport (BlockSoftmax, sm_intercepts, sm_row, sm_trial_value,
                             sm_value, sm_y)
from ._columns cimport Data
from ._linalg cimport solve_small

cdef enum:
    FREE_STEPS = 50         # most Newton steps of one block solve
    FREE_HALVINGS = 30      # most step halvings in its line search


cdef inline void _free_row(const Data* d, const BlockSoftmax* f, Py_ssize_t i,
                           double* ai) noexcept nogil:
    """Sample i's row of A = [1, X_free] into ai."""
    cdef Py_ssize_t a, o = 1 if f.fit_intercept else 0
    if o:
        ai[0] = 1.0
    for a in range(f.n_free):
        ai[o + a] = f.free_cols[a * d.n_samples + i]


cdef inline void _free_pass(const Data* d, const BlockSoftmax* f, double* g, double* H,
                            double* ai) noexcept nogil:
    """One pass over the samples at the state: g = AᵀS(P − Y) (mK, index a·K + k) unless
    NULL, the upper blocks of the Hessian H (mK × mK, ``_free_hessian``) unless NULL."""
    cdef Py_ssize_t n = d.n_samples, K = f.n_tasks, i, a, c, k, l
    cdef Py_ssize_t m = f.n_free + (1 if f.fit_intercept else 0), M = m * K
    cdef double x, pk
    cdef double* row
    cdef const double* pi
    for a in range(M if g != NULL else 0):
        g[a] = 0.0
    for a in range(M * M if H != NULL else 0):
        H[a] = 0.0
    for i in range(n):
        pi = f.prob + i * K
        _free_row(d, f, i, ai)
        for a in range(m):
            if ai[a] == 0.0:
                continue
            x = (d.sw[i] if d.weighted else 1.0) * ai[a]
            for k in range(K if g != NULL else 0):
                g[a * K + k] += x * (pi[k] - sm_y(f, i, k))
            for c in range(a, m if H != NULL else a):  # each upper block symmetric: its half
                if ai[c] == 0.0:
                    continue
                for k in range(K):
                    pk = x * ai[c] * pi[k]
                    row = H + (a * K + k) * M + c * K
                    row[k] += pk
                    for l in range(k, K):
                        row[l] -= pk * pi[l]


cdef inline double _free_size(const BlockSoftmax* f, const double* g) noexcept nogil:
    """The gradient's largest entry over its column's rounding level (≤ 1: at rounding)."""
    cdef Py_ssize_t a, k, K = f.n_tasks
    cdef double x, size = 0.0
    for a in range(f.n_free + (1 if f.fit_intercept else 0)):
        for k in range(K):
            x = fabs(g[a * K + k])
            if x > f.free_scale[a]:
                x = x / f.free_scale[a] if f.free_scale[a] > 0.0 else INFINITY
                if x > size:
                    size = x
    return size


cdef inline void _free_hessian(const Data* d, const BlockSoftmax* f, double* H,
                               double* ai) noexcept nogil:
    """The block's Hessian H (mK × mK, index a·K + k) at the state, made nonsingular."""
    cdef Py_ssize_t K = f.n_tasks, a, c, k, l
    cdef Py_ssize_t m = f.n_free + (1 if f.fit_intercept else 0), M = m * K
    cdef double mean, trace = 0.0
    _free_pass(d, f, NULL, H, ai)
    for a in range(m):  # mirrored: within the blocks, then the lower blocks
        for c in range(a, m):
            for k in range(K):
                for l in range(k):
                    H[(a * K + k) * M + c * K + l] = H[(a * K + l) * M + c * K + k]
                    H[(c * K + l) * M + a * K + k] = H[(a * K + k) * M + c * K + l]
                for l in range(k, K):
                    H[(c * K + l) * M + a * K + k] = H[(a * K + k) * M + c * K + l]
    if not f.binary:  # the common shifts of each row
        for a in range(m):
            mean = 0.0
            for k in range(K):
                mean += H[(a * K + k) * M + a * K + k]
            for k in range(K):
                for l in range(K):
                    H[(a * K + k) * M + a * K + l] += mean / (K * K)
    for a in range(M):
        trace += H[a * M + a]
    for a in range(M):
        H[a * M + a] += 1e-12 * trace  # duplicate columns make H singular


cdef inline void sm_attach_free(BlockSoftmax* f, list free):
    """Point the datafit's block at the arrays of ``free_block`` (``_softmax_free.pyx``)."""
    f.n_free = free[0].shape[0]
    f.free_idx = <const Py_ssize_t*> <size_t> free[0].ctypes.data
    f.free_cols = <const double*> <size_t> free[1].ctypes.data
    f.free_gram = <const double*> <size_t> free[2].ctypes.data
    f.free_scale = <const double*> <size_t> free[3].ctypes.data
    f.free_work = <double*> <size_t> free[4].ctypes.data
    f.infeasible = <signed char*> <size_t> free[5].ctypes.data


cdef inline bint sm_free_solve(const Data* d, const BlockSoftmax* f, double* W, double* r,
                               double* offset) noexcept nogil:
    """Newton on (intercepts, rows of the free features) until the gradient is at rounding.

    The state (W, r = XW, the intercepts, P) moves; whether the gradient
    reached rounding level. The Hessian (its pass costs (mK)²/2 a sample) is
    kept while the steps divide the gradient by ten, as Newton's do near the
    solution, and rebuilt otherwise (a slow linear tail costs a line search
    a step), or when its step finds no decrease.
    Uses ``f.deta``, ``f.try_prob``, ``f.try_lse`` and ``f.free_work`` as scratch.
    """
    cdef Py_ssize_t n = d.n_samples, K = f.n_tasks, u = f.n_free, i, a, k, it, h
    cdef Py_ssize_t o = 1 if f.fit_intercept else 0, m = u + o, M = m * K
    cdef double* H = f.free_work
    cdef double* g = H + M * M
    cdef double* g0 = g + M
    cdef double* ai = g0 + M        # m, then the intercepts' step (K)
    cdef double* db = ai + m
    cdef double* kept = db + K      # the kept Hessian
    cdef double f0, ft, t, top, mean, decrement, size, last = INFINITY
    cdef bint fresh, accepted, rebuild = True
    for it in range(FREE_STEPS):
        _free_pass(d, f, g, NULL, ai)
        size = _free_size(f, g)
        if size <= 1.0:
            return True
        fresh = rebuild or size > 0.1 * last
        rebuild, last = False, size
        if fresh:
            _free_hessian(d, f, kept, ai)
        memcpy(H, kept, M * M * sizeof(double))
        memcpy(g0, g, M * sizeof(double))
        if not solve_small(H, g, M):
            return False
        if not f.binary:  # exact in exact arithmetic: rows of the step sum to 0
            for a in range(m):
                mean = 0.0
                for k in range(K):
                    mean += g[a * K + k]
                for k in range(K):
                    g[a * K + k] -= mean / K
        decrement = 0.0  # gᵀH⁻¹g: twice the model's decrease
        for a in range(M):
            decrement += g0[a] * g[a]
        # the step −δ: in η, Δη_i = −Σ_a x_ia δ_a over the rows, −δ_0 for the intercepts
        for k in range(K):
            db[k] = -g[k] if o else 0.0
        top = 0.0
        for i in range(n):
            for k in range(K):
                f.deta[i * K + k] = 0.0
                for a in range(u):
                    f.deta[i * K + k] -= f.free_cols[a * n + i] * g[(o + a) * K + k]
                if fabs(f.deta[i * K + k] + db[k]) > top:
                    top = fabs(f.deta[i * K + k] + db[k])
        # from a saturated start a Newton step can overshoot: at most e^8 in odds
        t = 8.0 / top if top > 8.0 else 1.0
        # backtracking on F, unless the decrease is below what F's sum resolves
        accepted = False
        if decrement > 1e-8 * n or t < 1.0:
            f0 = sm_value(d, f, r, offset)
            for h in range(FREE_HALVINGS):
                ft = sm_trial_value(d, f, r, offset, db, t)
                # (the sum of n·K terms rounds above 1e-15·F: as the Newton step's search)
                if ft <= f0 + 1e-13 * fabs(f0):
                    accepted = True
                    break
                t *= 0.5
            else:
                if fresh:
                    return False
                rebuild = True  # a stale Hessian: rebuild it and retry
                continue
        for a in range(u):
            for k in range(K):
                W[f.free_idx[a] * K + k] -= t * g[(o + a) * K + k]
        for i in range(n * K):
            r[i] += t * f.deta[i]
        for k in range(K):
            offset[k] += t * db[k]
        if accepted:
            memcpy(f.prob, f.try_prob, n * K * sizeof(double))
            memcpy(f.lse, f.try_lse, n * sizeof(double))
        else:
            for i in range(n):
                sm_row(f, i, r, offset)
    return False


cdef inline void sm_exact(const Data* d, const BlockSoftmax* f, double* W, double* r,
                          double* offset) noexcept nogil:
    """The certificate's exact unpenalized part: the block, or the intercepts alone."""
    if f.n_free > 0:
        sm_free_solve(d, f, W, r, offset)
    else:
        sm_intercepts(d, f, r, offset, 100)
