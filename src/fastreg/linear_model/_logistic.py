"""Sparse logistic regression: ``logistic_path`` and ``LogisticRegression``.

The objective (glmnet's binomial scale, and skglm's), for labels coded
y ∈ {0, 1}, sample weights s (rescaled to sum to n), penalty factors v and
l1_ratio ρ::

    L(β, β0) = 1/n Σ_i s_i [log(1 + exp(η_i)) − y_i η_i] + α Σ_j v_j (ρ|β_j| + (1−ρ)/2 β_j²),
    η_i = β0 + x_iᵀβ

scikit-learn's ``LogisticRegression`` with an elastic-net penalty minimizes
C Σ_i s_i log-loss + ρ‖β‖₁ + (1−ρ)/2 ‖β‖², so ``C = 1 / (n α)``; celer's
``LogisticRegression`` uses ``alpha_celer = n α``.

Each alpha is solved by the same working-set solver as the Lasso
(``_kernels/_solver.pyx``) with the logistic datafit (``_logistic.pxd``),
whose working sets are solved by proximal Newton steps (``_newton.pxd``):
every solve stops on a certified duality gap, with or without an intercept.
Unpenalized features (penalty factor 0) are solved exactly with the
intercept at every step (``_logit_block.pxd``).
"""

import warnings

import numpy as np
from scipy.special import expit

from .._base import BaseEstimator, LinearClassifierMixin
from .._design import Design, penalty_factors
from .._grid import alpha_max_from_correlations, path_alphas
from .._kernels import _problem, _solver, _workspace
from .._path import PointResult, run_path
from .._validation import (
    check_bools,
    check_coef_init,
    check_l1_ratio,
    check_max_iter,
    check_option,
    check_penalty_factor,
    check_scalar,
    check_tol,
)
from ._block_logistic import (grouped_multinomial_alpha_max, grouped_multinomial_point,
                              warn_unregularized)
from ._labels import encode_classes
from ._multinomial import MultinomialPoint, multinomial_alpha_max

__all__ = ["LogisticRegression", "logistic_alpha_max", "logistic_path"]

# Smallest working set of the first outer iteration at an alpha.
_WS_START = 10


def _prepare(X, y, l1_ratio, fit_intercept, sample_weight, penalty_factor, standardize,
             positive):
    """Validated (l1_ratio, Design, class indices, classes, (L1, L2) penalty factors) of one call."""
    l1_ratio = check_l1_ratio(l1_ratio)
    design = Design(X, sample_weight, fit_intercept)
    codes, classes = encode_classes(y, design.n_samples, design.sample_weight)
    pf = check_penalty_factor(penalty_factor, design.n_features)
    if np.any(pf == 0) and positive and classes.size > 2:
        raise ValueError("penalty_factor: the multinomial model with positive=True needs every "
                         "penalty factor > 0 (nonnegative unpenalized rows are not supported: "
                         "the constraint breaks the rows' invariance to a shift across the "
                         "classes); use a small positive factor.")
    return l1_ratio, design, codes, classes, penalty_factors(design, pf, standardize)


def _check_multinomial(multinomial):
    """Whether the multinomial penalty is grouped (one group per feature, K > 2 classes)."""
    return check_option(multinomial, "multinomial", ("ungrouped", "grouped")) == "grouped"


def _alpha_max_of(design, codes, classes, l1_ratio, pf, positive, grouped=False):
    if classes.size > 2 and grouped:
        return grouped_multinomial_alpha_max(design, codes, classes.size, l1_ratio, pf)
    if classes.size > 2:
        return multinomial_alpha_max(design, codes, classes.size, l1_ratio, pf, positive)
    return _alpha_max(design, codes.astype(np.float64), l1_ratio, pf, positive)


def _null_fit(design, y01):
    """(n · null objective, its intercept): the intercept-only model (β = 0)."""
    n = design.n_samples
    if not design.fit_intercept:
        return n * np.log(2.0), 0.0
    p = float(np.average(y01, weights=design.sample_weight))
    entropy = -(p * np.log(p) + (1 - p) * np.log1p(-p))
    return n * entropy, float(np.log(p) - np.log1p(-p))


