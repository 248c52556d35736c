# Coordinate descent on a quadratic: one cyclic epoch over a list of features.
# The quadratic datafit's working-set solver runs it in blocks (_solver.pyx);
# the logistic datafit runs it on each Newton model (_newton.pxd).
from libc.math cimport sqrt

from ._columns cimport Data, col_dot, col_dot_pair
from ._enet cimport ElasticNet, enet_prox
from ._fused cimport floating, index_t
from ._quadratic cimport quad_gradient, quad_lipschitz, quad_move


cdef inline double cd_epoch(const Data* d, const ElasticNet* pen, const floating* Xv,
                            const index_t* Xi, const index_t* Xp, const Py_ssize_t* ws,
                            Py_ssize_t n_ws, double* w, double* r, double* offset,
                            const double* theta, double* z) noexcept nogil:
    """One cyclic pass over the working set; returns max |Δw_j|² · ‖x̄_j‖².

    Given a dual point θ (else NULL), also fills z[j] = x̄_jᵀSθ for j in the
    working set, reading each column once for both products.
    """
    cdef Py_ssize_t t, j
    cdef double wj, new, delta, change, xr, max_change = 0.0
    for t in range(n_ws):
        j = ws[t]
        if quad_lipschitz(d, j) == 0.0:
            if theta != NULL:
                z[j] = 0.0
            continue  # constant column: its coefficient stays 0
        wj = w[j]
        if theta != NULL:
            xr = col_dot_pair(d, Xv, Xi, Xp, j, r, theta, &z[j])
        else:
            xr = col_dot(d, Xv, Xi, Xp, j, r)
        new = enet_prox(pen, j, wj, quad_gradient(d, j, xr, offset[0]), quad_lipschitz(d, j))
        if new != wj:
            delta = new - wj
            quad_move(d, Xv, Xi, Xp, j, delta, r, offset)
            w[j] = new
            change = delta * delta * quad_lipschitz(d, j)
            if change > max_change:
                max_change = change
    return max_change


cdef inline void residual_into(const Data* d, const double* r, double offset,
                                double* theta) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(d.n_samples):
        theta[i] = r[i] + offset


cdef inline double s_distance(const Data* d, const double* u, const double* v) noexcept nogil:
    """‖u − v‖_S."""
    cdef Py_ssize_t i
    cdef double diff, acc = 0.0
    for i in range(d.n_samples):
        diff = u[i] - v[i]
        acc += (d.sw[i] * diff * diff) if d.weighted else diff * diff
    return sqrt(acc)
