"""The group lasso (group elastic net): path function and estimator.

For a partition of the features into groups g with weights w_g (default
√|g|), sample weights s (summing to n) and l1_ratio ρ::

    P(β, β0) = 1/(2n) Σ_i s_i (y_i − β0 − x_iᵀβ)² + α Σ_g w_g (ρ‖β_g‖₂ + (1−ρ)/2 ‖β_g‖₂²)

adelie's scale (its lmda is α, its penalty factors are w_g). Solved by the
block working-set solver (see ``_block_path.py``).

With ``loss="logistic"`` (two classes, y coded 0 / 1 as the second sorted
label) the datafit is the binary logistic loss
1/n Σ_i s_i [log(1 + e^η_i) − y_i η_i], η_i = β0 + x_iᵀβ: the logistic group
lasso, by the same block solver with its softmax datafit's K = 1 case
(``_block_logistic.py``); :class:`LogisticGroupLasso` is its estimator.
"""

import numpy as np

from .._base import BaseEstimator, LinearClassifierMixin, LinearRegressorMixin
from .._groups import check_group_weights, check_groups
from .._grid import path_alphas
from .._path import run_path
from .._validation import (check_bools, check_coef_init, check_l1_ratio, check_max_iter,
                           check_option, check_scalar, check_tol, check_y)
from ._block_logistic import BlockLogisticPoint, block_logistic_alpha_max, warn_unregularized
from ._block_path import block_alpha_max, block_path, make_design
from ._labels import encode_classes

__all__ = ["GroupLasso", "LogisticGroupLasso", "group_alpha_max", "group_lasso_path"]


def _prepare(X, y, groups, group_weights, fit_intercept, sample_weight, loss="squared"):
    """(design, targets, y_mean or classes, ptr, idx, weights); targets are the centered y,
    or the 0 / 1 class codes with ``loss="logistic"``."""
    design = make_design(X, sample_weight, fit_intercept)
    if check_option(loss, "loss", ("squared", "logistic")) == "logistic":
        codes, extra = encode_classes(y, design.n_samples, design.sample_weight)
        if extra.size != 2:
            raise ValueError(f"y: Only binary classification is supported with loss='logistic'; "
                             f"got {extra.size} classes; for more use logistic_path(..., "
                             "multinomial='grouped').")
        target = codes
    else:
        target, extra = design.center_y(check_y(y, design.n_samples), validated=True)
    ptr, idx = check_groups(groups, design.n_features)
    weights = check_group_weights(group_weights, ptr)
    return design, target, extra, ptr, idx, weights


def group_alpha_max(X, y, groups, *, group_weights=None, l1_ratio=1.0, fit_intercept=True,
                    sample_weight=None, loss="squared"):
    """Smallest alpha at which every penalized group is zero.

    ``max_g ‖X̄_gᵀ S r‖₂ / (n ρ w_g)`` over groups with w_g > 0, r the
    residual of the fit of the unpenalized groups and the intercept
    (``loss="logistic"``: r = y − p, p the logistic fit of the unpenalized
    groups and the intercept; y − ȳ, or y − ½ without an intercept, when
    every group is penalized).
    Parameters are those of :func:`group_lasso_path`.
    """
    check_bools(fit_intercept=fit_intercept)
    l1_ratio = check_l1_ratio(l1_ratio)
    design, target, _, ptr, idx, weights = _prepare(X, y, groups, group_weights, fit_intercept,
                                                    sample_weight, loss)
    if loss == "logistic":
        return block_logistic_alpha_max(design, target, 2, ptr, idx, weights, l1_ratio)
    return block_alpha_max(design, target.reshape(-1, 1), ptr, idx, weights, l1_ratio)


def _logistic_path(design, codes, classes, ptr, idx, weights, *, l1_ratio, alphas, n_alphas,
                   eps, tol, max_iter, screening, coef_init, verbose):
    """The logistic group lasso's path (the body of group_lasso_path(loss="logistic"))."""
    l1_ratio, tol, max_iter = check_l1_ratio(l1_ratio), check_tol(tol), check_max_iter(max_iter)
    alphas = path_alphas(alphas, lambda: block_logistic_alpha_max(design, codes, 2, ptr, idx,
                                                                  weights, l1_ratio),
                         n_alphas, eps, design)
    warn_unregularized(alphas, stacklevel=3)
    point = BlockLogisticPoint(design, codes, 2, ptr, idx, weights, l1_ratio, coef_init, tol,
                               max_iter, screening)
    path = run_path(point, alphas, tol=tol, max_iter=max_iter, verbose=verbose,
                    method="Block coordinate descent")
    path.classes = classes
    return path


