"""Direct Ridge solvers on a dense Gram (primal) or kernel (dual) matrix.

Primal, p × p (used when n ≥ p):
    G = XcᵀSXc,  B = XcᵀS yc,  (G + nα diag(v)) β = B.
Dual, n × n (used when p > n, all v > 0):
    K = W Xc V⁻¹ Xcᵀ W,  T = W yc,  (K + nα I) c = T,  β = V⁻¹ XcᵀW c.

One alpha: Cholesky factorization and triangular solves, with the reciprocal
condition number from POCON. Many alphas: one symmetric eigendecomposition
of the (scaled) matrix, after which every alpha costs a few small matrix
products. When the matrix is numerically singular (alpha = 0 with
rank-deficient X, or a failed Cholesky), directions whose eigenvalue is at
rounding level are dropped, which yields the minimum-norm solution.

Every solve also reports the relative KKT residual
‖XcᵀS(yc − Xcβ) − nα v∘β‖ / ‖XcᵀS yc‖ of the system as formed, and the
weighted residual sum of squares.
"""

import numpy as np

from .._kernels import _ridge_fast, _ridge_gram

__all__ = ["GramSystem", "KernelSystem", "DirectSolution", "dense_matrix_bytes"]

# Column block of the SYRK/GEMM Gram. On the 2-core reference machine one
# multi-threaded SYRK was as fast as any smaller blocking for p ≤ 500 (at
# ~75% of DGEMM's rate); wider Grams are split into GEMM panels of this width.
GRAM_BLOCK = 512
# Size of the streaming buffers (rows or columns of X converted at once).
CHUNK_BYTES = 1 << 24
# Centering the Gram by a rank-one update loses log10(ratio) digits on a column
# whose squared mean dominates its variance by this ratio; above it the Gram is
# recomputed from explicitly centered rows.
CENTERING_RATIO = 1e6
_EPS = np.finfo(np.float64).eps


def dense_matrix_bytes(m):
    """Memory of an m × m float64 matrix."""
    return 8 * m * m


def _symmetrize(A, block=512):
    """Fill the (zero) strict upper triangle of A with its lower triangle, in place.

    Works by column blocks so that no m × m temporary is created.
    """
    m = A.shape[0]
    for j0 in range(0, m, block):
        j1 = min(m, j0 + block)
        A[:j0, j0:j1] = A[j0:j1, :j0].T
        diag = A[j0:j1, j0:j1]
        diag += np.tril(diag, -1).T
    return A


def _subtract_outer(A, u, c, block=512):
    """A −= c u uᵀ in place, by column blocks (no m × m temporary)."""
    for j0 in range(0, A.shape[1], block):
        A[:, j0:j0 + block] -= np.outer(c * u, u[j0:j0 + block])
    return A


def _scale(A, s):
    """A ← diag(s) A diag(s), in place."""
    A *= s[:, None]
    A *= s[None, :]
    return A


class DirectSolution:
    """Coefficients and diagnostics of a direct solve for several alphas.

    Attributes
    ----------
    coefs : ndarray of shape (n_alphas, n_features, n_targets)
    rconds : ndarray of shape (n_alphas,)
        Reciprocal condition numbers: 1-norm estimate of the unit-diagonal
        scaled matrix after Cholesky, exact 2-norm after an eigendecomposition.
    kkt : ndarray of shape (n_alphas,)
        Largest relative KKT residual over targets.
    rss : ndarray of shape (n_alphas, n_targets)
        Weighted residual sums of squares Σ s_i r_i².
    singular : ndarray of bool, shape (n_alphas,)
        True where the Cholesky factorization failed (matrix not positive
        definite) and the eigendecomposition fallback was used.
    """

    def __init__(self, coefs, rconds, kkt, rss, singular):
        self.coefs = coefs
        self.rconds = np.asarray(rconds, dtype=np.float64)
        self.kkt = np.asarray(kkt, dtype=np.float64)
        self.rss = np.asarray(rss, dtype=np.float64)
        self.singular = np.asarray(singular, dtype=bool)


