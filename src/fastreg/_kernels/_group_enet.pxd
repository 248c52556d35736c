# The group elastic net on blocks of W (p × K, rows contiguous): a block is
# the rows of a group of features, all K columns. With ‖·‖ the Frobenius
# norm (n times the user-facing penalty: l1 = nαρ, l2 = nα(1 − ρ)):
#
#     Ω(W) = Σ_g w_g (l1 ‖W_g‖ + l2/2 ‖W_g‖²)
#
# K = 1 is the group lasso (adelie's scale), groups of size one the
# multi-task lasso (scikit-learn's), both at once the multi-task group lasso.
#
# What a penalty gives the block solver: the prox step of one block with its
# Lipschitz constant, its value, the dual constraint of a block (how close
# ‖X̄_gᵀSθ‖ is to its bound), its conjugate, the Gap Safe test, the
# working-set priority, and whether a block is penalized.
from libc.math cimport sqrt

from ._block_spectra cimport LazySpectra, decompose


cdef struct GroupEnet:
    Py_ssize_t n_tasks      # K
    const Py_ssize_t* ptr   # group g holds the features idx[ptr[g] : ptr[g + 1]]
    const Py_ssize_t* idx
    const double* weight    # w_g (0: unpenalized)
    const double* lipschitz # L_g ≥ λ_max(X̄_gᵀSX̄_g): the step of a one-feature block (its
                            # squared norm, exact); a bound, the change measure, for larger ones
    const double* norm      # an upper bound on √L_g (the screening tests)
    double* eig_val         # eigenvalues of each Gram X̄_gᵀSX̄_g, at eig_val[ptr[g]:ptr[g + 1]]
    double* eig_vec         # their eigenvectors, |g| × |g| row-major from eig_vec[vec_ptr[g]]
    const Py_ssize_t* vec_ptr
    LazySpectra* lazy       # computes them on first use (NULL: all given)
    double l1
    double l2


cdef inline void ge_ensure_spectrum(const GroupEnet* pen, Py_ssize_t g) noexcept nogil:
    """Block g's eigensystem, decomposed now if it was not yet (``_block_spectra.pxd``)."""
    if pen.lazy != NULL and not pen.lazy.done[g]:
        decompose(pen.lazy, g, pen.ptr[g + 1] - pen.ptr[g], pen.vec_ptr[g], pen.lipschitz[g],
                  pen.eig_val + pen.ptr[g], pen.eig_vec + pen.vec_ptr[g])


cdef inline bint ge_penalized(const GroupEnet* pen, Py_ssize_t g) noexcept nogil:
    return pen.weight[g] != 0.0


cdef inline double ge_block_sq(const GroupEnet* pen, Py_ssize_t g, const double* W) noexcept nogil:
    """‖W_g‖² (or of any p × K array: z, a gradient)."""
    cdef Py_ssize_t t, k, K = pen.n_tasks
    cdef const double* row
    cdef double acc = 0.0
    if K == 1:  # the group lasso: no inner loop (these scans run over every group)
        for t in range(pen.ptr[g], pen.ptr[g + 1]):
            acc += W[pen.idx[t]] * W[pen.idx[t]]
        return acc
    for t in range(pen.ptr[g], pen.ptr[g + 1]):
        row = W + pen.idx[t] * K
        for k in range(K):
            acc += row[k] * row[k]
    return acc


cdef inline bint ge_block_zero(const GroupEnet* pen, Py_ssize_t g, const double* W) noexcept nogil:
    """W_g = 0 (stops at the first nonzero entry)."""
    cdef Py_ssize_t t, k, K = pen.n_tasks
    cdef const double* row
    if K == 1:
        for t in range(pen.ptr[g], pen.ptr[g + 1]):
            if W[pen.idx[t]] != 0.0:
                return False
        return True
    for t in range(pen.ptr[g], pen.ptr[g + 1]):
        row = W + pen.idx[t] * K
        for k in range(K):
            if row[k] != 0.0:
                return False
    return True


