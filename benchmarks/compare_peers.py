"""Time the same Lasso path with fastreg and its peers, at equal accuracy.

Every solver fits the 100-alpha Lasso path (alphas geometric from
alpha_max = ‖Xᵀy‖∞/n down to 1e-2·alpha_max) on each dataset, without an
intercept, or with one (``--intercept``; then y is centered in alpha_max).
The objective is scikit-learn's, 1/(2n)‖y − β0 − Xβ‖² + α‖β‖₁, which is
also celer's and skglm's; glmnet's lambda (standardize off) and adelie's
lmda equal α. The intercept is unpenalized; scikit-learn's and celer's
path functions get it as their estimators do, from the column means.

Accuracy is measured, not assumed: a reference path is computed at a very
tight tolerance and certified by its duality gap (computed here, from the
reference's residuals), and each run's relative suboptimality
(P(β) − P_ref) / P(0) is evaluated at every alpha. For each solver the
script tries its own tolerance parameter from loose to tight along a ladder
(1e-2, 3e-3, 1e-3, ..., 1e-14) and keeps the loosest one whose largest relative
suboptimality over the path is at most 1e-6; that setting is then timed
(best of at least ``--repeat`` runs) and compared with fastreg's time.

Usage::

    python benchmarks/compare_peers.py [--data {news20,debian,golub,all}] [--repeat N]
                                       [--solvers fastreg,sklearn,celer,...] [--intercept]
                                       [--out results.json]
    python benchmarks/compare_peers.py --model logistic [--data {news20,debian,all}] ...
    python benchmarks/compare_peers.py --model multitask [--data {news20,news20-1k,all}] ...
    python benchmarks/compare_peers.py --model group [--data {news20,cpusmall,all}] ...
    python benchmarks/compare_peers.py --cv [--data ...] [--cv-tol sklearn=5e-7,glmnet=1e-9]

``--out FILE`` also writes the measurements of the path comparison as JSON
(see :func:`results_json`; ``docs/benchmarks.md`` shows the format), for
figures such as the documentation's. Solvers that are not installed are
skipped. Beside the equal-accuracy time,
fastreg is also timed at its default tol=1e-6 (column ``fastreg tol=1e-6``).

``--model logistic`` fits the L1 logistic path instead (see
:class:`LogisticTask`): 1/n Σ [log(1 + exp(η_i)) − y_i η_i] + α‖β‖₁, η = β0 +
Xβ, y ∈ {0, 1}; alphas from the logistic alpha_max (max_j |x_jᵀ(y − ȳ)|/n,
1/2 in place of ȳ without an intercept) down to 1e-2 of it; suboptimality
relative to the null objective (the binary entropy of y with an intercept,
log 2 without), certified by the entropy dual at every alpha (with an
exact intercept step first, so the dual point sums to zero). Data: news20
(first ten groups vs the rest) and the Debian descriptions (library
sections "libs"/"libdevel" vs the rest). Peers: glmnet's ``LogitNet``
(lambda = α), scikit-learn's ``LogisticRegression`` with liblinear (no
intercept only: liblinear penalizes its intercept) and with saga
warm-started along the path (C = 1/(nα)), celer's ``celer_path(pb="logreg")``
(alpha = nα, no intercept), skglm's ``Logistic`` + ``L1`` with ``ProxNewton``
warm-started along the path, and adelie's ``grpnet`` with ``glm.binomial``
(lmda = α, groups of size one).

Every peer runs in this interpreter: python-glmnet needs NumPy 1.x, so the
environment that runs the comparison with glmnet has NumPy < 2 (fastreg
built against NumPy 2 runs on it). Run the other peers in another
environment with ``--solvers`` if needed: each row's reference and fastreg's
time are recomputed in every run.

``--model multitask`` and ``--model group`` fit the multi-task Lasso and the
group lasso paths (see ``benchmarks/_block_peers.py`` for their data, peers
and scales).

``--cv`` times 5-fold cross-validation of the Lasso instead (see
:func:`cv_main`): the same 100-alpha grid (eps 1e-2, from the full data) and
the same folds for everyone (shuffled K-fold, seed 0), one thread, including
the final refit on all the data at the chosen alpha: fastreg's ``LassoCV``,
scikit-learn's ``LassoCV`` (given the folds as ``cv``) and python-glmnet's
``ElasticNet(n_splits=5)`` (given the folds as ``groups``, which its
GroupKFold turns into exactly these folds; it fits the whole path on all the
data first, as cv.glmnet does). Each peer runs at the tolerance that reaches
relative suboptimality ≤ 1e-6 on the first fold's path (the ladder search of
the path mode; fastreg's too), or at the one given by ``--cv-tol``. The
report gives the times, how far each CV curve is from fastreg's, whether
alpha_min agrees, and fastreg at its default tol=1e-6, with ``n_jobs=2`` and
with ``patience=10``.

``--model logistic --cv`` does the same for L1 logistic regression
(:func:`cv_main` with the logistic runners): stratified folds (seed 0, the
folds fastreg's ``cv=5`` makes), the 100-alpha logistic grid, held-out
deviance; fastreg's ``LogisticRegressionCV`` (folds at the refit's tol;
also with its default ``cv_tol=1e-4`` for the folds, and with
``n_jobs=2``), python-glmnet's ``LogitNet(n_splits=5)`` (folds as
``groups``, ``scoring="log_loss"``), and scikit-learn's
``LogisticRegressionCV`` (liblinear or saga, ``Cs = 1/(n_train·α)``) on
every tenth alpha only, its time extrapolated to the grid (marked *).
"""

import argparse
import datetime
import importlib
import json
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._block_peers import (GROUP_DATA, GROUP_SOLVERS, MULTITASK_DATA,  # noqa: E402
                                     MULTITASK_SOLVERS, GroupTask, MultiTaskTask)
from benchmarks._data import (debian_library_tfidf, debian_tfidf, golub,  # noqa: E402
                              news20_tfidf)