def _eig(A, overwrite=False):
    """Eigenvalues (clipped at 0: the matrices are PSD) and eigenvectors of A.

    With ``overwrite`` a Fortran-ordered A is used as the workspace (and lost).
    """
    Q = np.asfortranarray(A) if overwrite else np.array(A, dtype=np.float64, order="F")
    lam = np.empty(Q.shape[0])
    info = _ridge_fast.symmetric_eig(Q, lam)
    if info != 0:
        raise np.linalg.LinAlgError(f"symmetric eigendecomposition failed (LAPACK info={info}).")
    return np.maximum(lam, 0.0), Q


def inverse_shifted(lam, shifts):
    """D[j, a] = 1 / (λ_j + shift_a), zero where λ_j + shift_a is at rounding level.

    Dropping those directions gives the minimum-norm solution of a singular
    system instead of amplified rounding errors.
    """
    lam_max = lam.max(initial=0.0)
    cut = lam_max * lam.shape[0] * _EPS
    denom = lam[:, None] + np.asarray(shifts)[None, :]
    with np.errstate(divide="ignore"):
        return np.where(denom > cut, 1.0 / np.where(denom > 0, denom, 1.0), 0.0)


def spectral_rcond(lam, shifts):
    """Exact reciprocal 2-norm condition numbers of diag(λ) + shift."""
    shifts = np.asarray(shifts)
    hi = lam.max(initial=0.0) + shifts
    lo = lam.min(initial=0.0) + shifts
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(hi > 0, lo / np.where(hi > 0, hi, 1.0), 0.0)


def _pinv_solve(A, B):
    """Solve a symmetric PSD system by eigendecomposition (minimum-norm if singular).

    A is used as workspace.
    """
    lam, Q = _eig(A, overwrite=True)
    d = inverse_shifted(lam, [0.0])[:, 0]
    return Q @ (d[:, None] * (Q.T @ B)), spectral_rcond(lam, [0.0])[0]


def _cholesky(A, B, rebuild):
    """Solve A Z = B (A symmetric PSD): Cholesky, or eigen fallback if not PD.

    A is a disposable Fortran array (it is factorized in place); ``rebuild()``
    returns a fresh copy, needed only if the factorization breaks down.

    A is first scaled to unit diagonal. Cholesky's accuracy does not depend on
    such scaling, so the condition number of the scaled matrix is the one
    that tells whether the solution is accurate: features measured in very
    different units do not make a well-posed problem look ill-conditioned.
    """
    d = np.diag(A).copy()
    live = d > 0
    if not live.all():
        # A zero diagonal entry of a PSD matrix means a zero row and column (a
        # constant, unpenalized feature): that coefficient is free and the
        # minimum-norm solution sets it to 0; the rest is an ordinary system.
        Z = np.zeros(B.shape)
        if live.any():
            keep = np.ix_(live, live)
            sub = np.asfortranarray(A[keep])
            del A
            Z[live] = _cholesky(sub, B[live],
                                lambda: np.asfortranarray(rebuild()[keep]))[0]
        return Z, 0.0, True
    scale = 1.0 / np.sqrt(d)
    Z = np.asfortranarray(scale[:, None] * B)
    info, rcond = _ridge_fast.cholesky_solve(_scale(A, scale), Z)
    singular = info != 0
    if singular:
        del A
        Z, rcond = _pinv_solve(_scale(rebuild(), scale), scale[:, None] * B)
    return scale[:, None] * Z, rcond, singular


def _relative_norms(R, B):
    """max over targets of ‖R_t‖ / ‖B_t‖ (‖R_t‖ alone where B_t = 0)."""
    rn = np.linalg.norm(R, axis=0)
    bn = np.linalg.norm(B, axis=0)
    return float(np.max(np.where(bn > 0, rn / np.where(bn > 0, bn, 1.0), rn)))


# ----------------------------------------------------------------------------
# Matrix formation
# ----------------------------------------------------------------------------

