"""The logistic group lasso of ``compare_peers.py`` (``--model group --loss logistic``).

The path 1/n Σ [log(1 + exp(η_i)) − y_i η_i] + α Σ_g √|g| ‖β_g‖₂, η = β0 + Xβ,
y ∈ {0, 1}: fastreg's ``group_lasso_path(loss="logistic")``, adelie's
``grpnet`` with ``glm.binomial`` (its loss is the mean, glmnet's scale:
lmda = α, ``penalty`` = √|g|) and skglm's ``LogisticGroup`` (the mean of
log(1 + exp(−y_i η_i)), y ±1) + ``WeightedGroupL2`` with ``GroupBCD``,
warm-started along the path (dense X only in skglm 0.5: its group logistic
datafit has no sparse gradient); celer has no logistic group lasso. Every
objective is evaluated by :class:`GroupLogisticTask` from the coefficients
(the same function for every solver), and the reference is certified by the
entropy dual with the groups' dual norm max_g ‖X_gᵀθ‖ / √|g|.

Data: news20 tf-idf, first ten newsgroups (class code < 10) against the
rest, in contiguous groups of 5 columns (as ``--model group``), and its
1000 most frequent words dense (``news20-1k``, where skglm runs too); 50
alphas from the logistic alpha_max (max_g ‖X_gᵀ(y − ȳ)‖ / (n √|g|), ½ in
place of ȳ without an intercept) down to 1e-1 of it.
"""

import warnings

import numpy as np
import scipy.sparse as sp

from benchmarks._block_peers import (N_BLOCK_ALPHAS, _contiguous_size, _news20_groups,
                                     adelie_groups)
from benchmarks._logistic_peers import LogisticTask, _pm

GROUP_LOGISTIC_EPS = 1e-1


def _binary_groups():
    X, y, ids, _ = _news20_groups()
    return X, (np.asarray(y) > 0).astype(np.float64), ids


def _binary_groups_1k():
    X, y, _ = _binary_groups()
    top = np.sort(np.argsort(-np.diff(X.indptr), kind="stable")[:1000])
    return np.asfortranarray(X[:, top].toarray()), y, np.arange(1000) // 5


GROUP_LOGISTIC_DATA = {
    "news20": ("news20 tf-idf, binary, groups of 5", lambda intercept: _binary_groups()),
    "news20-1k": ("news20 tf-idf, binary, 1000 words dense, groups of 5",
                  lambda intercept: _binary_groups_1k()),
}


# Solvers: (X, y in {0, 1}, alphas, tol, intercept, ids) -> (coefs p × n_alphas, intercepts).

def _glog_fastreg(X, y, alphas, tol, intercept, ids, max_iter=1_000_000):
    import fastreg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = fastreg.group_lasso_path(X, y, ids, alphas=alphas, fit_intercept=intercept,
                                        tol=tol, max_iter=max_iter, loss="logistic")
    return path.coefs, path.intercepts


def _glog_adelie(X, y, alphas, tol, intercept, ids):
    import adelie as ad

    matrix, starts, weights = adelie_groups(X, ids)
    # tol bounds the coordinate descent of each IRLS step, irls_tol the outer loop
    state = ad.grpnet(matrix, ad.glm.binomial(np.asarray(y, dtype=np.float64)), groups=starts,
                      penalty=weights, lmda_path=alphas,
                      intercept=intercept, early_exit=False, progress_bar=False, tol=tol,
                      irls_tol=tol, max_iters=10_000_000, n_threads=1)
    return state.betas.T, np.asarray(state.intercepts)