cdef inline double ge_prox_factor(const GroupEnet* pen, Py_ssize_t g, double u_norm,
                                  double lg) noexcept nogil:
    """c with c·U the minimizer of ½ lg ‖V − U‖² + Ω_g(V) (block soft-thresholding)."""
    cdef double excess = lg * u_norm - pen.l1 * pen.weight[g]
    if excess <= 0.0 or u_norm == 0.0:
        return 0.0
    return excess / ((lg + pen.l2 * pen.weight[g]) * u_norm)


cdef inline double ge_block_radius(const GroupEnet* pen, Py_ssize_t g, const double* chat,
                                   Py_ssize_t K) noexcept nogil:
    """‖B‖ for the exact block minimizer B of ½ BᵀGB − CᵀB + Ω_g(B), G = V diag(e) Vᵀ.

    B = (G + (μ + λ/t) I)⁻¹ C with t = ‖B‖, λ = l1 w_g, μ = l2 w_g; in the
    eigenbasis (Ĉ = VᵀC, rows ``chat``) t solves
    φ(t) = Σ_b ‖Ĉ_b‖² / ((e_b + μ) t + λ)² = 1. φ is decreasing and convex,
    so Newton's method from a point left of the root, (‖C‖ − λ) / (e_max + μ),
    climbs to it monotonically. Requires ‖C‖ > λ (else B = 0).
    """
    cdef Py_ssize_t a, k, start = pen.ptr[g], m = pen.ptr[g + 1] - pen.ptr[g], it
    cdef double lam = pen.l1 * pen.weight[g], mu = pen.l2 * pen.weight[g], c_sq = 0.0
    cdef double e_max = 0.0, t, phi, dphi, q, den, row_sq, step
    for a in range(m):
        if pen.eig_val[start + a] > e_max:
            e_max = pen.eig_val[start + a]
        for k in range(K):
            c_sq += chat[a * K + k] * chat[a * K + k]
    t = (sqrt(c_sq) - lam) / (e_max + mu)
    for it in range(100):
        phi = -1.0
        dphi = 0.0
        for a in range(m):
            row_sq = 0.0
            for k in range(K):
                row_sq += chat[a * K + k] * chat[a * K + k]
            q = pen.eig_val[start + a] + mu
            den = q * t + lam
            phi += row_sq / (den * den)
            dphi -= 2.0 * row_sq * q / (den * den * den)
        if phi <= 0.0 or dphi >= 0.0:
            break  # at the root (to rounding)
        step = phi / dphi
        t -= step
        if -step <= 1e-14 * t:
            break
    return t


cdef inline double ge_value(const GroupEnet* pen, Py_ssize_t g, double sq) noexcept nogil:
    """Ω_g at a block of squared norm sq."""
    return pen.weight[g] * (pen.l1 * sqrt(sq) + 0.5 * pen.l2 * sq)


cdef inline double ge_shifted_norm(const GroupEnet* pen, Py_ssize_t g, const double* z,
                                   const double* W) noexcept nogil:
    """‖z_g − l2 w_g W_g‖: the block's correlation in the lasso-type dual (see _gap.pxd)."""
    cdef Py_ssize_t t, k, j, K = pen.n_tasks
    cdef double c = pen.l2 * pen.weight[g], u, acc = 0.0
    for t in range(pen.ptr[g], pen.ptr[g + 1]):
        j = pen.idx[t]
        for k in range(K):
            u = z[j * K + k] - c * W[j * K + k]
            acc += u * u
    return sqrt(acc)


cdef inline double ge_conjugate(const GroupEnet* pen, Py_ssize_t g, double z_norm) noexcept nogil:
    """Ω_g*(z_g) for l2 > 0: (‖z_g‖ − l1 w_g)₊² / (2 l2 w_g)."""
    cdef double excess = z_norm - pen.l1 * pen.weight[g]
    if excess > 0.0:
        return excess * excess / (2.0 * pen.l2 * pen.weight[g])
    return 0.0


