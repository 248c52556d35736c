# The quadratic datafit F(w) = ½ Σ_i s_i R_i², R = y_c − X̄ w (n times the
# user-facing loss), with implicit centering: the state is r = y_c − X w and
# one scalar offset = mᵀw, so that R = r + offset and a coordinate step touches
# only the stored entries of its column.
#
# What a datafit gives the solver: the coordinate gradient and its Lipschitz
# constant, the state update of a coordinate move, its value, the pieces of its
# conjugate at a dual point θ (any S-centered n-vector), the projection that
# makes θ feasible for unpenalized features, and the Gap Safe radius (the dual
# is 1-strongly concave in ‖·‖_S: radius √(2·gap)).
from libc.math cimport sqrt

from ._columns cimport Data, col_axpy
from ._fused cimport floating, index_t
from ._linalg cimport solve_small


cdef struct Quadratic:
    const double* y         # centered target y_c
    Py_ssize_t n_unpen      # unpenalized features (penalty factor 0)
    const Py_ssize_t* unpen
    const double* cross     # cross[j * n_unpen + a] = x̄_jᵀ S x̄_{unpen[a]}
    const double* y_unpen   # x̄_{unpen[a]}ᵀ S y_c
    double* scratch         # n_unpen² + n_unpen doubles for the projection
    Py_ssize_t* act         # n_unpen indices for the projection


cdef inline double quad_gradient(const Data* d, Py_ssize_t j, double xr,
                                 double offset) noexcept nogil:
    """x̄_jᵀSR from xr = x_jᵀSr: with R = r + offset and Σ_i s_i R_i = 0 (R is centered)."""
    return xr + d.weight_sum * d.mean[j] * offset


cdef inline double quad_lipschitz(const Data* d, Py_ssize_t j) noexcept nogil:
    return d.sq_norm[j]


cdef inline void quad_move(const Data* d, const floating* Xv, const index_t* Xi,
                           const index_t* Xp, Py_ssize_t j, double delta, double* r,
                           double* offset) noexcept nogil:
    """The state after w_j += delta."""
    col_axpy(d, Xv, Xi, Xp, j, delta, r)
    offset[0] += delta * d.mean[j]


cdef inline double quad_rss(const Data* d, const double* r, double offset) noexcept nogil:
    """Σ_i s_i R_i² (twice the value)."""
    cdef Py_ssize_t i
    cdef double Ri, rss = 0.0
    for i in range(d.n_samples):
        Ri = r[i] + offset
        rss += (d.sw[i] * Ri * Ri) if d.weighted else Ri * Ri
    return rss


cdef inline void quad_moments(const Data* d, const Quadratic* f, const double* r,
                              double offset, const double* theta, double* rss,
                              double* theta_sq, double* theta_y) noexcept nogil:
    """Σ s R², and the conjugate's pieces ‖θ‖²_S and θᵀSy_c, in one pass."""
    cdef Py_ssize_t i
    cdef double Ri, si, a = 0.0, b = 0.0, c = 0.0
    for i in range(d.n_samples):
        Ri = r[i] + offset
        si = d.sw[i] if d.weighted else 1.0
        a += si * Ri * Ri
        b += si * theta[i] * theta[i]
        c += si * theta[i] * f.y[i]
    rss[0] = a
    theta_sq[0] = b
    theta_y[0] = c


cdef inline double quad_safe_radius(double gap) noexcept nogil:
    """Radius of the Gap Safe sphere: the dual is 1-strongly concave in ‖·‖_S."""
    return sqrt(2.0 * gap) if gap > 0.0 else 0.0


cdef inline void quad_project_unpenalized(const Quadratic* f, bint positive,
                                          const Py_ssize_t* feats, Py_ssize_t n_feats,
                                          const double* w, double* z, double* theta_sq,
                                          double* theta_y) noexcept nogil:
    """Replace θ by θ − X̄_A c, c = (X̄_AᵀSX̄_A)⁻¹ X̄_AᵀSθ, on the unpenalized set A.

    Dual feasibility requires x̄_jᵀSθ = 0 for an unpenalized j. Works on
    correlations only: z, ‖θ‖²_S and θᵀSy follow from the precomputed cross
    products, so θ itself is never formed. With ``positive``, A holds the
    unpenalized features that are nonzero.
    """
    cdef Py_ssize_t k = f.n_unpen, m = 0, a, b, t, j
    cdef Py_ssize_t* act = f.act
    cdef double* G = f.scratch
    cdef double* coef = f.scratch + k * k
    cdef double zc = 0.0, cgc = 0.0, yc = 0.0, trace = 0.0, acc
    for a in range(k):
        if not positive or w[f.unpen[a]] > 0.0:
            act[m] = a
            m += 1
    for a in range(m):
        for b in range(m):
            G[a * m + b] = f.cross[f.unpen[act[a]] * k + act[b]]
        trace += G[a * m + a]
        coef[a] = z[f.unpen[act[a]]]
    for a in range(m):
        G[a * m + a] += 1e-12 * trace  # duplicate unpenalized columns make G singular
    if m > 0 and solve_small(G, coef, m):
        for a in range(m):
            zc += coef[a] * z[f.unpen[act[a]]]
            yc += coef[a] * f.y_unpen[act[a]]
            acc = 0.0
            for b in range(m):
                acc += f.cross[f.unpen[act[a]] * k + act[b]] * coef[b]
            cgc += coef[a] * acc
        theta_sq[0] += cgc - 2.0 * zc
        theta_y[0] -= yc
        for t in range(n_feats):
            j = feats[t]
            acc = 0.0
            for a in range(m):
                acc += f.cross[j * k + act[a]] * coef[a]
            z[j] -= acc