def _glog_skglm(X, y, alphas, tol, intercept, ids):
    from skglm.datafits import LogisticGroup
    from skglm.penalties import WeightedGroupL2
    from skglm.solvers import GroupBCD
    from skglm.utils.data import grp_converter

    if sp.issparse(X):
        raise TypeError("dense X only")
    size = _contiguous_size(ids)
    ind, ptr = grp_converter(size, X.shape[1])
    weights = np.full(ids.max() + 1, np.sqrt(size))
    solver = GroupBCD(tol=tol, fit_intercept=intercept, max_iter=1000, max_epochs=1_000_000)
    datafit, y_pm, p = LogisticGroup(ptr, ind), _pm(y), X.shape[1]
    w = np.zeros(p + intercept)
    coefs = np.zeros((p + intercept, len(alphas)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, alpha in enumerate(alphas):  # warm-started path
            Xw = X @ w[:p] + (w[-1] if intercept else 0.0)
            w = solver.solve(X, y_pm, datafit, WeightedGroupL2(alpha, weights, ptr, ind),
                             w.copy(), Xw)[0]
            coefs[:, i] = w
    return coefs[:p], (coefs[p] if intercept else np.zeros(len(alphas)))


GROUP_LOGISTIC_SOLVERS = {
    "fastreg": ("fastreg", _glog_fastreg),
    "adelie": ("adelie", _glog_adelie),
    "skglm": ("skglm", _glog_skglm),
}


class GroupLogisticTask(LogisticTask):
    """One logistic group lasso path (see the module docstring); y in {0, 1}."""

    model = "Logistic group lasso"
    solvers = GROUP_LOGISTIC_SOLVERS
    unsupported = "dense X only"

    def __init__(self, X, y, ids, intercept):
        self.ids = ids
        self.starts = np.flatnonzero(np.r_[True, np.diff(ids) != 0])
        self.weights = np.sqrt(np.diff(np.r_[self.starts, len(ids)]))
        super().__init__(X, y, intercept)

    def _group_norms(self, C):
        """‖C_g‖₂ of every contiguous group g, for each column of C (groups × columns)."""
        C = C.reshape(C.shape[0], -1)
        return np.sqrt(np.add.reduceat(C ** 2, self.starts, axis=0))

    def grid(self, X, y, ids=None):
        starts = self.starts if ids is None else np.flatnonzero(np.r_[True, np.diff(ids) != 0])
        weights = np.sqrt(np.diff(np.r_[starts, X.shape[1]]))
        z = np.asarray(X.T @ (y - (y.mean() if self.intercept else 0.5))).ravel()
        a_max = np.max(np.sqrt(np.add.reduceat(z ** 2, starts)) / weights) / X.shape[0]
        return np.geomspace(a_max, GROUP_LOGISTIC_EPS * a_max, N_BLOCK_ALPHAS)

    def penalty(self, coefs):
        return self.weights @ self._group_norms(coefs)

    def dual_norm(self, C):
        return np.max(self._group_norms(C) / self.weights[:, None], axis=0)

    def fastreg_alpha_max(self):
        import fastreg

        return fastreg.group_alpha_max(self.X, self.y, self.ids, fit_intercept=self.intercept,
                                       loss="logistic")

    def supports(self, solver):
        return solver != "skglm" or not sp.issparse(self.X)

    def run(self, solver, tol):
        import time

        start = time.perf_counter()
        fit = self.solvers[solver][1](self.X, self.y, self.alphas, tol, self.intercept, self.ids)
        return time.perf_counter() - start, fit

    def reference_fit(self):
        return _glog_fastreg(self.X, self.y, self.alphas, self.reference_tol, self.intercept,
                             self.ids, max_iter=10_000)

    def warm_up(self, solver):
        """One small untimed fit (numba's compilation is not timed)."""
        if sp.issparse(self.X) and solver == "skglm":
            return
        counts = np.diff(self.X.indptr) if sp.issparse(self.X) else np.ones(self.X.shape[1])
        cols = np.sort(np.argsort(-counts, kind="stable")[:200])  # frequent words: no zero group
        Xs, ys, ids = self.X[:2000][:, cols], self.y[:2000], np.arange(cols.size) // 5
        self.solvers[solver][1](Xs, ys, self.grid(Xs, ys, ids)[:5], 1e-4, self.intercept, ids)


def group_logistic_task(loader, intercept):
    X, y, ids = loader(intercept)
    return GroupLogisticTask(X, y, ids, intercept)
