"""Jacobi-preconditioned conjugate gradients for Ridge, without forming X'X.

Notation: S = diag(s) are the sample weights (W = √S; the solvers take
``sqrt_weights`` = √s, ``dual_diagonal`` takes ``sample_weight`` = s), m the weighted column
means, Xc = X − 1mᵀ the implicitly centered design (X itself is never
centered or copied: products with Xc are products with X plus a rank-one
correction), and pen_j = nα v_j.

* normal equations (p unknowns):  (XcᵀSXc + diag(pen)) β = XcᵀS yc
* dual equations (n unknowns):    (W Xc C Xcᵀ W + nα I) c = W yc,  β = C XcᵀW c,
  with C = diag(1/v).

Both stop on the *primal* relative KKT residual
‖XcᵀS(yc − Xcβ) − nα v∘β‖ / ‖XcᵀS yc‖ ≤ tol, recomputed from scratch before
a solve is declared converged (the CG recursion drifts). X is dense
(Fortran) or CSC; float32 values are read as they are and accumulated in
float64. One iteration costs one pass over X for X·v and one for Xᵀ·u.
"""

import numpy as np

from libc.math cimport sqrt

from ._blas cimport gemv
from ._fused cimport floating, index_t
from ._sums cimport dot


cdef inline const double* _ptr_or_null(const double[::1] a) noexcept nogil:
    return &a[0] if a.shape[0] > 0 else NULL


cdef struct _Centering:
    # How Xc and W enter the products (NULL: none / unit weights).
    const double* x_mean        # column means m
    const double* sqrt_weights  # √s
    const double* ones          # n ones, so that 1ᵀu is a dot product


cdef _Centering _centering(const double[::1] x_mean, const double[::1] sqrt_weights,
                           const double[::1] ones):
    """The centering of the arrays given; they must outlive its use."""
    cdef _Centering c
    c.x_mean = _ptr_or_null(x_mean)
    c.sqrt_weights = _ptr_or_null(sqrt_weights)
    c.ones = &ones[0]
    return c


cdef void _x_mul(const floating[::1, :] X, const floating[::1] data,
                 const index_t[::1] indices, const index_t[::1] indptr,
                 Py_ssize_t n, Py_ssize_t p, const double* v, double* u) noexcept nogil:
    """u = X v."""
    cdef Py_ssize_t i, j, k
    cdef double vj
    if floating is double:
        if indptr.shape[0] == 0:
            gemv(b'N', <int> n, <int> p, 1.0, &X[0, 0], <int> n, v, 0.0, u)
            return
    for i in range(n):
        u[i] = 0.0
    if indptr.shape[0] > 0:
        for j in range(p):
            vj = v[j]
            if vj != 0.0:
                for k in range(indptr[j], indptr[j + 1]):
                    u[indices[k]] += data[k] * vj
    else:
        for j in range(p):
            vj = v[j]
            if vj != 0.0:
                for i in range(n):
                    u[i] += X[i, j] * vj


cdef void _xt_mul(const floating[::1, :] X, const floating[::1] data,
                  const index_t[::1] indices, const index_t[::1] indptr,
                  Py_ssize_t n, Py_ssize_t p, const double* u, double* v) noexcept nogil:
    """v = Xᵀ u."""
    cdef Py_ssize_t j, k
    cdef double acc
    if floating is double:
        if indptr.shape[0] == 0:
            gemv(b'T', <int> n, <int> p, 1.0, &X[0, 0], <int> n, u, 0.0, v)
            return
    if indptr.shape[0] > 0:
        for j in range(p):
            acc = 0.0
            for k in range(indptr[j], indptr[j + 1]):
                acc += data[k] * u[indices[k]]
            v[j] = acc
    else:
        for j in range(p):
            v[j] = dot(&X[0, j], u, n)


cdef void _xc_mul(const floating[::1, :] X, const floating[::1] data,
                  const index_t[::1] indices, const index_t[::1] indptr,
                  Py_ssize_t n, Py_ssize_t p, const _Centering* c,
                  const double* v, double* u) noexcept nogil:
    """u = W Xc v."""
    cdef Py_ssize_t i
    cdef double shift
    _x_mul(X, data, indices, indptr, n, p, v, u)
    if c.x_mean != NULL:
        shift = dot(c.x_mean, v, p)
        for i in range(n):
            u[i] -= shift
    if c.sqrt_weights != NULL:
        for i in range(n):
            u[i] *= c.sqrt_weights[i]


