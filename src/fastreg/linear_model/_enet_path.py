"""Regularization paths for the Lasso and the ElasticNet.

The objective (see the README) is, for sample weights s (summing to n),
penalty factors v and l1_ratio ρ::

    P(β, β0) = 1/(2n) Σ_i s_i (y_i − β0 − x_iᵀβ)² + α Σ_j v_j (ρ|β_j| + (1−ρ)/2 β_j²)

Each alpha is solved by the working-set solver (``_kernels/_solver.pyx``) with
the quadratic datafit and the elastic-net penalty, warm started from the
previous one by the path driver (``fastreg._path``), and stops on a certified
duality gap.
"""

import warnings

import numpy as np

from .._design import Design, penalty_factors
from .._grid import alpha_max_from_correlations, geometric_grid, path_alphas
from .._kernels import _problem, _solver, _sweeps, _workspace
from .._path import PointResult, run_path
from .._validation import (
    check_bools,
    check_coef_init,
    check_l1_ratio,
    check_max_iter,
    check_penalty_factor,
    check_tol,
    check_y,
)

__all__ = ["alpha_max", "alpha_grid", "enet_path", "lasso_path"]


# Smallest working set of the first outer iteration at an alpha.
_WS_START = 10

def _prepare(X, y, l1_ratio, fit_intercept, sample_weight, penalty_factor, standardize):
    """Validated (l1_ratio, Design, centered y, y mean, (L1, L2) penalty factors) of one call."""
    l1_ratio = check_l1_ratio(l1_ratio)
    design = Design(X, sample_weight, fit_intercept)
    y_c, y_mean = design.center_y(check_y(y, design.n_samples), validated=True)
    pf = check_penalty_factor(penalty_factor, design.n_features)
    return l1_ratio, design, y_c, y_mean, penalty_factors(design, pf, standardize)


def _alpha_max(design, y_c, l1_ratio, penalty_factor, positive):
    """alpha_max at the fit of the unpenalized features (and the intercept).

    Below alpha_max some penalized coefficient leaves zero; above it, the
    solution is the least-squares fit of the unpenalized features alone, so
    the correlations that decide are those of its residual.
    """
    z = design.gradient(y_c)
    unpen, cross, y_cross = _unpenalized_products(design, y_c, penalty_factor)
    if unpen.size:
        z = z - cross @ _unpenalized_fit(cross[unpen], y_cross, positive)
    return alpha_max_from_correlations(z, design.n_samples, l1_ratio, penalty_factor, positive)


def _unpenalized_fit(gram, target, positive):
    """argmin ½ βᵀGβ − bᵀβ (β ≥ 0 with ``positive``): the unpenalized features' fit."""
    if not positive:
        return np.linalg.lstsq(gram, target, rcond=None)[0]
    from scipy.optimize import nnls

    # ½βᵀGβ − bᵀβ = ½‖Aβ − c‖² + const with G = AᵀA, b = Aᵀc
    vals, vecs = np.linalg.eigh(gram)
    keep = vals > vals.max() * 1e-12 if vals.size else vals > 0
    A = np.sqrt(vals[keep])[:, None] * vecs[:, keep].T
    c = (vecs[:, keep].T @ target) / np.sqrt(vals[keep])
    return nnls(A, c)[0]


def alpha_max(X, y, *, l1_ratio=1.0, fit_intercept=True, sample_weight=None,
              penalty_factor=None, positive=False, standardize=False):
    """Smallest alpha for which all (penalized) coefficients are zero.

    ``alpha_max = max_j |x̄_jᵀ S (y − ȳ)| / (n ρ v_j)`` over features with
    v_j > 0, where x̄_j is centered when fitting an intercept. For
    ``positive=True`` only positive correlations count. For ``l1_ratio=0``
    the value for ρ = 1e-3 is returned (as glmnet does). With
    ``standardize=True`` it is the alpha_max of the standardized columns
    x̄_j / σ_j: the same alpha scale as the standardized path.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    l1_ratio : float in [0, 1]
    fit_intercept : bool
    sample_weight : array-like of shape (n_samples,), optional
    penalty_factor : array-like of shape (n_features,), optional
    positive : bool
    standardize : bool, default=False
        Penalize the coefficients of unit-variance columns (see :func:`enet_path`).

    Returns
    -------
    alpha_max : float
    """
    check_bools(fit_intercept=fit_intercept, positive=positive, standardize=standardize)
    l1_ratio, design, y_c, _, (pf, _) = _prepare(X, y, l1_ratio, fit_intercept, sample_weight,
                                                 penalty_factor, standardize)
    return _alpha_max(design, y_c, l1_ratio, pf, positive)


