"""The validated input of a Ridge fit and the products with X its solvers need.

``RidgeData`` plays the role of :class:`fastreg._design.Design` for Ridge. It
validates through the same checks and follows the same conventions (dense X
Fortran-ordered, sparse X as CSC, float32 kept, weights rescaled to sum to n,
implicit centering: X is never centered or copied). It differs in computing
only what Ridge needs up front, in one pass over X: the weighted column
means and the right-hand side XᵀS y come from a single BLAS product
(multi-threaded), and the centered column norms, which the direct solvers
find for free on the diagonal of the Gram, are computed only when an
iterative solver asks for them. It also holds the centered targets.
"""

import numpy as np
import scipy.sparse as sp

from .._kernels import _dense_products
from .._design import column_stats, kernel_arrays
from .._validation import check_penalty_factor, check_sample_weight, check_targets, check_X

__all__ = ["RidgeData"]

_EMPTY = np.empty(0)


class RidgeData:
    """Validated X, targets, weights and penalty factors, with products by Xc.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
    sample_weight : array-like of shape (n_samples,) or None
    fit_intercept : bool
    penalty_factor : array-like of shape (n_features,) or None

    Attributes
    ----------
    X : ndarray (Fortran-ordered) or scipy.sparse.csc_matrix
    sparse : bool
    dtype : float32 or float64
    n_samples, n_features : int
    sample_weight : ndarray or None
        Rescaled to sum to n_samples; None for unit weights.
    sqrt_weight : ndarray or None
    penalty : ndarray of shape (n_features,)
    x_mean : ndarray of shape (n_features,)
        Weighted column means (zeros without intercept).
    Yc : ndarray of shape (n_samples, n_targets)
        Targets minus their weighted means (a new Fortran array).
    y_mean : ndarray of shape (n_targets,)
    one_d : bool
        Whether y was 1-D.
    B : ndarray of shape (n_features, n_targets)
        XcᵀS Yc, the right-hand side of the normal equations.
    rcond_threshold : float
        Reciprocal condition number below which a system is reported as
        ill-conditioned: 1e-10 for float64 data, 1e-5 for float32.
    """

    def __init__(self, X, y, sample_weight=None, fit_intercept=True, penalty_factor=None):
        self.X = check_X(X)
        self.sparse = sp.issparse(self.X)
        self.dtype = self.X.dtype
        self.n_samples, self.n_features = n, p = self.X.shape
        self.fit_intercept = bool(fit_intercept)
        self.sample_weight = check_sample_weight(sample_weight, n)
        self.sqrt_weight = None if self.sample_weight is None else np.sqrt(self.sample_weight)
        self.penalty = check_penalty_factor(penalty_factor, p)
        self.rcond_threshold = 1e-5 if self.dtype == np.float32 else 1e-10
        self._col_sq_norms = None
        Y = check_targets(y, n)
        self.one_d = Y.ndim == 1
        Y = Y.reshape(n, -1)
        k = Y.shape[1]
        if self.fit_intercept:
            self.y_mean = np.average(Y, axis=0, weights=self.sample_weight)
        else:
            self.y_mean = np.zeros(k)
        self.Yc = np.asfortranarray(Y - self.y_mean)
        # One pass over X gives both the column means and XᵀS Yc.
        s = np.ones(n) if self.sample_weight is None else self.sample_weight
        SYc = self.weighted(self.Yc)
        if self.fit_intercept:
            products = self.xt(np.column_stack([s, SYc]))
            self.x_mean = products[:, 0] / n
            self.B = products[:, 1:] - np.outer(self.x_mean, SYc.sum(axis=0))
        else:
            self.x_mean = np.zeros(p)
            self.B = self.xt(SYc)
        self.B = np.asfortranarray(self.B)

    # -- views for the kernels (empty arrays stand for "unit" / "none") --------

    @staticmethod
    def _or_empty(a):
        return _EMPTY if a is None else a

    @property
    def weights_or_empty(self):
        return self._or_empty(self.sample_weight)

    @property
    def sqrt_weights_or_empty(self):
        return self._or_empty(self.sqrt_weight)

    @property
    def mean_or_empty(self):
        return self.x_mean if self.fit_intercept else _EMPTY

    @property
    def unit_penalty(self):
        return bool(np.all(self.penalty == 1.0))

    def kernel_arrays(self):
        """(dense X, data, indices, indptr) for the kernels; unused slots are empty."""
        return kernel_arrays(self.X)

    def col_sq_norms(self):
        """Weighted squared norms of the centered columns (computed once, on demand)."""
        if self._col_sq_norms is None:
            _, self._col_sq_norms = column_stats(self.X, self.sample_weight, self.fit_intercept)
        return self._col_sq_norms

    # -- products with X and the implicitly centered Xc = X − 1 x_meanᵀ --------

    def xt(self, M):
        """Xᵀ M for M of shape (n_samples, m); returns float64 (n_features, m)."""
        M = np.asfortranarray(M, dtype=np.float64)
        if self.sparse:
            return np.asarray(self.X.T @ M, dtype=np.float64)
        out = np.empty((self.n_features, M.shape[1]), order="F")
        _dense_products.xt_matmat(self.X, M, out)
        return out

    def xct(self, M):
        """Xcᵀ M = Xᵀ M − x_mean (1ᵀ M)."""
        out = self.xt(M)
        if self.fit_intercept:
            out -= np.outer(self.x_mean, np.sum(M, axis=0))
        return out

    def xc(self, M):
        """Xc M = X M − 1 (x_meanᵀ M) for M of shape (n_features, m); float64 (n_samples, m)."""
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

    def weighted(self, M):
        """S M (row-scaled by the weights; M itself when unweighted)."""
        return M if self.sample_weight is None else self.sample_weight[:, None] * M

    def sqrt_weighted(self, M):
        """W M with W = diag(√s)."""
        return M if self.sqrt_weight is None else self.sqrt_weight[:, None] * M