cdef void _xct_mul(const floating[::1, :] X, const floating[::1] data,
                   const index_t[::1] indices, const index_t[::1] indptr,
                   Py_ssize_t n, Py_ssize_t p, const _Centering* c,
                   const double* u, double* v, double* scratch) noexcept nogil:
    """v = Xcᵀ W u; ``scratch`` (length n) holds W u when weighted."""
    cdef Py_ssize_t i, j
    cdef const double* wu = u
    cdef double total
    if c.sqrt_weights != NULL:
        for i in range(n):
            scratch[i] = c.sqrt_weights[i] * u[i]
        wu = scratch
    _xt_mul(X, data, indices, indptr, n, p, wu, v)
    if c.x_mean != NULL:
        total = dot(wu, c.ones, n)
        for j in range(p):
            v[j] -= c.x_mean[j] * total


cdef void _normal_apply(const floating[::1, :] X, const floating[::1] data,
                        const index_t[::1] indices, const index_t[::1] indptr,
                        Py_ssize_t n, Py_ssize_t p, const _Centering* c,
                        const double* pen, const double* v, double* q, double* u,
                        double* scratch) noexcept nogil:
    """q = (XcᵀSXc + diag(pen)) v, as Xcᵀ W (W Xc v)."""
    cdef Py_ssize_t j
    _xc_mul(X, data, indices, indptr, n, p, c, v, u)
    _xct_mul(X, data, indices, indptr, n, p, c, u, q, scratch)
    for j in range(p):
        q[j] += pen[j] * v[j]


cdef void _dual_apply(const floating[::1, :] X, const floating[::1] data,
                      const index_t[::1] indices, const index_t[::1] indptr,
                      Py_ssize_t n, Py_ssize_t p, const _Centering* cen,
                      const double* colscale, double nalpha, const double* c, double* q,
                      double* g, double* scratch) noexcept nogil:
    """q = (W Xc C Xcᵀ W + nα I) c; g (length p) receives C Xcᵀ W c."""
    cdef Py_ssize_t i, j
    _xct_mul(X, data, indices, indptr, n, p, cen, c, g, scratch)
    for j in range(p):
        g[j] *= colscale[j]
    _xc_mul(X, data, indices, indptr, n, p, cen, g, q)
    for i in range(n):
        q[i] += nalpha * c[i]


cdef double _normal_residual(const floating[::1, :] X, const floating[::1] data,
                             const index_t[::1] indices, const index_t[::1] indptr,
                             Py_ssize_t n, Py_ssize_t p, const _Centering* c,
                             const double* pen, const double* coef, const double* b,
                             double* resid, double* q, double* u,
                             double* scratch) noexcept nogil:
    """resid = b − (XcᵀSXc + diag(pen)) coef from scratch; returns ‖resid‖."""
    cdef Py_ssize_t j
    _normal_apply(X, data, indices, indptr, n, p, c, pen, coef, q, u, scratch)
    for j in range(p):
        resid[j] = b[j] - q[j]
    return sqrt(dot(resid, resid, p))


cdef double _dual_kkt_norm(const floating[::1, :] X, const floating[::1] data,
                           const index_t[::1] indices, const index_t[::1] indptr,
                           Py_ssize_t n, Py_ssize_t p, const _Centering* cen,
                           const double* resid, double* g, double* scratch) noexcept nogil:
    """‖Xcᵀ W resid‖, the primal KKT residual of a dual residual (g receives Xcᵀ W resid)."""
    _xct_mul(X, data, indices, indptr, n, p, cen, resid, g, scratch)
    return sqrt(dot(g, g, p))


cdef double _dual_residual(const floating[::1, :] X, const floating[::1] data,
                           const index_t[::1] indices, const index_t[::1] indptr,
                           Py_ssize_t n, Py_ssize_t p, const _Centering* cen,
                           const double* colscale, double nalpha, const double* c,
                           const double* t, double* resid, double* q, double* g,
                           double* scratch, double* rnorm) noexcept nogil:
    """resid = t − (W Xc C Xcᵀ W + nα I) c from scratch, ‖resid‖ in ``rnorm``;
    returns its primal KKT residual ‖Xcᵀ W resid‖."""
    cdef Py_ssize_t i
    _dual_apply(X, data, indices, indptr, n, p, cen, colscale, nalpha, c, q, g, scratch)
    for i in range(n):
        resid[i] = t[i] - q[i]
    rnorm[0] = sqrt(dot(resid, resid, n))
    return _dual_kkt_norm(X, data, indices, indptr, n, p, cen, resid, g, scratch)