def alpha_grid(X, y, *, l1_ratio=1.0, n_alphas=100, eps=None, fit_intercept=True,
               sample_weight=None, penalty_factor=None, positive=False, standardize=False):
    """The default alpha grid: ``n_alphas`` geometric values from alpha_max down to eps·alpha_max.

    ``eps`` defaults to 1e-3 when n_samples > n_features, else 1e-2.
    Parameters are as in :func:`enet_path`.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,), decreasing
    """
    check_bools(fit_intercept=fit_intercept, positive=positive, standardize=standardize)
    l1_ratio, design, y_c, _, (pf, _) = _prepare(X, y, l1_ratio, fit_intercept, sample_weight,
                                                 penalty_factor, standardize)
    a_max = _alpha_max(design, y_c, l1_ratio, pf, positive)
    return geometric_grid(a_max, n_alphas, eps, design.n_samples, design.n_features)


class _EnetPoint:
    """The elastic-net point solver of the path driver (see ``fastreg._path``).

    Holds the design, the datafit and the warm start carried from one alpha
    to the next: the coefficients w, the residual r = y_c − X w, the offset
    x_meanᵀw, and the solver's workspace with its dual point and screening
    state.
    """

    def __init__(self, design, y_c, y_mean, l1_ratio, factors, positive, coef_init,
                 tol, max_iter, screening):
        penalty_factor, self.l2_factor = factors
        p = design.n_features
        self.design, self.y_mean = design, y_mean
        self.n_features, self.dtype, self.l1_ratio = p, design.dtype, l1_ratio
        self.penalty_factor, self.positive = penalty_factor, positive
        self.max_iter, self.screening = max_iter, screening
        # The problem is scale-equivariant: y (and so w) is solved divided by a
        # power of two when its squares would over- or underflow; l1 scales along.
        self.scale = _y_scale(y_c)
        y_c = y_c / self.scale
        self.null_obj = 0.5 * float(design.weighted_sq_norm(y_c))  # n · P_null
        self.tol_abs = tol * self.null_obj
        self.w = np.zeros(p)
        self.r = y_c.copy()
        self.offset = np.zeros(1)
        if coef_init is not None:
            self.w[:] = check_coef_init(coef_init, p) / self.scale
            self.r -= design.matvec(self.w)
            self.offset[0] = design.x_mean @ self.w
        self.view = _problem.DesignView(design)
        # exact for this l1_ratio (the grid's uses at least 1e-3), in the user's scale
        self.alpha_max = (_alpha_max(design, y_c, 1.0, penalty_factor, positive)
                          * self.scale / l1_ratio if l1_ratio > 0 else np.inf)
        self.y_c = y_c
        self.y_norm = float(np.sqrt(2.0 * self.null_obj))  # ‖y_c‖_S
        # the rounding level of each feature's correlations (see _negligible_penalties)
        self.rounding_level = (NEGLIGIBLE_PENALTY * np.sqrt(design.col_sq_norms)
                               * self.y_norm)
        self.negligible = np.zeros(p, dtype=bool)  # see _negligible_penalties
        unpen, cross, y_cross = _unpenalized_products(design, y_c, penalty_factor)
        self.loss = _problem.QuadraticLoss(y_c, unpenalized=unpen, cross=cross, y_cross=y_cross)
        self.work = _workspace.Workspace(design.n_samples, p)
        if not design.sparse:  # extrapolated warm starts (dense data only)
            self.r_work = np.empty_like(self.r)
            self.history = []  # the last two solutions, as (support, values)

    def solve(self, k, alpha, alphas):
        n = self.design.n_samples
        if self.null_obj == 0:
            self.w[:] = 0.0  # nothing to fit (y constant): not even a warm start survives
            return PointResult(0.0, 0, 0.0)
        if alpha > 2.0 * self.alpha_max:
            # every penalized coefficient is zero from alpha_max up: solve there, as
            # n·alpha may overflow for an enormous alpha
            alpha = 2.0 * self.alpha_max
        l1, l2 = n * alpha * self.l1_ratio / self.scale, n * alpha * (1.0 - self.l1_ratio)
        negligible = self._negligible_penalties(l1, l2)
        if np.any(negligible != self.negligible):
            self._drop_penalties(negligible)
            k = 0  # the previous dual point was feasible for another set: do not reuse it
        factors, l2_factors = self.penalty_factor, self.l2_factor
        if np.any(negligible):
            factors = np.where(negligible, 0.0, factors)
            # one array when the L2 factors are the L1 ones (the kernels' fast case)
            l2_factors = (factors if self.l2_factor is self.penalty_factor
                          else np.where(negligible, 0.0, l2_factors))
        penalty = _problem.ElasticNetPenalty(factors, l1=l1, l2=l2, positive=self.positive,
                                             l2_factor=l2_factors)
        if k >= 2 and not self.design.sparse:
            self._continue_segment(penalty, (alpha - alphas[k - 1]) / (alphas[k - 1] - alphas[k - 2]))
        # The previous solve's dual point and its correlations certify the
        # warm start without a full pass.
        stats = _solver.solve(self.view, self.loss, penalty, self.w, self.r, self.offset,
                              self.work, tol_abs=self.tol_abs, max_epochs=self.max_iter,
                              ws_start=_WS_START, screen=self.screening, dual_known=k > 0)
        if not self.design.sparse:
            support = np.flatnonzero(self.w != 0.0)
            self.history = [self.history[-1] if self.history else None,
                            (support, self.w[support])]
        gap = stats["gap"]
        if np.any(negligible):
            # The dual point is feasible for the true penalty too (x̄_jᵀSθ = 0 on the
            # dropped features): the true gap adds their penalty at w.
            w, v = self.w[negligible], self.penalty_factor[negligible]
            u = self.l2_factor[negligible]
            gap += float(np.sum(l1 * v * np.abs(w) + 0.5 * l2 * u * w * w))
        return PointResult(
            gap / self.null_obj, stats["n_epochs"],
            1.0 - stats["loss"] / self.null_obj,
            {name: stats[name] for name in ("n_outer", "n_screened", "ws_size", "n_passes")})

    def _negligible_penalties(self, l1, l2):
        """Penalized features whose dual constraint is below float64's resolution.

        The dual point θ is certified by |x̄_jᵀSθ| ≤ l1·v_j, a correlation
        computed with rounding errors up to about ε Σ_i s_i |x̄_ij θ_i| ≤
        ε ‖x̄_j‖_S ‖y_c‖_S. When l1·v_j is within NEGLIGIBLE_PENALTY of that
        (a column of huge scale with a tiny penalty factor: 1e8 and 1e-8),
        the test is decided by rounding, and the one scalar that brings θ
        into the feasible set is set by noise: the gap of an optimal point
        stays O(1). Such a feature's penalty is itself below the resolution
        of the objective, so it is solved as unpenalized: θ is projected onto
        x̄_jᵀSθ = 0 (the unpenalized features' projection), feasible for the
        true constraint, and its penalty at w is added to the gap.
        """
        v = self.penalty_factor
        with np.errstate(over="ignore"):
            return (v > 0) & ((l1 + l2) * v <= self.rounding_level)

    def _drop_penalties(self, negligible):
        """Rebuild the datafit with the ``negligible`` features among the unpenalized."""
        factors = np.where(negligible, 0.0, self.penalty_factor)
        unpen, cross, y_cross = _unpenalized_products(self.design, self.y_c, factors)
        self.loss = _problem.QuadraticLoss(self.y_c, unpenalized=unpen, cross=cross,
                                           y_cross=y_cross)
        self.negligible = negligible

    def _continue_segment(self, penalty, step):
        """Start from the continuation of the last path segment, when it lowers the objective.

        The Lasso path is piecewise linear in alpha: continuing the last
        segment is exact while the support and signs stay put. Measured
        worth it on dense p >> n data; on sparse text the support changes
        at every alpha and it does not pay.
        """
        (rows_a, vals_a), (rows_b, _) = self.history
        moved = np.union1d(rows_b, rows_a)
        before = np.zeros(moved.size)
        before[np.searchsorted(moved, rows_a)] = vals_a
        _sweeps.continue_segment(self.view, penalty, self.w, self.r, self.offset,
                                 moved.astype(np.intp), before, step, self.r_work)

    def coef(self):
        return self.w if self.scale == 1.0 else self.w * self.scale

    def intercept(self):
        return self.design.intercept(self.coef(), self.y_mean)

    def release(self):
        self.work = self.loss = self.view = None