def _logistic_loss(design, y01, pf):
    """The compiled logistic datafit, with its block of unpenalized features."""
    unpen = design.unpenalized(pf)
    means = design.x_mean[unpen]
    centered = design.dense_columns(unpen) - means
    weighted = centered if design.sample_weight is None else (
        design.sample_weight[:, None] * centered)
    return _problem.LogisticLoss(y01, design.n_features, fit_intercept=design.fit_intercept,
                                 unpenalized=unpen, unpenalized_mean=means,
                                 gram=centered.T @ weighted)


# l1 of a solve that must keep every penalized coefficient at zero (finite: l1 · 0 = 0)
_ABOVE_EVERY_ALPHA = 1e300


def _unpenalized_fit(design, y01, pf, positive):
    """y − p of the model with every penalized coefficient zero: intercept and factor-0 features.

    The point solver's own exact block (Newton on the intercept and the
    unpenalized coefficients, non-negative ones with ``positive``), run at a
    penalty no penalized coefficient can leave zero under: its certificate
    is then at rounding level at once, unless the block did not converge
    (it alone nearly separates the classes: no finite fit), which warns.
    """
    n, p = design.n_samples, design.n_features
    null_obj, b0 = _null_fit(design, y01)
    w, r = np.zeros(p), np.zeros(n)
    offset = np.array([-b0])   # r = −Xw, offset = −b
    penalty = _problem.ElasticNetPenalty(pf, l1=_ABOVE_EVERY_ALPHA, l2=0.0, positive=positive)
    stats = _solver.solve(_problem.DesignView(design, implicit_centering=False),
                          _logistic_loss(design, y01, pf), penalty, w, r, offset,
                          _workspace.Workspace(n, p), tol_abs=0.0, max_epochs=0, screen=False)
    if not stats["gap"] <= 1e-9 * null_obj:  # (infinite: the block's dual point refused)
        warnings.warn("the unpenalized features (and intercept) alone nearly separate the "
                      "classes: their logistic fit does not converge, and alpha_max is "
                      "approximate.", UserWarning, stacklevel=4)
    return y01 - expit(-r - offset[0])


def _alpha_max(design, y01, l1_ratio, pf, positive):
    """alpha_max at the fit of the unpenalized features and the intercept (see _grid.py)."""
    if design.unpenalized(pf).size:
        residual = _unpenalized_fit(design, y01, pf, positive)
    elif design.fit_intercept:
        residual = y01 - np.average(y01, weights=design.sample_weight)
    else:
        residual = y01 - 0.5
    return alpha_max_from_correlations(design.gradient(residual), design.n_samples, l1_ratio,
                                       pf, positive)


def logistic_alpha_max(X, y, *, l1_ratio=1.0, fit_intercept=True, sample_weight=None,
                       penalty_factor=None, positive=False, standardize=False,
                       multinomial="ungrouped"):
    """Smallest alpha at which every coefficient of the logistic model is zero.

    ``max_j |x̄_jᵀ S (y − ȳ)| / (n ρ v_j)`` with the intercept (ȳ the weighted
    mean of the 0/1 labels), with 1/2 in place of ȳ and uncentered columns
    without it; with unpenalized features (v_j = 0), ``max_j |x_jᵀ S (y − p)|
    / (n ρ v_j)`` over the penalized ones, p the probabilities of the
    logistic fit of the intercept and the unpenalized features alone (their
    non-negative fit with ``positive``); for K > 2
    classes the largest over the classes' one-hot columns (1/K in place of ȳ
    without the intercept), or with ``multinomial="grouped"`` the largest norm
    ‖x̄_jᵀS(Y − P_null)‖₂ over the classes (with unpenalized features,
    Y − P of the multinomial fit of the intercepts and those features); with
    ``standardize``, of the standardized columns x̄_j / σ_j. Parameters are
    as in :func:`logistic_path`.
    """
    check_bools(fit_intercept=fit_intercept, positive=positive, standardize=standardize)
    grouped = _check_multinomial(multinomial)
    l1_ratio, design, codes, classes, (pf, _) = _prepare(X, y, l1_ratio, fit_intercept,
                                                         sample_weight, penalty_factor,
                                                         standardize, positive)
    return _alpha_max_of(design, codes, classes, l1_ratio, pf, positive, grouped)


