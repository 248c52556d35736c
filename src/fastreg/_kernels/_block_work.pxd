# The block solver's state and its bookkeeping between full gaps
# (_block_solver.pyx): which blocks the gap checks and which stay out on a
# bound, Gap Safe screening of blocks, the working set and its support.
from libc.math cimport INFINITY, sqrt

from ._block_cd cimport BlockBuffers
from ._block_gram cimport GramBuffers
from ._block_datafit cimport block_datafit, df_move
from ._columns cimport Data
from ._fused cimport floating, index_t
from ._gap cimport Gap
from ._group_enet cimport (GroupEnet, ge_block_zero, ge_penalized, ge_priority,
                           ge_provably_zero)
from ._working_set cimport select_smallest


cdef struct Work:
    # Buffers (owned by a BlockSolver) and the state carried between alphas.
    double* theta           # the dual point θ (n × K)
    double* cand            # a candidate dual point (the residual)
    double* hist            # (SWEEPS + 1) × n·K: last residual, then differences
    double* z               # correlations X̄ᵀSθ (p × K), valid where stamped
    double* z_norms         # ‖z_g‖ per group
    double* shifted         # ‖z_g − l2 w_g W_g‖ per group
    double* key             # working-set priorities
    BlockBuffers steps      # the block steps' scratch (_block_cd.pxd)
    GramBuffers gram        # the covariance method's (_block_gram.pxd)
    Py_ssize_t* groups      # groups checked (not screened, not constant)
    Py_ssize_t* ws          # the working set
    Py_ssize_t* act         # its support
    Py_ssize_t* stamp       # version of θ each block's z was computed at (−1: none)
    Py_ssize_t version      # bumped whenever θ changes
    double* theta_ref       # θ at the last full gap
    double* bound           # bound on ‖z_g‖ at θ of a block kept out
    double* at_drift        # drift when z_g was exact (−∞: not an exact value)
    Py_ssize_t* checked     # the groups whose z is exact at the full gap
    signed char* kept       # kept out on its bound
    double drift            # Σ ‖θ_next − θ_ref‖_S over the full gaps
    Py_ssize_t n_groups
    Py_ssize_t n_features


cdef struct Stats:
    double gap
    double loss
    Py_ssize_t n_epochs
    Py_ssize_t n_outer
    Py_ssize_t n_screened
    Py_ssize_t ws_size


cdef inline Py_ssize_t ws_support(const GroupEnet* pen, const Py_ssize_t* ws, Py_ssize_t n_ws,
                                  const double* W, Py_ssize_t* act) noexcept nogil:
    """The working set's support: its nonzero and unpenalized blocks, into ``act``."""
    cdef Py_ssize_t t, n_act = 0
    for t in range(n_ws):
        if not ge_penalized(pen, ws[t]) or not ge_block_zero(pen, ws[t], W):
            act[n_act] = ws[t]
            n_act += 1
    return n_act


cdef inline Py_ssize_t refresh_blocks(const block_datafit* f, const GroupEnet* pen, Work* work,
                                      Py_ssize_t n_groups, const double* W,
                                      double* norm_floor) noexcept nogil:
    """Before a full gap: which blocks the gap checks exactly, and which stay out on a bound.

    Fills ``work.checked`` (returns its size), flags the others in
    ``work.kept`` with their bound in ``work.bound``, and sets the floor
    their bounds put under the dual norm.
    """
    cdef Py_ssize_t t, g, m = 0
    cdef double u, floor = 0.0
    for t in range(n_groups):
        g = work.groups[t]
        work.kept[g] = 0
        if (f.n_unpen == 0 and work.stamp[g] != work.version and ge_penalized(pen, g)
                and ge_block_zero(pen, g, W)):
            u = work.z_norms[g] + pen.norm[g] * (work.drift - work.at_drift[g])
            if u < 0.9 * pen.l1 * pen.weight[g]:  # 0.9: as _bounds.pxd
                work.kept[g] = 1
                work.bound[g] = u
                if u > floor * pen.weight[g]:
                    floor = u / pen.weight[g]
                continue
        work.checked[m] = g
        m += 1
    norm_floor[0] = floor
    return m


cdef inline Py_ssize_t screen_blocks(const Data* d, const block_datafit* f,
                                     const GroupEnet* pen, const floating* Xv, const index_t* Xi,
                                     const index_t* Xp, const Gap* gp, Work* work,
                                     Py_ssize_t n_groups, double* W, double* r,
                                     double* offset) noexcept nogil:
    """Drop from ``work.groups`` the blocks the Gap Safe sphere proves zero (zeroing them)."""
    cdef Py_ssize_t t, u, g, j, k, kept = 0, K = f.n_tasks
    cdef bint fenchel = gp.fenchel_gap < gp.lasso_gap
    cdef double z_norm, shifted
    for t in range(n_groups):
        g = work.groups[t]
        z_norm = work.bound[g] if work.kept[g] else work.z_norms[g]
        shifted = work.bound[g] if work.kept[g] else work.shifted[g]
        if ge_provably_zero(pen, fenchel, gp.scale, gp.radius, g, z_norm, shifted):
            if ge_block_zero(pen, g, W):
                continue  # already zero: no pass over its columns
            for u in range(pen.ptr[g], pen.ptr[g + 1]):
                j = pen.idx[u]
                for k in range(K):
                    work.steps.delta[k] = -W[j * K + k]
                    W[j * K + k] = 0.0
                df_move(d, f, Xv, Xi, Xp, j, work.steps.delta, r, offset)
            continue
        work.groups[kept] = g
        kept += 1
    return kept


cdef inline Py_ssize_t build_block_working_set(const GroupEnet* pen, const Gap* gp,
                                               Work* work, Py_ssize_t n_groups, Py_ssize_t size,
                                               const double* W) noexcept nogil:
    """The ``size`` checked blocks closest to their dual constraint (nonzero ones always).

    Blocks kept out on a bound are far from it: they stay out.
    """
    cdef Py_ssize_t t, g, m = 0
    for t in range(n_groups):
        g = work.groups[t]
        if work.kept[g]:
            continue
        work.ws[m] = g
        if not ge_penalized(pen, g) or not ge_block_zero(pen, g, W):
            work.key[m] = -INFINITY
        else:
            work.key[m] = ge_priority(pen, gp.scale, g, work.shifted[g])
        m += 1
    if size >= m or pen.l1 <= 0.0:
        return m
    select_smallest(work.key, work.ws, m, size)
    return size


cdef inline double s_distance_blocks(const Data* d, Py_ssize_t K, const double* u,
                                     const double* v) noexcept nogil:
    """‖u − v‖_S over n × K (Frobenius, rows weighted by s)."""
    cdef Py_ssize_t i, k
    cdef double diff, row, acc = 0.0
    for i in range(d.n_samples):
        row = 0.0
        for k in range(K):
            diff = u[i * K + k] - v[i * K + k]
            row += diff * diff
        acc += d.sw[i] * row if d.weighted else row
    return sqrt(acc)
