# The softmax datafit's working-set step for the block solver: one proximal
# Newton step (as _newton.pxd is the scalar logistic's).
#
# The model at the current η: Σ_i s_i [−g_iᵀΔη_i + ½ Δη_iᵀH_iΔη_i] with
# g_i = Y_i − P_i and H_i = diag(P_i) − P_iP_iᵀ (binary: p_i(1 − p_i)), Δη_i =
# ΔWᵀx_i + Δb. Its residual without the intercepts' share, ρ_i = g_i − H_iΔWᵀx_i,
# is kept (a row move costs O(K) per stored entry: H_iδ = P_i∘δ − P_i(P_iᵀδ),
# no exponential; the step in η, XΔW, is formed once for the line search),
# and with it Σ_i s_i ρ_i; the model's gradient of a row is
# x_jᵀS(ρ − HΔb), read in one pass. The intercepts' step is then exact at
# O(K³), never a pass over the samples, and taken after every block move: the
# blocks descend the model with Δb eliminated, whose curvature is that of the
# centered columns (uncentered columns with large means would otherwise couple
# to the intercepts and crawl). Block steps on the model: a group of one
# feature takes the proximal step with the curvature bound
# Σ_i s_i c_i (x_ij − m_j)², c_i ≥ ‖H_i‖₂ (Gershgorin: 2 max_k P_ik(1 − P_ik),
# at most ½; binary: p_i(1 − p_i), exact) and m_j the column's mean under s·c
# (0 without intercepts): with Δb at its optimum a move δ costs at most that
# times ‖δ‖² (Δb shifted by −m_jδ is one choice). A larger group minimizes the
# bound ½ X̄_gᵀSX̄_g (¼ binary; the solver's spectra, of the centered Grams, by
# the same argument) exactly. Each sample's Hessian carries a ridge ε. Then a
# backtracking line search on the true objective along (ΔW, Δη).
from libc.math cimport fabs, sqrt
from libc.string cimport memcpy

from ._block_cd cimport BlockBuffers, block_minimize
from ._block_quadratic cimport rows_dot
from ._block_softmax cimport BlockSoftmax, sm_trial_value, sm_value, sm_y
from ._columns cimport Data, column
from ._fused cimport floating, index_t
from ._group_enet cimport GroupEnet, ge_block_sq, ge_prox_factor, ge_value
from ._linalg cimport solve_small

cdef enum:
    MODEL_EPOCHS = 10       # most epochs per Newton model (after the first)
    HALVINGS = 30           # most step halvings in the line search

# Added to every sample's Hessian in the model (glmnet clamps p to [1e-5, 1 − 1e-5]):
# where the samples saturate, H vanishes and the model's steps (the intercepts'
# first) would be huge, beyond what the line search can halve back.
cdef inline double _ridge() noexcept nogil:
    return 1e-6


cdef inline void _hess_times(const double* pi, const double* delta, Py_ssize_t K, bint binary,
                             double* out) noexcept nogil:
    """out = (H_i + εI) δ = P_i∘δ − P_i(P_iᵀδ) + εδ (binary: (p(1 − p) + ε)δ)."""
    cdef Py_ssize_t k
    cdef double pd = 0.0
    if binary:
        out[0] = (pi[0] * (1.0 - pi[0]) + _ridge()) * delta[0]
        return
    for k in range(K):
        pd += pi[k] * delta[k]
    for k in range(K):
        out[k] = pi[k] * (delta[k] - pd) + _ridge() * delta[k]


cdef inline void _model_move(const Data* d, const BlockSoftmax* f, const floating* Xv,
                             const index_t* Xi, const index_t* Xp, Py_ssize_t j,
                             const double* delta, double* hd) noexcept nogil:
    """Row j of ΔW moved by δ: the model's residual and its sum over column j."""
    cdef const floating* v
    cdef const index_t* rows
    cdef Py_ssize_t t, i, k, K = f.n_tasks, nnz = column(d, Xv, Xi, Xp, j, &v, &rows)
    cdef double x, si, c, moved = 0.0
    cdef double* rho_sum = f.model_hess + K * K + 2 * K
    if f.binary and rows == NULL and not d.weighted:  # dense, unweighted: no index, no weight
        for t in range(nnz):
            c = v[t] * f.curv[t] * delta[0]
            f.rho[t] -= c
            moved += c
        rho_sum[0] -= moved
        return
    if f.binary:  # one column: H_i + ε is the model's curvature p(1 − p) + ε, kept in curv
        for t in range(nnz):
            i = rows[t] if rows != NULL else t
            c = v[t] * f.curv[i] * delta[0]
            f.rho[i] -= c
            moved += d.sw[i] * c if d.weighted else c
        rho_sum[0] -= moved
        return
    for t in range(nnz):
        i = rows[t] if rows != NULL else t
        x = v[t]
        si = d.sw[i] if d.weighted else 1.0
        _hess_times(f.prob + i * K, delta, K, f.binary, hd)
        for k in range(K):
            f.rho[i * K + k] -= x * hd[k]
            rho_sum[k] -= si * x * hd[k]


