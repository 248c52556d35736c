"""Cross-validated paths: ``LassoCV``, ``ElasticNetCV`` and ``LogisticRegressionCV``.

The alpha grid comes from the full data (:func:`fastreg.alpha_grid`, with the
same weights, penalty factors, intercept and sign constraint as the fit).
Each fold fits the warm-started path on its training rows over that grid
(:func:`fastreg.enet_path`) and scores every alpha on its held-out rows; the
folds (and, for ``ElasticNetCV``, the l1_ratios) are independent tasks run by
one ``joblib.Parallel`` call, so they spread over threads, processes or a
Dask cluster, and give identical results whatever runs them.

The CV curve follows glmnet's ``cv.glmnet``: at each alpha, ``cv_mean_`` is
the mean of the folds' held-out errors weighted by each fold's held-out
weight (its row count without sample weights), i.e. the pooled held-out mse,
and ``cv_std_`` its standard error,
``sqrt(Σ_k W_k (m_k − cv_mean)² / Σ_k W_k / (K − 1))``. With folds of equal
size these are scikit-learn's ``mse_path_.mean(axis=1)`` and
``std(ddof=1) / sqrt(K)``.

``LogisticRegressionCV`` runs the same machinery with another model: the
grid's top from :func:`fastreg.logistic_alpha_max`, the folds' paths from
:func:`fastreg.logistic_path`, stratified folds from an int ``cv``, and a
held-out error chosen by ``scoring`` (deviance, misclassification error or
1 − AUC, see ``fastreg._scoring``); the curve and the selection rules are
the same code.
"""


import numpy as np

from .._base import BaseEstimator, LinearClassifierMixin, LinearRegressorMixin
from .._folds import (FoldModel, check_cv, check_fold_weights, check_patience, curve,
                      run_folds, select)
from .._grid import geometric_grid
from .._scoring import deviance, misclassification, one_minus_auc, squared_error
from .._validation import (
    check_alphas,
    check_l1_ratio,
    check_max_iter,
    check_sample_weight,
    check_tol,
    check_X,
    check_y,
)
from ._enet_path import alpha_max, enet_path
from ._labels import encode_classes
from ._logistic import logistic_alpha_max, logistic_path

__all__ = ["ElasticNetCV", "LassoCV", "LogisticRegressionCV"]

_SELECTIONS = ("min", "1se")

_REGRESSION = FoldModel(enet_path, squared_error)
# scoring → (fold model, what cv_mean_ holds)
# (the misclassification error is recorded alongside: cv_accuracy_)
_CLASSIFICATION = {
    "deviance": (FoldModel(logistic_path, deviance, extra=(misclassification,)),
                 "binomial deviance"),
    "accuracy": (FoldModel(logistic_path, misclassification, extra=(misclassification,)),
                 "misclassification error"),
    "auc": (FoldModel(logistic_path, one_minus_auc, extra=(misclassification,)), "1 − AUC"),
}