# A penalty l1·v_j below this many times ε ‖x̄_j‖_S ‖y_c‖_S (ε = 2.2e-16) is below
# what float64 correlations resolve: 1e4 rounding units keep the dual point's
# scaling within 1e-4 of one (gap ~1e-8 relative) from what rounding decides.
NEGLIGIBLE_PENALTY = 1e4 * np.finfo(np.float64).eps


def _y_scale(y_c):
    """1, or the power of two near max |y_c| when y's squares would leave float64's range."""
    top = float(np.max(np.abs(y_c))) if y_c.size else 0.0
    if top == 0.0 or 1e-100 < top < 1e100:
        return 1.0
    return float(2.0 ** np.round(np.log2(top)))


def _unpenalized_products(design, y_c, penalty_factor):
    """Cross products the solver needs to keep its dual point feasible.

    Unpenalized features (penalty factor 0, nonconstant) constrain the dual
    point to be S-orthogonal to their centered columns; the kernel projects
    onto that subspace using x̄_jᵀ S x̄_u for every j and x̄_uᵀ S y_c.
    """
    unpen = design.unpenalized(penalty_factor)
    cross = np.zeros((design.n_features, unpen.size))
    for a, u in enumerate(unpen):
        cross[:, a] = design.gradient(design.dense_columns([u]).ravel() - design.x_mean[u])
    y_unpen = design.gradient(y_c)[unpen] if unpen.size else np.zeros(0)
    return unpen, cross, y_unpen


