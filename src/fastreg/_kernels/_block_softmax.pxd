# The multinomial (softmax) datafit of K classes for the block solver
# (_block_solver.pyx), and the binary logistic one as its K = 1 case:
#
#     F(W, b) = Σ_i s_i [log Σ_k e^η_ik − η_{i,y_i}],   η_i = Wᵀx_i + b
#
# (n times the user-facing loss). Binary: one stored column, the predictor of
# the reference class (label 0) fixed at 0, so F = Σ_i s_i [log(1 + e^η_i) − y_i η_i].
# The state is r = XW (n × K, raw X: the DesignView has no implicit centering,
# so a row move touches only the stored entries of its column) and the
# intercepts b (the block solver's ``offset``); the probabilities P and the
# log-normalizers of every sample are kept current by every move.
#
# What it gives the block solver (the functions of _block_quadratic.pxd):
# the gradient of one feature's row, x_jᵀS(Y − P) (the descent direction, as
# the quadratic's x̄_jᵀSR); the state update of a row move; the value; the
# exact intercepts (joint Newton on the K intercepts); the dual point
# θ = Y − P; the dual value, a weighted entropy over the simplex; the Gap Safe
# radius. The working sets are solved by proximal Newton steps
# (_block_newton.pxd); a group of several features steps on the Hessian bound
# diag(p) − ppᵀ ≼ ½I (¼ for the binary p(1 − p)) times its centered Gram: the
# caller scales the block spectra by that constant (the Gap Safe tests use the
# unscaled norms: dual points are S-centered, so centered norms bound them).
from libc.math cimport INFINITY, exp, fabs, log, sqrt

from ._columns cimport Data, column
from ._fused cimport floating, index_t
from ._gap cimport Gap
from ._group_enet cimport GroupDualTerms
from ._linalg cimport solve_small


cdef struct BlockSoftmax:
    Py_ssize_t n_tasks      # K stored columns (1: binary)
    bint binary
    bint fit_intercept
    Py_ssize_t n_unpen      # always 0 (the block solver's projection is the quadratic's)
    const int* codes        # class of each sample (binary: 0 / 1)
    double* prob            # P, n × K, at the state
    double* lse             # log Σ_k e^η_ik (binary: log(1 + e^η_i)), n
    double* scratch         # K² + K doubles (the intercepts' Newton system)
    # the proximal Newton steps' buffers (_block_newton.pxd)
    double* rho             # n × K: the model's residual (Y − P) − H XΔW (intercepts apart)
    double* deta            # n × K: the step in η of the coefficients, XΔW
    double* try_prob        # n × K, n: a trial point's probabilities and log-normalizers
    double* try_lse
    double* curv            # n: a bound on each sample's Hessian, ‖H_i‖₂ ≤ curv_i
    double* lip             # p: the model's curvature bound of each feature, Σ_i s_i curv_i x_ij²
    double* w_start         # p × K: the working set's rows at the model's start
    double* model_hess      # K² + 3K: the model's intercept system, scratch, its step Δb,
                            # and Σ_i s_i ρ_i
    # the unpenalized block (_block_softmax_free.pxd): the rows of the features of weight 0
    # (nonconstant), solved with the intercepts; A = [1, X_free] (1 with an intercept)
    Py_ssize_t n_free
    const Py_ssize_t* free_idx
    const double* free_cols # n_free × n: their columns, dense
    const double* free_gram # m × m (m = n_free + fit_intercept): AᵀSA, ridged
    const double* free_scale    # m: the rounding level of each column's gradient
    double* free_work       # 2(mK)² + 3mK + m² + m + K doubles
    signed char* infeasible # the last dual point's projection was refused


cdef inline double sm_y(const BlockSoftmax* f, Py_ssize_t i, Py_ssize_t k) noexcept nogil:
    """Y_ik: one-hot labels (binary: y_i for the stored column)."""
    if f.binary:
        return <double> f.codes[i]
    return 1.0 if f.codes[i] == k else 0.0


cdef inline double sm_row_at(const BlockSoftmax* f, const double* ri, const double* offset,
                             const double* step, const double* shift, double t,
                             double* pi) noexcept nogil:
    """The probabilities (into pi) and log-normalizer at η = r_i + b + t (step + shift).

    ``step`` NULL: at η = r_i + b (``shift`` is then ignored).
    """
    cdef Py_ssize_t k, K = f.n_tasks
    cdef double top, total, e, eta
    if f.binary:
        eta = ri[0] + offset[0] + (t * (step[0] + shift[0]) if step != NULL else 0.0)
        e = exp(-fabs(eta))
        pi[0] = 1.0 / (1.0 + e) if eta >= 0.0 else e / (1.0 + e)
        return (eta if eta > 0.0 else 0.0) + log(1.0 + e)
    for k in range(K):
        pi[k] = ri[k] + offset[k] + (t * (step[k] + shift[k]) if step != NULL else 0.0)  # η
    top = pi[0]
    for k in range(1, K):
        if pi[k] > top:
            top = pi[k]
    total = 0.0
    for k in range(K):
        pi[k] = exp(pi[k] - top)
        total += pi[k]
    for k in range(K):
        pi[k] /= total
    return top + log(total)