class _CrossValidatedPath(BaseEstimator):
    """Shared ``fit``, selection and plot of the cross-validated path estimators.

    A model plugs in through: ``_alpha_max`` (the grid's top on the full
    data), ``_fold_model`` (the path function and the held-out error of
    every fold task, also used for the refit), ``_target`` (the validated
    y), ``_check_fold`` and ``_set_coef``.
    """

    _multi_l1 = False
    _stratify = False
    _alpha_max = staticmethod(alpha_max)

    def _l1_ratios(self):
        if not self._multi_l1:
            return [1.0]
        values = np.atleast_1d(np.asarray(self.l1_ratio, dtype=object))
        if values.ndim != 1 or values.size == 0:
            raise ValueError(f"l1_ratio must be a float or a non-empty 1-D sequence of floats, "
                             f"got {self.l1_ratio!r}.")
        return [check_l1_ratio(v) for v in values]

    def _fold_model(self):
        """(FoldModel, name of the held-out error) of this estimator."""
        return _REGRESSION, "mean squared error"

    def _target(self, y, n_samples, sw):
        return check_y(y, n_samples)

    def _check_fold(self, k, y, sw, train, test):
        """Raise a ValueError naming ``cv`` if fold k cannot be fitted or scored."""

    def _set_coef(self, coef, intercept):
        self.coef_ = coef
        self.intercept_ = intercept

    def _set_extra(self, means):
        """Store the mean curves (..., n_alphas, n_extra) of the model's extra scorers."""

    def _model_options(self):
        """The model's own options of its path and alpha_max functions."""
        return {}

    def fit(self, X, y, sample_weight=None):
        """Choose alpha (and l1_ratio) by cross-validation, then refit on all the data.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights. They weight the training objective of every
            fold and the held-out error (e.g. ``Σ s_i e_i² / Σ s_i`` over the
            fold for the mse).

        Returns
        -------
        self
        """
        if self.selection not in _SELECTIONS:
            raise ValueError(f"selection must be 'min' or '1se', got {self.selection!r}.")
        model, _ = self._fold_model()
        patience = check_patience(self.patience)
        check_tol(self.tol)
        fold_tol = self.tol if self.cv_tol is None else check_tol(self.cv_tol, name="cv_tol")
        check_max_iter(self.max_iter)
        l1_ratios = self._l1_ratios()
        X = check_X(X)
        n_samples = X.shape[0]
        sw = check_sample_weight(sample_weight, n_samples)  # None for equal weights
        y = self._target(y, n_samples, sw)
        folds = check_cv(self.cv, X, y, self.random_state, stratify=self._stratify)
        check_fold_weights(folds, sw)
        for k, (train, test) in enumerate(folds):
            self._check_fold(k, y, sw, train, test)

        options = dict(fit_intercept=self.fit_intercept, positive=self.positive,
                       penalty_factor=self.penalty_factor, tol=self.tol,
                       max_iter=self.max_iter, screening=self.screening,
                       standardize=self.standardize, **self._model_options())
        if self.alphas is not None:
            given = check_alphas(self.alphas)
            grids = [given for _ in l1_ratios]
        else:
            grids = [geometric_grid(self._alpha_max(X, y, l1_ratio=r,
                                                    fit_intercept=self.fit_intercept,
                                                    sample_weight=sw,
                                                    penalty_factor=self.penalty_factor,
                                                    positive=self.positive,
                                                    standardize=self.standardize,
                                                    **self._model_options()),
                                    self.n_alphas, self.eps, n_samples, X.shape[1])
                     for r in l1_ratios]
            # A zero alpha_max (nothing to fit) gives the grid [0], on which the path
            # warns about an unregularized fit; any tiny alpha gives the same β = 0.
            grids = [g if np.any(g > 0) else np.full(1, np.finfo(float).resolution)
                     for g in grids]
        n_alphas = max(len(g) for g in grids)

        n_l1, n_folds = len(l1_ratios), len(folds)
        runs = run_folds(X, y, sw, folds, l1_ratios, grids, patience,
                         {**options, "tol": fold_tol}, self.n_jobs, model)

        alphas = np.full((n_l1, n_alphas), np.nan)
        scores = np.full((n_l1, n_folds, n_alphas), np.nan)
        mean = np.full((n_l1, n_alphas), np.nan)
        std = np.full((n_l1, n_alphas), np.nan)
        test_weights = np.array([runs[0, k].test_weight for k in range(n_folds)])
        stopped = np.zeros((n_l1, n_folds), dtype=bool)
        for a, grid in enumerate(grids):
            alphas[a, :len(grid)] = grid
            for k in range(n_folds):
                solved = runs[a, k].errors
                scores[a, k, :len(solved)] = solved
                stopped[a, k] = len(solved) < len(grid)
            mean[a], std[a] = curve(scores[a], test_weights)
        if model.extra:
            extra = np.full((n_l1, n_folds, n_alphas, len(model.extra)), np.nan)
            for a in range(n_l1):
                for k in range(n_folds):
                    extra[a, k, :len(runs[a, k].extra)] = runs[a, k].extra
            share = test_weights / test_weights.sum()
            with np.errstate(invalid="ignore"):
                extra_mean = np.einsum("k,akme->ame", share, extra)

        # (l1_ratio, alpha) of the smallest mean error; 1se within that l1_ratio
        best_l1 = int(np.argmin([np.nanmin(m) for m in mean]))
        i_min, i_1se = select(alphas[best_l1], mean[best_l1], std[best_l1])
        chosen = i_min if self.selection == "min" else i_1se

        squeeze = not self._multi_l1 or n_l1 == 1
        self.alphas_ = alphas[0] if squeeze else alphas
        self.cv_scores_ = scores[0] if squeeze else scores
        self.cv_mean_ = mean[0] if squeeze else mean
        self.cv_std_ = std[0] if squeeze else std
        self.stopped_early_ = stopped[0] if squeeze else stopped
        if model.extra:
            self._set_extra(extra_mean[0] if squeeze else extra_mean)
        self.folds_ = folds
        self.l1_ratio_ = float(l1_ratios[best_l1])
        self.alpha_min_ = float(alphas[best_l1, i_min])
        self.alpha_1se_ = float(alphas[best_l1, i_1se])
        self.alpha_ = float(alphas[best_l1, chosen])
        self.index_min_, self.index_1se_ = i_min, i_1se
        self._l1_index = best_l1
        self.n_features_in_ = X.shape[1]
        for name in ("coef_", "intercept_", "path_", "n_iter_", "dual_gap_"):
            self.__dict__.pop(name, None)
        if self.refit:
            # The warm-started path down to the chosen alpha: on sparse data much
            # faster than a cold solve at that alpha alone.
            path = model.path(X, y, l1_ratio=self.l1_ratio_,
                              alphas=grids[best_l1][:chosen + 1], sample_weight=sw, **options)
            self.path_ = path
            intercept = path.intercepts[..., -1]  # one per class for a multinomial model
            self._set_coef(path.coef_at(len(path) - 1),
                           float(intercept) if np.ndim(intercept) == 0 else intercept)
            self.n_iter_ = int(path.n_iters[-1])
            self.dual_gap_ = float(path.dual_gaps[-1])
        return self

    def _check_cv_fitted(self):
        if not hasattr(self, "cv_mean_"):
            from .._warnings import not_fitted_error

            raise not_fitted_error(
                f"This {type(self).__name__} instance is not fitted yet; call fit first.")

    def plot(self, ax=None):
        """Plot the CV curve: mean held-out error ± one standard error against log10(alpha).

        The error is ``cv_mean_`` (the mse for regression; for classifiers the
        deviance, misclassification error or 1 − AUC, per ``scoring``).
        Dotted vertical lines mark ``alpha_min_`` and ``alpha_1se_`` (as glmnet's
        ``plot.cv.glmnet``). With several l1_ratios, the curve of the chosen one
        is drawn. Requires matplotlib.

        Returns
        -------
        ax : matplotlib Axes
        """
        self._check_cv_fitted()
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4.5))
        alphas, mean, std = self.alphas_, self.cv_mean_, self.cv_std_
        if alphas.ndim == 2:
            row = self._l1_index
            alphas, mean, std = alphas[row], mean[row], std[row]
        ok = np.isfinite(mean) & np.isfinite(alphas) & (alphas > 0)
        x = np.log10(alphas[ok])
        err = np.where(np.isfinite(std[ok]), std[ok], 0.0)
        ax.errorbar(x, mean[ok], yerr=err, fmt="o", color="tab:red", ecolor="0.6",
                    markersize=3, elinewidth=1, capsize=2)
        for alpha, label in ((self.alpha_min_, "alpha_min"), (self.alpha_1se_, "alpha_1se")):
            if alpha > 0:
                ax.axvline(np.log10(alpha), color="k", linestyle=":", linewidth=1)
                ax.annotate(label, (np.log10(alpha), 1.0), xycoords=("data", "axes fraction"),
                            rotation=90, va="top", ha="right", fontsize=7)
        ax.invert_xaxis()
        ax.set_xlabel("log10(alpha)")
        ax.set_ylabel(f"{self._fold_model()[1]} (held out)")
        return ax