TARGET = 1e-6                                   # max relative suboptimality
# Each solver's own tolerance, loose to tight, two steps per decade (1e-2, 3e-3, 1e-3, ...).
LADDER = [m * 10.0 ** -k for k in range(2, 15) for m in (3.0, 1.0)][1:]
REFERENCE_TOL = 1e-12                           # fastreg's relative gap for the reference
DEFAULT_TOL = 1e-6                              # fastreg's default, timed beside
N_ALPHAS, EPS = 100, 1e-2

def _debian(intercept):
    # log sizes average about 8: with no intercept, center the target instead
    X, y = debian_tfidf()
    return X, (y if intercept else y - y.mean())


DATA = {
    "news20": ("news20 tf-idf", lambda intercept: news20_tfidf()),
    "debian": ("debian tf-idf", _debian),
    "golub": ("golub", lambda intercept: golub()),
}


# ----------------------------------------------------------------- solvers ---
# Each takes (X, y, alphas, tol, intercept) and returns the coefficients,
# n_features × n_alphas, and the intercepts (zeros without one).

def _fastreg(X, y, alphas, tol, intercept):
    import fastreg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = fastreg.lasso_path(X, y, alphas=alphas, fit_intercept=intercept, tol=tol,
                                  max_iter=1_000_000)
    return path.coefs, path.intercepts


def _centered_inputs(X, y, intercept):
    """(X, y, path keywords, x̄, ȳ) for the path functions that take no intercept.

    Dense X is centered; sparse X is passed with its column means as
    ``X_offset``, which is how scikit-learn's and celer's estimators fit an
    intercept on sparse data.
    """
    if not intercept:
        return X, y, {}, np.zeros(X.shape[1]), 0.0
    x_mean = np.asarray(X.mean(axis=0)).ravel()
    y_mean = float(y.mean())
    if sp.issparse(X):
        keywords = dict(X_offset=x_mean, X_scale=np.ones_like(x_mean))
        return X, y - y_mean, keywords, x_mean, y_mean
    return X - x_mean, y - y_mean, {}, x_mean, y_mean


def _with_intercepts(coefs, x_mean, y_mean):
    """The path on centered data, and its intercepts ȳ − x̄ᵀβ."""
    return coefs, y_mean - coefs.T @ x_mean


def _sklearn(X, y, alphas, tol, intercept):
    from sklearn.linear_model import lasso_path

    X, y, keywords, x_mean, y_mean = _centered_inputs(X, y, intercept)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coefs = lasso_path(X, y, alphas=alphas, tol=tol, max_iter=1_000_000, **keywords)[1]
    return _with_intercepts(coefs, x_mean, y_mean)


def _celer(X, y, alphas, tol, intercept):
    from celer import celer_path

    X, y, keywords, x_mean, y_mean = _centered_inputs(X, y, intercept)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coefs = celer_path(X, y, "lasso", alphas=alphas, tol=tol, max_iter=1000,
                           max_epochs=1_000_000, **keywords)[1]
    return _with_intercepts(coefs, x_mean, y_mean)


