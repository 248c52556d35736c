# The covariance method of the block solver's quadratic datafit (adelie's
# "covariance" method, glmnet's type.gaussian="covariance"): with the centered
# weighted Gram H = X̄ᵀSX̄ of every feature at hand (dense X with few
# features, n ≫ p; ``BlockQuadratic.gram``), a working set is solved in
# feature space. Its features' gradients u = X̄_AᵀSR are kept; a block step
# reads u_g, minimizes the block exactly (``block_update``) and moves u by
# H's rows, |A|·|g| operations instead of two passes over the n rows of its
# columns; at the start u = X̄ᵀSY_c − HW (``gram_y`` is X̄ᵀSY_c). The working set's duality gap needs only u, W and ‖R‖²_S, which
# each step updates. The residual r is brought up to date once, at the end
# (one pass over each moved column); the full gap, the certificate, is then
# computed from it as for the naive method.
from libc.math cimport INFINITY, sqrt

from ._block_cd cimport BlockBuffers, block_update
from ._block_quadratic cimport BlockQuadratic, bq_move
from ._columns cimport Data
from ._fused cimport floating, index_t
from ._group_enet cimport GroupEnet, ge_block_sq, ge_shifted_norm


cdef struct GramBuffers:
    double* u               # the working set's gradients X̄_jᵀSR (p × K, rows of its features)
    double* w_start         # W at the start of the working set's solve (p × K)
    Py_ssize_t* feats       # the working set's features, then its nonzero ones (2p)


cdef inline double gram_step(const BlockQuadratic* f, const GroupEnet* pen, Py_ssize_t g,
                             const Py_ssize_t* feats, Py_ssize_t n_feats, double* W,
                             GramBuffers* gb, BlockBuffers* steps, double* rss) noexcept nogil:
    """One exact block step on block g in feature space; returns L_g ‖ΔW_g‖².

    ‖R − X̄_gΔ‖²_S = ‖R‖²_S − 2⟨Δ, u_g⟩ + ΔᵀH_ggΔ, and u_j −= H_jg Δ on the
    working set's features.
    """
    cdef Py_ssize_t t, s, a, b, j, k, K = f.n_tasks, p = f.gram_ld
    cdef Py_ssize_t start = pen.ptr[g], m = pen.ptr[g + 1] - pen.ptr[g]
    cdef double* U = steps.grad
    cdef double* D = steps.chat  # the move Δ (block_update is done with chat by then)
    cdef const double* H = f.gram
    cdef double change = 0.0, acc, cross = 0.0, quad = 0.0
    if pen.lipschitz[g] == 0.0:
        return 0.0
    for a in range(m):
        j = pen.idx[start + a]
        for k in range(K):
            U[a * K + k] = gb.u[j * K + k]
    block_update(pen, g, K, W, U, steps.chat)
    for a in range(m):
        j = pen.idx[start + a]
        for k in range(K):
            D[a * K + k] = U[a * K + k] - W[j * K + k]
            change += D[a * K + k] * D[a * K + k]
    if change == 0.0:
        return 0.0
    for a in range(m):  # the residual's squared norm, before u moves
        j = pen.idx[start + a]
        for k in range(K):
            cross += D[a * K + k] * gb.u[j * K + k]
        for b in range(m):
            acc = H[j * p + pen.idx[start + b]]
            for k in range(K):
                quad += D[a * K + k] * acc * D[b * K + k]
    rss[0] += quad - 2.0 * cross
    for t in range(n_feats):
        s = feats[t]
        for a in range(m):
            acc = H[pen.idx[start + a] * p + s]
            if acc != 0.0:
                for k in range(K):
                    gb.u[s * K + k] -= acc * D[a * K + k]
    for a in range(m):
        j = pen.idx[start + a]
        for k in range(K):
            W[j * K + k] = U[a * K + k]
    return pen.lipschitz[g] * change


