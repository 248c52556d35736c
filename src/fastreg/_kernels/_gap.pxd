# The duality gap: the certificate every solve stops on, and the point the
# screening tests and working-set priorities are measured from.
#
# Primal P(w) = F(w) + Ω(w) with the quadratic datafit and the elastic net;
# dual D(θ) = θᵀSy_c − ½‖θ‖²_S − Ω*(X̄ᵀSθ). Two dual points are built from
# one S-centered θ, and the smaller gap is kept:
# * θ itself in the Fenchel dual (needs l2 > 0, as Ω* is finite only then);
# * cθ with the best scale c for the lasso-type dual of the augmented design
#   [X̄; √(l2 v) I], whose constraint |x̄_jᵀSθ − l2 v_j w_j| ≤ l1 v_j bounds c.
# The gap itself is computed by ``_gap`` in _solver.pyx.
from ._quadratic cimport quad_safe_radius


cdef struct Gap:
    double primal
    double rss              # Σ s_i R_i²
    double gap              # best gap over the two dual points
    double lasso_gap        # gap of the rescaled (lasso-type) dual point
    double fenchel_gap      # gap of the unscaled dual point (needs l2 > 0)
    double scale            # scaling of the lasso-type dual point
    double kkt              # max relative KKT violation of a zero coefficient


cdef inline double safe_radius(const Gap* g) noexcept nogil:
    """Radius of the Gap Safe sphere around the better of the two dual points."""
    return quad_safe_radius(g.fenchel_gap if g.fenchel_gap < g.lasso_gap else g.lasso_gap)
