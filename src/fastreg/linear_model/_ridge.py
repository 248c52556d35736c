"""Ridge regression: ``ridge_path``, ``Ridge`` and ``RidgeCV``.

The objective is the library's one objective with l1_ratio = 0:

    P(β, β0) = 1/(2n) Σ_i s_i (y_i − β0 − x_iᵀβ)² + α/2 Σ_j v_j β_j²

with sample weights s rescaled to sum to n and penalty factors v (default 1).
The intercept β0 is not penalized and is solved exactly. scikit-learn's
``Ridge`` minimizes Σ_i s_i (y_i − β0 − x_iᵀβ)² + α_sk ‖β‖², so (with unit
weights, or weights summing to n) ``α_sk = n · α``.

Solvers never form an inverse: Cholesky factorization of the Gram (n ≥ p)
or of the kernel (p > n), one eigendecomposition shared by many alphas, or
conjugate gradients for large sparse X (multi-shift over a grid of alphas,
Jacobi-preconditioned for one). See ``fastreg._ridge._solvers`` for how
``solver="auto"`` chooses; every fit goes through its ``solve_alphas``.
"""

import numpy as np

from .._base import BaseEstimator, LinearRegressorMixin
from .._folds import FoldModel, check_cv, check_fold_weights, curve, run_folds, select
from .._grid import MIN_GRID_L1_RATIO, alpha_max_from_correlations, geometric_grid
from .._result import Path
from .._ridge._cv import gcv_errors, loo_errors
from .._ridge._design import RidgeDesign
from .._ridge._solvers import Plan, build_system, check_solver, plan_spectral, solve_alphas
from .._scoring import squared_error
from .._validation import check_alphas, check_bools, check_max_iter, check_scalar, check_tol

__all__ = ["ridge_path", "Ridge", "RidgeCV"]


def _alpha_grid(data, n_alphas, eps):
    """Decreasing geometric grid from alpha_max down to eps · alpha_max (eps ∈ (0, 1]).

    alpha_max is glmnet's for Ridge: the Lasso's divided by MIN_GRID_L1_RATIO,
    the largest over targets (they are independent problems). A constant y
    (or no penalized feature) has no alpha_max; the grid then starts at 1,
    where β = 0 anyway for a constant y.
    """
    a_max = alpha_max_from_correlations(np.max(np.abs(data.B), axis=1), data.n_samples,
                                        MIN_GRID_L1_RATIO, data.grid_penalty)
    return geometric_grid(a_max if a_max > 0 else 1.0, n_alphas, eps, data.n_samples,
                          data.n_features)


def _validate_common(solver, tol, max_iter):
    check_solver(solver)
    tol = check_tol(tol)
    max_iter = None if max_iter is None else check_max_iter(max_iter)
    return tol, max_iter


def _intercepts(data, coefs):
    """β0 = ȳ − x̄ᵀβ for coefs (n_alphas, n_features, n_targets) → (n_alphas, n_targets)."""
    return data.y_mean[None, :] - np.einsum("j,ajt->at", data.x_mean, coefs)


def _dev_ratios(rss, system):
    """1 − RSS / RSS_null per alpha and target (0 for a constant target)."""
    yy = system.yy
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(yy > 0, 1.0 - rss / np.where(yy > 0, yy, 1.0), 0.0)


