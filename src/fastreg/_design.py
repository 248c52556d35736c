"""The Design wrapper: a validated X with the statistics every solver needs.

A Design is built once per fit or path. It holds X in the storage the
kernels read (Fortran-ordered dense or CSC), the normalized sample weights,
and the weighted column means and centered squared norms. The intercept is
handled by *implicit* centering: X itself is never centered or copied; the
kernels use the column means instead (see ``_kernels/_quadratic.pxd``).
"""

import numpy as np
import scipy.sparse as sp

from ._kernels import _dense_products, _design_stats
from ._validation import check_sample_weight, check_targets, check_X

__all__ = ["Design", "kernel_arrays", "penalty_factors"]

_EMPTY = np.empty(0, dtype=np.float64)

# Relative size of a squared sum that is rounding noise of centering: (64 eps)².
_ROUNDING = (64 * np.finfo(np.float64).eps) ** 2


def kernel_arrays(X):
    """(dense X, data, indices, indptr) of a validated X; the unused slots are empty.

    The kernels take both storages in one signature, so the one not in use
    is passed as empty arrays of the right types.
    """
    if sp.issparse(X):
        dummy = np.empty((0, 0), dtype=X.dtype, order="F")
        return dummy, X.data, X.indices, X.indptr
    empty_idx = np.empty(0, dtype=np.int32)
    return X, np.empty(0, dtype=X.dtype), empty_idx, empty_idx


def column_stats(X, sample_weight, fit_intercept):
    """Weighted column means (zeros without intercept) and centered squared norms.

    X is a validated Fortran array or CSC matrix; ``sample_weight`` is None
    for unit weights. Read in place, without copying X.
    """
    n, p = X.shape
    mean, sq_norms = np.zeros(p), np.zeros(p)
    sw = _EMPTY if sample_weight is None else sample_weight
    if sp.issparse(X):
        _design_stats.sparse_column_stats(X.data, X.indices, X.indptr, n, sw,
                                          fit_intercept, mean, sq_norms)
    else:
        _design_stats.dense_column_stats(X, sw, fit_intercept, mean, sq_norms)
    if fit_intercept:
        # A constant column centers to rounding noise, not to zero; left as is,
        # the solver would fit that noise. Σ s (x − m)² = Σ s x² − n m².
        sq_norms[sq_norms <= _ROUNDING * (sq_norms + n * mean * mean)] = 0.0
    return mean, sq_norms


# Beyond these magnitudes squared column norms over- or underflow float64.
_LARGEST, _SMALLEST = 1e150, 1e-150


def _check_magnitude(X):
    """Refuse X whose squares leave float64's range: the solvers' sums would be wrong."""
    values = X.data if sp.issparse(X) else X
    if values.size == 0:
        return
    top = max(float(values.max()), -float(values.min()))  # no |X| copy
    if top > _LARGEST or 0.0 < top < _SMALLEST:
        raise ValueError(
            f"X: its largest magnitude is {top:.3g}, outside [{_SMALLEST:g}, {_LARGEST:g}], "
            "where squared column norms over- or underflow float64. Rescale X (e.g. divide "
            "by a power of ten): a linear model's coefficients scale inversely with it.")