# Steps of Jacobi-preconditioned CG shared by the primal and dual solvers
# (which differ in their operator and in what they check for convergence).

cdef inline double _cg_restart(const double* inv_diag, const double* resid, double* z,
                               double* d, Py_ssize_t m) noexcept nogil:
    """z = d = M⁻¹ resid; returns residᵀz."""
    cdef Py_ssize_t i
    for i in range(m):
        z[i] = inv_diag[i] * resid[i]
        d[i] = z[i]
    return dot(resid, z, m)


cdef inline void _cg_move(double* x, double* resid, const double* d, const double* q,
                          double step, Py_ssize_t m) noexcept nogil:
    """x += step d, resid −= step q (q = A d)."""
    cdef Py_ssize_t i
    for i in range(m):
        x[i] += step * d[i]
        resid[i] -= step * q[i]


cdef inline double _cg_direction(const double* inv_diag, const double* resid, double* z,
                                 double* d, double rz, Py_ssize_t m) noexcept nogil:
    """z = M⁻¹ resid, d = z + (residᵀz / rz) d; returns the new residᵀz."""
    cdef Py_ssize_t i
    cdef double rz_new
    for i in range(m):
        z[i] = inv_diag[i] * resid[i]
    rz_new = dot(resid, z, m)
    for i in range(m):
        d[i] = z[i] + (rz_new / rz) * d[i]
    return rz_new


def cg_normal(const floating[::1, :] X, const floating[::1] data, const index_t[::1] indices,
              const index_t[::1] indptr, Py_ssize_t n, const double[::1] sqrt_weights,
              const double[::1] x_mean, const double[::1] pen, const double[::1] inv_diag,
              const double[::1] b, double[::1] coef, double[::1] resid, double tol,
              int max_iter):
    """Solve (XcᵀSXc + diag(pen)) coef = b, warm-started from ``coef``.

    Parameters
    ----------
    X, data, indices, indptr : dense X or CSC arrays (the unused ones empty)
    n : number of samples
    sqrt_weights : √s, square roots of the sample weights (empty: unit weights)
    x_mean : column means used for implicit centering (empty: none)
    pen : nα v, the diagonal penalty
    inv_diag : inverse of the Jacobi preconditioner diag(XcᵀSXc) + pen
    b : right-hand side XcᵀS yc
    coef : initial guess, overwritten by the solution
    resid : receives the final true residual b − A coef
    tol, max_iter : stop when ‖resid‖ ≤ tol ‖b‖ or after max_iter products

    Returns
    -------
    n_iter : int
        Number of products with the system matrix.
    rel_residual : float
        ‖resid‖ / ‖b‖ (0 when b = 0).
    """
    cdef Py_ssize_t p = b.shape[0], j
    cdef double[::1] d = np.zeros(p), z = np.empty(p), q = np.empty(p)
    cdef double[::1] u = np.empty(n), scratch = np.empty(n)
    cdef double[::1] ones = np.ones(n)
    cdef _Centering cen = _centering(x_mean, sqrt_weights, ones)
    cdef double bnorm, thr, rnorm, rz = 0.0, dq
    cdef int n_iter = 0
    cdef bint fresh = True, restart = True
    with nogil:
        bnorm = sqrt(dot(&b[0], &b[0], p))
        if bnorm == 0.0:
            for j in range(p):
                coef[j] = 0.0
                resid[j] = 0.0
        else:
            thr = tol * bnorm
            if dot(&coef[0], &coef[0], p) > 0.0:
                rnorm = _normal_residual(X, data, indices, indptr, n, p, &cen, &pen[0],
                                         &coef[0], &b[0], &resid[0], &q[0], &u[0], &scratch[0])
            else:
                for j in range(p):
                    resid[j] = b[j]          # cold start: the residual is b
                rnorm = sqrt(dot(&resid[0], &resid[0], p))
            while rnorm > thr and n_iter < max_iter:
                if restart:
                    rz = _cg_restart(&inv_diag[0], &resid[0], &z[0], &d[0], p)
                    restart = False
                _normal_apply(X, data, indices, indptr, n, p, &cen, &pen[0], &d[0], &q[0],
                              &u[0], &scratch[0])
                n_iter += 1
                dq = dot(&d[0], &q[0], p)
                if not dq > 0.0:
                    break  # d is in the null space of a singular system: no progress possible
                _cg_move(&coef[0], &resid[0], &d[0], &q[0], rz / dq, p)
                fresh = False
                rnorm = sqrt(dot(&resid[0], &resid[0], p))
                if rnorm <= thr or n_iter >= max_iter:
                    # Confirm with the true residual; restart from it if the recursion drifted.
                    rnorm = _normal_residual(X, data, indices, indptr, n, p, &cen, &pen[0],
                                             &coef[0], &b[0], &resid[0], &q[0], &u[0],
                                             &scratch[0])
                    fresh = True
                    restart = True
                    continue
                rz = _cg_direction(&inv_diag[0], &resid[0], &z[0], &d[0], rz, p)
            if not fresh:
                rnorm = _normal_residual(X, data, indices, indptr, n, p, &cen, &pen[0],
                                         &coef[0], &b[0], &resid[0], &q[0], &u[0], &scratch[0])
    return n_iter, (rnorm / bnorm if bnorm > 0.0 else 0.0)


