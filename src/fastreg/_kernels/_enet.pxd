# The elastic-net penalty Ω(w) = Σ_j (l1 v_j |w_j| + l2/2 u_j w_j²) (n times the
# user-facing one: l1 = nαρ, l2 = nα(1 − ρ)), with penalty factors v, L2
# factors u (u = v, except under standardization: v_j = σ_j v'_j, u_j = σ_j² v'_j)
# and an optional sign constraint w ≥ 0.
#
# What a penalty gives the solver: the prox step of one coordinate, its value,
# the dual constraint of a feature (how close x̄_jᵀSθ is to its bound), its
# conjugate, the Gap Safe test, the working-set priority, and which features
# are penalized at all.
from libc.math cimport fabs, sqrt

from ._columns cimport Data


cdef struct ElasticNet:
    const double* pf        # penalty factors v (0: unpenalized)
    const double* pf2       # L2 factors u (pf itself unless given apart; u_j = 0 iff v_j = 0)
    double l1
    double l2
    bint positive


cdef inline bint enet_penalized(const ElasticNet* pen, Py_ssize_t j) noexcept nogil:
    return pen.pf[j] != 0.0


cdef inline double enet_prox(const ElasticNet* pen, Py_ssize_t j, double wj, double grad,
                             double lj) noexcept nogil:
    """Exact minimizer along coordinate j of ½ lj (w − wj)² − grad (w − wj) + Ω_j(w).

    For the quadratic datafit (lj = ‖x̄_j‖²_S, grad = x̄_jᵀSR) this is the
    coordinate-descent update.
    """
    cdef double u = wj * lj + grad
    cdef double thr = pen.l1 * pen.pf[j]
    cdef double denom = lj + pen.l2 * pen.pf2[j]
    if u > thr:
        return (u - thr) / denom
    if u < -thr and not pen.positive:
        return (u + thr) / denom
    return 0.0


cdef inline double enet_value(const ElasticNet* pen, Py_ssize_t j, double wj) noexcept nogil:
    return pen.pf[j] * pen.l1 * fabs(wj) + 0.5 * pen.l2 * pen.pf2[j] * wj * wj


cdef inline double enet_slope(const ElasticNet* pen, Py_ssize_t j, double wj,
                              double delta) noexcept nogil:
    """Ω_j's right derivative at wj along the move delta (the one that led to wj)."""
    cdef double l1 = pen.pf[j] * pen.l1
    if wj > 0.0:
        l1 *= delta
    elif wj < 0.0:
        l1 *= -delta
    else:
        l1 *= fabs(delta)
    return l1 + pen.l2 * pen.pf2[j] * wj * delta


cdef inline double enet_along(const ElasticNet* pen, const Py_ssize_t* ws, Py_ssize_t n_ws,
                              const double* w_start, const double* w, double t) noexcept nogil:
    """Ω on the working set ws at w_start + t (w − w_start) (w indexed by feature)."""
    cdef Py_ssize_t k
    cdef double acc = 0.0
    for k in range(n_ws):
        acc += enet_value(pen, ws[k], w_start[k] + t * (w[ws[k]] - w_start[k]))
    return acc


cdef inline double enet_slope_along(const ElasticNet* pen, const Py_ssize_t* ws,
                                    Py_ssize_t n_ws, const double* w_start,
                                    const double* w) noexcept nogil:
    """Ω's right derivative along Δ = w − w_start at w (t = 1), on the working set ws."""
    cdef Py_ssize_t k
    cdef double acc = 0.0
    for k in range(n_ws):
        acc += enet_slope(pen, ws[k], w[ws[k]], w[ws[k]] - w_start[k])
    return acc


cdef inline double enet_signed(const ElasticNet* pen, double zj) noexcept nogil:
    """The part of a correlation the constraint bounds: |z|, or z itself under w ≥ 0."""
    return zj if pen.positive else fabs(zj)


cdef inline double enet_constraint(const ElasticNet* pen, Py_ssize_t j, double zj,
                                   double wj) noexcept nogil:
    """|x̄_jᵀSθ − l2 u_j w_j| / v_j: the lasso-type dual constraint is ≤ l1."""
    return enet_signed(pen, zj - pen.l2 * pen.pf2[j] * wj) / pen.pf[j]