class _RegressionCV(LinearRegressorMixin, _CrossValidatedPath):
    """The cross-validated elastic net: regression, held-out mse."""


_GRID_DOC = {
    "regression": (":func:`fastreg.alpha_grid`", ":func:`fastreg.enet_path`"),
    "logistic": (":func:`fastreg.logistic_alpha_max` down to\n        ``eps`` times it",
                 ":func:`fastreg.logistic_path`"),
}


def _shared_params(kind):
    grid, path = _GRID_DOC[kind]
    return _SHARED_PARAMS.replace("{grid}", grid).replace("{path}", path)


_SHARED_PARAMS = """\
    alphas : array-like, optional
        The grid. Default: ``n_alphas`` values from {grid}, on the full data
        (same weights, penalty factors, intercept, ``positive``).
    n_alphas : int, default=100
    eps : float, optional
        alpha_min / alpha_max of the automatic grid (1e-3 if n_samples >
        n_features, else 1e-2).
    cv : int, splitter or iterable, default=5
        An int k ≥ 2: shuffled K-fold (stratified by class for classifiers) with
        ``np.random.default_rng(random_state)`` (the global RNG is never used). An object with ``split(X, y)`` (e.g. a
        scikit-learn splitter). Or an iterable of (train, test) pairs of integer
        row indices (or boolean masks); it is read once per ``fit`` (a generator
        can be fitted once only).
    selection : {"1se", "min"}, default="1se"
        ``"min"``: the alpha of the smallest mean held-out error. ``"1se"``:
        the largest alpha whose mean error is at most the minimum plus the
        minimum's standard error (glmnet's ``lambda.1se``).
    patience : int, optional
        Early stopping on the mean CV curve: the folds stop once the mean
        held-out error over folds has not improved for ``patience``
        consecutive alphas (counted once it has dropped below its value at the
        first alpha). The folds run independently, so this is done in rounds:
        first each fold's path stops by the same rule on its *own* held-out
        error; then, if the mean curve (on the alphas every fold reached) has
        not yet shown ``patience`` alphas without improvement after its
        minimum, the folds that stopped short resume, warm-started from their
        last coefficients, up to the alphas the rule needs; and so on. The
        curve (``cv_mean_``, ``cv_std_``) is NaN on the alphas not every fold
        reached (``cv_scores_`` keeps what each fold computed). None (default)
        solves the whole grid.
    n_jobs : int, optional
        Folds (and l1_ratios) run as parallel joblib tasks, in threads by
        default (the solver releases the GIL). Honours
        ``joblib.parallel_config`` (e.g. ``backend="dask"``). Results do not
        depend on n_jobs or the backend.
    random_state : int, numpy Generator or None, default=0
        Seed of the K-fold shuffle when ``cv`` is an int.
    refit : bool, default=True
        Refit on all the data at the chosen alpha (along the warm-started path
        from alpha_max). With False, ``coef_``, ``intercept_`` and ``path_``
        are not set and the estimator cannot predict.
    fit_intercept : bool, default=True
    tol : float, default=1e-6
        Relative duality-gap tolerance of the refit on all the data (see
        {path}).
    cv_tol : float or None, default=1e-4
        Relative duality-gap tolerance of the folds' paths (None: ``tol``).
        The folds only need the CV curve to the accuracy at which alpha_min
        and alpha_1se are settled: on news20 and the Debian descriptions
        (Lasso and logistic, 100 alphas, eps 1e-3) the curve's minimum moved
        by at most 2e-4 (relative) from tol 1e-6 to 1e-4, alpha_min and
        alpha_1se stayed the same, and the folds took 1.7× (news20 Lasso) to
        4.3× (news20 logistic) less CPU time. Near separation a held-out
        deviance can move by ~1e-3. Set ``cv_tol=None`` (folds at ``tol``)
        to compare curves at high accuracy.
    max_iter : int, default=100000
    positive : bool, default=False
    penalty_factor : array-like of shape (n_features,), optional
        Per-feature non-negative penalty multipliers (0: unpenalized), used in
        every fold and in the grid.
    screening : bool, default=True
        Gap Safe screening.
    standardize : bool, default=False
        Penalize the coefficients of the standardized columns (glmnet's
        ``standardize=TRUE``, see {path}): the grid is on the standardized
        scale of the full data, and each fold standardizes with its own
        training rows' standard deviations, as ``cv.glmnet`` does."""

