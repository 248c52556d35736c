"""Ridge's view of the shared :class:`fastreg._design.Design`.

``RidgeDesign`` is a ``Design`` (same validation, storage, weights, column
means and centered norms) plus what only Ridge uses: the centered targets,
the right-hand side XcᵀS Yc, the penalty factors, √s, and products with the
implicitly centered Xc = X − 1 x_meanᵀ that take and return whole matrices
(several targets or alphas at once).

It computes the column statistics in the order Ridge needs them: the means
together with XᵀS Yc in one BLAS product (one pass over X, multi-threaded),
and the centered column norms, which the direct solvers find on the Gram's
diagonal anyway, only when the conjugate-gradient solver asks for them.

Weights at the kernel boundary. The kernels take the weights in one of two
forms, always named for what they are:

* ``sample_weight`` s (:attr:`weights_or_empty`): the Lasso kernels
  (``_cd_fast``), ``_design_stats``, ``_ridge_gram.sparse_outer_sum`` and
  ``_ridge_cg.dual_diagonal``, which sum s_i times a square;
* ``sqrt_weights`` √s (:attr:`sqrt_weights_or_empty`): ``_ridge_cg.cg_*``
  and ``_ridge_gram.gram_chunked`` / ``kernel_chunked``, which apply
  W = diag(√s) to a vector or row so that XcᵀSXc = (W Xc)ᵀ(W Xc).

An empty array stands for unit weights in both.
"""

import numpy as np

from .._design import Design, column_stats, penalty_factors
from .._kernels import _dense_products
from .._validation import check_penalty_factor

__all__ = ["RidgeDesign"]

_EMPTY = np.empty(0)