cdef inline double gram_gap(const BlockQuadratic* f, const GroupEnet* pen, const Py_ssize_t* ws,
                            Py_ssize_t n_ws, const double* W, const double* u,
                            double rss) noexcept nogil:
    """The working set's duality gap at the rescaled residual, from u, W and ‖R‖²_S.

    The elastic net as a lasso on augmented data: R_a = [R; −√(l2 w) W] has
    ‖R_a‖² = ‖R‖²_S + l2 Σ w_g‖W_g‖² and correlations u_g − l2 w_g W_g, and
    ⟨R_a, Y_a⟩ = ⟨R, Y_c⟩_S = ‖R‖²_S + ⟨W, u⟩. At θ = sR_a, s = min(1, l1 /
    max_g ‖u_g − l2 w_g W_g‖ / w_g), the gap is
    ½(1 + s²)‖R_a‖² − s⟨R_a, Y_a⟩ + l1 Σ w_g‖W_g‖.
    """
    cdef Py_ssize_t t, g, a, j, k, K = f.n_tasks
    cdef double wu = 0.0, l1_norm = 0.0, l2_norm = 0.0, top = 0.0, sq, s, a_sq
    for t in range(n_ws):
        g = ws[t]
        sq = ge_block_sq(pen, g, W)
        l1_norm += pen.weight[g] * sqrt(sq)
        l2_norm += pen.weight[g] * sq
        s = ge_shifted_norm(pen, g, u, W) / pen.weight[g]
        if s > top:
            top = s
        if sq > 0.0:
            for a in range(pen.ptr[g], pen.ptr[g + 1]):
                j = pen.idx[a]
                for k in range(K):
                    wu += W[j * K + k] * u[j * K + k]
    s = 1.0 if top <= pen.l1 else pen.l1 / top
    a_sq = rss + pen.l2 * l2_norm
    return 0.5 * (1.0 + s * s) * a_sq - s * (rss + wu) + pen.l1 * l1_norm


cdef inline Py_ssize_t gram_working_set(const Data* d, const BlockQuadratic* f,
                                        const GroupEnet* pen, const floating* Xv,
                                        const index_t* Xi, const index_t* Xp,
                                        const Py_ssize_t* ws, Py_ssize_t n_ws, double* W,
                                        double* r, double* offset, double inner_tol,
                                        Py_ssize_t max_epochs, GramBuffers* gb,
                                        BlockBuffers* steps) noexcept nogil:
    """Block CD on the working set in feature space until its gap ≤ inner_tol.

    Every block is penalized (the covariance method is used without
    unpenalized features). Returns the epochs used; r and offset hold the
    state of the final W on return.
    """
    cdef Py_ssize_t t, a, b, j, k, i, n_feats = 0, n_nz = 0, epochs = 0, K = f.n_tasks
    cdef Py_ssize_t p = f.gram_ld
    cdef double rss = 0.0, si, Ri, change, top, h, gap, best = INFINITY
    cdef Py_ssize_t stalled = 0
    cdef Py_ssize_t* nonzero = gb.feats + p  # the nonzero features (all in the working set)
    for t in range(n_ws):
        for a in range(pen.ptr[ws[t]], pen.ptr[ws[t] + 1]):
            j = pen.idx[a]
            gb.feats[n_feats] = j
            n_feats += 1
            change = 0.0
            for k in range(K):
                gb.w_start[j * K + k] = W[j * K + k]
                change += W[j * K + k] * W[j * K + k]
            if change > 0.0:
                nonzero[n_nz] = j
                n_nz += 1
    for t in range(n_feats):  # u = X̄ᵀSY_c − HW: no pass over the rows
        j = gb.feats[t]
        for k in range(K):
            gb.u[j * K + k] = f.gram_y[j * K + k]
        for b in range(n_nz):
            h = f.gram[j * p + nonzero[b]]
            for k in range(K):
                gb.u[j * K + k] -= h * W[nonzero[b] * K + k]
    for i in range(d.n_samples):
        si = d.sw[i] if d.weighted else 1.0
        for k in range(K):
            Ri = r[i * K + k] + offset[k]
            rss += si * Ri * Ri
    while epochs < max_epochs:
        top = 0.0
        for t in range(n_ws):
            change = gram_step(f, pen, ws[t], gb.feats, n_feats, W, gb, steps, &rss)
            if change > top:
                top = change
        epochs += 1
        gap = gram_gap(f, pen, ws, n_ws, W, gb.u, rss)
        if top == 0.0 or gap <= inner_tol:
            break
        if gap < 0.5 * best:
            best, stalled = gap, 0
        else:
            stalled += 1
            if stalled >= 50:  # at the rounding floor of u and ‖R‖²: the full gap decides
                break
    for t in range(n_feats):  # the state of the new W: one pass per moved column
        j = gb.feats[t]
        change = 0.0
        for k in range(K):
            steps.delta[k] = W[j * K + k] - gb.w_start[j * K + k]
            change += steps.delta[k] * steps.delta[k]
        if change > 0.0:
            bq_move(d, f, Xv, Xi, Xp, j, steps.delta, r, offset)
    return epochs