class _LogisticPoint:
    """The logistic point solver of the path driver (see ``fastreg._path``).

    The warm start carried along the path: w, r = −Xw, offset = −β0, and the
    solver's workspace with its dual point and screening state.
    """

    def __init__(self, design, y01, l1_ratio, factors, positive, coef_init, tol,
                 max_iter, screening):
        penalty_factor, self.l2_factor = factors
        n, p = design.n_samples, design.n_features
        self.design, self.n_features, self.dtype = design, p, design.dtype
        self.l1_ratio, self.penalty_factor, self.positive = l1_ratio, penalty_factor, positive
        self.max_iter, self.screening = max_iter, screening
        self.null_obj, b0 = _null_fit(design, y01)
        self.tol_abs = tol * self.null_obj
        self.w = np.zeros(p)
        self.r = np.zeros(n)
        self.offset = np.array([-b0])
        if coef_init is not None:
            self.w[:] = check_coef_init(coef_init, p)
            self.r -= design.matvec(self.w)
        self.view = _problem.DesignView(design, implicit_centering=False)
        self.loss = _logistic_loss(design, y01, penalty_factor)
        self.work = _workspace.Workspace(n, p)

    def solve(self, k, alpha, alphas):
        n = self.design.n_samples
        penalty = _problem.ElasticNetPenalty(
            self.penalty_factor, l1=n * alpha * self.l1_ratio,
            l2=n * alpha * (1.0 - self.l1_ratio), positive=self.positive,
            l2_factor=self.l2_factor)
        stats = _solver.solve(self.view, self.loss, penalty, self.w, self.r, self.offset,
                              self.work, tol_abs=self.tol_abs, max_epochs=self.max_iter,
                              ws_start=_WS_START, screen=self.screening, dual_known=k > 0)
        return PointResult(
            stats["gap"] / self.null_obj, stats["n_epochs"], 1.0 - stats["loss"] / self.null_obj,
            {name: stats[name] for name in ("n_outer", "n_screened", "ws_size", "n_passes")})

    def coef(self):
        return self.w

    def intercept(self):
        return -float(self.offset[0])

    def release(self):
        self.work = self.loss = self.view = None