cdef inline double ge_augmented_norm(const GroupEnet* pen, Py_ssize_t g) noexcept nogil:
    """Spectral norm bound of the augmented block [S½X̄_g; √(l2 w_g) I]."""
    if pen.l2 == 0.0:
        return pen.norm[g]
    return sqrt(pen.norm[g] * pen.norm[g] + pen.l2 * pen.weight[g])


cdef inline bint ge_provably_zero(const GroupEnet* pen, bint fenchel, double scale,
                                  double radius, Py_ssize_t g, double z_norm,
                                  double shifted) noexcept nogil:
    """Gap Safe test: W_g = 0 at every optimum (‖X̄_gᵀSθ‖ + radius ‖X̄_g‖₂ < l1 w_g).

    ``z_norm`` = ‖X̄_gᵀSθ‖ (Fenchel dual point θ), ``shifted`` its lasso-type
    counterpart (``ge_shifted_norm``, rescaled by ``scale``).
    """
    if pen.weight[g] <= 0.0 or pen.l1 <= 0.0:
        return False
    if fenchel:
        return z_norm + radius * pen.norm[g] < pen.l1 * pen.weight[g] * (1.0 - 1e-10)
    return (scale * shifted + radius * ge_augmented_norm(pen, g)
            < pen.l1 * pen.weight[g] * (1.0 - 1e-10))


cdef inline double ge_priority(const GroupEnet* pen, double scale, Py_ssize_t g,
                               double z_norm) noexcept nogil:
    """Distance of a zero block's dual point to its constraint (smaller: sooner in)."""
    return (pen.l1 * pen.weight[g] - scale * z_norm) / ge_augmented_norm(pen, g)


cdef struct GroupDualTerms:
    # The penalty's part of a duality gap, over the checked blocks.
    double l1_norm          # Σ w_g ‖W_g‖
    double l2_norm          # Σ w_g ‖W_g‖²
    double dual_norm        # max_g ‖z_g − l2 w_g W_g‖ / w_g
    double kkt_max          # the same max over zero blocks
    double conjugate        # Σ_g Ω_g*(z_g), when l2 > 0


cdef inline GroupDualTerms ge_dual_terms(const GroupEnet* pen, const Py_ssize_t* groups,
                                         Py_ssize_t n_groups, const double* W, const double* z,
                                         double norm_floor, double* z_norms,
                                         double* shifted) noexcept nogil:
    """The penalty's value and dual constraints at correlations z = X̄ᵀSθ over ``groups``.

    Fills z_norms[g] = ‖z_g‖ and shifted[g] = ‖z_g − l2 w_g W_g‖ for the
    screening tests and working-set priorities. Unpenalized blocks are
    skipped: θ was projected so that their correlations vanish.
    ``norm_floor`` bounds ‖z_g‖ / w_g over the zero blocks left out of
    ``groups`` (kept out on a bound).
    """
    cdef Py_ssize_t t, g
    cdef double sq, a
    cdef GroupDualTerms dt
    dt.l1_norm = 0.0
    dt.l2_norm = 0.0
    dt.dual_norm = norm_floor
    dt.kkt_max = 0.0
    dt.conjugate = 0.0
    for t in range(n_groups):
        g = groups[t]
        if not ge_penalized(pen, g):
            continue
        sq = ge_block_sq(pen, g, W)
        dt.l1_norm += pen.weight[g] * sqrt(sq)
        dt.l2_norm += pen.weight[g] * sq
        z_norms[g] = sqrt(ge_block_sq(pen, g, z))
        shifted[g] = ge_shifted_norm(pen, g, z, W) if sq > 0.0 else z_norms[g]
        a = shifted[g] / pen.weight[g]
        if a > dt.dual_norm:
            dt.dual_norm = a
        if sq == 0.0 and a > dt.kkt_max:
            dt.kkt_max = a
        if pen.l2 > 0.0:
            dt.conjugate += ge_conjugate(pen, g, z_norms[g])
    return dt
