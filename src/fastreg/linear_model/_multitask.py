"""Multi-task Lasso and ElasticNet: path function and estimators.

For targets Y of shape (n_samples, n_tasks), coefficients B of shape
(n_features, n_tasks), sample weights s (summing to n) and l1_ratio ρ::

    P(B, b) = 1/(2n) Σ_i s_i ‖y_i − b − x_iᵀB‖₂² + α Σ_j (ρ‖B_j,:‖₂ + (1−ρ)/2 ‖B_j,:‖₂²)

scikit-learn's ``MultiTaskLasso`` / ``MultiTaskElasticNet`` objective and
alpha scale (its ‖·‖_21 sums the rows' norms). The block solver runs with
groups of one feature and K columns (see ``_block_path.py``).
"""

import numpy as np

from .._base import BaseEstimator, LinearRegressorMixin
from .._validation import (_real_parameter, check_bools, check_scalar, check_targets)
from ._block_path import block_path, make_design

__all__ = ["MultiTaskElasticNet", "MultiTaskLasso", "multitask_enet_path"]


def _check_Y(Y, n_samples):
    Y = check_targets(Y, n_samples, name="Y")
    if Y.ndim != 2:
        raise ValueError(f"Y must be 2-D (n_samples, n_tasks), got shape {Y.shape}; for a "
                         "single task use Lasso or ElasticNet.")
    return Y


def multitask_enet_path(X, Y, l1_ratio=1.0, alphas=None, n_alphas=100, eps=None,
                        fit_intercept=True, sample_weight=None, tol=1e-6, max_iter=100_000,
                        verbose=False, *, screening=True, coef_init=None):
    """Multi-task elastic-net path by working-set block coordinate descent.

    Minimizes, for each alpha::

        1/(2n) Σ_i s_i ‖y_i − b − x_iᵀB‖² + α Σ_j (ρ‖B_j,:‖ + (1−ρ)/2 ‖B_j,:‖²)

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
    Y : array-like of shape (n_samples, n_tasks)
    l1_ratio : float in [0, 1], default=1.0
        1 is the multi-task Lasso.
    alphas : array-like, optional
        Default: ``n_alphas`` geometric values from
        alpha_max = max_j ‖x̄_jᵀS(Y − Ȳ)‖₂ / (nρ) down to ``eps·alpha_max``.
    n_alphas : int, default=100
    eps : float, optional
        1e-3 when n_samples > n_features, else 1e-2.
    fit_intercept : bool, default=True
    sample_weight : array-like of shape (n_samples,), optional
    tol : float, default=1e-6
        Stop when the certified duality gap ≤ tol · P_null.
    max_iter : int, default=100000
    verbose : bool or callable, default=False
    screening : bool, default=True
    coef_init : array-like of shape (n_tasks, n_features), optional

    Returns
    -------
    path : Path
        ``coefs`` sparse (CSC) of shape (n_tasks · n_features, n_alphas): row
        k·n_features + j holds task k's coefficient of feature j, so
        ``path.coef_at(i)`` is scikit-learn's ``coef_`` (n_tasks, n_features)
        and memory is proportional to the nonzeros; ``intercepts`` of shape
        (n_tasks, n_alphas); ``dual_gaps``, ``n_iters``, ``dev_ratios``.
    """
    check_bools(fit_intercept=fit_intercept, screening=screening, verbose=verbose)
    design = make_design(X, sample_weight, fit_intercept)
    n, p = design.n_samples, design.n_features
    Y = _check_Y(Y, n)
    Y_c, y_mean = design.center_y(Y, validated=True)
    K = Y.shape[1]
    if coef_init is not None:
        coef_init = _real_parameter(coef_init, "coef_init")
        if coef_init.shape != (K, p) or not np.all(np.isfinite(coef_init)):
            raise ValueError(f"coef_init must be finite of shape ({K}, {p}), got "
                             f"{coef_init.shape}.")
        coef_init = coef_init.T
    ptr, idx = np.arange(p + 1, dtype=np.intp), np.arange(p, dtype=np.intp)
    return block_path(design, Y_c, y_mean, ptr, idx, np.ones(p), l1_ratio=l1_ratio,
                      alphas=alphas, n_alphas=n_alphas, eps=eps, tol=tol, max_iter=max_iter,
                      screening=screening, coef_init=coef_init, verbose=verbose,
                      multitask=True, method="Block coordinate descent")


class _MultiTaskBase(LinearRegressorMixin, BaseEstimator):

    def _l1_ratio(self):
        return self.l1_ratio

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples, n_tasks)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        alpha = check_scalar(self.alpha, "alpha", low=0.0)
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y "
                             "is None.")
        coef_init = self._warm_coef(lambda: np.shape(y)[1:2] + np.shape(X)[1:2])
        path = multitask_enet_path(
            X, y, self._l1_ratio(), alphas=[alpha], fit_intercept=self.fit_intercept,
            sample_weight=sample_weight, tol=self.tol, max_iter=self.max_iter,
            screening=self.screening, coef_init=coef_init)
        return self._store_solution(path, path.coef_at(0),
                                    np.asarray(path.intercepts[:, 0], dtype=np.float64))


class MultiTaskElasticNet(_MultiTaskBase):
    """Multi-task linear regression with a mixed L2,1 and squared L2 penalty.

    Minimizes::

        1/(2n) Σ_i s_i ‖y_i − b − x_iᵀB‖² + α Σ_j (ρ‖B_j,:‖₂ + (1−ρ)/2 ‖B_j,:‖₂²)

    scikit-learn's ``MultiTaskElasticNet`` objective and scale; here also
    with sparse X and sample weights.

    Parameters
    ----------
    alpha : float, default=1.0
    l1_ratio : float in [0, 1], default=0.5
    fit_intercept : bool, default=True
    tol : float, default=1e-6
        Stop when the duality gap ≤ tol · P_null.
    max_iter : int, default=100000
    screening : bool, default=True
    warm_start : bool, default=False

    Attributes
    ----------
    coef_ : ndarray of shape (n_tasks, n_features)
    intercept_ : ndarray of shape (n_tasks,)
    n_iter_ : int
    dual_gap_ : float
        Certified duality gap relative to P_null.
    n_features_in_ : int
    """

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, tol=1e-6,
                 max_iter=100_000, screening=True, warm_start=False):
        self._store_params(locals())


class MultiTaskLasso(_MultiTaskBase):
    """Multi-task Lasso: :class:`MultiTaskElasticNet` with ``l1_ratio=1``.

    Minimizes ``1/(2n) Σ_i s_i ‖y_i − b − x_iᵀB‖² + α Σ_j ‖B_j,:‖₂``,
    scikit-learn's ``MultiTaskLasso`` scale. Parameters and attributes are
    those of :class:`MultiTaskElasticNet` without ``l1_ratio``.
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, tol=1e-6, max_iter=100_000,
                 screening=True, warm_start=False):
        self._store_params(locals())

    def _l1_ratio(self):
        return 1.0