def logistic_path(X, y, *, l1_ratio=1.0, alphas=None, n_alphas=100, eps=None,
                  fit_intercept=True, sample_weight=None, penalty_factor=None, positive=False,
                  tol=1e-6, max_iter=100_000, screening=True, early_stop=False, coef_init=None,
                  verbose=False, callback=None, standardize=False, multinomial="ungrouped"):
    """Regularization path of L1 / elastic-net logistic regression (binary or multinomial).

    Minimizes, for each alpha::

        1/n Σ_i s_i [log(1 + exp(η_i)) − y_i η_i] + α Σ_j v_j (ρ|β_j| + (1−ρ)/2 β_j²)

    with η_i = β0 + x_iᵀβ and y coded 0 / 1 (the second of the two sorted
    labels is 1). scikit-learn's C is 1 / (n·alpha); celer's alpha is n·alpha.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Any labels (strings, integers, booleans). Two classes give the binary
        model; K > 2 the multinomial (softmax) one, with the elastic net on
        every entry of its (K, p) coefficients (see ``docs/logistic.md``).
    l1_ratio : float in [0, 1], default=1.0
    alphas : array-like, optional
        Default: ``n_alphas`` values from :func:`logistic_alpha_max` down to eps times it.
    n_alphas : int, default=100
    eps : float, optional
        alpha_min / alpha_max; 1e-3 if n_samples > n_features else 1e-2.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept, exactly at every step.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights, rescaled to sum to n_samples.
    penalty_factor : array-like of shape (n_features,), optional
        Non-negative multipliers v_j of each feature's penalty. 0 leaves a
        feature unpenalized: its coefficient (its K class coefficients, for
        K > 2 classes, grouped or not) is solved exactly with the
        intercept(s) at every step, and alpha_max is that of the fit of the
        intercept and the unpenalized features alone. With ``positive`` the
        unpenalized coefficients are non-negative too (two classes only).
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    tol : float, default=1e-6
        Stop when the duality gap ≤ tol · L_null, where L_null is the objective
        at β = 0 (with the optimal intercept: the weighted binary entropy of y;
        without one: log 2), also with unpenalized features.
    max_iter : int, default=100000
        Maximum coordinate-descent epochs (over working sets, in all Newton steps) per alpha.
    screening : bool, default=True
        Gap Safe screening (binary model; the multinomial one uses working sets only).
    early_stop : bool, default=False
        On the automatic grid only, stop when the deviance ratio improves by
        less than 1e-5 (relative) or exceeds 0.999 (glmnet's rule).
    coef_init : array-like of shape (n_features,), optional
    verbose : bool or callable, default=False
    callback : callable, optional
        ``callback(index, alpha, coef, intercept)`` after each alpha; True stops the path.
    standardize : bool, default=False
        Penalize the coefficients of the standardized columns x_j / σ_j
        (glmnet's ``standardize=TRUE``; σ_j the weighted population sd,
        centered with an intercept, root mean square without). Alphas are on
        the standardized scale, coefficients on the original one; X is never
        scaled or copied (see docs/standardization.md).
    multinomial : {"ungrouped", "grouped"}, default="ungrouped"
        With K > 2 classes: "ungrouped" penalizes every entry of B (K, p);
        "grouped" (glmnet's ``type.multinomial="grouped"``) penalizes each
        feature's K class coefficients as a group,
        ``α Σ_j v_j (ρ‖B[:, j]‖₂ + (1−ρ)/2 ‖B[:, j]‖₂²)``, so a feature is in or out for
        every class at once (solved by the block solver; no ``positive``).
        Ignored with two classes (the binary model).

    Returns
    -------
    path : Path
        As for :func:`fastreg.enet_path`, with ``classes`` (the sorted labels);
        ``dev_ratios`` are 1 − deviance / null deviance. For K > 2 classes
        ``coef_shape`` is (K, n_features) (``coefs`` holds them flattened, one
        sparse column per alpha) and ``intercepts`` has shape (K, n_alphas).
    """
    check_bools(fit_intercept=fit_intercept, positive=positive, screening=screening,
                early_stop=early_stop, standardize=standardize)
    tol = check_tol(tol)
    max_iter = check_max_iter(max_iter)
    grouped = _check_multinomial(multinomial)
    l1_ratio, design, codes, classes, factors = _prepare(X, y, l1_ratio, fit_intercept,
                                                         sample_weight, penalty_factor,
                                                         standardize, positive)
    pf = factors[0]
    automatic = alphas is None
    alphas = path_alphas(alphas, lambda: _alpha_max_of(design, codes, classes, l1_ratio, pf,
                                                       positive, grouped),
                         n_alphas, eps, design)
    warn_unregularized(alphas, stacklevel=2)
    if classes.size > 2:
        if coef_init is not None:
            coef_init = check_coef_init(coef_init, (classes.size, design.n_features))
        point = (grouped_multinomial_point if grouped else MultinomialPoint)(
            design, codes, classes.size, l1_ratio, factors, positive, coef_init, tol, max_iter,
            screening)
    else:
        point = _LogisticPoint(design, codes.astype(np.float64), l1_ratio, factors, positive,
                               coef_init, tol, max_iter, screening)
    path = run_path(point, alphas, tol=tol, max_iter=max_iter,
                    early_stop=automatic and early_stop, verbose=verbose, callback=callback,
                    method="Proximal Newton")
    path.classes = classes
    return path


