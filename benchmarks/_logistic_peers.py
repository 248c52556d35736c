"""The L1 logistic model of ``compare_peers.py`` (``--model logistic``).

The path 1/n Σ [log(1 + exp(η_i)) − y_i η_i] + α‖β‖₁, η = β0 + Xβ,
y ∈ {0, 1} (see :class:`LogisticTask`); alphas from the logistic alpha_max
(max_j |x_jᵀ(y − ȳ)|/n, 1/2 in place of ȳ without an intercept) down to 1e-2
of it; suboptimality relative to the null objective (the binary entropy of
y with an intercept, log 2 without), certified by the entropy dual at every
alpha (with an exact intercept step first, so the dual point sums to zero).
Data: news20 (first ten groups vs the rest) and the Debian descriptions
(library sections "libs"/"libdevel" vs the rest). Peers: glmnet's
``LogitNet`` (lambda = α), scikit-learn's ``LogisticRegression`` with
liblinear (no intercept only: liblinear penalizes its intercept) and with
saga warm-started along the path (C = 1/(nα)), celer's
``celer_path(pb="logreg")`` (alpha = nα, no intercept), skglm's ``Logistic``
+ ``L1`` with ``ProxNewton`` warm-started along the path, and adelie's
``grpnet`` with ``glm.binomial`` (lmda = α, groups of size one).
"""

import time
import warnings

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

from benchmarks._data import debian_library_tfidf, news20_tfidf
from benchmarks._protocol import EPS, N_ALPHAS, TARGET, Reference, Task, available


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

    def reference_fit(self):
        """fastreg at ``reference_tol`` with a bounded epoch budget (see LogisticReference)."""
        return _fastreg_logit(self.X, self.y, self.alphas, self.reference_tol, self.intercept,
                              max_iter=1_000)

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
        return loss + self.alphas * self.penalty(coefs)

    def penalty(self, coefs):
        """The penalty at each column of ``coefs`` (divided by α): ‖β‖₁."""
        return np.abs(coefs).sum(axis=0)

    def dual_norm(self, C):
        """The penalty's dual norm of each column of correlations C = Xᵀθ: ‖C‖∞."""
        return np.abs(C).max(axis=0)

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
        ‖Xᵀθ‖∞ ≤ nα (the penalty's dual norm, :meth:`dual_norm`), and Σθ = 0
        with an intercept (the intercept is first made exact, then θ
        centered against rounding).
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
        correlation = self.dual_norm(np.asarray(self.X.T @ theta))
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
            fit = task.reference_fit()
        else:
            fit = task.run(solver, 1e-12)[1]
        self.primal, self.dual = task.objectives(fit), task.dual_objectives(fit)
        if self.certified_gap > TARGET / 10 and solver != "skglm" \
                and available("skglm", task.solvers) and task.supports("skglm"):
            fit = task.run("skglm", 1e-12)[1]
            self.primal = np.minimum(self.primal, task.objectives(fit))
            self.dual = np.maximum(self.dual, task.dual_objectives(fit))
            self.solver += " + skglm"
        self.seconds = time.perf_counter() - start