cdef inline void sm_row(const BlockSoftmax* f, Py_ssize_t i, const double* r,
                        const double* offset) noexcept nogil:
    """The kept probabilities and log-normalizer of sample i at the state."""
    f.lse[i] = sm_row_at(f, r + i * f.n_tasks, offset, NULL, NULL, 0.0, f.prob + i * f.n_tasks)


cdef inline double sm_value(const Data* d, const BlockSoftmax* f, const double* r,
                            const double* offset) noexcept nogil:
    """F at the state, from the kept log-normalizers (no transcendental)."""
    cdef Py_ssize_t i, c, K = f.n_tasks
    cdef double eta_y, acc = 0.0
    for i in range(d.n_samples):
        if f.binary:
            eta_y = (r[i] + offset[0]) if f.codes[i] else 0.0
        else:
            c = f.codes[i]
            eta_y = r[i * K + c] + offset[c]
        acc += (d.sw[i] if d.weighted else 1.0) * (f.lse[i] - eta_y)
    return acc


cdef inline double sm_trial_value(const Data* d, const BlockSoftmax* f, const double* r,
                                  const double* offset, const double* db,
                                  double t) noexcept nogil:
    """F at the trial state η + t (Δη + Δb), Δη in ``f.deta`` and Δb in ``db``, keeping
    its probabilities and log-normalizers in ``f.try_prob`` and ``f.try_lse``."""
    cdef Py_ssize_t i, c, K = f.n_tasks
    cdef double eta_y, acc = 0.0
    for i in range(d.n_samples):
        f.try_lse[i] = sm_row_at(f, r + i * K, offset, f.deta + i * K, db, t,
                                 f.try_prob + i * K)
        if f.binary:
            eta_y = (r[i] + offset[0] + t * (f.deta[i] + db[0])) if f.codes[i] else 0.0
        else:
            c = f.codes[i]
            eta_y = r[i * K + c] + offset[c] + t * (f.deta[i * K + c] + db[c])
        acc += (d.sw[i] if d.weighted else 1.0) * (f.try_lse[i] - eta_y)
    return acc


cdef inline double sm_refresh(const Data* d, const BlockSoftmax* f, const double* r,
                              const double* offset) noexcept nogil:
    """Recompute every sample's probabilities; returns F at the state."""
    cdef Py_ssize_t i
    for i in range(d.n_samples):
        sm_row(f, i, r, offset)
    return sm_value(d, f, r, offset)


cdef inline void sm_gradient(const Data* d, const BlockSoftmax* f, const floating* Xv,
                             const index_t* Xi, const index_t* Xp, Py_ssize_t j,
                             const double* r, const double* offset,
                             double* out) noexcept nogil:
    """out = x_jᵀS(Y − P) (K entries), the negative gradient of row j, in one pass."""
    cdef const floating* v
    cdef const index_t* rows
    cdef Py_ssize_t t, i, k, K = f.n_tasks, nnz = column(d, Xv, Xi, Xp, j, &v, &rows)
    cdef double x
    cdef const double* pi
    for k in range(K):
        out[k] = 0.0
    for t in range(nnz):
        i = rows[t] if rows != NULL else t
        x = v[t] * d.sw[i] if d.weighted else v[t]
        pi = f.prob + i * K
        for k in range(K):
            out[k] -= x * pi[k]
        if f.binary:
            out[0] += x * f.codes[i]
        else:
            out[f.codes[i]] += x


cdef inline void sm_move(const Data* d, const BlockSoftmax* f, const floating* Xv,
                         const index_t* Xi, const index_t* Xp, Py_ssize_t j,
                         const double* delta, double* r, double* offset) noexcept nogil:
    """The state after row j of W moves by delta: η of the samples in column j, and their P."""
    cdef const floating* v
    cdef const index_t* rows
    cdef Py_ssize_t t, i, k, K = f.n_tasks, nnz = column(d, Xv, Xi, Xp, j, &v, &rows)
    cdef double* ri
    for t in range(nnz):
        if v[t] == 0.0:
            continue
        i = rows[t] if rows != NULL else t
        ri = r + i * K
        for k in range(K):
            ri[k] += delta[k] * v[t]
        sm_row(f, i, r, offset)