class LogisticRegression(LinearClassifierMixin, BaseEstimator):
    """L1 / elastic-net logistic regression (binary or multinomial), with a certified duality gap.

    Minimizes::

        1/n Σ_i s_i [log(1 + exp(η_i)) − y_i η_i] + α Σ_j v_j (ρ|β_j| + (1−ρ)/2 β_j²)

    with η_i = β0 + x_iᵀβ and y coded 0 / 1 (``classes_[1]`` is 1).
    scikit-learn's ``LogisticRegression(C=..., l1_ratio=ρ)`` is the same
    model with ``C = 1 / (n · alpha)``. With K > 2 classes the model is the
    multinomial one, 1/n Σ_i s_i [log Σ_k e^η_ik − η_{i,y_i}] plus the penalty
    on every entry of the (K, p) coefficients (scikit-learn's multinomial
    model, the same C).

    Parameters
    ----------
    alpha : float, default=1e-3
        Regularization strength (> 0).
    l1_ratio : float in [0, 1], default=1.0
    fit_intercept : bool, default=True
    positive : bool, default=False
    penalty_factor : array-like of shape (n_features,), optional
        Non-negative multipliers of each feature's penalty; 0 leaves a feature
        unpenalized (solved exactly with the intercepts; with ``positive``,
        two classes only).
    tol : float, default=1e-6
        Stop when the duality gap ≤ tol · L_null (the objective at β = 0).
    max_iter : int, default=100000
        Maximum coordinate-descent epochs (in all Newton steps).
    screening : bool, default=True
    warm_start : bool, default=False
        Start from the previous ``coef_`` and ``intercept_`` when refitting.
    standardize : bool, default=False
        Penalize the coefficients of the standardized columns x_j / σ_j
        (glmnet's ``standardize=TRUE``; σ_j the weighted population sd,
        centered with an intercept, root mean square without). Alphas are on
        the standardized scale, coefficients on the original one; X is never
        scaled or copied (see docs/standardization.md).
    multinomial : {"ungrouped", "grouped"}, default="ungrouped"
        With K > 2 classes, "grouped" penalizes each feature's K class
        coefficients as a group (see :func:`logistic_path`).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features), or (n_classes, n_features) for K > 2 classes
    intercept_ : ndarray of shape (1,), or (n_classes,) (centered: they sum to 0)
    n_iter_ : int
    dual_gap_ : float
        Certified duality gap relative to L_null (the units of ``tol``).
    n_features_in_ : int
    """

    _multi_class = True

    def __init__(self, alpha=1e-3, *, l1_ratio=1.0, fit_intercept=True, positive=False,
                 penalty_factor=None, tol=1e-6, max_iter=100_000, screening=True,
                 warm_start=False, standardize=False, multinomial="ungrouped"):
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
        self.multinomial = multinomial

    def fit(self, X, y, sample_weight=None):
        """Fit the model by working-set proximal Newton.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Two or more classes.
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        alpha = check_scalar(self.alpha, "alpha", low=0.0)
        coef_init = self._warm_coef(lambda: np.shape(X)[1:2], y)
        if coef_init is not None and len(self.classes_) == 2:
            coef_init = coef_init[0]
        path = logistic_path(
            X, y, l1_ratio=self.l1_ratio, alphas=[alpha], fit_intercept=self.fit_intercept,
            sample_weight=sample_weight, penalty_factor=self.penalty_factor,
            positive=self.positive, tol=self.tol, max_iter=self.max_iter,
            screening=self.screening, coef_init=coef_init, standardize=self.standardize,
            multinomial=self.multinomial)
        self.classes_ = path.classes
        coef = path.coef_at(0)
        return self._store_solution(path, coef if coef.ndim == 2 else coef[None, :],
                                    np.atleast_1d(path.intercepts[..., 0]).astype(np.float64))
