# The quadratic datafit of K targets at once, for the block solver
# (_block_solver.pyx): F(W) = ½ Σ_i s_i ‖R_i‖², R = Y_c − X̄W of shape n × K
# (n times the user-facing loss). As in _quadratic.pxd the intercept is
# implicit: the state is r = Y_c − XW and one offset per target, o = WᵀM
# (M the column means), so R = r + 1oᵀ and a block step touches only the
# stored entries of its columns. Rows of r, Y_c, θ and of W (p × K) are
# contiguous (index i·K + k): a column entry x_ij meets all K targets of row
# i in one cache line.
#
# What a block datafit gives the solver: the gradient of one feature's row
# of W (all K targets), the state update of a row move, its value, the
# pieces of its conjugate at a dual point θ (any S-centered n × K matrix),
# the projection that makes θ feasible for unpenalized features, and the Gap
# Safe radius. The softmax datafit (_block_softmax.pxd) provides the same
# functions (see docs/group.md).

from libc.string cimport memcpy

from ._columns cimport Data, col_axpy, col_dot, column
from ._fused cimport floating, index_t
from ._linalg cimport solve_small


cdef struct BlockQuadratic:
    Py_ssize_t n_tasks      # K
    const double* y         # centered targets Y_c, n × K
    Py_ssize_t n_unpen      # unpenalized nonconstant features
    const Py_ssize_t* unpen
    const double* cross     # cross[j * n_unpen + a] = x̄_jᵀ S x̄_{unpen[a]}
    const double* y_unpen   # y_unpen[a * K + k] = x̄_{unpen[a]}ᵀ S Y_c[:, k]
    double* scratch         # n_unpen² + n_unpen·K doubles for the projection
    const double* gram      # X̄ᵀSX̄ (p × p) for the covariance method (_block_gram.pxd), or NULL
    Py_ssize_t gram_ld      # its row length, p
    const double* gram_y    # X̄ᵀSY_c (p × K) with it


cdef inline void rows_dot(const Data* d, const floating* Xv, const index_t* Xi,
                          const index_t* Xp, Py_ssize_t j, const double* r, Py_ssize_t K,
                          double* out) noexcept nogil:
    """out[k] = Σ_i s_i x_ij r[i·K + k] for the K columns of r, in one pass over column j."""
    cdef const floating* v
    cdef const index_t* rows
    cdef Py_ssize_t t, i, k, nnz
    cdef double x
    cdef const double* ri
    if K == 1:
        out[0] = col_dot(d, Xv, Xi, Xp, j, r)
        return
    nnz = column(d, Xv, Xi, Xp, j, &v, &rows)
    for k in range(K):
        out[k] = 0.0
    for t in range(nnz):
        i = rows[t] if rows != NULL else t
        x = v[t] * d.sw[i] if d.weighted else v[t]
        ri = r + i * K
        for k in range(K):
            out[k] += x * ri[k]


cdef inline void rows_axpy(const Data* d, const floating* Xv, const index_t* Xi,
                           const index_t* Xp, Py_ssize_t j, const double* delta, Py_ssize_t K,
                           double* r) noexcept nogil:
    """r[i·K + k] -= delta[k] x_ij."""
    cdef const floating* v
    cdef const index_t* rows
    cdef Py_ssize_t t, i, k, nnz
    cdef double x
    cdef double* ri
    if K == 1:
        col_axpy(d, Xv, Xi, Xp, j, delta[0], r)
        return
    nnz = column(d, Xv, Xi, Xp, j, &v, &rows)
    for t in range(nnz):
        i = rows[t] if rows != NULL else t
        x = v[t]
        ri = r + i * K
        for k in range(K):
            ri[k] -= delta[k] * x


cdef inline void bq_gradient(const Data* d, const BlockQuadratic* f, const floating* Xv,
                             const index_t* Xi, const index_t* Xp, Py_ssize_t j,
                             const double* r, const double* offset, double* out) noexcept nogil:
    """out = x̄_jᵀSR (K entries): x_jᵀSr plus the offsets' share (R is S-centered)."""
    cdef Py_ssize_t k
    rows_dot(d, Xv, Xi, Xp, j, r, f.n_tasks, out)
    if d.mean[j] != 0.0:
        for k in range(f.n_tasks):
            out[k] += d.weight_sum * d.mean[j] * offset[k]


