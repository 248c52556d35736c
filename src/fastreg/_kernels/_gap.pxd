# The duality gap: the certificate every solve stops on, and the point the
# screening tests and working-set priorities are measured from.
#
# Primal P(w) = F(w) + Ω(w) with a datafit F and the elastic net Ω; dual
# D(θ) = −F*(−θ) − Ω*(X̄ᵀSθ) over S-centered θ (centered: the intercept).
# Two dual points are built from one θ, and the smaller gap is kept:
# * θ itself in the Fenchel dual (needs l2 > 0, as Ω* is finite only then);
# * cθ with the best scale c for the lasso-type dual of the augmented design
#   [X̄; √(l2 v) I], whose constraint |x̄_jᵀSθ − l2 v_j w_j| ≤ l1 v_j bounds c.
# The quadratic datafit's gap is ``_quad_gap`` in _solver.pyx (compiled once
# there: inlined into its three call sites it cost 3% more instructions); the
# logistic's is here.
from libc.math cimport INFINITY, sqrt

from ._columns cimport Data, col_dot
from ._enet cimport DualTerms, ElasticNet, enet_dual_terms
from ._fused cimport floating, index_t
from ._logistic cimport Logistic, logit_cached_value, logit_dual_value_memo
from ._logit_block cimport logit_block_feasible


cdef struct Gap:
    double primal
    double loss             # the datafit's value F(w)
    double gap              # best gap over the two dual points
    double lasso_gap        # gap of the rescaled (lasso-type) dual point
    double fenchel_gap      # gap of the unscaled dual point (needs l2 > 0)
    double scale            # scaling of the lasso-type dual point
    double radius           # Gap Safe radius around the better dual point
    double kkt              # max relative KKT violation of a zero coefficient


cdef inline void quadratic_gaps(Gap* g, double theta_y, double theta_sq, double l1,
                                double l2, double l2_norm, double dual_norm,
                                double conjugate) noexcept nogil:
    """The gaps of a quadratic datafit's two dual points built from θ (g.primal set).

    θ enters through θᵀy_c and ‖θ‖²_S. The lasso-type point cθ takes the best
    c of the concave quadratic D(cθ) inside the feasible set (dual_norm · c ≤
    l1); the Fenchel point is θ itself (needs l2 > 0). Fills ``scale``,
    ``lasso_gap``, ``fenchel_gap`` and ``gap``; shared by the scalar and the
    block solvers.
    """
    cdef double c, quad = theta_sq + l2 * l2_norm
    c = theta_y / quad if quad > 0.0 else 1.0
    if c < 0.0:
        c = 0.0
    if dual_norm * c > l1:
        c = l1 / dual_norm
    g.scale = c
    g.lasso_gap = g.primal - (c * theta_y - 0.5 * c * c * quad)
    g.fenchel_gap = INFINITY
    if l2 > 0.0:
        g.fenchel_gap = g.primal - (theta_y - 0.5 * theta_sq - conjugate)
    g.gap = g.lasso_gap if g.lasso_gap < g.fenchel_gap else g.fenchel_gap


cdef inline Gap logit_gap(const Data* d, const Logistic* f, const ElasticNet* pen,
                          const floating* Xv, const index_t* Xi, const index_t* Xp,
                          const Py_ssize_t* feats, Py_ssize_t n_feats, const double* w,
                          const double* theta, double* z, bint z_known, double norm_floor,
                          bint bound) noexcept nogil:
    """The logistic gap at the state w and the dual point θ.

    The cached probabilities and value must be those of the state (``logit_refresh``).
    Arguments as for the quadratic gap; θ must be y − p for probabilities p
    (S-centered with an intercept, S-orthogonal to the unpenalized features'
    columns: ``logit_block_dual_point``), so that y − cθ stays in [0, 1] for the
    scales c ∈ [0, 1] used here. The radius: the entropy is 4-strongly
    concave in ‖·‖_S, so √(gap/2); the augmented coordinates of the
    lasso-type point are only 1-strongly concave, so √(2·gap) there when l2 > 0.
    ``bound`` lets the dual value be bounded from the last one at the same θ
    and a slightly larger scale (``logit_dual_value_memo``), for the first
    gap at a new alpha: the gap is then an upper bound, as safe to screen with.
    """
    cdef Py_ssize_t t, j
    cdef double c = 1.0, entropy_full, best
    cdef DualTerms dt
    cdef Gap g
    g.loss = logit_cached_value(f)
    if not z_known:
        for t in range(n_feats):
            j = feats[t]
            z[j] = col_dot(d, Xv, Xi, Xp, j, theta)
    # unpenalized features: θ was projected (``logit_block_dual_point``) unless
    # their correlations say otherwise
    dt = enet_dual_terms(pen, feats, n_feats, w, z, norm_floor,
                         f.n_unpen == 0 or logit_block_feasible(d, f, z, w, pen.positive))
    g.primal = g.loss + pen.l1 * dt.l1_norm + 0.5 * pen.l2 * dt.l2_norm
    g.kkt = dt.kkt_max / pen.l1 - 1.0 if pen.l1 > 0.0 else 0.0
    if dt.dual_norm > pen.l1:
        c = pen.l1 / dt.dual_norm
    # only the entropies needed (a pass over the samples each)
    entropy_full = 0.0
    if c == 1.0 or pen.l2 > 0.0:
        entropy_full = logit_dual_value_memo(d, f, theta, 1.0, bound)
    g.scale = c
    g.lasso_gap = g.primal - ((entropy_full if c == 1.0
                               else logit_dual_value_memo(d, f, theta, c, bound))
                              - 0.5 * c * c * pen.l2 * dt.l2_norm)
    g.fenchel_gap = INFINITY
    if pen.l2 > 0.0:
        g.fenchel_gap = g.primal - (entropy_full - dt.conjugate)
    if dt.infeasible:
        g.lasso_gap = INFINITY
        g.fenchel_gap = INFINITY
    if g.fenchel_gap < g.lasso_gap:
        g.gap = g.fenchel_gap
        g.radius = sqrt(0.5 * g.gap) if g.gap > 0.0 else 0.0
    else:
        g.gap = g.lasso_gap
        best = 0.5 * g.gap if pen.l2 == 0.0 else 2.0 * g.gap
        g.radius = sqrt(best) if best > 0.0 else 0.0
    return g
