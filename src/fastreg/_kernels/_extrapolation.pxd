# Extrapolation of a block of support sweeps: dual points and primal iterates.
#
# Once the support is fixed, coordinate descent is a linear iteration whose
# error is dominated by a few slow modes; the affine combination of the last
# iterates that best cancels their successive differences removes them.
# Applied to the residuals it gives a dual point much closer to the optimum
# than the last residual (celer's dual extrapolation); applied to the
# coefficients, an Anderson step (kept only when it lowers the objective).
from libc.string cimport memcpy

from ._columns cimport Data
from ._enet cimport ElasticNet, enet_value
from ._fused cimport floating, index_t
from ._linalg cimport solve_small
from ._quadratic cimport quad_move, quad_rss
from ._sums cimport dot

cdef enum:
    SWEEPS = 5  # most support sweeps per block (the block's residuals are extrapolated)
    CHUNK = 512  # rows per block of the Gram products (all m rows' blocks stay in L1)


cdef struct History:
    # One block of support sweeps. Row 0 holds the last recorded iterate, row
    # k ≥ 1 the difference between iterates k and k − 1: extrapolation needs
    # only differences, and storing them saves forming each one again per
    # product of the Gram matrix.
    double* r                   # (SWEEPS + 1) × n: residuals R = r + offset
    double offset[SWEEPS + 1]   # the offset of each iterate
    double* w                   # (SWEEPS + 1) × n_act: support coefficients


cdef inline void record(const Data* d, History* h, Py_ssize_t k, const double* r, double offset,
                        const double* w, const Py_ssize_t* act, Py_ssize_t n_act) noexcept nogil:
    """Store iterate k of the block (k = 0: its start)."""
    cdef Py_ssize_t i, t
    cdef double* last = h.r
    cdef double* diff = h.r + k * d.n_samples
    cdef double v
    h.offset[k] = offset
    if k == 0:
        for i in range(d.n_samples):
            last[i] = r[i] + offset
        for t in range(n_act):
            h.w[t] = w[act[t]]
        return
    for i in range(d.n_samples):
        v = r[i] + offset
        diff[i] = v - last[i]
        last[i] = v
    for t in range(n_act):
        h.w[k * n_act + t] = w[act[t]] - h.w[t]
        h.w[t] = w[act[t]]


cdef inline bint affine_weights(const double* rows, Py_ssize_t stride, Py_ssize_t first,
                                Py_ssize_t m, double* c) noexcept nogil:
    """c (Σ c = 1) minimizing ‖Σ_a c_a d_{first+a}‖ over m stored differences (see History).

    c ∝ (DᵀD)⁻¹ 1 with a small Tikhonov term, as the differences become
    nearly collinear near convergence. Returns False when they vanish.
    """
    cdef double G[SWEEPS * SWEEPS]
    cdef Py_ssize_t a, b, lo, hi
    cdef const double* da
    for a in range(m * m):
        G[a] = 0.0
    # by chunks of rows, so that all m differences' chunks are read from L1
    # (BLAS syrk was measured slower for such thin matrices)
    lo = 0
    while lo < stride:
        hi = lo + CHUNK if lo + CHUNK < stride else stride
        for a in range(m):
            da = rows + (first + a) * stride
            for b in range(a, m):
                G[a * m + b] += dot(da + lo, rows + (first + b) * stride + lo, hi - lo)
        lo = hi
    return _affine_from_gram(G, m, c)


cdef inline bint _affine_from_gram(double* G, Py_ssize_t m, double* c) noexcept nogil:
    """c ∝ (G + 1e-12 tr(G) I)⁻¹ 1, Σ c = 1, from the upper triangle of the m × m G."""
    cdef Py_ssize_t a, b
    cdef double total = 0.0, trace = 0.0
    for a in range(m):
        for b in range(a):
            G[a * m + b] = G[b * m + a]
        trace += G[a * m + a]
        c[a] = 1.0
    if trace == 0.0:
        return False
    for a in range(m):
        G[a * m + a] += 1e-12 * trace
    if not solve_small(G, c, m):
        return False
    for a in range(m):
        total += c[a]
    if total == 0.0:
        return False
    for a in range(m):
        c[a] /= total
    return True