cdef inline double enet_conjugate(const ElasticNet* pen, Py_ssize_t j, double zj) noexcept nogil:
    """Ω_j*(z) for l2 > 0: the squared excess of |z| over l1 v_j, over 2 l2 u_j."""
    cdef double excess = enet_signed(pen, zj) - pen.l1 * pen.pf[j]
    if excess > 0.0:
        return excess * excess / (2.0 * pen.l2 * pen.pf2[j])
    return 0.0


cdef inline double enet_augmented_norm(const ElasticNet* pen, const Data* d,
                                       Py_ssize_t j) noexcept nogil:
    """Norm of column j of the lasso-type augmented design [X̄; √(l2 u_j) e_j]."""
    if pen.l2 == 0.0:
        return d.col_norm[j]
    return sqrt(d.sq_norm[j] + pen.l2 * pen.pf2[j])


cdef inline bint enet_provably_zero(const ElasticNet* pen, const Data* d, bint fenchel,
                                    double scale, double radius, Py_ssize_t j, double zj,
                                    double wj) noexcept nogil:
    """Gap Safe test: feature j is zero at every optimum.

    ``zj`` is x̄_jᵀSθ, or an upper bound on it (on its absolute value unless
    ``positive``); ``wj`` the current coefficient. The sphere of ``radius`` is
    centered on θ itself (``fenchel``) or on θ rescaled by ``scale`` into the
    lasso-type dual (see ``duality_gap``).
    """
    cdef double corr, col_norm
    if pen.pf[j] <= 0.0 or pen.l1 <= 0.0:
        return False
    if fenchel:
        corr = enet_signed(pen, zj)
        col_norm = d.col_norm[j]
    else:
        corr = scale * enet_signed(pen, zj - pen.l2 * pen.pf2[j] * wj)
        col_norm = enet_augmented_norm(pen, d, j)
    # small relative margin: the test must stay safe under rounding
    return corr + radius * col_norm < pen.l1 * pen.pf[j] * (1.0 - 1e-10)


cdef inline double enet_priority(const ElasticNet* pen, const Data* d, double scale,
                                 Py_ssize_t j, double zj) noexcept nogil:
    """Distance of a zero coefficient's dual point to its constraint (smaller: sooner in)."""
    return (pen.l1 * pen.pf[j] - scale * enet_signed(pen, zj)) / enet_augmented_norm(pen, d, j)


cdef struct DualTerms:
    # The penalty's part of a duality gap, over the checked features.
    double l1_norm          # Σ v_j |w_j|
    double l2_norm          # Σ u_j w_j²
    double dual_norm        # max_j |x̄_jᵀSθ − l2 u_j w_j| / v_j (at least norm_floor)
    double kkt_max          # the same max over zero coefficients
    double conjugate        # Σ_j Ω_j*(x̄_jᵀSθ), when l2 > 0
    bint infeasible         # an unpenalized feature's constraint is violated


cdef inline DualTerms enet_dual_terms(const ElasticNet* pen, const Py_ssize_t* feats,
                                      Py_ssize_t n_feats, const double* w, const double* z,
                                      double norm_floor, bint projected) noexcept nogil:
    """The penalty's value and dual constraints at correlations z = X̄ᵀSθ over ``feats``.

    An unpenalized feature needs x̄_jᵀSθ = 0: met when θ was ``projected``
    onto that subspace, except by an inactive nonnegative one (x̄_jᵀSθ ≤ 0
    then suffices), and not certified otherwise.
    """
    cdef Py_ssize_t t, j
    cdef double a
    cdef DualTerms dt
    dt.l1_norm = 0.0
    dt.l2_norm = 0.0
    dt.dual_norm = norm_floor
    dt.kkt_max = 0.0
    dt.conjugate = 0.0
    dt.infeasible = False
    for t in range(n_feats):
        j = feats[t]
        if not enet_penalized(pen, j):
            if not projected or (pen.positive and w[j] == 0.0 and z[j] > 0.0):
                dt.infeasible = True
            continue
        dt.l1_norm += pen.pf[j] * fabs(w[j])
        dt.l2_norm += pen.pf2[j] * w[j] * w[j]
        a = enet_constraint(pen, j, z[j], w[j])
        if a > dt.dual_norm:
            dt.dual_norm = a
        if w[j] == 0.0 and a > dt.kkt_max:
            dt.kkt_max = a
        if pen.l2 > 0.0:
            dt.conjugate += enet_conjugate(pen, j, z[j])
    return dt