class Design:
    """Validated design matrix with weights and column statistics.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
    sample_weight : array-like of shape (n_samples,) or None
        Rescaled (on a copy) to sum to n_samples.
    fit_intercept : bool
        Whether columns (and targets) are implicitly centered.

    Attributes
    ----------
    X : ndarray (Fortran-ordered) or scipy.sparse.csc_matrix
    sparse : bool
    dtype : numpy dtype of X's values (float32 or float64)
    n_samples, n_features : int
    sample_weight : ndarray of shape (n_samples,) or None
        None means unit weights.
    x_mean : ndarray of shape (n_features,)
        Weighted column means (zeros without intercept).
    col_sq_norms : ndarray of shape (n_features,)
        Weighted squared norms of the centered columns.
    """

    def __init__(self, X, sample_weight=None, fit_intercept=True, *, validated=False):
        self.X = X if validated else check_X(X)
        self.sparse = sp.issparse(self.X)
        self.n_samples, self.n_features = self.X.shape
        self.dtype = self.X.dtype
        self.fit_intercept = bool(fit_intercept)
        self.sample_weight = check_sample_weight(sample_weight, self.n_samples)
        _check_magnitude(self.X)
        self.x_mean, self.col_sq_norms = self._column_stats()

    def _column_stats(self):
        """(x_mean, col_sq_norms) for ``__init__``; a subclass may compute them otherwise."""
        return column_stats(self.X, self.sample_weight, self.fit_intercept)

    @property
    def weights_or_empty(self):
        """Sample weights, or an empty array standing for unit weights (kernel convention)."""
        return _EMPTY if self.sample_weight is None else self.sample_weight

    def kernel_arrays(self):
        """(dense X, data, indices, indptr) for the kernels; unused slots are empty."""
        return kernel_arrays(self.X)

    def center_y(self, y, *, validated=False):
        """Validate y against X; return (float64 centered copy, weighted mean).

        y may be 1-D or 2-D (n_samples, n_targets); the mean is 0 without intercept.
        ``validated`` says y already went through ``check_y`` or ``check_targets``.
        """
        y = y if validated else check_targets(y, self.n_samples)
        if not self.fit_intercept:
            return y.copy(), np.zeros(y.shape[1:]) if y.ndim > 1 else 0.0
        y_mean = np.average(y, axis=0, weights=self.sample_weight)
        y_c = y - y_mean
        # a constant y centers to rounding noise: nothing is left to fit (compared
        # after scaling by the largest |y|, so that no square over- or underflows)
        scale = np.max(np.abs(y), axis=0) if y.size else 1.0
        scale = np.where(scale > 0, scale, 1.0)
        noise = (self.weighted_sq_norm(y_c / scale)
                 <= _ROUNDING * self.weighted_sq_norm(y / scale))
        if y_c.ndim == 1 and noise:
            y_c[:] = 0.0
        elif y_c.ndim > 1:
            y_c[:, noise] = 0.0
        return y_c, y_mean

    def unpenalized(self, penalty_factor):
        """Indices of the features with penalty factor 0 that are not constant.

        (A constant column fits nothing: with an intercept it centers to zero.)
        """
        return np.flatnonzero((penalty_factor == 0) & (self.col_sq_norms > 0)).astype(np.intp)

    def dense_columns(self, idx):
        """X[:, idx] as a dense float64 array (n_samples, len(idx))."""
        cols = self.X[:, idx]
        return np.asarray(cols.toarray() if sp.issparse(cols) else cols, dtype=np.float64)

    def weighted_sq_norm(self, v):
        """Σ_i s_i v_i² (over the first axis)."""
        if self.sample_weight is None:
            return np.einsum("i...,i...->...", v, v)
        return np.einsum("i,i...,i...->...", self.sample_weight, v, v)

    def gradient(self, r):
        """Centered weighted correlations x̄_jᵀ S r for a centered residual r (Σ s r = 0)."""
        sr = r if self.sample_weight is None else (
            self.sample_weight.reshape(-1, *([1] * (np.ndim(r) - 1))) * r)
        z = self.X.T @ sr if self.dtype == np.float64 else self._rmatmat_single(sr)
        if self.fit_intercept:
            z = z - np.outer(self.x_mean, np.sum(sr, axis=0)).reshape(z.shape)
        return np.asarray(z, dtype=np.float64)

    def _rmatmat_single(self, sr):
        """Xᵀ sr for float32 X in float64, without the float64 copy of X numpy or scipy make."""
        cols = np.asfortranarray(np.asarray(sr, dtype=np.float64).reshape(self.n_samples, -1))
        out = np.empty((self.n_features, cols.shape[1]), order="F")
        if self.sparse:
            for k in range(cols.shape[1]):
                _design_stats.sparse_rmatvec(self.X.data, self.X.indices, self.X.indptr,
                                             cols[:, k], out[:, k])
        else:
            _dense_products.xt_matmat(self.X, cols, out)
        return out.reshape((self.n_features,) + np.shape(sr)[1:])

    def matvec(self, coef):
        """X @ coef for coefficients of shape (n_features,) or (n_features, k)."""
        coef = np.asarray(coef)
        return np.asarray(self.X @ coef.astype(self.dtype, copy=False), dtype=np.float64)

    @property
    def col_scale(self):
        """σ_j: the columns' weighted population standard deviations (glmnet's).

        Centered when fitting an intercept, root mean squares without one:
        √(col_sq_norms / n), the weights summing to n. Zero-sd (constant, or
        all-zero) columns get 1: their centered column is zero, so their
        coefficient is 0 whatever the scale.
        """
        sd = np.sqrt(self.col_sq_norms / max(self.n_samples, 1))
        return np.where(sd > 0, sd, 1.0)

    def intercept(self, coef, y_mean):
        """Intercept that goes with coef on the centered problem."""
        if not self.fit_intercept:
            return np.zeros_like(np.asarray(y_mean, dtype=np.float64)) if np.ndim(y_mean) else 0.0
        return y_mean - self.x_mean @ coef


def penalty_factors(design, penalty_factor, standardize):
    """(L1 factors, L2 factors) on the original coefficients.

    Standardizing penalizes σ_j β_j: α v_j (ρ|σ_j β_j| + (1−ρ)/2 σ_j² β_j²), that
    is the L1 factor v_j σ_j and the L2 factor v_j σ_j² on β itself, so the
    solvers run on X as it is. Without standardization both are v.
    """
    if not standardize:
        return penalty_factor, penalty_factor
    scale = design.col_scale
    return penalty_factor * scale, penalty_factor * scale * scale