cdef inline bint coef_weights(const ElasticNet* pen, const History* h, const Py_ssize_t* act,
                              Py_ssize_t n_act, Py_ssize_t m, double* c) noexcept nogil:
    """Anderson weights from the coefficient differences 2..m+1 of the block.

    Measured in the metric of the standardized coefficients σ_j w_j when the
    penalty carries a separate L2 factor (σ_j = u_j / v_j under
    standardization), so that the step is the one of the standardized
    problem; in the Euclidean one otherwise.
    """
    cdef double G[SWEEPS * SWEEPS]
    cdef Py_ssize_t a, b, t
    cdef double sig, acc
    cdef const double* da
    cdef const double* db
    if pen.pf2 == pen.pf:
        return affine_weights(h.w, n_act, 2, m, c)
    for a in range(m):
        da = h.w + (2 + a) * n_act
        for b in range(a, m):
            db = h.w + (2 + b) * n_act
            acc = 0.0
            for t in range(n_act):
                sig = pen.pf2[act[t]] / pen.pf[act[t]] if pen.pf[act[t]] > 0.0 else 1.0
                acc += sig * sig * da[t] * db[t]
            G[a * m + b] = acc
    return _affine_from_gram(G, m, c)


cdef inline void combine(const double* rows, Py_ssize_t stride, Py_ssize_t first, Py_ssize_t m,
                         const double* c, double shift, double* out) noexcept nogil:
    """out = Σ_a c_a x_{first+a} − shift for the iterates x_first … x_{first+m−1} = row 0.

    With Σ c = 1, x_{first+a} = x_last − Σ_{k > first+a} d_k gives
    out = x_last − Σ_k (Σ_{a < k−first} c_a) d_k − shift.
    """
    cdef Py_ssize_t i, b
    cdef double weight = 0.0
    cdef const double* dk
    for i in range(stride):
        out[i] = rows[i] - shift
    for b in range(1, m):
        weight += c[b - 1]
        dk = rows + (first + b) * stride
        for i in range(stride):
            out[i] -= weight * dk[i]


cdef inline bint dual_extrapolation(const Data* d, const History* h, Py_ssize_t m,
                                    double* theta) noexcept nogil:
    """θ = Σ_k c_k R_k over the residuals R_1 … R_m of the block's sweeps (S-centered)."""
    cdef double c[SWEEPS]
    if not affine_weights(h.r, d.n_samples, 1, m, c):
        return False
    combine(h.r, d.n_samples, 1, m, c, 0.0, theta)
    return True


cdef inline double objective_on(const Data* d, const ElasticNet* pen, const Py_ssize_t* act,
                                Py_ssize_t n_act, const double* w_act, const double* r,
                                double offset) noexcept nogil:
    """F(w) + Ω(w) for w supported on act, given compactly: w_act[t] is feature act[t]'s."""
    cdef Py_ssize_t t
    cdef double pen_value = 0.0
    for t in range(n_act):
        pen_value += enet_value(pen, act[t], w_act[t])
    return 0.5 * quad_rss(d, r, offset) + pen_value


cdef inline bint anderson_step(const Data* d, const ElasticNet* pen, const floating* Xv,
                               const index_t* Xi, const index_t* Xp, const Py_ssize_t* act,
                               Py_ssize_t n_act, const History* h, Py_ssize_t n_sweeps,
                               double* w, double* r, double* offset, double* r_acc,
                               double* w_acc) noexcept nogil:
    """Anderson-extrapolate w from the block's iterates 2..n_sweeps; keep it if F decreases.

    The weights come from the coefficient differences (``coef_weights``). The residual is
    affine in w, so the extrapolated one is the same combination of the
    stored residuals: no pass over the columns (except to undo the
    clipping of negative coefficients under ``positive``).
    """
    cdef double c[SWEEPS - 1]
    cdef Py_ssize_t a, t, m = n_sweeps - 1
    cdef double offset_acc = 0.0, acc
    if not coef_weights(pen, h, act, n_act, m, c):
        return False
    for a in range(m):
        offset_acc += c[a] * h.offset[a + 2]
    combine(h.r, d.n_samples, 2, m, c, offset_acc, r_acc)
    combine(h.w, n_act, 2, m, c, 0.0, w_acc)
    if pen.positive:
        for t in range(n_act):
            acc = w_acc[t]
            if acc < 0.0:
                w_acc[t] = 0.0
                quad_move(d, Xv, Xi, Xp, act[t], -acc, r_acc, &offset_acc)
    # row 0 of the history is the current iterate
    if (objective_on(d, pen, act, n_act, w_acc, r_acc, offset_acc)
            >= objective_on(d, pen, act, n_act, h.w, r, offset[0])):
        return False
    for t in range(n_act):
        w[act[t]] = w_acc[t]
    memcpy(r, r_acc, d.n_samples * sizeof(double))
    offset[0] = offset_acc
    return True