_SHARED_ATTRIBUTES = """\
    alpha_ : float
        The chosen alpha (``alpha_1se_`` or ``alpha_min_`` per ``selection``).
    alpha_min_, alpha_1se_ : float
    index_min_, index_1se_ : int
        Their positions in the grid.
    path_ : Path
        The path on all the data from the top of the grid down to ``alpha_``
        (only with ``refit=True``).
    n_iter_ : int
        Epochs of the final solve at ``alpha_``.
    dual_gap_ : float
        Its certified relative duality gap.
    folds_ : list of (train, test) index arrays
    n_features_in_ : int"""


class LassoCV(_RegressionCV):
    __doc__ = f"""Lasso with alpha chosen by K-fold cross-validation.

    Every fold fits the warm-started Lasso path over one grid computed on the
    full data and scores each alpha by its held-out mean squared error; the
    chosen alpha (``selection``) is refitted on all the data.

    Parameters
    ----------
{_shared_params("regression")}

    Attributes
    ----------
    alphas_ : ndarray of shape (n_alphas,)
        The grid, decreasing.
    cv_scores_ : ndarray of shape (n_folds, n_alphas)
        Held-out (weighted) mse of each fold at each alpha; NaN where a fold
        stopped early. scikit-learn's ``mse_path_`` is its transpose.
    cv_mean_ : ndarray of shape (n_alphas,)
        Mean over folds, weighted by each fold's held-out weight (glmnet's cvm).
    cv_std_ : ndarray of shape (n_alphas,)
        Its standard error (glmnet's cvsd).
    stopped_early_ : ndarray of shape (n_folds,) of bool
    coef_ : ndarray of shape (n_features,)
        Refitted on all the data at ``alpha_`` (only with ``refit=True``).
    intercept_ : float
{_SHARED_ATTRIBUTES}

    Notes
    -----
    Folds and l1_ratios scale out (threads, processes, a Dask cluster through
    ``joblib.parallel_config(backend="dask")``); one path does not: its alphas
    are solved in sequence, each warm-started from the previous one.
    """

    def __init__(self, *, alphas=None, n_alphas=100, eps=None, cv=5, selection="1se",
                 patience=None, n_jobs=None, random_state=0, refit=True, fit_intercept=True,
                 tol=1e-6, cv_tol=1e-4, max_iter=100_000, positive=False,
                 penalty_factor=None, screening=True, standardize=False):
        self._store_params(locals())