def group_lasso_path(X, y, groups=None, group_weights=None, l1_ratio=1.0, alphas=None,
                     n_alphas=100, eps=None, fit_intercept=True, sample_weight=None, tol=1e-6,
                     max_iter=100_000, verbose=False, *, screening=True, coef_init=None,
                     loss="squared"):
    """Group elastic-net regularization path by working-set block coordinate descent.

    Minimizes, for each alpha::

        1/(2n) Σ_i s_i (y_i − β0 − x_iᵀβ)² + α Σ_g w_g (ρ‖β_g‖₂ + (1−ρ)/2 ‖β_g‖₂²)

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
        Dense or sparse (CSC used without copy, CSR converted once); float32
        stays float32. Never densified.
    y : array-like of shape (n_samples,)
    groups : array-like of shape (n_features,) or sequence of index lists, optional
        Each feature's group id, or each group's feature indices (contiguous
        or not); every feature in exactly one group. Default: one group per
        feature (the Lasso / ElasticNet).
    group_weights : array-like of shape (n_groups,), optional
        w_g ≥ 0, default √(group size); 0 leaves a group unpenalized.
        Groups are ordered by id (or as listed).
    l1_ratio : float in [0, 1], default=1.0
        ρ: 1 is the group lasso.
    alphas : array-like, optional
        Default: ``n_alphas`` geometric values from alpha_max (at the fit of
        the unpenalized groups and the intercept) down to ``eps·alpha_max``.
    n_alphas : int, default=100
    eps : float, optional
        1e-3 when n_samples > n_features, else 1e-2.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept, exactly (implicit centering).
    sample_weight : array-like of shape (n_samples,), optional
        Rescaled to sum to n_samples.
    tol : float, default=1e-6
        Stop when the certified duality gap ≤ tol · P_null (the objective at β = 0).
    max_iter : int, default=100000
        Maximum block coordinate-descent epochs (over working sets) per alpha.
    verbose : bool or callable, default=False
    screening : bool, default=True
        Gap Safe screening of groups.
    coef_init : array-like of shape (n_features,), optional
        Warm start for the first alpha.
    loss : {"squared", "logistic"}, default="squared"
        "logistic": the logistic group lasso, for two classes (any labels; the
        second sorted one is coded 1),
        1/n Σ_i s_i [log(1 + e^η_i) − y_i η_i] + the same penalty (groups of
        weight 0 are solved exactly with the intercept at every certificate);
        ``tol`` is then relative to the logistic null objective (the binary
        entropy of y, or log 2 without an intercept).

    Returns
    -------
    path : Path
        ``coefs`` sparse (CSC, n_features × n_alphas, dtype of X),
        ``intercepts``, ``dual_gaps`` (units of tol), ``n_iters`` (epochs),
        ``dev_ratios``; ``info`` counts groups (``n_screened``, ``ws_size``);
        ``classes`` with ``loss="logistic"``.
    """
    check_bools(fit_intercept=fit_intercept, screening=screening, verbose=verbose)
    design, y_c, y_mean, ptr, idx, weights = _prepare(X, y, groups, group_weights,
                                                      fit_intercept, sample_weight, loss)
    if coef_init is not None:
        coef_init = check_coef_init(coef_init, design.n_features).reshape(-1, 1)
    if loss == "logistic":
        return _logistic_path(design, y_c, y_mean, ptr, idx, weights, l1_ratio=l1_ratio,
                              alphas=alphas, n_alphas=n_alphas, eps=eps, tol=tol,
                              max_iter=max_iter, screening=screening, coef_init=coef_init,
                              verbose=verbose)
    return block_path(design, y_c, y_mean, ptr, idx, weights, l1_ratio=l1_ratio, alphas=alphas,
                      n_alphas=n_alphas, eps=eps, tol=tol, max_iter=max_iter,
                      screening=screening, coef_init=coef_init, verbose=verbose,
                      multitask=False, method="Block coordinate descent")


