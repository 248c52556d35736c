# Features kept out on a bound.
#
# The exact correlation z_j = x̄_jᵀSθ of a feature was computed at some
# earlier dual point; every full gap since then moved θ by a known S-distance,
# and the running sum of those moves ("drift") bounds |x̄_jᵀSθ| by
# |z_j| + ‖x̄_j‖ (drift − stamp_j), where stamp_j is the drift when z_j was
# computed (−∞ when z_j is not such a value). A zero coefficient whose bound
# stays clear of its dual constraint needs no pass over its column: the bound
# enters the dual norm instead (``norm_floor`` of ``duality_gap``). Such
# features are "kept out": listed at the back of ``feats``, the features
# checked exactly being at the front; Gap Safe screened features are in
# neither list. Both kinds are flagged in ``left_out``: the next solve starts
# them on the back list (``split_features``), and every gap first tests the
# bounds there (``refresh``).
from libc.math cimport INFINITY

from ._columns cimport Data, col_dot
from ._enet cimport ElasticNet, enet_penalized, enet_signed
from ._fused cimport floating, index_t

cdef inline double _corr_bound(const Data* d, const ElasticNet* pen, const double* z,
                               const double* stamp, double drift, Py_ssize_t j) noexcept nogil:
    return enet_signed(pen, z[j]) + d.col_norm[j] * (drift - stamp[j])


cdef inline bint _keep_out(Py_ssize_t n_unpen, const ElasticNet* pen, double bound,
                           Py_ssize_t j) noexcept nogil:
    # With unpenalized features z holds x̄_jᵀSPθ for the S-orthogonal projection
    # P of the dual point (see quad_project_unpenalized). ``n_unpen``: their number. P is non-expansive, so
    # the drift bound holds while P is fixed: always, unless ``positive`` makes
    # it depend on which unpenalized coefficients are nonzero. Kept out: a bound
    # below 0.9 times the penalty level.
    return ((n_unpen == 0 or not pen.positive) and enet_penalized(pen, j)
            and bound < 0.9 * pen.l1 * pen.pf[j])  # 0.9: measured best


cdef inline double _floor_with(const ElasticNet* pen, double floor, double bound,
                               Py_ssize_t j) noexcept nogil:
    return bound / pen.pf[j] if bound > floor * pen.pf[j] else floor


cdef inline Py_ssize_t split_features(const Data* d, Py_ssize_t n_features, bint dual_known,
                                      double* stamp, signed char* left_out, Py_ssize_t* feats,
                                      Py_ssize_t* n_kept) noexcept nogil:
    """Start of a solve: the features checked at the last gap, and those left out.

    The first go to the front of ``feats``, the second to its back, where
    ``refresh`` tests their bounds. Without a known dual point no stored
    correlation is trusted and every nonconstant feature is checked. Returns
    the number at the front.
    """
    cdef Py_ssize_t j, n_feats = 0, m = 0
    for j in range(n_features):
        if d.sq_norm[j] == 0.0:
            left_out[j] = 1  # constant column: never leaves zero, no dual constraint
            continue
        if not dual_known:
            stamp[j] = -INFINITY
            left_out[j] = 0
        if left_out[j]:
            m += 1
            feats[n_features - m] = j
        else:
            feats[n_feats] = j
            n_feats += 1
    n_kept[0] = m
    return n_feats


cdef inline Py_ssize_t refresh(const Data* d, Py_ssize_t n_unpen, const ElasticNet* pen,
                               const floating* Xv, const index_t* Xi, const index_t* Xp,
                               const double* w, const double* theta, double* z, double* stamp,
                               double drift, signed char* left_out, Py_ssize_t* feats,
                               Py_ssize_t n_feats, Py_ssize_t n_features, Py_ssize_t* n_kept,
                               bint keep_more, Py_ssize_t* scratch,
                               double* norm_floor) noexcept nogil:
    """Before every gap at θ: exact correlations where needed, bounds elsewhere.

    Kept-out features whose bound no longer allows it are checked exactly
    again; with ``keep_more``, checked features with a zero coefficient
    whose bound allows it are kept out too (``scratch`` holds the kept-out
    list meanwhile). Correlations already exact at θ are not recomputed.
    Returns the number checked exactly; z holds their correlations at θ.
    """
    cdef Py_ssize_t t, j, m = 0, moved = 0
    cdef double u, floor = 0.0
    for t in range(n_features - n_kept[0], n_features):
        j = feats[t]
        u = _corr_bound(d, pen, z, stamp, drift, j)
        if _keep_out(n_unpen, pen, u, j):
            floor = _floor_with(pen, floor, u, j)
            scratch[moved] = j
            moved += 1
            continue
        left_out[j] = 0
        feats[n_feats] = j  # a slot of the back list already read
        n_feats += 1
    for t in range(n_feats):
        j = feats[t]
        if keep_more and w[j] == 0.0:
            u = _corr_bound(d, pen, z, stamp, drift, j)
            if _keep_out(n_unpen, pen, u, j):
                floor = _floor_with(pen, floor, u, j)
                left_out[j] = 1
                scratch[moved] = j
                moved += 1
                continue
        # with unpenalized features z holds projected correlations, and the gap
        # needs raw ones (it projects them, and corrects ‖θ‖ with them)
        if stamp[j] != drift or n_unpen > 0:
            z[j] = col_dot(d, Xv, Xi, Xp, j, theta)
            stamp[j] = drift
        feats[m] = j
        m += 1
    for t in range(moved):
        feats[n_features - 1 - t] = scratch[t]
    n_kept[0] = moved
    norm_floor[0] = floor
    return m