class ElasticNetCV(_RegressionCV):
    __doc__ = f"""ElasticNet with alpha and l1_ratio chosen by K-fold cross-validation.

    For every l1_ratio, a grid is computed on the full data; every
    (l1_ratio, fold) pair is one task of a single ``joblib.Parallel`` call.
    The pair (l1_ratio, alpha) with the smallest mean held-out error is
    ``(l1_ratio_, alpha_min_)``; with ``selection="1se"`` the alpha is then
    chosen by the 1se rule along the curve of ``l1_ratio_``.

    Parameters
    ----------
    l1_ratio : float or sequence of floats in [0, 1], default=0.5
        Candidate mixing parameters (1 is the Lasso).
{_shared_params("regression")}

    Attributes
    ----------
    l1_ratio_ : float
        The chosen l1_ratio.
    alphas_ : ndarray of shape (n_l1_ratio, n_alphas) or (n_alphas,)
        The grid of each l1_ratio (with several l1_ratios; one grid when
        ``l1_ratio`` is a single value).
    cv_scores_ : ndarray of shape (n_l1_ratio, n_folds, n_alphas) or (n_folds, n_alphas)
    cv_mean_, cv_std_ : ndarray of shape (n_l1_ratio, n_alphas) or (n_alphas,)
    stopped_early_ : ndarray of shape (n_l1_ratio, n_folds) or (n_folds,) of bool
    coef_ : ndarray of shape (n_features,)
        Refitted on all the data at ``alpha_`` (only with ``refit=True``).
    intercept_ : float
{_SHARED_ATTRIBUTES}
    """

    _multi_l1 = True

    def __init__(self, *, l1_ratio=0.5, alphas=None, n_alphas=100, eps=None, cv=5,
                 selection="1se", patience=None, n_jobs=None, random_state=0, refit=True,
                 fit_intercept=True, tol=1e-6, cv_tol=1e-4, max_iter=100_000, positive=False,
                 penalty_factor=None, screening=True, standardize=False):
        self._store_params(locals())