def ridge_path(X, y, *, alphas=None, n_alphas=100, eps=None, fit_intercept=True,
               sample_weight=None, penalty_factor=None, solver="auto", tol=1e-6,
               max_iter=None, standardize=False):
    """Ridge solutions along a decreasing grid of alphas.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
        Dense or sparse (CSC, CSR, COO); float32 stays float32.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
    alphas : array-like, optional
        Regularization strengths (this library's scale: α_sklearn = n·α);
        sorted in decreasing order. Default: ``n_alphas`` values from
        alpha_max down to ``eps``·alpha_max, where alpha_max follows glmnet's
        Ridge convention (the Lasso's alpha_max divided by 1e-3).
    n_alphas : int
    eps : float, optional
        Ratio of the smallest to the largest alpha of the default grid, in
        (0, 1] (default 1e-3 if n > p else 1e-2).
    fit_intercept : bool
    sample_weight : array-like of shape (n_samples,), optional
    penalty_factor : array-like of shape (n_features,), optional
        Per-feature penalty factors v ≥ 0 (0: unpenalized).
    solver : {"auto", "cholesky", "eigen", "cg"}
        "auto" uses one eigendecomposition for many alphas on dense data or
        small sparse data, and the multi-shift conjugate-gradient path on
        large sparse data (warm-started CG per alpha when some penalty
        factors are zero).
    tol : float
        For "cg": stop when the relative KKT residual
        ‖XcᵀS(yc − Xcβ) − nα v∘β‖ / ‖XcᵀS yc‖ ≤ tol.
    max_iter : int, optional
        CG iterations per alpha and target (default max(1000, min(n, p))).
    standardize : bool, default False
        Penalize the coefficients of the standardized columns x_j / σ_j
        (glmnet's ``standardize=TRUE``; σ_j the weighted population sd,
        centered with an intercept, root mean square without): the penalty
        becomes α/2 Σ v_j σ_j² β_j² on the original coefficients, which every
        solver takes as it is (no scaled copy of X). Alphas are on the
        standardized scale, coefficients on the original one.

    Returns
    -------
    path : Path
        ``coefs`` is dense, (n_features, n_alphas) for 1-D y and
        (n_targets, n_features, n_alphas) for 2-D y; ``intercepts`` and
        ``dev_ratios`` are (n_alphas,) or (n_targets, n_alphas);
        ``dual_gaps`` holds the relative KKT residual at each alpha (largest
        over targets); ``n_iters`` the CG iterations (1 for a direct solve).
        ``info`` has the solver description ("solver") and, for direct
        solvers, the reciprocal condition numbers ("rconds").

    Warns
    -----
    IllConditionedWarning
        When a direct solver's system is too ill-conditioned for the dtype.
    ConvergenceWarning
        When CG stops at max_iter above tol.
    """
    check_bools(fit_intercept=fit_intercept, standardize=standardize)
    tol, max_iter = _validate_common(solver, tol, max_iter)
    data = RidgeDesign(X, y, sample_weight, fit_intercept, penalty_factor, standardize)
    grid = _alpha_grid(data, n_alphas, eps) if alphas is None else check_alphas(alphas)
    plan, system, sol = solve_alphas(data, solver, grid, tol, max_iter)
    intercepts = _intercepts(data, sol.coefs)
    dev = _dev_ratios(sol.rss, system)
    if data.one_d:
        coefs, intercepts, dev = sol.coefs[:, :, 0].T, intercepts[:, 0], dev[:, 0]
    else:
        coefs, intercepts, dev = sol.coefs.transpose(2, 1, 0), intercepts.T, dev.T
    n_iters = getattr(sol, "n_iters", np.ones(len(grid), dtype=np.int64))
    info = {"solver": plan.description, "rconds": getattr(sol, "rconds", None),
            "dual_gaps": "relative KKT residual", "tol": tol}
    return Path(grid, coefs, intercepts, sol.kkt, n_iters, dev,
                l1_ratio=0.0, info=info)


class _RidgeFitMixin:
    """Fitted attributes shared by Ridge and RidgeCV."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _store_fit(self, data, plan, sol, alpha_index=0):
        beta = sol.coefs[alpha_index]                      # (n_features, n_targets)
        intercept = data.intercept(beta, data.y_mean)
        if data.one_d:
            self.coef_ = beta[:, 0].copy()
            self.intercept_ = float(intercept[0])
        else:
            self.coef_ = np.ascontiguousarray(beta.T)
            self.intercept_ = intercept
        self.solver_ = plan.description
        if plan.method == "cg":
            self.rcond_ = None
            self.n_iter_ = int(sol.n_iters[alpha_index])
        else:
            self.rcond_ = float(sol.rconds[alpha_index])
            self.n_iter_ = 1
        self.kkt_residual_ = float(sol.kkt[alpha_index])
        self.n_features_in_ = data.n_features


class Ridge(_RidgeFitMixin, LinearRegressorMixin, BaseEstimator):
    """Linear least squares with an L2 penalty, solved exactly.

    Minimizes 1/(2n) Σ s_i (y_i − β0 − x_iᵀβ)² + α/2 Σ v_j β_j². The same
    model as scikit-learn's ``Ridge(alpha=n * alpha)``.

    Parameters
    ----------
    alpha : float, default 1.0
        Regularization strength, ≥ 0 (α_sklearn = n_samples · alpha).
    fit_intercept : bool, default True
    solver : {"auto", "cholesky", "eigen", "cg"}, default "auto"
        "auto": Cholesky of the Gram (n ≥ p) or kernel (p > n) for dense X
        and small sparse X; conjugate gradients for large sparse X. The
        choice and its reason are stored in ``solver_``.
    tol : float, default 1e-6
        CG stopping threshold on the relative KKT residual.
    max_iter : int, optional
        CG iteration limit (default max(1000, min(n, p))).
    penalty_factor : array-like of shape (n_features,), optional
        Per-feature penalty factors v ≥ 0.
    standardize : bool, default False
        Penalize the coefficients of the standardized columns x_j / σ_j
        (glmnet's ``standardize=TRUE``; σ_j the weighted population sd,
        centered with an intercept, root mean square without): the penalty
        becomes α/2 Σ v_j σ_j² β_j² on the original coefficients, which every
        solver takes as it is (no scaled copy of X). Alphas are on the
        standardized scale, coefficients on the original one.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    solver_ : str
        The solver used and why, e.g. "cholesky (n >= p)".
    rcond_ : float or None
        Reciprocal condition number of the factorized system (None for CG).
    n_iter_ : int
        CG iterations (largest over targets); 1 for a direct solve.
    kkt_residual_ : float
        Relative KKT residual of the solution (largest over targets).
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np, fastreg
    >>> X, y = np.random.default_rng(0).normal(size=(50, 3)), np.arange(50.0)
    >>> fastreg.Ridge(alpha=0.1).fit(X, y).solver_
    'cholesky (n >= p)'
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, solver="auto", tol=1e-6,
                 max_iter=None, penalty_factor=None, standardize=False):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.penalty_factor = penalty_factor
        self.standardize = standardize

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        check_bools(fit_intercept=self.fit_intercept, standardize=self.standardize)
        alpha = check_scalar(self.alpha, "alpha", low=0.0)
        tol, max_iter = _validate_common(self.solver, self.tol, self.max_iter)
        data = RidgeDesign(X, y, sample_weight, self.fit_intercept, self.penalty_factor,
                           self.standardize)
        plan, _, sol = solve_alphas(data, self.solver, np.array([alpha]), tol, max_iter)
        self._store_fit(data, plan, sol)
        return self