def cg_dual(const floating[::1, :] X, const floating[::1] data, const index_t[::1] indices,
            const index_t[::1] indptr, Py_ssize_t n, const double[::1] sqrt_weights,
            const double[::1] x_mean, const double[::1] colscale, double nalpha,
            const double[::1] inv_diag, const double[::1] t, double b_norm, double[::1] c,
            double[::1] coef, double[::1] resid, double tol, int max_iter, int check_every):
    """Solve (W Xc C Xcᵀ W + nα I) c = t and return β = C XcᵀW c in ``coef``.

    Parameters
    ----------
    X, data, indices, indptr, n, sqrt_weights, x_mean : as in :func:`cg_normal`
    colscale : C = 1 / v (all penalty factors must be positive)
    nalpha : nα
    inv_diag : inverse of the Jacobi preconditioner diag(W Xc C Xcᵀ W) + nα
    t : W yc
    b_norm : ‖XcᵀS yc‖, the scale of the primal KKT residual
    c : initial dual guess, overwritten by the solution
    coef : receives β
    resid : receives the final dual residual t − (K + nα I) c
    tol, max_iter : as in :func:`cg_normal`, on the primal KKT residual
        Xcᵀ W resid, which costs an extra pass over X; it is evaluated every
        ``check_every`` iterations or earlier when extrapolation from the last
        evaluation predicts convergence.

    Returns
    -------
    n_iter : int
    rel_residual : float
        Primal relative KKT residual ‖XcᵀW resid‖ / b_norm.
    """
    cdef Py_ssize_t p = colscale.shape[0], i
    cdef double[::1] d = np.zeros(n), z = np.empty(n), q = np.empty(n)
    cdef double[::1] g = np.empty(p), scratch = np.empty(n)
    cdef double[::1] ones = np.ones(n)
    cdef _Centering cen = _centering(x_mean, sqrt_weights, ones)
    cdef double thr, rnorm, gnorm, ratio, rz = 0.0, dq
    cdef int n_iter = 0, last_check = 0
    cdef bint fresh = True, restart = True, check
    with nogil:
        if b_norm == 0.0:
            for i in range(n):
                c[i] = 0.0
                resid[i] = 0.0
            for i in range(p):
                coef[i] = 0.0
            gnorm = 0.0
        else:
            thr = tol * b_norm
            gnorm = _dual_residual(X, data, indices, indptr, n, p, &cen, &colscale[0], nalpha,
                                   &c[0], &t[0], &resid[0], &q[0], &g[0], &scratch[0], &rnorm)
            ratio = gnorm / rnorm if rnorm > 0.0 else 0.0
            while gnorm > thr and n_iter < max_iter:
                if restart:
                    rz = _cg_restart(&inv_diag[0], &resid[0], &z[0], &d[0], n)
                    restart = False
                _dual_apply(X, data, indices, indptr, n, p, &cen, &colscale[0], nalpha,
                            &d[0], &q[0], &g[0], &scratch[0])
                n_iter += 1
                dq = dot(&d[0], &q[0], n)
                if not dq > 0.0:
                    break
                _cg_move(&c[0], &resid[0], &d[0], &q[0], rz / dq, n)
                fresh = False
                rnorm = sqrt(dot(&resid[0], &resid[0], n))
                check = (ratio * rnorm <= thr or n_iter - last_check >= check_every
                         or n_iter >= max_iter)
                if check:
                    gnorm = _dual_kkt_norm(X, data, indices, indptr, n, p, &cen, &resid[0],
                                           &g[0], &scratch[0])
                    ratio = gnorm / rnorm if rnorm > 0.0 else 0.0
                    last_check = n_iter
                    if gnorm <= thr or n_iter >= max_iter:
                        # Confirm with the true residual before stopping.
                        gnorm = _dual_residual(X, data, indices, indptr, n, p, &cen,
                                               &colscale[0], nalpha, &c[0], &t[0], &resid[0],
                                               &q[0], &g[0], &scratch[0], &rnorm)
                        fresh = True
                        restart = True
                        continue
                rz = _cg_direction(&inv_diag[0], &resid[0], &z[0], &d[0], rz, n)
            if not fresh:
                gnorm = _dual_residual(X, data, indices, indptr, n, p, &cen, &colscale[0], nalpha,
                                       &c[0], &t[0], &resid[0], &q[0], &g[0], &scratch[0],
                                       &rnorm)
            # β = C Xcᵀ W c
            _xct_mul(X, data, indices, indptr, n, p, &cen, &c[0], &coef[0], &scratch[0])
            for i in range(p):
                coef[i] *= colscale[i]
    return n_iter, (gnorm / b_norm if b_norm > 0.0 else 0.0)