def _skglm(X, y, alphas, tol, intercept):
    from skglm.datafits import Quadratic
    from skglm.penalties import L1
    from skglm.solvers import AndersonCD

    solver = AndersonCD(tol=tol, fit_intercept=intercept, max_iter=1000,
                        max_epochs=1_000_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coefs = solver.path(X, y, Quadratic(), L1(alpha=1.0), alphas=alphas)[1]
    # with an intercept, it is the last row
    p = X.shape[1]
    return coefs[:p], (coefs[p] if intercept else np.zeros(len(alphas)))


def _glmnet(X, y, alphas, tol, intercept):
    from glmnet import ElasticNet

    # alpha=1 is glmnet's pure-l1 mixing; lambda_path holds the alphas.
    model = ElasticNet(alpha=1.0, lambda_path=alphas, standardize=False,
                       fit_intercept=intercept, tol=tol, n_splits=0, max_iter=10_000_000)
    model.fit(X, y)
    return model.coef_path_, model.intercept_path_


def _adelie(X, y, alphas, tol, intercept):
    import adelie as ad

    if sp.issparse(X):
        matrix = ad.matrix.sparse(X, method="naive", n_threads=1)
    else:
        matrix = ad.matrix.dense(X, method="naive", n_threads=1)
    state = ad.solver.grpnet(matrix, ad.glm.gaussian(y), lmda_path=alphas, intercept=intercept,
                             early_exit=False, progress_bar=False, tol=tol,
                             max_iters=10_000_000, n_threads=1)
    return state.betas.T, np.asarray(state.intercepts)


SOLVERS = {
    "fastreg": ("fastreg", _fastreg),
    "sklearn": ("sklearn", _sklearn),
    "celer": ("celer", _celer),
    "skglm": ("skglm", _skglm),
    "glmnet": ("glmnet", _glmnet),
    "adelie": ("adelie", _adelie),
}


def available(name, solvers=SOLVERS):
    """Whether a solver's package can be imported."""
    try:
        importlib.import_module(solvers[name][0])
    except Exception:  # noqa: BLE001 - a broken install counts as missing
        return False
    return True


# ------------------------------------------------------------ certificates ---

def alpha_grid(X, y, intercept=False):
    """The benchmark grid: fastreg's default construction (y centered with an intercept)."""
    if intercept:
        y = y - y.mean()
    alpha_max = np.max(np.abs(X.T @ y)) / X.shape[0]
    return np.geomspace(alpha_max, alpha_max * EPS, N_ALPHAS)


class Task:
    """One path to fit: data, alphas, and whether an intercept is fitted."""

    model = "Lasso"
    solvers = SOLVERS
    reference_tol = REFERENCE_TOL

    def __init__(self, X, y, intercept):
        self.X, self.y, self.intercept = X, y, intercept
        self.alphas = self.grid(X, y)
        y_c = y - y.mean() if intercept else y
        self.null = float(y_c @ y_c) / (2 * len(y))  # P at β = 0 (and the best β0)

    def grid(self, X, y):
        """The benchmark grid on (X, y)."""
        return alpha_grid(X, y, self.intercept)

    def supports(self, solver):
        """Whether ``solver`` fits this path (some fit no intercept)."""
        return True

    def run(self, solver, tol):
        """(seconds, (coefs, intercepts)) of one path by ``solver``."""
        start = time.perf_counter()
        fit = self.solvers[solver][1](self.X, self.y, self.alphas, tol, self.intercept)
        return time.perf_counter() - start, fit

    def _residuals(self, fit):
        coefs, intercepts = fit
        coefs = coefs.toarray() if sp.issparse(coefs) else np.asarray(coefs, dtype=np.float64)
        R = self.y[:, None] - np.asarray(self.X @ coefs) - np.asarray(intercepts)[None, :]
        return coefs, R

    def objectives(self, fit):
        """Primal objective at every alpha: 1/(2n)‖y − β0 − Xβ‖² + α‖β‖₁."""
        coefs, R = self._residuals(fit)
        return (R ** 2).sum(axis=0) / (2 * len(self.y)) + self.alphas * np.abs(coefs).sum(axis=0)

    def dual_objectives(self, fit):
        """Dual objective at the rescaled residual of every solution (a lower bound on P*).

        With an intercept the dual point must sum to zero: the residual is
        centered first, and then yᵀν = (y − ȳ)ᵀν.
        """
        n = len(self.y)
        _, R = self._residuals(fit)
        if self.intercept:
            R = R - R.mean(axis=0)
        correlation = np.abs(np.asarray(self.X.T @ R)).max(axis=0)
        scale = np.minimum(1.0, n * self.alphas / np.maximum(correlation, 1e-300))
        nu = R * scale
        return (self.y @ nu) / n - (nu ** 2).sum(axis=0) / (2 * n)


class Reference:
    """Tight reference objectives, certified by their duality gap."""

    def __init__(self, task, solver):
        self.task, self.solver = task, solver
        self.seconds, fit = task.run(solver, task.reference_tol)
        self.primal = task.objectives(fit)
        self.dual = task.dual_objectives(fit)

    @property
    def certified_gap(self):
        """Largest relative duality gap of the reference over the path."""
        return float(np.max(self.primal - self.dual) / self.task.null)

    def suboptimality(self, fit):
        """Largest (P(β) − P_ref) / P(0) over the path."""
        return float(np.max(self.task.objectives(fit) - self.primal) / self.task.null)


# ---------------------------------------------------------------- logistic ---
# The same solver signature (X, y, alphas, tol, intercept), y coded 0 / 1;
# each returns the coefficients, n_features × n_alphas, and the intercepts.

def _pm(y):
    """The 0/1 labels as −1/+1."""
    return 2.0 * y - 1.0


def _fastreg_logit(X, y, alphas, tol, intercept, max_iter=100_000):
    import fastreg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = fastreg.logistic_path(X, y, alphas=alphas, fit_intercept=intercept, tol=tol,
                                     max_iter=max_iter)
    return path.coefs, path.intercepts


def _sklearn_logit(solver):
    def fit(X, y, alphas, tol, intercept):
        from sklearn.linear_model import LogisticRegression

        n = X.shape[0]
        # liblinear ignores warm_start; saga starts each alpha from the last
        model = LogisticRegression(C=1.0, l1_ratio=1.0, solver=solver, tol=tol,
                                   fit_intercept=intercept, warm_start=True,
                                   max_iter=1_000_000)
        coefs, intercepts = np.zeros((X.shape[1], len(alphas))), np.zeros(len(alphas))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for k, alpha in enumerate(alphas):
                model.set_params(C=1.0 / (n * alpha)).fit(X, y)
                coefs[:, k] = model.coef_[0]
                intercepts[k] = np.ravel(model.intercept_)[0]
        return coefs, intercepts
    return fit


def _celer_logit(X, y, alphas, tol, intercept):
    from celer import celer_path

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coefs = celer_path(X, _pm(y), "logreg", alphas=X.shape[0] * np.asarray(alphas), tol=tol,
                           max_iter=1000, max_epochs=1_000_000)[1]
    return coefs, np.zeros(len(alphas))


def _skglm_logit(X, y, alphas, tol, intercept):
    from skglm.datafits import Logistic
    from skglm.penalties import L1
    from skglm.solvers import ProxNewton

    solver = ProxNewton(tol=tol, fit_intercept=intercept, max_iter=1000, max_pn_iter=10_000)
    p = X.shape[1]
    w = np.zeros(p + intercept)
    Xw = np.zeros(X.shape[0])
    coefs, intercepts = np.zeros((p, len(alphas))), np.zeros(len(alphas))
    y_pm = _pm(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k, alpha in enumerate(alphas):  # warm-started along the path
            w = solver.solve(X, y_pm, Logistic(), L1(alpha=alpha), w_init=w.copy(),
                             Xw_init=Xw.copy())[0]
            Xw = X @ w[:p] + (w[p] if intercept else 0.0)
            coefs[:, k] = w[:p]
            intercepts[k] = w[p] if intercept else 0.0
    return coefs, intercepts


def _glmnet_logit(X, y, alphas, tol, intercept):
    from glmnet import LogitNet

    model = LogitNet(alpha=1.0, lambda_path=alphas, standardize=False, fit_intercept=intercept,
                     tol=tol, n_splits=0, max_iter=10_000_000)
    model.fit(X, y.astype(np.int64))
    # one row for two classes, for the second (label 1)
    return model.coef_path_[0], model.intercept_path_[0]


def _adelie_logit(X, y, alphas, tol, intercept):
    import adelie as ad

    if sp.issparse(X):
        matrix = ad.matrix.sparse(X, method="naive", n_threads=1)
    else:
        matrix = ad.matrix.dense(X, method="naive", n_threads=1)
    # tol bounds the coordinate descent of each IRLS step, irls_tol the outer loop
    state = ad.grpnet(matrix, ad.glm.binomial(np.asarray(y, dtype=np.float64)),
                      lmda_path=alphas, intercept=intercept, early_exit=False,
                      progress_bar=False, tol=tol, irls_tol=tol, max_iters=10_000_000,
                      n_threads=1)
    return state.betas.T, np.asarray(state.intercepts)


LOGISTIC_SOLVERS = {
    "fastreg": ("fastreg", _fastreg_logit),
    "sklearn-liblinear": ("sklearn", _sklearn_logit("liblinear")),
    "sklearn-saga": ("sklearn", _sklearn_logit("saga")),
    "celer": ("celer", _celer_logit),
    "skglm": ("skglm", _skglm_logit),
    "glmnet": ("glmnet", _glmnet_logit),
    "adelie": ("adelie", _adelie_logit),
}
NO_INTERCEPT_ONLY = {"sklearn-liblinear", "celer"}


def _binary(loader):
    """A ±1-target loader as (X, y in {0, 1})."""
    def load(intercept):
        X, y = loader()
        return X, (np.asarray(y) > 0).astype(np.float64)
    return load


LOGISTIC_DATA = {
    "news20": ("news20 tf-idf", _binary(news20_tfidf)),
    "debian": ("debian tf-idf, library", _binary(debian_library_tfidf)),
}


def logistic_alpha_grid(X, y, intercept=False):
    """The logistic benchmark grid: from max_j |x_jᵀ(y − ȳ)|/n (1/2 for ȳ without intercept)."""
    center = y.mean() if intercept else 0.5
    alpha_max = np.max(np.abs(X.T @ (y - center))) / X.shape[0]
    return np.geomspace(alpha_max, alpha_max * EPS, N_ALPHAS)


def _xlogx(u):
    return np.where(u > 0, u * np.log(np.where(u > 0, u, 1.0)), 0.0)


class LogisticTask(Task):
    """One L1 logistic path: y in {0, 1}, objectives on glmnet's binomial scale."""

    model = "L1 logistic"
    solvers = LOGISTIC_SOLVERS
    # fastreg's certified gap does not go below about 1e-9 (relative) with an
    # intercept: the reference asks for 1e-10 with a bounded epoch budget,
    # and its accuracy is certified here, independently
    reference_tol = 1e-10

    def __init__(self, X, y, intercept):
        self.X, self.y, self.intercept = X, y, intercept
        self.alphas = self.grid(X, y)
        ybar = y.mean() if intercept else 0.5
        self.null = float(-_xlogx(np.array(ybar)) - _xlogx(np.array(1.0 - ybar)))

    def grid(self, X, y):
        return logistic_alpha_grid(X, y, self.intercept)

    def supports(self, solver):
        return not (self.intercept and solver in NO_INTERCEPT_ONLY)

    def _linear(self, fit):
        coefs, intercepts = fit
        coefs = coefs.toarray() if sp.issparse(coefs) else np.asarray(coefs, dtype=np.float64)
        return coefs, np.asarray(self.X @ coefs), np.asarray(intercepts, dtype=np.float64)

    def objectives(self, fit):
        """Primal objective at every alpha: 1/n Σ [log(1 + exp(η)) − yη] + α‖β‖₁."""
        coefs, Z, b = self._linear(fit)
        eta = Z + b[None, :]
        # log(1 + exp(η)) − yη = log(1 + exp(∓η)), accurate for both labels
        loss = np.logaddexp(0.0, np.where(self.y[:, None] > 0, -eta, eta)).mean(axis=0)
        return loss + self.alphas * np.abs(coefs).sum(axis=0)

    def _exact_intercepts(self, Z, b):
        """The intercepts minimizing the loss given Xβ (Newton, to rounding)."""
        target = self.y.sum()
        for _ in range(100):
            p = expit(Z + b[None, :])
            g = p.sum(axis=0) - target
            h = np.maximum((p * (1.0 - p)).sum(axis=0), 1e-300)
            step = np.clip(g / h, -1.0, 1.0)
            b = b - step
            if np.all(np.abs(step) <= 1e-15 * np.maximum(1.0, np.abs(b))):
                break
        return b

    def dual_objectives(self, fit):
        """Entropy dual at the rescaled residual y − p of every solution (a lower bound on P*).

        D(θ) = −1/n Σ [u log u + (1 − u) log(1 − u)], u = y − θ, for
        ‖Xᵀθ‖∞ ≤ nα (and Σθ = 0 with an intercept: the intercept is first
        made exact, then θ centered against rounding).
        """
        n = len(self.y)
        _, Z, b = self._linear(fit)
        if self.intercept:
            b = self._exact_intercepts(Z, b)
        eta = Z + b[None, :]
        y = self.y[:, None]
        # θ = y − p, with 1 − p = expit(−η) accurate where y = 1
        theta = np.where(y > 0, expit(-eta), -expit(eta))
        if self.intercept:
            theta = theta - theta.mean(axis=0)
        correlation = np.abs(np.asarray(self.X.T @ theta)).max(axis=0)
        scale = np.minimum(1.0, n * self.alphas / np.maximum(correlation, 1e-300))
        st = theta * scale
        u = np.clip(np.where(y > 0, 1.0 - st, -st), 0.0, 1.0)
        one_minus_u = np.clip(np.where(y > 0, st, 1.0 + st), 0.0, 1.0)
        return -(_xlogx(u) + _xlogx(one_minus_u)).sum(axis=0) / n


class LogisticReference(Reference):
    """The logistic reference: fastreg at a tight tol with a bounded epoch budget.

    Where that is not certified well below the target (fastreg stalls near a
    relative gap of 1e-8 at a few alphas with an intercept), skglm's proximal
    Newton at tol 1e-12 is run too, and each alpha keeps the smaller primal
    and the larger dual objective of the two: still a certified bracket.
    """

    def __init__(self, task, solver):
        self.task, self.solver = task, solver
        start = time.perf_counter()
        if solver == "fastreg":
            fit = _fastreg_logit(task.X, task.y, task.alphas, task.reference_tol,
                                 task.intercept, max_iter=1_000)
        else:
            fit = task.solvers[solver][1](task.X, task.y, task.alphas, 1e-12, task.intercept)
        self.primal, self.dual = task.objectives(fit), task.dual_objectives(fit)
        if self.certified_gap > TARGET / 10 and solver != "skglm" \
                and available("skglm", task.solvers):
            fit = _skglm_logit(task.X, task.y, task.alphas, 1e-12, task.intercept)
            self.primal = np.minimum(self.primal, task.objectives(fit))
            self.dual = np.maximum(self.dual, task.dual_objectives(fit))
            self.solver += " + skglm"
        self.seconds = time.perf_counter() - start


MODELS = {
    "lasso": (DATA, SOLVERS, Task, Reference),
    "logistic": (LOGISTIC_DATA, LOGISTIC_SOLVERS, LogisticTask, LogisticReference),
    "multitask": (MULTITASK_DATA, MULTITASK_SOLVERS, MultiTaskTask, Reference),
    "group": (GROUP_DATA, GROUP_SOLVERS, GroupTask, Reference),
}


# ------------------------------------------------------------------ search ---

def warm_up(name, task):
    """One small untimed fit, so just-in-time compilation is not timed."""
    if hasattr(task, "warm_up"):  # the block models' tasks (their solvers take more)
        return task.warm_up(name)
    rows = slice(0, min(50, task.X.shape[0]))
    cols = slice(0, min(200, task.X.shape[1]))
    Xs, ys = task.X[rows][:, cols], task.y[rows]
    grid = task.grid(Xs, ys)[:5]
    if np.all(grid > 0):
        task.solvers[name][1](Xs, ys, grid, 1e-4, task.intercept)


def search(name, task, reference, repeat, max_seconds, log):
    """Loosest tolerance on the ladder reaching TARGET; returns a result dict."""
    warm_up(name, task)
    tried = []
    for tol in LADDER:
        seconds, fit = task.run(name, tol)
        subopt = reference.suboptimality(fit)
        tried.append((tol, seconds, subopt))
        log(f"    {name:8s} tol {tol:.0e}: {seconds:8.3f} s, max rel. subopt {subopt:.2e}")
        if subopt <= TARGET:
            times = [seconds]
            # Fast runs are repeated more (up to 2 s in all) so the best time is stable.
            while len(times) < repeat or (sum(times) < 2.0 and len(times) < 20):
                times.append(task.run(name, tol)[0])
            return dict(tol=tol, seconds=min(times), subopt=subopt, tried=tried)
        if seconds > max_seconds:
            log(f"    {name:8s} stopped: a run took longer than {max_seconds:g} s")
            break
    return dict(tol=None, seconds=None, subopt=min(s for _, _, s in tried), tried=tried)


# ------------------------------------------------------------------ report ---

def describe(X):
    n, p = X.shape
    if sp.issparse(X):
        return f"{n} × {p}, {X.nnz / 1e6:.2f}M nnz"
    return f"{n} × {p} dense"


def _cell(result, base):
    if result is None:
        return "not installed"
    if "note" in result:
        return result["note"]
    if result["seconds"] is None:
        return f"not reached (best {result['subopt']:.1e})"
    text = f"{result['seconds']:.3g} s"
    if base is not None and base["seconds"]:
        ratio = result["seconds"] / base["seconds"]
        text += f" ({ratio:.2g}×)" if ratio < 10 else f" ({ratio:.0f}×)"
    return text


def markdown_tables(rows, solvers):
    """The time table (ratio to fastreg in parentheses) and the tolerance table."""
    head = "| data | " + " | ".join(solvers) + " |"
    rule = "|---|" + "---|" * len(solvers)
    times, tols = [head, rule], [head, rule]
    for label, results in rows:
        base = results.get("fastreg")
        times.append(f"| {label} | " + " | ".join(_cell(results.get(s), base) for s in solvers)
                     + " |")
        tols.append(f"| {label} | " + " | ".join(
            "—" if results.get(s) is None or results[s].get("tol") is None
            else f"{results[s]['tol']:.0e} ({results[s]['subopt']:.1e})" for s in solvers)
            + " |")
    return "\n".join(times), "\n".join(tols)


# ---------------------------------------------------------------------- cv ---

N_FOLDS, CV_SEED, CV_PATIENCE = 5, 0, 10


def cv_folds(n_samples):
    """Shuffled K-fold (fastreg's ``cv=int`` folds with random_state=CV_SEED), as index pairs."""
    from fastreg._folds import kfold

    return kfold(n_samples, N_FOLDS, CV_SEED)


# Each CV runner takes (X, y, alphas, folds, tol, intercept) and returns a dict
# with the mean held-out mse per alpha ("mean"), "alpha_min" and the refitted "coef".

def _fastreg_cv(X, y, alphas, folds, tol, intercept, **options):
    import fastreg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fastreg.LassoCV(alphas=alphas, cv=folds, tol=tol, selection="min",
                                fit_intercept=intercept, max_iter=1_000_000,
                                **{"n_jobs": 1, "cv_tol": None, **options}).fit(X, y)
    return dict(mean=model.cv_mean_, alpha_min=model.alpha_min_, coef=model.coef_)


def _sklearn_cv(X, y, alphas, folds, tol, intercept):
    from sklearn.linear_model import LassoCV

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LassoCV(alphas=alphas, cv=folds, tol=tol, fit_intercept=intercept,
                        max_iter=1_000_000, n_jobs=1).fit(X, y)
    return dict(mean=model.mse_path_.mean(axis=1), alpha_min=model.alpha_, coef=model.coef_)


def _glmnet_cv(X, y, alphas, folds, tol, intercept):
    from glmnet import ElasticNet

    groups = np.empty(X.shape[0], dtype=np.int64)
    for k, (_, test) in enumerate(folds):
        groups[test] = k
    model = ElasticNet(alpha=1.0, lambda_path=alphas, standardize=False,
                       fit_intercept=intercept, tol=tol, n_splits=len(folds),
                       scoring="mean_squared_error", n_jobs=1, max_iter=10_000_000)
    model.fit(X, y, groups=groups)
    # the coefficients at lambda_max_ (its alpha_min) come from the path on all the data
    return dict(mean=-model.cv_mean_score_, alpha_min=float(model.lambda_max_),
                coef=model.coef_path_[:, model.lambda_max_inx_])


CV_RUNNERS = {
    "fastreg": ("fastreg", _fastreg_cv),
    "fastreg tol=1e-6": ("fastreg", lambda X, y, a, f, tol, i: _fastreg_cv(X, y, a, f, 1e-6, i)),
    "fastreg n_jobs=2": ("fastreg", lambda *a: _fastreg_cv(*a, n_jobs=2)),
    f"fastreg patience={CV_PATIENCE}": ("fastreg",
                                        lambda *a: _fastreg_cv(*a, patience=CV_PATIENCE)),
    "sklearn": ("sklearn", _sklearn_cv),
    "glmnet": ("glmnet", _glmnet_cv),
}


# Logistic CV: the same folds for everyone, stratification left out so that
# glmnet's GroupKFold reproduces them; "mean" is the mean held-out deviance.

def _logistic_cv_folds(y):
    from fastreg._folds import stratified_kfold

    return stratified_kfold(y, N_FOLDS, CV_SEED)


def _fastreg_logit_cv(X, y, alphas, folds, tol, intercept, **options):
    import fastreg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fastreg.LogisticRegressionCV(alphas=alphas, cv=folds, tol=tol, selection="min",
                                             fit_intercept=intercept, max_iter=1_000_000,
                                             **{"n_jobs": 1, "cv_tol": None, **options}
                                             ).fit(X, y)
    return dict(mean=model.cv_mean_, alpha_min=model.alpha_min_, coef=model.coef_[0],
                alpha_1se=model.alpha_1se_)


def _glmnet_logit_cv(X, y, alphas, folds, tol, intercept):
    from glmnet import LogitNet

    groups = np.empty(X.shape[0], dtype=np.int64)
    for k, (_, test) in enumerate(folds):
        groups[test] = k
    model = LogitNet(alpha=1.0, lambda_path=alphas, standardize=False, fit_intercept=intercept,
                     tol=tol, n_splits=len(folds), scoring="log_loss", n_jobs=1,
                     max_iter=10_000_000)
    model.fit(X, y.astype(np.int64), groups=groups)
    # log_loss is the mean negative log-likelihood: the deviance is twice it
    return dict(mean=-2.0 * model.cv_mean_score_, alpha_min=float(model.lambda_max_),
                coef=model.coef_path_[0][:, model.lambda_max_inx_])


def _sklearn_logit_cv(solver, every=10):
    """scikit-learn's LogisticRegressionCV on every ``every``-th alpha (C = 1/(n_train·α))."""
    def run(X, y, alphas, folds, tol, intercept):
        from sklearn.linear_model import LogisticRegressionCV

        sub = np.full(len(alphas), np.nan)
        picked = np.arange(0, len(alphas), every)
        n_train = np.mean([len(train) for train, _ in folds])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = LogisticRegressionCV(Cs=1.0 / (n_train * alphas[picked]), cv=folds,
                                         l1_ratios=[1.0], penalty="elasticnet"
                                         if solver == "saga" else "l1", solver=solver,
                                         tol=tol, fit_intercept=intercept, scoring="neg_log_loss",
                                         max_iter=1_000_000, n_jobs=1).fit(X, y)
        scores = np.asarray(model.scores_[1]).reshape(len(folds), len(picked))
        sub[picked] = -2.0 * scores.mean(axis=0)
        best = float(np.ravel(model.C_)[0])
        return dict(mean=sub, alpha_min=1.0 / (n_train * best), coef=model.coef_[0],
                    n_solved=len(picked))
    return run


LOGISTIC_CV_RUNNERS = {
    "fastreg": ("fastreg", _fastreg_logit_cv),
    "fastreg tol=1e-6": ("fastreg", lambda X, y, a, f, tol, i: _fastreg_logit_cv(X, y, a, f,
                                                                                  1e-6, i)),
    "fastreg cv_tol=1e-4": ("fastreg", lambda X, y, a, f, tol, i: _fastreg_logit_cv(
        X, y, a, f, 1e-6, i, cv_tol=1e-4)),
    "fastreg n_jobs=2": ("fastreg", lambda *a: _fastreg_logit_cv(*a, n_jobs=2)),
    "glmnet": ("glmnet", _glmnet_logit_cv),
    "sklearn-liblinear": ("sklearn-liblinear", _sklearn_logit_cv("liblinear")),
    "sklearn-saga": ("sklearn-saga", _sklearn_logit_cv("saga")),
}


def _parse_tols(text):
    tols = {}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        name, _, value = item.partition("=")
        tols[name.strip()] = float(value)
    return tols


def cv_main(args, log):
    """Time 5-fold CV (with the final refit) of fastreg and its peers; print a table."""
    given = _parse_tols(args.cv_tol)
    logistic = args.model == "logistic"
    runners = LOGISTIC_CV_RUNNERS if logistic else CV_RUNNERS
    data, solver_table, task_class, reference_class = MODELS[args.model]
    names = [name for name in runners
             if runners[name][0] == "fastreg" or runners[name][0] in args.solvers]
    packages = list(dict.fromkeys(runners[name][0] for name in names))
    rows = []
    for key in (data if args.data == "all" else [args.data]):
        label, loader = data[key]
        X, y = loader(args.intercept)
        folds = _logistic_cv_folds(y) if logistic else cv_folds(X.shape[0])
        alphas = (logistic_alpha_grid if logistic else alpha_grid)(X, y, args.intercept)
        # each package's tolerance: the loosest reaching TARGET on the first fold's path
        tols = {}
        train = folds[0][0]
        fold_task = None
        for package in packages:
            if package not in args.solvers or not available(package, solver_table):
                continue
            if package in given:
                tols[package] = given[package]
                continue
            if fold_task is None:
                fold_task = task_class(X[train], y[train], args.intercept)
                fold_task.alphas = alphas  # the full-data grid, as in the CV
                reference = reference_class(fold_task, "fastreg")
                log(f"{label}: tolerance search on fold 0 (reference gap "
                    f"{reference.certified_gap:.1e})")
            found = search(package, fold_task, reference, 1, args.max_seconds, log)
            tols[package] = found["tol"] if found["tol"] is not None else LADDER[-1]
        results = {}
        for name in names:
            package, runner = runners[name]
            if not available(package, solver_table) or package not in tols:
                log(f"    {name:20s} not installed, skipped")
                continue
            tol = tols[package]
            times, cpu = [], []
            for _ in range(args.repeat if package == "fastreg" else 1):
                start, start_cpu = time.perf_counter(), time.process_time()
                out = runner(X, y, alphas, folds, tol, args.intercept)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            # CPU time of this process (all its threads): on a shared machine the
            # better measure of one-thread runs; wall time shows what threads gain
            out["cpu"] = min(cpu)
            fixed = {"fastreg tol=1e-6": 1e-6, "fastreg cv_tol=1e-4": 1e-6}
            out.update(seconds=min(times), tol=fixed.get(name, tol))
            if "n_solved" in out:  # a shorter grid: per-alpha time extrapolated to the grid
                out["measured"] = out["seconds"]
                out["seconds"] *= len(alphas) / out["n_solved"]
                out["cpu"] *= len(alphas) / out["n_solved"]
            results[name] = out
            log(f"    {name:20s} tol {out['tol']:.0e}: {out['seconds']:8.2f} s (cpu "
                f"{out['cpu']:.2f} s), alpha_min "
                f"{out['alpha_min']:.4e}" + (f", alpha_1se {out['alpha_1se']:.4e}"
                                             if "alpha_1se" in out else ""))
        rows.append((f"{label} ({describe(X)})", results))

    what = "L1 logistic (stratified folds, held-out deviance)" if logistic else "Lasso"
    print(f"{what} {N_FOLDS}-fold CV, {N_ALPHAS} alphas down to {EPS:g}·alpha_max, same folds "
          f"and grid for all, n_jobs=1 unless said, final refit included, "
          f"{'with' if args.intercept else 'no'} intercept. Ratio to fastreg in parentheses; "
          "curve: largest relative difference of the mean CV error from fastreg's. A time "
          "marked * ran every tenth alpha only and is extrapolated to the grid.\n")
    print("| data | solver | tol | time | CPU time | curve vs fastreg | same alpha_min | "
          "same alpha_1se |")
    print("|---|---|---|---|---|---|---|---|")
    for label, results in rows:
        base = results.get("fastreg")
        for name, out in results.items():
            ratio = f" ({out['seconds'] / base['seconds']:.2g}×)" if base else ""
            cpu_ratio = f" ({out['cpu'] / base['cpu']:.2g}×)" if base else ""
            if base is not None:
                both = np.isfinite(out["mean"]) & np.isfinite(base["mean"])
                diff = np.max(np.abs(out["mean"][both] - base["mean"][both]) /
                              base["mean"][both])
                same = "yes" if np.isclose(out["alpha_min"], base["alpha_min"], rtol=1e-9) \
                    else "no"
            else:
                diff, same = np.nan, "—"
            same_1se = ("—" if base is None or "alpha_1se" not in out
                        else "yes" if out["alpha_1se"] == base["alpha_1se"] else "no")
            star = "*" if "measured" in out else ""
            print(f"| {label} | {name} | {out['tol']:.0e} | {out['seconds']:.3g} s{star}{ratio} | "
                  f"{out['cpu']:.3g} s{star}{cpu_ratio} | "
                  f"{diff:.1e} | {same} | {same_1se} |")
    return 0


# (not named time_*: asv, which imports every module here, would take it for a benchmark)
def default_tol_result(task, reference, repeat):
    """fastreg at its default tol (DEFAULT_TOL), as a result dict."""
    times, fit = [], None
    while len(times) < repeat or (sum(times) < 2.0 and len(times) < 20):
        seconds, fit = task.run("fastreg", DEFAULT_TOL)
        times.append(seconds)
    return dict(tol=DEFAULT_TOL, seconds=min(times), subopt=reference.suboptimality(fit))


def _version(module):
    try:
        return importlib.import_module(module).__version__
    except Exception:  # not installed, or no version attribute
        return None


def results_json(args, rows):
    """The measurements of a path comparison, as a JSON-ready dict.

    ``rows`` is the report's list of (label, results); every number is one
    measured in this run: for each dataset and solver the tolerance chosen,
    the best time at it, the largest relative suboptimality reached, and
    every (tol, seconds, subopt) tried on the ladder.
    """
    modules = dict(fastreg="fastreg", sklearn="sklearn", celer="celer", skglm="skglm",
                   glmnet="glmnet", adelie="adelie", numpy="numpy", scipy="scipy")
    datasets = []
    for label, results in rows:
        solvers = {}
        for name, result in results.items():
            if result is None or "note" in result:
                solvers[name] = None if result is None else dict(note=result["note"])
                continue
            solvers[name] = dict(
                tol=result["tol"], seconds=result["seconds"], subopt=result["subopt"],
                tried=[dict(tol=t, seconds=s, subopt=o) for t, s, o in result.get("tried", [])])
        datasets.append(dict(label=label, solvers=solvers))
    return dict(
        model=args.model, intercept=bool(args.intercept), n_alphas=N_ALPHAS, eps=EPS,
        target_subopt=TARGET, repeat=args.repeat,
        date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        machine=dict(platform=platform.platform(), processor=platform.machine(),
                     python=platform.python_version()),
        versions={key: _version(module) for key, module in modules.items()},
        datasets=datasets)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Lasso (or L1 logistic) path time of fastreg and its peers at max relative "
                    f"suboptimality ≤ {TARGET:g} at every alpha.")
    parser.add_argument("--model", choices=list(MODELS), default="lasso",
                        help="the path to fit: the Lasso (default), the L1 logistic regression, "
                             "the multi-task Lasso or the group lasso (see _block_peers.py)")
    parser.add_argument("--data", default="all",
                        choices=sorted({*DATA, *LOGISTIC_DATA, *MULTITASK_DATA, *GROUP_DATA,
                                        "all"}),
                        help="dataset (each model has its own; see the module docstrings)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed runs at the chosen tolerance, at least (runs are repeated "
                             "up to 2 s in all, 20 at most); the best is reported")
    parser.add_argument("--solvers",
                        help="comma-separated subset of " + ",".join(SOLVERS) + " (Lasso) or "
                             + ",".join(LOGISTIC_SOLVERS) + " (logistic); default: all")
    parser.add_argument("--max-seconds", type=float, default=120.0,
                        help="stop tightening a solver's tolerance once one run takes longer")
    parser.add_argument("--intercept", action="store_true",
                        help="fit an (unpenalized) intercept along the path")
    parser.add_argument("--cv", action="store_true",
                        help="time 5-fold cross-validation (LassoCV, or LogisticRegressionCV "
                             "with --model logistic) instead of one path")
    parser.add_argument("--cv-tol", metavar="NAME=TOL,...",
                        help="with --cv: tolerances (e.g. sklearn=5e-7,glmnet=1e-9, or "
                             "sklearn-liblinear=1e-6 with --model logistic) "
                             "instead of searching them on the first fold")
    parser.add_argument("--out", metavar="FILE",
                        help="also write the path comparison's measurements to FILE as JSON")
    args = parser.parse_args(argv)
    data, solver_table, task_class, reference_class = MODELS[args.model]
    solvers = [s.strip() for s in (args.solvers or ",".join(solver_table)).split(",")
               if s.strip()]
    unknown = set(solvers) - set(solver_table)
    if unknown:
        parser.error(f"unknown {args.model} solvers: {', '.join(sorted(unknown))}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.data != "all" and args.data not in data:
        parser.error(f"--data {args.data} is not a {args.model} dataset")
    if args.cv and args.out:
        parser.error("--out writes the path comparison only, not --cv")

    def log(message):
        print(message, file=sys.stderr, flush=True)

    if args.cv:
        args.solvers = solvers
        return cv_main(args, log)

    has_fastreg = available("fastreg")
    rows = []
    for key in (data if args.data == "all" else [args.data]):
        name, loader = data[key]
        task = task_class(*loader(args.intercept), args.intercept)
        label = f"{name} ({describe(task.X)})"
        if has_fastreg:
            import fastreg

            if args.model == "lasso":
                same = fastreg.alpha_grid(task.X, task.y, n_alphas=N_ALPHAS, eps=EPS,
                                          fit_intercept=args.intercept)[0]
            elif args.model == "logistic":
                same = fastreg.logistic_alpha_max(task.X, task.y, fit_intercept=args.intercept)
            else:
                same = task.fastreg_alpha_max()
            if not np.isclose(same, task.alphas[0], rtol=1e-10, atol=0):
                log("  warning: fastreg's alpha_max differs from this script's")
        ref_solver = "fastreg" if has_fastreg else next(
            s for s in solver_table if s != "fastreg" and available(s, solver_table)
            and task.supports(s))
        reference = reference_class(task, ref_solver)
        log(f"{label}: reference by {reference.solver} in {reference.seconds:.2f} s, "
            f"certified relative gap {reference.certified_gap:.1e}")
        # the subopt of every run is measured against P_ref, so P_ref must
        # be within a small fraction of the target of the true optimum
        if reference.certified_gap > TARGET / 10:
            log("  warning: the reference is not certified well below the target accuracy")
        results = {}
        for solver in solvers:
            if not available(solver, solver_table):
                log(f"    {solver:8s} not installed, skipped")
                results[solver] = None
                continue
            if not task.supports(solver):
                results[solver] = dict(note=getattr(task, "unsupported", "no intercept"))
                continue
            results[solver] = search(solver, task, reference, args.repeat, args.max_seconds,
                                     log)
        if has_fastreg and "fastreg" in solvers:
            results[f"fastreg tol={DEFAULT_TOL:g}"] = default_tol_result(task, reference, args.repeat)
        rows.append((label, results))

    columns = solvers + ([f"fastreg tol={DEFAULT_TOL:g}"] if has_fastreg and "fastreg" in solvers
                         else [])
    times, tols = markdown_tables(rows, columns)
    intercept = "with intercept" if args.intercept else "no intercept"
    depth = f"{EPS:g}" if args.model in ("lasso", "logistic") else "eps (see _block_peers.py)"
    print(f"{task_class.model} path, {len(task.alphas)} alphas down to {depth}·alpha_max, "
          f"{intercept}; "
          f"time at the loosest tolerance reaching max relative suboptimality ≤ {TARGET:g} "
          f"(best of at least {args.repeat} runs; ratio to fastreg in parentheses)\n")
    print(times)
    print("\nTolerance chosen on each solver's own scale (max relative suboptimality reached):\n")
    print(tols)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(results_json(args, rows), f, indent=1)
            f.write("\n")
        log(f"measurements written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