cdef inline void bq_move(const Data* d, const BlockQuadratic* f, const floating* Xv,
                         const index_t* Xi, const index_t* Xp, Py_ssize_t j,
                         const double* delta, double* r, double* offset) noexcept nogil:
    """The state after row j of W moves by delta (K entries)."""
    cdef Py_ssize_t k
    rows_axpy(d, Xv, Xi, Xp, j, delta, f.n_tasks, r)
    for k in range(f.n_tasks):
        offset[k] += delta[k] * d.mean[j]


cdef inline void bq_residual(const Data* d, const BlockQuadratic* f, const double* r,
                             const double* offset, double* out) noexcept nogil:
    """out = R = r + 1oᵀ."""
    cdef Py_ssize_t i, k, K = f.n_tasks
    cdef double o
    if K == 1:  # called for every sweep's dual point: one plain loop, or a copy
        o = offset[0]
        if o == 0.0:
            memcpy(out, r, d.n_samples * sizeof(double))
        else:
            for i in range(d.n_samples):
                out[i] = r[i] + o
        return
    for i in range(d.n_samples):
        for k in range(K):
            out[i * K + k] = r[i * K + k] + offset[k]


cdef inline void bq_moments(const Data* d, const BlockQuadratic* f, const double* r,
                            const double* offset, const double* theta, double* rss,
                            double* theta_sq, double* theta_y) noexcept nogil:
    """Σ s‖R_i‖², and the conjugate's pieces ‖θ‖²_S and ⟨θ, Y_c⟩_S, in one pass."""
    cdef Py_ssize_t i, k, t, K = f.n_tasks
    cdef double Ri, si, a = 0.0, b = 0.0, c = 0.0
    for i in range(d.n_samples):
        si = d.sw[i] if d.weighted else 1.0
        for k in range(K):
            t = i * K + k
            Ri = r[t] + offset[k]
            a += si * Ri * Ri
            b += si * theta[t] * theta[t]
            c += si * theta[t] * f.y[t]
    rss[0] = a
    theta_sq[0] = b
    theta_y[0] = c



cdef inline void bq_project_unpenalized(const BlockQuadratic* f, const Py_ssize_t* feats,
                                        Py_ssize_t n_feats, double* z, double* theta_sq,
                                        double* theta_y) noexcept nogil:
    """Replace θ by θ − X̄_A C, C = (X̄_AᵀSX̄_A)⁻¹ X̄_AᵀSθ, A the unpenalized features.

    As ``quad_project_unpenalized`` (_quadratic.pxd), target by target, on
    the correlations z = X̄ᵀSθ (p × K, over ``feats``; NULL: features
    0 … n_feats − 1) only: θ is never formed.
    """
    cdef Py_ssize_t m = f.n_unpen, K = f.n_tasks, a, b, t, j, k
    cdef double* G = f.scratch
    cdef double* coef = f.scratch + m * m
    cdef double trace = 0.0, acc, zc, cgc, yc
    if m == 0:
        return
    for a in range(m):
        trace += f.cross[f.unpen[a] * m + a]
    for k in range(K):
        for a in range(m):
            for b in range(m):
                G[a * m + b] = f.cross[f.unpen[a] * m + b]
            G[a * m + a] += 1e-12 * trace  # duplicate unpenalized columns make G singular
            coef[a] = z[f.unpen[a] * K + k]
        if not solve_small(G, coef, m):
            continue
        zc = 0.0
        cgc = 0.0
        yc = 0.0
        for a in range(m):
            zc += coef[a] * z[f.unpen[a] * K + k]
            yc += coef[a] * f.y_unpen[a * K + k]
            acc = 0.0
            for b in range(m):
                acc += f.cross[f.unpen[a] * m + b] * coef[b]
            cgc += coef[a] * acc
        theta_sq[0] += cgc - 2.0 * zc
        theta_y[0] -= yc
        for t in range(n_feats):
            j = feats[t] if feats != NULL else t
            acc = 0.0
            for a in range(m):
                acc += f.cross[j * m + a] * coef[a]
            z[j * K + k] -= acc