def _chunk(n_other):
    return max(64, CHUNK_BYTES // (8 * max(n_other, 1)))


def gram_matrix(data):
    """Full symmetric float64 Gram XcᵀSXc (p × p)."""
    p, n = data.n_features, data.n_samples
    G = np.zeros((p, p), order="F")
    X = data.X
    if data.sparse:
        csr = X.tocsr()
        _ridge_gram.sparse_outer_sum(csr.data, csr.indices, csr.indptr,
                                     data.weights_or_empty, G)
        _symmetrize(G)
        if data.fit_intercept:
            _subtract_outer(G, data.x_mean, float(n))
        return G
    direct = X.dtype == np.float64 and data.sample_weight is None
    if direct:
        _ridge_gram.gram_direct(X, G, GRAM_BLOCK)
        _symmetrize(G)
        if not data.fit_intercept:
            return G
        raw = np.diag(G).copy()
        _subtract_outer(G, data.x_mean, float(n))
        centered = np.diag(G)
        if np.all(raw <= CENTERING_RATIO * centered):
            return G
        G[:] = 0.0
    _ridge_gram.gram_chunked(X, data.sqrt_weights_or_empty, data.mean_or_empty, G,
                             GRAM_BLOCK, _chunk(p))
    return _symmetrize(G)


def kernel_matrix(data):
    """Full symmetric float64 kernel W Xc V⁻¹ Xcᵀ W (n × n)."""
    n = data.n_samples
    K = np.zeros((n, n), order="F")
    inv_v = 1.0 / data.penalty
    X = data.X
    if not data.sparse:
        colscale = np.empty(0) if data.unit_penalty else np.sqrt(inv_v)
        _ridge_gram.kernel_chunked(X, data.sqrt_weights_or_empty, data.mean_or_empty,
                                   colscale, K, GRAM_BLOCK, _chunk(n))
        return _symmetrize(K)
    _ridge_gram.sparse_outer_sum(X.data, X.indices, X.indptr,
                                 np.empty(0) if data.unit_penalty else inv_v, K)
    _symmetrize(K)
    if data.fit_intercept:
        # Xc C Xcᵀ = K0 − 1aᵀ − a1ᵀ + (mᵀCm) 11ᵀ with a = X C m
        a = np.asarray(X @ (inv_v * data.x_mean), dtype=np.float64)
        K -= a[:, None]
        K -= a[None, :]
        K += float(data.x_mean @ (inv_v * data.x_mean))
    if data.sqrt_weights is not None:
        _scale(K, data.sqrt_weights)
    return K


# ----------------------------------------------------------------------------
# Systems
# ----------------------------------------------------------------------------

class GramSystem:
    """Primal Ridge system (G + nα diag(v)) β = B on the dense p × p Gram.

    Parameters
    ----------
    data : RidgeDesign
    """

    kind = "primal"

    def __init__(self, data):
        self.data = data
        self.n = data.n_samples
        self.G = gram_matrix(data)
        self.Yc = data.Yc
        self.B = data.B
        self.yy = data.weighted_sq_norm(data.Yc)
        self._spectrum = None

    @property
    def size(self):
        return self.G.shape[0]

    def _penalty(self, alpha):
        return self.n * alpha * self.data.penalty

    def _diagnostics(self, alphas, coefs):
        """Relative KKT residuals (max over targets) and RSS per alpha and target."""
        m, p, k = coefs.shape
        stacked = coefs.transpose(1, 0, 2).reshape(p, m * k)
        G_coefs = (self.G @ stacked).reshape(p, m, k).transpose(1, 0, 2)
        kkt = np.empty(m)
        for a, alpha in enumerate(alphas):
            resid = self.B - G_coefs[a] - self._penalty(alpha)[:, None] * coefs[a]
            kkt[a] = _relative_norms(resid, self.B)
        rss = (self.yy - 2.0 * np.einsum("ajt,jt->at", coefs, self.B)
               + np.einsum("ajt,ajt->at", coefs, G_coefs))
        return kkt, np.maximum(rss, 0.0)

    def solve_cholesky(self, alphas):
        """Cholesky factorization and solve for each alpha."""
        m, p, k = len(alphas), self.size, self.B.shape[1]
        coefs = np.empty((m, p, k))
        rconds = np.empty(m)
        singular = np.zeros(m, dtype=bool)
        diag = np.diag_indices(p)

        def shifted(alpha):
            A = self.G.copy(order="F")
            A[diag] += self._penalty(alpha)
            return A

        for a, alpha in enumerate(alphas):
            coefs[a], rconds[a], singular[a] = _cholesky(shifted(alpha), self.B,
                                                         lambda: shifted(alpha))
        kkt, rss = self._diagnostics(alphas, coefs)
        return DirectSolution(coefs, rconds, kkt, rss, singular)

    def spectrum(self):
        """(λ, Q̃, C): V^-½ G V^-½ = QΛQᵀ, Q̃ = V^-½ Q and C = Q̃ᵀ B (cached)."""
        if self._spectrum is None:
            scale = 1.0 / np.sqrt(self.data.penalty)
            lam, Q = _eig(_scale(self.G.copy(order="F"), scale), overwrite=True)
            Qs = scale[:, None] * Q
            self._spectrum = lam, Qs, Qs.T @ self.B
        return self._spectrum

    def solve_eigen(self, alphas):
        """All alphas from one eigendecomposition of the scaled Gram."""
        lam, Qs, C = self.spectrum()
        shifts = self.n * np.asarray(alphas)
        D = inverse_shifted(lam, shifts)                      # (p, m)
        m, k = len(alphas), C.shape[1]
        # β(α_a) = Q̃ (D[:, a] ∘ C), for all alphas and targets in one product
        scaled = (D[:, :, None] * C[:, None, :]).reshape(lam.shape[0], m * k)
        coefs = (Qs @ scaled).reshape(self.size, m, k).transpose(1, 0, 2)
        kkt, rss = self._diagnostics(alphas, coefs)
        return DirectSolution(coefs, spectral_rcond(lam, shifts), kkt, rss, np.zeros(m, bool))


class KernelSystem:
    """Dual Ridge system (K + nα I) c = T on the dense n × n kernel.

    Parameters
    ----------
    data : RidgeDesign
        All penalty factors must be positive.
    """

    kind = "dual"

    def __init__(self, data):
        self.data = data
        self.n = data.n_samples
        self.K = kernel_matrix(data)
        self.T = np.asfortranarray(data.sqrt_weighted(data.Yc))
        self.B = data.B
        self.yy = np.einsum("it,it->t", self.T, self.T)
        self._spectrum = None

    @property
    def size(self):
        return self.K.shape[0]

    def _primal(self, Cd):
        """β = V⁻¹ XcᵀW c for dual solutions stacked as columns of Cd."""
        return self.data.centered_rmatmat(Cd, self.data.sqrt_weights) / self.data.penalty[:, None]

    def _finish(self, alphas, Cd, rconds, singular):
        """Primal coefficients, KKT residuals and RSS from dual solutions Cd (n, m·k)."""
        m, k = len(alphas), self.T.shape[1]
        shifts = np.repeat(self.n * np.asarray(alphas), k)
        KC = self.K @ Cd
        fit_resid = np.tile(self.T, (1, m)) - KC               # T − Kc
        grad = self.data.centered_rmatmat(fit_resid - shifts * Cd, self.data.sqrt_weights)
        coefs = self._primal(Cd).reshape(-1, m, k).transpose(1, 0, 2)
        kkt = np.array([_relative_norms(grad[:, a * k:(a + 1) * k], self.B) for a in range(m)])
        rss = np.einsum("ij,ij->j", fit_resid, fit_resid).reshape(m, k)
        return DirectSolution(coefs, rconds, kkt, rss, singular)

    def solve_cholesky(self, alphas):
        """Cholesky factorization of K + nαI and solve, for each alpha."""
        m, k = len(alphas), self.T.shape[1]
        Cd = np.empty((self.size, m * k), order="F")
        rconds = np.empty(m)
        singular = np.zeros(m, dtype=bool)
        diag = np.diag_indices(self.size)

        def shifted(alpha):
            A = self.K.copy(order="F")
            A[diag] += self.n * alpha
            return A

        for a, alpha in enumerate(alphas):
            Cd[:, a * k:(a + 1) * k], rconds[a], singular[a] = _cholesky(
                shifted(alpha), self.T, lambda: shifted(alpha))
        return self._finish(alphas, Cd, rconds, singular)

    def spectrum(self):
        """(λ, U, E): K = UΛUᵀ and E = Uᵀ T (cached)."""
        if self._spectrum is None:
            lam, U = _eig(self.K)
            self._spectrum = lam, U, U.T @ self.T
        return self._spectrum

    def solve_eigen(self, alphas):
        """All alphas from one eigendecomposition of the kernel."""
        lam, U, E = self.spectrum()
        shifts = self.n * np.asarray(alphas)
        D = inverse_shifted(lam, shifts)
        m, k = len(alphas), E.shape[1]
        Cd = U @ (D[:, :, None] * E[:, None, :]).reshape(self.size, m * k)
        return self._finish(alphas, np.asfortranarray(Cd), spectral_rcond(lam, shifts),
                            np.zeros(m, bool))