class RidgeDesign(Design):
    """A Design with Ridge's targets, penalty factors and matrix products by Xc.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
    sample_weight : array-like of shape (n_samples,) or None
    fit_intercept : bool
    penalty_factor : array-like of shape (n_features,) or None
    standardize : bool
        Penalize the standardized coefficients σ_j β_j: ``penalty`` becomes
        v_j σ_j² (the ridge of the design X D⁻¹, D = diag(σ), written on β
        itself, so no scaled X is ever formed), ``grid_penalty`` v_j σ_j.

    Attributes
    ----------
    All of :class:`fastreg._design.Design`'s, and:

    sqrt_weights : ndarray of shape (n_samples,) or None
        √s; None for unit weights.
    penalty : ndarray of shape (n_features,)
        The L2 factors the solvers use (v, or v σ² when standardizing).
    grid_penalty : ndarray of shape (n_features,)
        The factors of the grid's alpha_max (v, or v σ when standardizing).
    Yc : ndarray of shape (n_samples, n_targets)
        Targets minus their weighted means (a new Fortran array).
    y_mean : ndarray of shape (n_targets,)
    one_d : bool
        Whether y was 1-D.
    B : ndarray of shape (n_features, n_targets)
        XcᵀS Yc, the right-hand side of the normal equations.
    zero_sd : ndarray of int
        With ``standardize``, the zero-sd columns, whose coefficients are set to 0.
    rcond_threshold : float
        Reciprocal condition number below which a system is reported as
        ill-conditioned: 1e-10 for float64 data, 1e-5 for float32.
    """

    def __init__(self, X, y, sample_weight=None, fit_intercept=True, penalty_factor=None,
                 standardize=False):
        super().__init__(X, sample_weight, fit_intercept)
        n, p = self.n_samples, self.n_features
        self.sqrt_weights = None if self.sample_weight is None else np.sqrt(self.sample_weight)
        self.penalty = check_penalty_factor(penalty_factor, p)
        self.rcond_threshold = 1e-5 if self.dtype == np.float32 else 1e-10
        yc, y_mean = self.center_y(y)
        self.one_d = yc.ndim == 1
        self.Yc = np.asfortranarray(yc.reshape(n, -1))
        self.y_mean = np.zeros(self.Yc.shape[1]) + y_mean
        # One pass over X gives both Xᵀs (the means) and XᵀS Yc.
        SYc = self.weighted(self.Yc)
        if self.fit_intercept:
            s = np.ones(n) if self.sample_weight is None else self.sample_weight
            products = self._rmatmat(np.column_stack([s, SYc]))
            self.x_mean = products[:, 0] / n
            self.B = products[:, 1:] - np.outer(self.x_mean, SYc.sum(axis=0))
        else:
            self.x_mean = np.zeros(p)
            self.B = self._rmatmat(SYc)
        self.B = np.asfortranarray(self.B)
        self.grid_penalty, self.penalty = penalty_factors(self, self.penalty, standardize)
        # standardizing promises an exact 0 for zero-sd columns; a Gram leaves rounding noise
        self.zero_sd = (np.flatnonzero(self.col_sq_norms == 0) if standardize
                        else np.empty(0, dtype=np.intp))

    def _column_stats(self):
        # Both are set later: the means in __init__, the norms on first use.
        return None, None

    @property
    def col_sq_norms(self):
        """Weighted squared norms of the centered columns (computed on first use)."""
        if self._col_sq_norms is None:
            _, self._col_sq_norms = column_stats(self.X, self.sample_weight, self.fit_intercept)
        return self._col_sq_norms

    @col_sq_norms.setter
    def col_sq_norms(self, value):
        self._col_sq_norms = value

    # -- views for the kernels (empty arrays stand for "unit" / "none") --------

    @property
    def sqrt_weights_or_empty(self):
        """√s, or an empty array standing for unit weights (kernel convention)."""
        return _EMPTY if self.sqrt_weights is None else self.sqrt_weights

    @property
    def mean_or_empty(self):
        """Column means, or an empty array when there is no centering."""
        return self.x_mean if self.fit_intercept else _EMPTY

    @property
    def unit_penalty(self):
        """Whether every penalty factor is 1."""
        return bool(np.all(self.penalty == 1.0))

    # -- products with the implicitly centered Xc = X − 1 x_meanᵀ ---------------

    def centered_matmat(self, M):
        """Xc M for M of shape (n_features, m); float64 (n_samples, m)."""
        M = np.asarray(M, dtype=np.float64)
        if self.sparse:
            out = np.asarray(self.X @ M, dtype=np.float64)
        else:
            M = np.asfortranarray(M)
            out = np.empty((self.n_samples, M.shape[1]), order="F")
            _dense_products.x_matmat(self.X, 0, self.n_samples, M, out)
        if self.fit_intercept:
            out -= self.x_mean @ M
        return out

    def _rmatmat(self, M):
        """Xᵀ M (uncentered) in float64; float32 X is multiplied by blocks, never copied."""
        M = np.asfortranarray(M, dtype=np.float64)
        if self.sparse:
            return np.asarray(self.X.T @ M, dtype=np.float64)
        out = np.empty((self.n_features, M.shape[1]), order="F")
        _dense_products.xt_matmat(self.X, M, out)
        return out

    def centered_rmatmat(self, M, weights=None):
        """Xcᵀ diag(weights) M for M of shape (n_samples, m); float64 (n_features, m)."""
        if weights is not None:
            M = weights[:, None] * M
        out = self._rmatmat(M)
        if self.fit_intercept:
            out -= np.outer(self.x_mean, np.sum(M, axis=0))
        return out

    def gradient(self, r):
        """XcᵀS r, as :meth:`Design.gradient`, for r of shape (n_samples,) or (n_samples, m)."""
        r = np.asarray(r)
        out = self.centered_rmatmat(r.reshape(self.n_samples, -1), self.sample_weight)
        return out[:, 0] if r.ndim == 1 else out

    def weighted(self, M):
        """S M (rows scaled by the weights; M itself when unweighted)."""
        return M if self.sample_weight is None else self.sample_weight[:, None] * M

    def sqrt_weighted(self, M):
        """W M with W = diag(√s)."""
        return M if self.sqrt_weights is None else self.sqrt_weights[:, None] * M