cdef inline void _model_gradient(const Data* d, const BlockSoftmax* f, const floating* Xv,
                                 const index_t* Xi, const index_t* Xp, Py_ssize_t j,
                                 double* out, double* hd) noexcept nogil:
    """out = x_jᵀS(ρ − HΔb): the model's negative gradient of row j, in one pass."""
    cdef const floating* v
    cdef const index_t* rows
    cdef Py_ssize_t t, i, k, K = f.n_tasks, nnz
    cdef double x
    cdef const double* db = f.model_hess + K * K + K
    if not f.fit_intercept:
        rows_dot(d, Xv, Xi, Xp, j, f.rho, K, out)
        return
    nnz = column(d, Xv, Xi, Xp, j, &v, &rows)
    for k in range(K):
        out[k] = 0.0
    for t in range(nnz):
        i = rows[t] if rows != NULL else t
        x = v[t] * d.sw[i] if d.weighted else v[t]
        _hess_times(f.prob + i * K, db, K, f.binary, hd)
        for k in range(K):
            out[k] += x * (f.rho[i * K + k] - hd[k])


cdef inline void _model_intercepts(const BlockSoftmax* f) noexcept nogil:
    """The model's exact Δb given ΔW: (Σ_i s_i H_i) Δb = Σ_i s_i ρ_i (kept, O(K³))."""
    cdef Py_ssize_t k, K = f.n_tasks
    cdef double* A = f.scratch
    cdef double* step = f.scratch + K * K
    cdef double* db = f.model_hess + K * K + K
    cdef const double* rho_sum = f.model_hess + K * K + 2 * K
    memcpy(A, f.model_hess, K * K * sizeof(double))
    memcpy(step, rho_sum, K * sizeof(double))
    if solve_small(A, step, K):
        memcpy(db, step, K * sizeof(double))


cdef inline double _model_block(const Data* d, const BlockSoftmax* f, const GroupEnet* pen,
                                const floating* Xv, const index_t* Xi, const index_t* Xp,
                                Py_ssize_t g, double* W, BlockBuffers* buf) noexcept nogil:
    """One block step on the model; returns L ‖ΔW_g‖² (L the curvature used)."""
    cdef Py_ssize_t t, j, k, a, K = f.n_tasks, start = pen.ptr[g], stop = pen.ptr[g + 1]
    cdef double lg, u_sq = 0.0, c, change = 0.0
    cdef double* U = buf.grad
    if pen.lipschitz[g] == 0.0:
        return 0.0  # constant columns only: the block stays 0
    for t in range(start, stop):
        _model_gradient(d, f, Xv, Xi, Xp, pen.idx[t], U + (t - start) * K, buf.delta)
    if stop - start > 1:
        lg = pen.lipschitz[g]
        block_minimize(pen, g, K, W, U, buf.chat)
    else:
        j = pen.idx[start]
        lg = f.lip[j]
        for k in range(K):
            U[k] = W[j * K + k] + U[k] / lg
            u_sq += U[k] * U[k]
        c = ge_prox_factor(pen, g, sqrt(u_sq), lg)
        for k in range(K):
            U[k] *= c
    for t in range(start, stop):
        j = pen.idx[t]
        a = (t - start) * K
        c = 0.0
        for k in range(K):
            buf.delta[k] = U[a + k] - W[j * K + k]
            c += buf.delta[k] * buf.delta[k]
        if c > 0.0:
            _model_move(d, f, Xv, Xi, Xp, j, buf.delta, buf.chat)
            for k in range(K):
                W[j * K + k] = U[a + k]
            change += c
    if change > 0.0 and f.fit_intercept:
        _model_intercepts(f)
    return lg * change