def enet_path(X, y, *, l1_ratio=0.5, alphas=None, n_alphas=100, eps=None,
              fit_intercept=True, sample_weight=None, positive=False, penalty_factor=None,
              tol=1e-6, max_iter=100_000, screening=True, early_stop=False, coef_init=None,
              verbose=False, callback=None, standardize=False):
    """Elastic-net regularization path by working-set coordinate descent.

    Minimizes, for each alpha::

        1/(2n) Σ_i s_i (y_i − β0 − x_iᵀβ)² + α Σ_j v_j (ρ|β_j| + (1−ρ)/2 β_j²)

    The alpha scale is scikit-learn's (``enet_path``, ``ElasticNet``), celer's
    and glmnet's with ``standardize=False``.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
        Dense input is used without copy when Fortran-ordered, sparse input
        when CSC; other layouts are converted once. float32 stays float32.
    y : array-like of shape (n_samples,)
    l1_ratio : float in [0, 1], default=0.5
        ρ: 1 is the Lasso, 0 ridge.
    alphas : array-like, optional
        Regularization strengths (any order; solved and returned decreasing).
        Default: ``n_alphas`` values from :func:`alpha_grid`.
    n_alphas : int, default=100
    eps : float, optional
        Grid ratio alpha_min / alpha_max; 1e-3 if n_samples > n_features else 1e-2.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept (by implicit centering; X is not copied).
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights, rescaled to sum to n_samples.
    positive : bool, default=False
        Constrain coefficients to be non-negative.
    penalty_factor : array-like of shape (n_features,), optional
        Non-negative v_j multiplying each feature's penalty (0 = unpenalized).
        Used as given (not rescaled).
    tol : float, default=1e-6
        Stop when the duality gap ≤ tol · P_null, where P_null is the
        objective at β = 0 (with the optimal intercept).
    max_iter : int, default=100000
        Maximum number of coordinate-descent epochs (over working sets) per alpha.
    screening : bool, default=True
        Apply Gap Safe screening rules.
    early_stop : bool, default=False
        On the automatic grid only, stop when the deviance ratio improves by
        less than 1e-5 (relative) or exceeds 0.999 (glmnet's rule).
    coef_init : array-like of shape (n_features,), optional
        Warm start for the first alpha.
    verbose : bool or callable, default=False
        True prints progress to stderr; a callable is called after each alpha
        as ``verbose(index, alpha, dual_gap, n_nonzero)``.
    callback : callable, optional
        Called after each alpha as ``callback(index, alpha, coef, intercept)``
        with the dense coefficients (a read-only view: copy to keep them).
        Returning True stops the path there (``stopped_early`` is set), as
        cross-validation does once the held-out error stops improving.
    standardize : bool, default=False
        Penalize the coefficients of the standardized columns x_j / σ_j
        (glmnet's ``standardize=TRUE``): σ_j is the column's weighted
        population standard deviation (centered with an intercept, the root
        mean square without), zero-sd columns get coefficient 0. The alphas,
        the default grid and alpha_max are on the standardized scale;
        coefficients, intercepts and ``coef_init`` are on the original one.
        Implicit: X is never scaled or copied (see docs/standardization.md).

    Returns
    -------
    path : Path
        ``alphas``, ``coefs`` (CSC, n_features × n_alphas, dtype of X),
        ``intercepts``, ``dual_gaps`` (units of tol), ``n_iters`` (epochs),
        ``dev_ratios``; ``info`` holds per-alpha solver statistics.

    Warns
    -----
    ConvergenceWarning
        When an alpha stops at max_iter with a gap above tol; the path still returns.
    """
    check_bools(fit_intercept=fit_intercept, positive=positive, screening=screening,
                early_stop=early_stop, verbose=verbose, standardize=standardize)
    tol = check_tol(tol)
    max_iter = check_max_iter(max_iter)
    l1_ratio, design, y_c, y_mean, factors = _prepare(X, y, l1_ratio, fit_intercept,
                                                      sample_weight, penalty_factor, standardize)
    pf = factors[0]
    automatic = alphas is None
    alphas = path_alphas(alphas, lambda: _alpha_max(design, y_c, l1_ratio, pf, positive),
                         n_alphas, eps, design)
    point = _EnetPoint(design, y_c, y_mean, l1_ratio, factors, positive, coef_init, tol,
                       max_iter, screening)
    if point.null_obj == 0:
        warnings.warn("y is constant (after centering, with the sample weights): there is "
                      "nothing to fit, and every coefficient is zero.", UserWarning, stacklevel=2)
    elif np.any(alphas == 0):
        warnings.warn("alpha = 0 is unregularized least squares; coordinate descent converges "
                      "slowly there and its duality gap cannot certify it. Use "
                      "fastreg.Ridge or a small positive alpha.", UserWarning, stacklevel=2)
    return run_path(point, alphas, tol=tol, max_iter=max_iter, early_stop=automatic and early_stop,
                    verbose=verbose, callback=callback)


def lasso_path(X, y, **kwargs):
    """Lasso regularization path: :func:`enet_path` with ``l1_ratio=1``.

    Accepts every keyword of :func:`enet_path` except ``l1_ratio``.
    """
    if "l1_ratio" in kwargs:
        raise TypeError("lasso_path() does not take l1_ratio; use enet_path.")
    return enet_path(X, y, l1_ratio=1.0, **kwargs)