cdef inline void sm_intercepts(const Data* d, const BlockSoftmax* f, const double* r,
                               double* offset, Py_ssize_t max_steps) noexcept nogil:
    """Joint Newton on the K intercepts until Σ_i s_i (Y_ik − P_ik) = 0 for every k.

    As the multinomial solver's: the Hessian Σ_i s_i (diag P_i − P_iP_iᵀ) is
    singular along the ones (a common shift changes nothing), so 1/K is added
    along them, steps are clipped to ±8 and the intercepts kept centered. The
    probabilities are refreshed on return.
    """
    cdef Py_ssize_t i, k, l, it, K = f.n_tasks
    cdef double* H = f.scratch
    cdef double* g = f.scratch + K * K
    cdef double si, top, mean, extra = 0.0 if f.binary else 1.0 / K
    cdef const double* pi
    if not f.fit_intercept:
        return
    for it in range(max_steps):
        for k in range(K * K):
            H[k] = extra
        for k in range(K):
            g[k] = 0.0
        for i in range(d.n_samples):
            si = d.sw[i] if d.weighted else 1.0
            pi = f.prob + i * K
            for k in range(K):
                g[k] += si * (pi[k] - sm_y(f, i, k))
                for l in range(K):
                    H[k * K + l] += si * pi[k] * ((1.0 if k == l else 0.0) - pi[l])
        top = 0.0
        for k in range(K):
            if fabs(g[k]) > top:
                top = fabs(g[k])
        if top <= 1e-12 * d.n_samples or not solve_small(H, g, K):
            return
        mean = 0.0
        for k in range(K):
            if g[k] > 8.0:
                g[k] = 8.0
            elif g[k] < -8.0:
                g[k] = -8.0
            mean += g[k]
        mean = 0.0 if f.binary else mean / K
        for k in range(K):
            offset[k] -= g[k] - mean
        if not f.binary:
            mean = 0.0
            for k in range(K):
                mean += offset[k]
            for k in range(K):
                offset[k] -= mean / K
        for i in range(d.n_samples):
            sm_row(f, i, r, offset)


cdef inline void sm_dual_point(const Data* d, const BlockSoftmax* f, double* theta) noexcept nogil:
    """θ = Y − P, S-centered per class with an intercept (the Newton steps' rounding).

    Centering keeps each row's sum at 0: the column means sum to 0.
    """
    cdef Py_ssize_t i, k, K = f.n_tasks
    cdef double si
    cdef double* mean = f.scratch
    for k in range(K):
        mean[k] = 0.0
    for i in range(d.n_samples):
        si = d.sw[i] if d.weighted else 1.0
        for k in range(K):
            theta[i * K + k] = sm_y(f, i, k) - f.prob[i * K + k]
            mean[k] += si * theta[i * K + k]
    if f.n_free > 0:
        sm_project_free(d, f, theta)
        return
    if not f.fit_intercept:
        return
    for i in range(d.n_samples):
        for k in range(K):
            theta[i * K + k] -= mean[k] / d.n_samples   # the weights sum to n


cdef inline void sm_project_free(const Data* d, const BlockSoftmax* f,
                                 double* theta) noexcept nogil:
    """θ ← θ − AC, C = (AᵀSA)⁻¹AᵀSθ: S-orthogonal to A = [1, X_free].

    After the block's exact solve (``sm_free_solve``) AᵀSθ is at rounding
    level and so is the move; a larger one (the classes separable along
    X_free) is refused and marks the point infeasible: the gap then takes
    the dual point 0 (``sm_gaps``). Rows of θ keep their zero sums (θ1 = 0
    gives C1 = 0).
    """
    cdef Py_ssize_t n = d.n_samples, K = f.n_tasks, u = f.n_free, i, a, k
    cdef Py_ssize_t o = 1 if f.fit_intercept else 0, m = u + o
    cdef double* G = f.free_work
    cdef double* C = f.free_work + m * m
    cdef double* col = C + m * K
    cdef double si, move, top = 0.0
    for a in range(m * K):
        C[a] = 0.0
    for i in range(n):
        si = d.sw[i] if d.weighted else 1.0
        for k in range(K):
            move = si * theta[i * K + k]
            if o:
                C[k] += move
            for a in range(u):
                C[(o + a) * K + k] += f.free_cols[a * n + i] * move
    for k in range(K):
        for a in range(m * m):
            G[a] = f.free_gram[a]
        for a in range(m):
            col[a] = C[a * K + k]
        if not solve_small(G, col, m):
            f.infeasible[0] = True
            return
        for a in range(m):
            C[a * K + k] = col[a]
    for i in range(n):
        for k in range(K):
            move = C[k] if o else 0.0
            for a in range(u):
                move += f.free_cols[a * n + i] * C[(o + a) * K + k]
            if fabs(move) > top:
                top = fabs(move)
    f.infeasible[0] = top > 1e-10
    if f.infeasible[0]:
        return
    for i in range(n):
        for k in range(K):
            move = C[k] if o else 0.0
            for a in range(u):
                move += f.free_cols[a * n + i] * C[(o + a) * K + k]
            theta[i * K + k] -= move