cdef inline double _ws_penalty(const GroupEnet* pen, const Py_ssize_t* ws, Py_ssize_t n_ws,
                               const double* w_start, const double* W, double t) noexcept nogil:
    """Ω on the working set at w_start + t (W − w_start)."""
    cdef Py_ssize_t s, u, k, g, pos = 0, K = pen.n_tasks
    cdef double sq, x, acc = 0.0
    for s in range(n_ws):
        g = ws[s]
        sq = 0.0
        for u in range(pen.ptr[g], pen.ptr[g + 1]):
            for k in range(K):
                x = w_start[pos * K + k] + t * (W[pen.idx[u] * K + k] - w_start[pos * K + k])
                sq += x * x
            pos += 1
        acc += ge_value(pen, g, sq)
    return acc


cdef inline void _model_init(const Data* d, const BlockSoftmax* f, const GroupEnet* pen,
                             const floating* Xv, const index_t* Xi, const index_t* Xp,
                             const Py_ssize_t* ws, Py_ssize_t n_ws,
                             const double* W) noexcept nogil:
    """The model at the state: ρ = Y − P, Δη = 0, the curvature bounds, the intercepts' system."""
    cdef const floating* v
    cdef const index_t* rows
    cdef Py_ssize_t i, k, l, s, u, j, t, nnz, pos = 0, K = f.n_tasks
    cdef double c, top, si, acc, acc1, c_sum = 0.0
    cdef const double* pi
    cdef double* rho_sum = f.model_hess + K * K + 2 * K
    for k in range(K * K + 3 * K):
        f.model_hess[k] = 0.0
    for i in range(d.n_samples):
        pi = f.prob + i * K
        si = d.sw[i] if d.weighted else 1.0
        top = 0.0
        for k in range(K):
            f.rho[i * K + k] = sm_y(f, i, k) - pi[k]
            rho_sum[k] += si * f.rho[i * K + k]
            c = pi[k] * (1.0 - pi[k])
            if c > top:
                top = c
        if not f.binary:
            top = 2.0 * top if 2.0 * top < 0.5 else 0.5
        f.curv[i] = top + _ridge()
        c_sum += si * f.curv[i]
    for s in range(n_ws):
        for u in range(pen.ptr[ws[s]], pen.ptr[ws[s] + 1]):
            j = pen.idx[u]
            for k in range(K):
                f.w_start[pos * K + k] = W[j * K + k]
            pos += 1
            if pen.ptr[ws[s] + 1] - pen.ptr[ws[s]] == 1:
                nnz = column(d, Xv, Xi, Xp, j, &v, &rows)
                acc = 0.0
                acc1 = 0.0
                for t in range(nnz):
                    i = rows[t] if rows != NULL else t
                    c = (d.sw[i] if d.weighted else 1.0) * f.curv[i] * v[t]
                    acc += c * v[t]
                    acc1 += c
                if f.fit_intercept:
                    acc -= acc1 * acc1 / c_sum
                f.lip[j] = acc if acc > 1e-12 * c_sum else 1e-12 * c_sum
    if not f.fit_intercept:
        return
    if not f.binary:  # singular along the ones (a common shift): 1/K added there
        for k in range(K * K):
            f.model_hess[k] = 1.0 / K
    for i in range(d.n_samples):
        si = d.sw[i] if d.weighted else 1.0
        pi = f.prob + i * K
        for k in range(K):
            for l in range(K):
                f.model_hess[k * K + l] += si * pi[k] * ((1.0 if k == l else 0.0) - pi[l])
            f.model_hess[k * K + k] += si * _ridge()