class LogisticRegressionCV(LinearClassifierMixin, _CrossValidatedPath):
    __doc__ = f"""Sparse logistic regression (binary or multinomial) with alpha chosen by cross-validation.

    For every l1_ratio, a grid is computed on the full data (from
    :func:`fastreg.logistic_alpha_max`); every (l1_ratio, fold) pair fits the
    warm-started :func:`fastreg.logistic_path` on the fold's training rows and
    scores each alpha on its held-out rows; the chosen (l1_ratio, alpha) is
    refitted on all the data. An int ``cv`` gives **stratified** folds.

    scikit-learn's ``LogisticRegressionCV`` takes ``Cs``; its C is
    ``1 / (n_samples · alpha)`` (weights summing to n_samples).

    Parameters
    ----------
    l1_ratio : float or sequence of floats in [0, 1], default=1.0
        Candidate mixing parameters (1 is the L1 penalty).
    scoring : {{"deviance", "accuracy", "auc"}}, default="deviance"
        The held-out error, always minimized: ``"deviance"`` is twice the
        (weighted) mean log-loss, ``2 Σ s_i [log(1 + exp η_i) − y_i η_i] / Σ s_i``;
        ``"accuracy"`` the misclassification error, 1 − (weighted) accuracy
        (the prediction is ``classes_[1]`` where η > 0); ``"auc"`` is 1 − the
        (weighted) area under the ROC curve of η (rank formula, ties counted
        one half). ``cv_scores_``, ``cv_mean_`` and ``cv_std_`` hold that
        error, so ``1 - cv_mean_`` is the mean accuracy or AUC.
{_shared_params("logistic")}
    multinomial : {{"ungrouped", "grouped"}}, default="ungrouped"
        With K > 2 classes, "grouped" penalizes each feature's K class
        coefficients as a group (see :func:`fastreg.logistic_path`).

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The labels, sorted. Two classes: the model gives the log-odds of
        ``classes_[1]``; more: the multinomial (softmax) model, one row of
        coefficients per class (see :class:`fastreg.LogisticRegression`).
    l1_ratio_ : float
        The chosen l1_ratio.
    alphas_ : ndarray of shape (n_l1_ratio, n_alphas) or (n_alphas,)
    cv_scores_ : ndarray of shape (n_l1_ratio, n_folds, n_alphas) or (n_folds, n_alphas)
        The held-out error (per ``scoring``: deviance, 1 − accuracy or 1 − AUC)
        of each fold at each alpha; NaN where a fold stopped early.
    cv_mean_, cv_std_ : ndarray of shape (n_l1_ratio, n_alphas) or (n_alphas,)
        Its mean over folds, weighted by each fold's held-out weight, and the
        standard error (glmnet's cvm and cvsd).
    cv_accuracy_ : ndarray of shape (n_l1_ratio, n_alphas) or (n_alphas,)
        The mean held-out accuracy (weighted as ``cv_mean_``), recorded
        whatever ``scoring`` selects by; NaN where a fold stopped early.
    stopped_early_ : ndarray of shape (n_l1_ratio, n_folds) or (n_folds,) of bool
    coef_ : ndarray of shape (1, n_features), or (n_classes, n_features)
        Refitted on all the data at ``alpha_`` (only with ``refit=True``).
    intercept_ : ndarray of shape (1,), or (n_classes,)
{_SHARED_ATTRIBUTES}

    Notes
    -----
    Every fold's training rows must hold every class (with positive
    weight), and with ``scoring="auc"`` (two classes only) so must its
    held-out rows; with an int ``cv`` that holds when each class has at
    least ``cv`` samples. For more than two classes the deviance is the
    multinomial one and the accuracy that of the most probable class.
    """

    _multi_class = True
    _multi_l1 = True
    _stratify = True
    _alpha_max = staticmethod(logistic_alpha_max)

    def __init__(self, *, alphas=None, n_alphas=100, eps=None, l1_ratio=1.0, cv=5,
                 scoring="deviance", selection="1se", patience=None, n_jobs=None,
                 random_state=0, refit=True, fit_intercept=True, tol=1e-6, cv_tol=1e-4,
                 max_iter=100_000, positive=False, penalty_factor=None, screening=True,
                 standardize=False, multinomial="ungrouped"):
        self._store_params(locals())

    def _model_options(self):
        return {"multinomial": self.multinomial}

    def _fold_model(self):
        if not isinstance(self.scoring, str) or self.scoring not in _CLASSIFICATION:
            raise ValueError(f"scoring must be one of {', '.join(map(repr, _CLASSIFICATION))}; "
                             f"got {self.scoring!r}.")
        return _CLASSIFICATION[self.scoring]

    def _target(self, y, n_samples, sw):
        codes, self.classes_ = encode_classes(y, n_samples, sw)
        if len(self.classes_) > 2 and self.scoring == "auc":
            raise ValueError(f"scoring='auc' needs two classes; y has {len(self.classes_)}. "
                             "Use scoring='deviance' or 'accuracy'.")
        return codes.astype(np.float64) if len(self.classes_) == 2 else codes

    def _check_fold(self, k, y, sw, train, test):
        parts = [("training", train)] + ([("held-out", test)] if self.scoring == "auc" else [])
        for what, rows in parts:
            weight = np.ones(len(rows)) if sw is None else sw[rows]
            for c in range(len(self.classes_)):
                if not np.any(weight[y[rows] == c] > 0):
                    need = ("to fit the model" if what == "training"
                            else "for the AUC (use scoring='deviance' or fewer folds)")
                    raise ValueError(
                        f"cv: the {what} rows of fold {k} hold no sample of class "
                        f"{self.classes_[c].tolist()!r} (with positive weight); every class "
                        f"is needed {need}.")

    def _set_extra(self, means):
        self.cv_accuracy_ = 1.0 - means[..., 0]

    def _set_coef(self, coef, intercept):
        self.coef_ = coef if coef.ndim == 2 else coef[None, :]
        self.intercept_ = np.atleast_1d(np.asarray(intercept, dtype=np.float64))
