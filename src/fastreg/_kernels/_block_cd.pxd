# Block coordinate descent for the block solver (_block_solver.pyx): the step
# on one block (rows of W for a group of features, all K columns), an epoch
# over a list of blocks, and the residual history the extrapolation reads.
# For a datafit other than the quadratic (_block_datafit.pxd) the block's
# curvature (``pen.lipschitz``, ``pen.eig_val``) is a bound on its Hessian
# over the whole block: the exact minimization of that quadratic model is
# then a majorization-minimization step.
from libc.math cimport sqrt
from libc.string cimport memcpy

from ._block_datafit cimport block_datafit, df_gradient, df_move
from ._columns cimport Data
from ._fused cimport floating, index_t
from ._group_enet cimport GroupEnet, ge_block_radius, ge_ensure_spectrum, ge_prox_factor


cdef struct BlockBuffers:
    double* grad            # one block's gradient / step (largest group × K)
    double* chat            # the same in its Gram's eigenbasis
    double* delta           # one row's move (K)


cdef inline void block_minimize(const GroupEnet* pen, Py_ssize_t g, Py_ssize_t K, const double* W,
                          double* U, double* chat) noexcept nogil:
    """U = the exact minimizer over block g (U holds the gradient X̄_gᵀSR on entry).

    The block's quadratic is ½ΔᵀGΔ − UᵀΔ with its Gram G = V diag(e) Vᵀ: in
    the eigenbasis the group elastic net's minimizer is a scaling of each
    coordinate, given its norm (``ge_block_radius``).
    """
    cdef Py_ssize_t a, b, k, start = pen.ptr[g], m = pen.ptr[g + 1] - pen.ptr[g]
    cdef const double* V = pen.eig_vec + pen.vec_ptr[g]
    cdef const double* e = pen.eig_val + start
    cdef double acc, c_sq = 0.0, t, lam = pen.l1 * pen.weight[g], mu = pen.l2 * pen.weight[g]
    ge_ensure_spectrum(pen, g)
    for b in range(m):  # Ĉ = Vᵀ(G W_g + U) = diag(e) VᵀW_g + VᵀU
        for k in range(K):
            acc = 0.0
            for a in range(m):
                acc += V[a * m + b] * (e[b] * W[pen.idx[start + a] * K + k] + U[a * K + k])
            chat[b * K + k] = acc
            c_sq += acc * acc
    if sqrt(c_sq) <= lam:
        for a in range(m * K):
            U[a] = 0.0
        return
    t = ge_block_radius(pen, g, chat, K)
    for b in range(m):
        acc = e[b] + mu
        acc = t / (acc * t + lam) if acc > 1e-12 * (e[m - 1] + mu) else 0.0  # null space: 0
        for k in range(K):
            chat[b * K + k] *= acc
    for a in range(m):  # B = V B̂
        for k in range(K):
            acc = 0.0
            for b in range(m):
                acc += V[a * m + b] * chat[b * K + k]
            U[a * K + k] = acc


cdef inline double _apply(const Data* d, const block_datafit* f, const GroupEnet* pen,
                          const floating* Xv, const index_t* Xi, const index_t* Xp, Py_ssize_t g,
                          double c, double* W, double* r, double* offset,
                          BlockBuffers* work) noexcept nogil:
    """Move block g to c·U (U = ``work.grad``); returns L_g ‖ΔW_g‖²."""
    cdef Py_ssize_t t, j, k, a, K = f.n_tasks, start = pen.ptr[g], stop = pen.ptr[g + 1]
    cdef double change = 0.0, dk
    cdef double* U = work.grad
    cdef bint moved
    for t in range(start, stop):
        j = pen.idx[t]
        a = (t - start) * K
        moved = False
        for k in range(K):
            dk = c * U[a + k] - W[j * K + k]
            work.delta[k] = dk
            if dk != 0.0:
                moved = True
                change += dk * dk
        if moved:
            df_move(d, f, Xv, Xi, Xp, j, work.delta, r, offset)
            for k in range(K):
                W[j * K + k] = c * U[a + k]
    return pen.lipschitz[g] * change


cdef inline void block_update(const GroupEnet* pen, Py_ssize_t g, Py_ssize_t K, const double* W,
                              double* U, double* chat) noexcept nogil:
    """U = block g's new value, from U = its negative gradient X̄_gᵀSR on entry.

    A group of one feature takes the closed-form coordinate step (the
    proximal step with L_g its squared norm); a larger one is minimized
    exactly in its Gram's eigenbasis (measured: one proximal gradient step
    per visit crawls on ill-conditioned groups such as spline bases).
    """
    cdef Py_ssize_t a, k, start = pen.ptr[g], m = pen.ptr[g + 1] - pen.ptr[g]
    cdef double lg = pen.lipschitz[g], u_sq = 0.0, c
    if m > 1:
        block_minimize(pen, g, K, W, U, chat)
        return
    for k in range(K):
        U[k] = W[pen.idx[start] * K + k] + U[k] / lg
        u_sq += U[k] * U[k]
    c = ge_prox_factor(pen, g, sqrt(u_sq), lg)
    for k in range(K):
        U[k] *= c


cdef inline double block_step(const Data* d, const block_datafit* f, const GroupEnet* pen,
                        const floating* Xv, const index_t* Xi, const index_t* Xp, Py_ssize_t g,
                        double* W, double* r, double* offset, BlockBuffers* work) noexcept nogil:
    """One block step on block g (``block_update``); returns L_g ‖ΔW_g‖²."""
    cdef Py_ssize_t t, start = pen.ptr[g], stop = pen.ptr[g + 1], K = f.n_tasks
    if pen.lipschitz[g] == 0.0:
        return 0.0  # constant columns only: the block stays 0
    for t in range(start, stop):
        df_gradient(d, f, Xv, Xi, Xp, pen.idx[t], r, offset, work.grad + (t - start) * K)
    block_update(pen, g, K, W, work.grad, work.chat)
    return _apply(d, f, pen, Xv, Xi, Xp, g, 1.0, W, r, offset, work)


cdef inline double block_epoch(const Data* d, const block_datafit* f, const GroupEnet* pen,
                   const floating* Xv, const index_t* Xi, const index_t* Xp,
                   const Py_ssize_t* blocks, Py_ssize_t n_blocks, double* W, double* r,
                   double* offset, BlockBuffers* work) noexcept nogil:
    """One cyclic pass over ``blocks``; returns the largest L_g ‖ΔW_g‖²."""
    cdef Py_ssize_t t
    cdef double change, top = 0.0
    for t in range(n_blocks):
        change = block_step(d, f, pen, Xv, Xi, Xp, blocks[t], W, r, offset, work)
        if change > top:
            top = change
    return top


cdef inline void record_residual(Py_ssize_t size, double* hist, Py_ssize_t k, const double* R) noexcept nogil:
    """Store residual k of a run of sweeps (row 0: the last; rows k ≥ 1: differences)."""
    cdef Py_ssize_t i
    cdef double* diff = hist + k * size
    if k == 0:
        memcpy(hist, R, size * sizeof(double))
        return
    for i in range(size):
        diff[i] = R[i] - hist[i]
        hist[i] = R[i]