class GroupLasso(LinearRegressorMixin, BaseEstimator):
    """Linear regression with a group (elastic-net) penalty.

    Minimizes::

        1/(2n) Σ_i s_i (y_i − β0 − x_iᵀβ)² + α Σ_g w_g (ρ‖β_g‖₂ + (1−ρ)/2 ‖β_g‖₂²)

    adelie's scale (lmda = α). skglm's ``WeightedGroupL2`` and celer's
    ``GroupLasso`` use the same data-fit and α with w_g = √|g| (their
    default weights), on contiguous groups.

    Parameters
    ----------
    alpha : float, default=1.0
    groups : array-like of shape (n_features,) or sequence of index lists, optional
        Group id per feature, or feature indices per group. Default: one
        group per feature.
    group_weights : array-like of shape (n_groups,), optional
        Default √(group size); 0 leaves a group unpenalized.
    l1_ratio : float in [0, 1], default=1.0
    fit_intercept : bool, default=True
    tol : float, default=1e-6
        Stop when the duality gap ≤ tol · P_null.
    max_iter : int, default=100000
    screening : bool, default=True
    warm_start : bool, default=False

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
    dual_gap_ : float
        Certified duality gap relative to P_null.
    n_features_in_ : int
    """

    def __init__(self, alpha=1.0, *, groups=None, group_weights=None, l1_ratio=1.0,
                 fit_intercept=True, tol=1e-6, max_iter=100_000, screening=True,
                 warm_start=False):
        self._store_params(locals())

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        alpha = check_scalar(self.alpha, "alpha", low=0.0)
        coef_init = self._warm_coef(lambda: np.shape(X)[1:2])
        path = group_lasso_path(
            X, y, self.groups, self.group_weights, self.l1_ratio, alphas=[alpha],
            fit_intercept=self.fit_intercept, sample_weight=sample_weight, tol=self.tol,
            max_iter=self.max_iter, screening=self.screening, coef_init=coef_init)
        return self._store_solution(path, path.coef_at(0), float(path.intercepts[0]))


class LogisticGroupLasso(LinearClassifierMixin, BaseEstimator):
    """Binary logistic regression with a group (elastic-net) penalty, certified by a duality gap.

    Minimizes::

        1/n Σ_i s_i [log(1 + e^η_i) − y_i η_i] + α Σ_g w_g (ρ‖β_g‖₂ + (1−ρ)/2 ‖β_g‖₂²)

    with η_i = β0 + x_iᵀβ and y coded 0 / 1 (``classes_[1]`` is 1): the
    scale of :class:`LogisticRegression` (groups of one feature with w_g = 1
    are its L1 / elastic-net model). See :func:`group_lasso_path` with
    ``loss="logistic"``; for more than two classes use
    ``LogisticRegression(multinomial="grouped")`` (one group per feature).

    Parameters
    ----------
    alpha : float, default=1e-3
    groups : array-like of shape (n_features,) or sequence of index lists, optional
        Group id per feature, or feature indices per group. Default: one
        group per feature.
    group_weights : array-like of shape (n_groups,), optional
        Default √(group size); every weight must be > 0.
    l1_ratio : float in [0, 1], default=1.0
    fit_intercept : bool, default=True
    tol : float, default=1e-6
        Stop when the duality gap ≤ tol · L_null (the objective at β = 0).
    max_iter : int, default=100000
    screening : bool, default=True
    warm_start : bool, default=False

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    coef_ : ndarray of shape (1, n_features)
    intercept_ : ndarray of shape (1,)
    n_iter_ : int
    dual_gap_ : float
        Certified duality gap relative to L_null.
    n_features_in_ : int
    """

    def __init__(self, alpha=1e-3, *, groups=None, group_weights=None, l1_ratio=1.0,
                 fit_intercept=True, tol=1e-6, max_iter=100_000, screening=True,
                 warm_start=False):
        self._store_params(locals())

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Two classes.
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        alpha = check_scalar(self.alpha, "alpha", low=0.0)
        coef_init = self._warm_coef(lambda: np.shape(X)[1:2], y)
        if coef_init is not None:
            coef_init = coef_init[0]
        path = group_lasso_path(
            X, y, self.groups, self.group_weights, self.l1_ratio, alphas=[alpha],
            fit_intercept=self.fit_intercept, sample_weight=sample_weight, tol=self.tol,
            max_iter=self.max_iter, screening=self.screening, coef_init=coef_init,
            loss="logistic")
        self.classes_ = path.classes
        return self._store_solution(path, path.coef_at(0)[None, :],
                                    np.atleast_1d(path.intercepts[..., 0]).astype(np.float64))