cdef inline void _step_in_eta(const Data* d, const BlockSoftmax* f, const GroupEnet* pen,
                              const floating* Xv, const index_t* Xi, const index_t* Xp,
                              const Py_ssize_t* ws, Py_ssize_t n_ws,
                              const double* W) noexcept nogil:
    """Δη = XΔW over the moved rows, once per step (not kept by every move)."""
    cdef const floating* v
    cdef const index_t* rows
    cdef Py_ssize_t s, u, j, k, t, i, nnz, pos = 0, K = f.n_tasks
    cdef double delta_sq
    cdef double* delta = f.scratch
    for i in range(d.n_samples * K):
        f.deta[i] = 0.0
    for s in range(n_ws):
        for u in range(pen.ptr[ws[s]], pen.ptr[ws[s] + 1]):
            j = pen.idx[u]
            delta_sq = 0.0
            for k in range(K):
                delta[k] = W[j * K + k] - f.w_start[pos * K + k]
                delta_sq += delta[k] * delta[k]
            pos += 1
            if delta_sq == 0.0:
                continue
            nnz = column(d, Xv, Xi, Xp, j, &v, &rows)
            if K == 1 and rows == NULL:  # dense binary: a plain axpy
                for t in range(nnz):
                    f.deta[t] += v[t] * delta[0]
                continue
            for t in range(nnz):
                i = rows[t] if rows != NULL else t
                for k in range(K):
                    f.deta[i * K + k] += v[t] * delta[k]


cdef inline Py_ssize_t sm_newton_step(const Data* d, const BlockSoftmax* f, const GroupEnet* pen,
                                      const floating* Xv, const index_t* Xi, const index_t* Xp,
                                      const Py_ssize_t* ws, Py_ssize_t n_ws, double* W,
                                      double* r, double* offset, Py_ssize_t max_epochs,
                                      BlockBuffers* buf, Py_ssize_t* act, double* objective,
                                      double* t_out) noexcept nogil:
    """One proximal Newton step on the working set's blocks; returns the model's epochs.

    The model is minimized until an epoch's largest move is 1e-2 of the first
    one's (as the scalar logistic's), in at most MODEL_EPOCHS more.

    The state (W, r = XW, the intercepts, P) moves to the line search's point;
    ``objective`` receives the loss plus the working set's penalty there, and
    ``t_out`` the step length (0: no decrease found, the state is unchanged).
    """
    cdef Py_ssize_t n = d.n_samples, K = f.n_tasks, i, k, s, u, pos, e, n_act = 0, epochs = 0
    cdef double first = 0.0, change, c, f0, ft, t
    cdef double* db = f.model_hess + K * K + K
    _model_init(d, f, pen, Xv, Xi, Xp, ws, n_ws, W)
    f0 = sm_value(d, f, r, offset) + _ws_penalty(pen, ws, n_ws, f.w_start, W, 0.0)
    # one epoch over the working set, then over its support (most of it stays 0)
    for e in range(MODEL_EPOCHS + 1):
        if epochs >= max_epochs:
            break
        change = 0.0
        for s in range(n_ws if e == 0 else n_act):
            c = _model_block(d, f, pen, Xv, Xi, Xp, ws[s] if e == 0 else act[s], W, buf)
            if c > change:
                change = c
        epochs += 1
        if e == 0:
            first = change
            for s in range(n_ws):
                if ge_block_sq(pen, ws[s], W) > 0.0:
                    act[n_act] = ws[s]
                    n_act += 1
        if change == 0.0 or n_act == 0 or change <= 1e-2 * first:
            break
    _step_in_eta(d, f, pen, Xv, Xi, Xp, ws, n_ws, W)
    # backtracking on the true objective along (ΔW, Δη)
    t = 1.0
    for k in range(HALVINGS):
        ft = sm_trial_value(d, f, r, offset, db, t) + _ws_penalty(pen, ws, n_ws, f.w_start, W, t)
        # rounding: near the optimum F cannot tell, and its sum of n·K terms
        # (log-normalizers against predictors) carries errors well above 1e-15·F
        # (measured: with 1e-15 the steps stall at gaps ~1e-10 on separable data)
        if ft <= f0 + 1e-13 * fabs(f0):
            break
        t *= 0.5
    else:
        t = 0.0
        ft = f0
    pos = 0
    for s in range(n_ws):
        for u in range(pen.ptr[ws[s]], pen.ptr[ws[s] + 1]):
            for k in range(K):
                W[pen.idx[u] * K + k] = (f.w_start[pos * K + k]
                                         + t * (W[pen.idx[u] * K + k] - f.w_start[pos * K + k]))
            pos += 1
    if t > 0.0:
        memcpy(f.prob, f.try_prob, n * K * sizeof(double))
        memcpy(f.lse, f.try_lse, n * sizeof(double))
        for i in range(n):
            for k in range(K):
                r[i * K + k] += t * f.deta[i * K + k]
        if f.fit_intercept:
            for k in range(K):
                offset[k] += t * db[k]
    objective[0] = ft
    t_out[0] = t
    return epochs
