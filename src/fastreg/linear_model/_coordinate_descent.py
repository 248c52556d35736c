"""Lasso and ElasticNet estimators: thin wrappers over :func:`fastreg.enet_path`."""

import numpy as np

from .._base import BaseEstimator, LinearRegressorMixin
from .._validation import check_scalar
from ._enet_path import enet_path

__all__ = ["ElasticNet", "Lasso"]


class _ElasticNetBase(LinearRegressorMixin, BaseEstimator):
    """Shared ``fit`` of the coordinate-descent estimators."""

    def _l1_ratio(self):
        return self.l1_ratio

    def fit(self, X, y, sample_weight=None):
        """Fit the model by working-set coordinate descent.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights, rescaled to sum to n_samples.

        Returns
        -------
        self
        """
        alpha = check_scalar(self.alpha, "alpha", low=0.0)
        # X is validated (and converted, once) by enet_path; only its width is needed here
        coef_init = self._warm_coef(lambda: np.shape(X)[1:2])
        path = enet_path(
            X, y, l1_ratio=self._l1_ratio(), alphas=[alpha], fit_intercept=self.fit_intercept,
            sample_weight=sample_weight, positive=self.positive,
            penalty_factor=self.penalty_factor, tol=self.tol, max_iter=self.max_iter,
            screening=self.screening, coef_init=coef_init, standardize=self.standardize,
        )
        return self._store_solution(path, path.coef_at(0), float(path.intercepts[0]))


class ElasticNet(_ElasticNetBase):
    """Linear regression with combined L1 and L2 penalties.

    Minimizes::

        1/(2n) Σ_i s_i (y_i − β0 − x_iᵀβ)² + α Σ_j v_j (ρ|β_j| + (1−ρ)/2 β_j²)

    with ρ = ``l1_ratio``, on the same scale as scikit-learn's ``ElasticNet``.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength (≥ 0).
    l1_ratio : float in [0, 1], default=0.5
    fit_intercept : bool, default=True
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    penalty_factor : array-like of shape (n_features,), optional
        Per-feature multipliers v_j of the penalty (0 leaves a feature unpenalized).
    tol : float, default=1e-6
        Stop when the duality gap ≤ tol · P_null (objective at β = 0).
    max_iter : int, default=100000
        Maximum coordinate-descent epochs.
    screening : bool, default=True
        Use Gap Safe screening rules.
    warm_start : bool, default=False
        Start from the previous ``coef_`` when refitting.
    standardize : bool, default=False
        Penalize the coefficients of the standardized columns x_j / σ_j
        (glmnet's ``standardize=TRUE``; σ_j the weighted population sd,
        centered with an intercept, root mean square without). ``alpha`` is on
        the standardized scale, ``coef_`` on the original one; X is never
        scaled or copied (see docs/standardization.md).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
        Coordinate-descent epochs used.
    dual_gap_ : float
        Certified duality gap relative to P_null (the units of ``tol``).
    n_features_in_ : int
    """

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, positive=False,
                 penalty_factor=None, tol=1e-6, max_iter=100_000, screening=True,
                 warm_start=False, standardize=False):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.positive = positive
        self.penalty_factor = penalty_factor
        self.tol = tol
        self.max_iter = max_iter
        self.screening = screening
        self.warm_start = warm_start
        self.standardize = standardize


class Lasso(_ElasticNetBase):
    """Linear regression with an L1 penalty (ElasticNet with ``l1_ratio=1``).

    Minimizes ``1/(2n) Σ_i s_i (y_i − β0 − x_iᵀβ)² + α Σ_j v_j |β_j|``, on the
    same scale as scikit-learn's ``Lasso``. Parameters and attributes are those
    of :class:`ElasticNet` without ``l1_ratio``.
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, positive=False,
                 penalty_factor=None, tol=1e-6, max_iter=100_000, screening=True,
                 warm_start=False, standardize=False):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.positive = positive
        self.penalty_factor = penalty_factor
        self.tol = tol
        self.max_iter = max_iter
        self.screening = screening
        self.warm_start = warm_start
        self.standardize = standardize

    def _l1_ratio(self):
        return 1.0