def dual_diagonal(const floating[::1, :] X, const floating[::1] data,
                  const index_t[::1] indices, const index_t[::1] indptr, Py_ssize_t n,
                  const double[::1] sample_weight, const double[::1] x_mean,
                  const double[::1] colscale, double[::1] out):
    """out_i = s_i Σ_j c_j (x_ij − m_j)², the diagonal of the dual matrix W Xc C Xcᵀ W.

    ``sample_weight`` are the weights s (empty: unit), ``x_mean`` may be empty (no
    centering), c = ``colscale``. Implicit zeros of sparse columns contribute
    c_j m_j², added in closed form.
    """
    cdef Py_ssize_t p = colscale.shape[0], i, j, k
    cdef bint centered = x_mean.shape[0] > 0
    cdef double m, cj, x, base = 0.0
    with nogil:
        for i in range(n):
            out[i] = 0.0
        if indptr.shape[0] > 0:
            for j in range(p):
                m = x_mean[j] if centered else 0.0
                cj = colscale[j]
                base += cj * m * m
                for k in range(indptr[j], indptr[j + 1]):
                    x = data[k]
                    # (x − m)² − m²: the stored entry's excess over an implicit zero
                    out[indices[k]] += cj * x * (x - 2.0 * m)
            for i in range(n):
                out[i] += base
        else:
            for j in range(p):
                m = x_mean[j] if centered else 0.0
                cj = colscale[j]
                for i in range(n):
                    x = X[i, j] - m
                    out[i] += cj * x * x
        if sample_weight.shape[0] > 0:
            for i in range(n):
                out[i] *= sample_weight[i]