class RidgeCV(_RidgeFitMixin, LinearRegressorMixin, BaseEstimator):
    """Ridge with alpha chosen by cross-validation, exact leave-one-out by default.

    Parameters
    ----------
    alphas : array-like, optional
        Candidate alphas (this library's scale, α_sklearn = n·α). Default: the
        ``n_alphas``-value grid of :func:`ridge_path`.
    n_alphas : int, default 100
    eps : float, optional
        Grid ratio when ``alphas`` is None (see :func:`ridge_path`).
    fit_intercept : bool, default True
    cv : None, "loo", "gcv", int, splitter or iterable, default None
        None or "loo": exact leave-one-out errors for every alpha from one
        eigendecomposition of the Gram (n ≥ p) or kernel (p > n). "gcv":
        generalized cross-validation from the same decomposition. An int k:
        shuffled K-fold with ``np.random.default_rng(random_state)``; a
        splitter (with ``split(X, y)``) or an iterable of (train, test) index
        arrays (or boolean masks): those folds. Folds refit the path on their
        training rows with the cross-validation machinery of
        :class:`fastreg.LassoCV` (``fastreg._folds``): parallel joblib tasks,
        results independent of ``n_jobs`` and of the joblib backend.
    n_jobs : int, optional
        Folds run as parallel joblib tasks (threads by default; honours
        ``joblib.parallel_config``). Only used by k-fold ``cv``.
    random_state : int, numpy Generator or None, default=0
        Seed of the K-fold shuffle when ``cv`` is an int.
    penalty_factor : array-like of shape (n_features,), optional
    solver, tol, max_iter :
        Used by k-fold refits and the final fit, as in :class:`Ridge`.
    standardize : bool, default False
        As in :class:`Ridge`. Leave-one-out and GCV use the standard
        deviations of all the data; k-fold refits standardize each fold by
        its training rows (as ``cv.glmnet``).

    Attributes
    ----------
    alpha_ : float
        The alpha with the smallest error (the largest such alpha on ties).
    alphas_ : ndarray of shape (n_alphas,)
        The candidate alphas, in the order given (decreasing for the default grid).
    cv_errors_ : ndarray of shape (n_alphas,)
        Mean (weighted) squared validation error for each of ``alphas_``,
        averaged over targets. Leave-one-out keeps the penalty's absolute
        strength nα when a sample is left out, as scikit-learn's RidgeCV does.
        K-fold: the pooled held-out error Σ s_i e_i² / Σ s_i over all folds
        (the folds' mse weighted by their held-out weight).
    cv_std_ : ndarray of shape (n_alphas,)
        K-fold only: the standard error of ``cv_errors_`` over folds (as
        :class:`fastreg.LassoCV`'s ``cv_std_``); NaN for leave-one-out and GCV.
    folds_ : list of (train, test) index arrays or None
        The K-fold folds (None for leave-one-out and GCV).
    best_score_ : float
        Minus the smallest error.
    coef_, intercept_, solver_, rcond_, n_iter_, kkt_residual_, n_features_in_ :
        As in :class:`Ridge`, for the fit at ``alpha_`` on all the data.
    """

    def __init__(self, alphas=None, *, n_alphas=100, eps=None, fit_intercept=True, cv=None,
                 penalty_factor=None, solver="auto", tol=1e-6, max_iter=None, n_jobs=None,
                 random_state=0, standardize=False):
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.eps = eps
        self.fit_intercept = fit_intercept
        self.cv = cv
        self.penalty_factor = penalty_factor
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.standardize = standardize

    def fit(self, X, y, sample_weight=None):
        """Select alpha by cross-validation and fit on all the data.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        check_bools(fit_intercept=self.fit_intercept, standardize=self.standardize)
        tol, max_iter = _validate_common(self.solver, self.tol, self.max_iter)
        data = RidgeDesign(X, y, sample_weight, self.fit_intercept, self.penalty_factor,
                           self.standardize)
        if self.alphas is None:
            given = _alpha_grid(data, self.n_alphas, self.eps)
        else:
            check_alphas(self.alphas)
            given = np.atleast_1d(np.asarray(self.alphas, dtype=np.float64))
        order = np.argsort(-given, kind="stable")
        grid = given[order]                                   # decreasing
        spectral = self.cv is None or (isinstance(self.cv, str) and self.cv in ("loo", "gcv"))
        if isinstance(self.cv, str) and not spectral:
            raise ValueError(
                f"cv must be None, 'loo', 'gcv', an int or a splitter; got {self.cv!r}.")
        std = np.full(len(grid), np.nan)
        self.folds_ = None
        if spectral:
            plan = plan_spectral(data)
            system = build_system(data, plan)
            per_target = (gcv_errors if self.cv == "gcv" else loo_errors)(system, grid)
            errors = per_target.mean(axis=1)
            best = int(np.argmin(np.where(np.isnan(errors), np.inf, errors)))
        else:
            errors, std, self.folds_ = _kfold_curve(data, y, grid, self.cv,
                                                    self.random_state, self.n_jobs,
                                                    dict(fit_intercept=self.fit_intercept,
                                                         penalty_factor=self.penalty_factor,
                                                         solver=self.solver, tol=tol,
                                                         max_iter=max_iter,
                                                         standardize=self.standardize))
            best = select(grid, errors, std)[0]
        self.alpha_ = float(grid[best])
        self.alphas_ = given
        self.cv_errors_ = np.empty_like(errors)
        self.cv_errors_[order] = errors
        self.cv_std_ = np.empty_like(std)
        self.cv_std_[order] = std
        self.best_score_ = -float(errors[best])
        if spectral:
            # The decomposition served the errors; the final coefficients come from a
            # Cholesky solve of the same matrix, whose accuracy does not suffer from
            # features on different scales.
            plan = Plan("cholesky", plan.kind, f"{plan.description}; fit at alpha_ by Cholesky")
        else:
            plan, system = None, None
        plan, _, sol = solve_alphas(data, self.solver, np.array([self.alpha_]), tol, max_iter,
                                    plan=plan, system=system)
        self._store_fit(data, plan, sol)
        return self


def _ridge_fold_path(X, y, *, l1_ratio, alphas, sample_weight, callback, coef_init,
                     **options):
    """:func:`ridge_path` in the shape of a fold's path function (``FoldModel.path``).

    Every alpha of the grid is solved at once (one decomposition, or the
    multi-shift CG); the fold's scorer is then called per alpha with the
    coefficients (n_features,) or (n_features, n_targets) and the intercept.
    ``l1_ratio`` (0) and ``coef_init`` (no resumed paths) are not used.
    """
    path = ridge_path(X, y, alphas=alphas, sample_weight=sample_weight, **options)
    for index, alpha in enumerate(path.alphas):
        coef = path.coefs[..., index]
        callback(index, alpha, coef if coef.ndim == 1 else coef.T, path.intercepts[..., index])
    return path


_RIDGE_FOLDS = FoldModel(_ridge_fold_path, squared_error)


def _kfold_curve(data, y, grid, cv, random_state, n_jobs, options):
    """(mean, standard error, folds) of the held-out mse of K-fold refits over ``grid``.

    ``data`` is the RidgeDesign of the full data: its validated X and weights
    go to the folds. The mean is the pooled Σ s_i e_i² / Σ s_i over all
    held-out rows (averaged over targets), as :class:`fastreg.LassoCV`'s curve.
    """
    X, sw = data.X, data.sample_weight
    y = np.asarray(y, dtype=np.float64)  # validated by RidgeDesign
    folds = check_cv(cv, X, y, random_state)
    check_fold_weights(folds, sw)
    runs = run_folds(X, y, sw, folds, [0.0], [grid], None, options, n_jobs, _RIDGE_FOLDS)
    scores = np.array([run.errors for run in runs[0]])
    test_weights = np.array([run.test_weight for run in runs[0]])
    mean, std = curve(scores, test_weights)
    return mean, std, folds