cdef inline double _xlogx(double q) noexcept nogil:
    return q * log(q) if q > 0.0 else 0.0


cdef inline double sm_dual_value(const Data* d, const BlockSoftmax* f, const double* theta,
                                 double c) noexcept nogil:
    """Σ_i s_i H(Y_i − cθ_i), H the entropy over the K classes (binary: over 2).

    −inf when a probability Y − cθ is clearly negative (an extrapolated θ
    outside the simplex: not a dual point); rounding-size negatives count 0.
    """
    cdef Py_ssize_t i, k, K = f.n_tasks
    cdef double q, row, acc = 0.0
    for i in range(d.n_samples):
        row = 0.0
        for k in range(K):
            q = sm_y(f, i, k) - c * theta[i * K + k]
            if q < -1e-9 or q > 1.0 + 1e-9:
                return -1e300
            row -= _xlogx(q)
            if f.binary:
                row -= _xlogx(1.0 - q)
        acc += (d.sw[i] if d.weighted else 1.0) * row
    return acc


cdef inline double sm_safe_radius(const BlockSoftmax* f, double gap) noexcept nogil:
    """Gap Safe radius in ‖·‖_S (Σ_i s_i ‖θ_i‖², Frobenius per row) around a dual point.

    The dual is Σ_i s_i H(Y_i − θ_i). Binary (one column): H'' = −1/(q(1−q))
    ≤ −4, so 4-strongly concave and ‖θ − θ*‖_S ≤ √(2·gap/4) = √(gap/2).
    Softmax: two dual points' rows differ by d with Σ_k d_k = 0, and
    dᵀdiag(1/q)d ≥ 2‖d‖² for q in the simplex (split d into its positive and
    negative parts, each of sum a: Cauchy–Schwarz gives Σ d_k²/q_k ≥ a²/Q₊ +
    a²/Q₋ ≥ 4a² as Q₊ + Q₋ ≤ 1, while ‖d‖² ≤ 2a²; equality at q = (½, ½, 0…)),
    so 2-strongly concave: √(2·gap/2) = √gap. (The negative entropy is only
    1-strongly convex on all of R^K; the constraint Σ_k d_k = 0 doubles it.)
    """
    if gap <= 0.0:
        return 0.0
    return sqrt(0.5 * gap) if f.binary else sqrt(gap)


cdef inline void sm_gaps(const Data* d, const BlockSoftmax* f, Gap* g, const double* theta,
                         double l1, double l2, const GroupDualTerms* dt) noexcept nogil:
    """The gaps of the two dual points built from θ = Y − P (g.primal set), and the radius.

    As ``logit_gap`` (_gap.pxd): the lasso-type point cθ, c = min(1, l1 / dual
    norm), keeps Y − cθ in the simplex; the Fenchel point (l2 > 0) is θ. The
    augmented coordinates of the lasso-type point are only 1-strongly
    concave: radius √(2·gap) there when l2 > 0.
    """
    cdef double c = 1.0, full
    if f.n_free > 0 and f.infeasible[0]:  # the dual point 0 (value 0): the gap is the primal
        g.scale = 0.0
        g.gap = g.lasso_gap = g.primal
        g.fenchel_gap = INFINITY
        g.radius = sm_safe_radius(f, g.gap) if l2 == 0.0 else sqrt(2.0 * g.gap)
        return
    if dt.dual_norm > l1:
        c = l1 / dt.dual_norm
    full = sm_dual_value(d, f, theta, 1.0) if c == 1.0 or l2 > 0.0 else 0.0
    g.scale = c
    g.lasso_gap = g.primal - ((full if c == 1.0 else sm_dual_value(d, f, theta, c))
                              - 0.5 * c * c * l2 * dt.l2_norm)
    g.fenchel_gap = INFINITY
    if l2 > 0.0:
        g.fenchel_gap = g.primal - (full - dt.conjugate)
    if g.fenchel_gap < g.lasso_gap:
        g.gap = g.fenchel_gap
        g.radius = sm_safe_radius(f, g.gap)
    else:
        g.gap = g.lasso_gap
        g.radius = sm_safe_radius(f, g.gap) if l2 == 0.0 else sqrt(2.0 * g.gap)