def cg_multishift(const floating[::1, :] X, const floating[::1] data,
                  const index_t[::1] indices, const index_t[::1] indptr, Py_ssize_t n,
                  const double[::1] sqrt_weights, const double[::1] x_mean, const double[::1] vscale,
                  const double[::1] shifts, const double[::1] b, double[:, ::1] coefs,
                  int[::1] n_iter, double[::1] rel, double tol, int max_iter):
    """Solve (XcᵀSXc + σ_s V) β_s = b for every shift σ_s = nα_s from one Krylov sequence.

    Shifted systems share their Krylov subspace, so conjugate gradients on
    the most difficult one (the smallest shift, the "seed") yields every
    other solution with O(p) extra work per shift and iteration ("multi-shift
    CG"); the residual of shift s is ζ_s times the seed residual, so its KKT
    residual is known without a product with X. No preconditioner can be
    used (it would break the shift structure); V is absorbed by the change of
    variables γ = V^½ β, which requires every v_j > 0.

    Parameters
    ----------
    X, data, indices, indptr, n, sqrt_weights, x_mean : as in :func:`cg_normal`
    vscale : v^-½ (empty: all penalty factors 1)
    shifts : (m,) nα_s, any order
    b : right-hand side XcᵀS yc
    coefs : (m, p) output, β_s (zero start)
    n_iter : (m,) output, iteration at which each shift converged
    rel : (m,) output, relative KKT residual estimated by the recursion
    tol, max_iter : stop shift s when its residual ≤ tol ‖b‖

    Returns
    -------
    n_seed : int
        Products with the system matrix (iterations of the seed system).
    """
    cdef Py_ssize_t p = b.shape[0], m = shifts.shape[0], j, s, s0 = 0
    cdef double[:, ::1] P = np.empty((m, p))
    cdef double[::1] r = np.empty(p), d = np.empty(p), q = np.empty(p), t = np.empty(p)
    cdef double[::1] pen = np.empty(p), u = np.empty(n), scratch = np.empty(n)
    cdef double[::1] zeta = np.ones(m), zeta_prev = np.ones(m)
    cdef char[::1] active = np.ones(m, dtype=np.int8)
    cdef double[::1] ones = np.ones(n)
    cdef _Centering cen = _centering(x_mean, sqrt_weights, ones)
    cdef bint scaled = vscale.shape[0] > 0
    cdef double sigma0, bnorm, thr, rr, rr_new, rv, dq, step, beta, step_prev = 1.0
    cdef double beta_prev = 0.0, delta, zn, zs, step_s, beta_s, vs
    cdef int k = 0, n_active = m
    for s in range(m):
        if shifts[s] < shifts[s0]:
            s0 = s
    sigma0 = shifts[s0]
    with nogil:
        bnorm = sqrt(dot(&b[0], &b[0], p))
        thr = tol * bnorm
        for j in range(p):
            vs = vscale[j] if scaled else 1.0
            r[j] = vs * b[j]                 # seed residual in γ = V^½ β coordinates
            d[j] = r[j]
            pen[j] = sigma0 / (vs * vs)      # σ0 v_j, so that vs∘(A + σ0 V)(vs∘d) = M d + σ0 d
        for s in range(m):
            n_iter[s] = 0
            for j in range(p):
                coefs[s, j] = 0.0
                P[s, j] = r[j]
        rr = dot(&r[0], &r[0], p)
        if bnorm == 0.0:
            n_active = 0
        while n_active > 0 and k < max_iter:
            for j in range(p):
                t[j] = (vscale[j] if scaled else 1.0) * d[j]
            _normal_apply(X, data, indices, indptr, n, p, &cen, &pen[0], &t[0], &q[0], &u[0],
                          &scratch[0])
            if scaled:
                for j in range(p):
                    q[j] *= vscale[j]
            k += 1
            dq = dot(&d[0], &q[0], p)
            if not dq > 0.0:
                break
            step = rr / dq
            for j in range(p):
                r[j] -= step * q[j]
            rr_new = dot(&r[0], &r[0], p)
            beta = rr_new / rr
            rv = 0.0                          # ‖V^½ r‖: the KKT residual in β coordinates
            for j in range(p):
                vs = vscale[j] if scaled else 1.0
                rv += (r[j] / vs) * (r[j] / vs)
            rv = sqrt(rv)
            for s in range(m):
                if not active[s]:
                    continue
                delta = shifts[s] - sigma0
                zs = zeta[s]
                zn = zs * zeta_prev[s] * step_prev / (
                    step * beta_prev * (zeta_prev[s] - zs)
                    + zeta_prev[s] * step_prev * (1.0 + step * delta))
                step_s = step * zn / zs
                beta_s = beta * (zn / zs) * (zn / zs)
                for j in range(p):
                    coefs[s, j] += step_s * P[s, j]
                    P[s, j] = zn * r[j] + beta_s * P[s, j]
                zeta_prev[s] = zs
                zeta[s] = zn
                if zn * rv <= thr or zn == 0.0 or zn != zn:
                    active[s] = 0
                    n_active -= 1
                    n_iter[s] = k
                    rel[s] = zn * rv / bnorm
            for j in range(p):
                d[j] = r[j] + beta * d[j]
            step_prev = step
            beta_prev = beta
            rr = rr_new
        for s in range(m):
            if bnorm == 0.0:
                rel[s] = 0.0
            elif active[s]:
                n_iter[s] = k
                rel[s] = zeta[s] * rv / bnorm if k > 0 else 1.0
            if scaled:
                for j in range(p):
                    coefs[s, j] *= vscale[j]
    return k
