"""The block models of ``compare_peers.py``: multi-task Lasso and group lasso paths.

``--model multitask``: the multi-task Lasso path 1/(2n)‖Y − XB‖²_F + α Σ_j ‖B_j,:‖₂
(scikit-learn's ``MultiTaskLasso`` scale, also celer's ``mtl_path`` and skglm's
``QuadraticMultiTask`` + ``L2_1``) on news20 tf-idf with the 20 one-hot class
indicators as tasks, 50 alphas from alpha_max = max_j ‖x_jᵀY‖/n down to
1e-1·alpha_max, no intercept. scikit-learn's and celer's solvers take dense X
only: news20 dense would take 7.9 GB, so they run on ``news20-1k``, the 1000
most frequent words (the same tasks); skglm and fastreg run on both.

``--model group``: the group lasso path 1/(2n)‖y − Xβ‖² + α Σ_g √|g| ‖β_g‖₂
(adelie's scale; celer's ``celer_path(pb="grouplasso")`` and skglm's
``QuadraticGroup`` + ``WeightedGroupL2`` with weights √|g|), 50 alphas down to
1e-1·alpha_max, no intercept on news20 (contiguous groups of 5 columns; the
last column is dropped so they all have 5) and with one on the sparse additive
model of cpusmall: each of its 12 inputs expanded in a cubic B-spline basis
(scikit-learn's ``SplineTransformer``, 8 knots, no bias column: 9 columns per
input), one group per input, eps 1e-3.

Accuracy as for the Lasso: a reference path by fastreg at a tight tolerance,
certified by its duality gap computed here, and each run's largest relative
suboptimality over the path must be ≤ 1e-6.
"""

import time
import warnings

import numpy as np
import scipy.sparse as sp

from benchmarks._data import data_dir, news20_tfidf

N_BLOCK_ALPHAS = 50
BLOCK_REFERENCE_TOL = 1e-13  # the residual's own dual point must certify it


# -------------------------------------------------------------------- data ---

def _news20_tasks():
    X, _ = news20_tfidf()
    codes = np.load(data_dir() / "news20_y.npy")
    Y = (codes[:, None] == np.unique(codes)[None, :]).astype(np.float64)
    return X, Y


def _news20_1k_dense():
    X, Y = _news20_tasks()
    top = np.sort(np.argsort(-np.diff(X.indptr), kind="stable")[:1000])
    return np.asfortranarray(X[:, top].toarray()), Y


MULTITASK_DATA = {
    "news20": ("news20 tf-idf, 20 tasks", lambda intercept: _news20_tasks()),
    "news20-1k": ("news20 tf-idf, 1000 words dense, 20 tasks",
                  lambda intercept: _news20_1k_dense()),
}


def _news20_groups():
    X, y = news20_tfidf()
    p = X.shape[1] - X.shape[1] % 5
    return X[:, :p], y, np.arange(p) // 5, 1e-1


def cpusmall_splines():
    """cpusmall's inputs in a cubic B-spline basis (9 columns each), target, group ids."""
    from sklearn.preprocessing import SplineTransformer

    data = np.load(data_dir() / "cpusmall.npz")
    X, y = data["X"], data["y"]
    splines = SplineTransformer(n_knots=8, degree=3, include_bias=False).fit(X)
    Z = np.asfortranarray(splines.transform(X))
    return Z, y, np.repeat(np.arange(X.shape[1]), Z.shape[1] // X.shape[1]), splines


GROUP_DATA = {
    "news20": ("news20 tf-idf, groups of 5", lambda intercept: _news20_groups()),
    "cpusmall": ("cpusmall splines, 12 groups of 9",
                 lambda intercept: cpusmall_splines()[:3] + (1e-3,)),
}


# ----------------------------------------------------------------- solvers ---
# Multi-task solvers: (X, Y, alphas, tol, intercept) -> list of B (p × K) per alpha.

def _mt_fastreg(X, Y, alphas, tol, intercept):
    import fastreg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = fastreg.multitask_enet_path(X, Y, alphas=alphas, fit_intercept=intercept,
                                           tol=tol, max_iter=1_000_000)
    return [path.coef_at(i).T for i in range(len(alphas))]


def _mt_sklearn(X, Y, alphas, tol, intercept):
    from sklearn.linear_model import lasso_path

    if sp.issparse(X):
        raise TypeError("dense X only")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coefs = lasso_path(X, Y, alphas=alphas, tol=tol, max_iter=1_000_000)[1]
    return [coefs[..., i].T for i in range(len(alphas))]


def _mt_celer(X, Y, alphas, tol, intercept):
    from celer.homotopy import mtl_path

    if sp.issparse(X):
        raise TypeError("dense X only")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coefs = mtl_path(X, Y, alphas=alphas, tol=tol, max_iter=1000, max_epochs=1_000_000)[1]
    return [coefs[..., i] if coefs.shape[0] == X.shape[1] else coefs[..., i].T
            for i in range(len(alphas))]


def _mt_skglm(X, Y, alphas, tol, intercept):
    from skglm.datafits import QuadraticMultiTask
    from skglm.penalties import L2_1
    from skglm.solvers import MultiTaskBCD

    solver = MultiTaskBCD(tol=tol, fit_intercept=False, max_iter=1000, max_epochs=1_000_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coefs = solver.path(X, Y, QuadraticMultiTask(), L2_1(alpha=1.0), alphas=alphas)[1]
    return [coefs[:, :X.shape[1], i].T for i in range(len(alphas))]


MULTITASK_SOLVERS = {
    "fastreg": ("fastreg", _mt_fastreg),
    "sklearn": ("sklearn", _mt_sklearn),
    "celer": ("celer", _mt_celer),
    "skglm": ("skglm", _mt_skglm),
}


# Group solvers: (X, y, alphas, tol, intercept, ids) -> (coefs p × n_alphas, intercepts).

def _grp_fastreg(X, y, alphas, tol, intercept, ids):
    import fastreg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = fastreg.group_lasso_path(X, y, ids, alphas=alphas, fit_intercept=intercept,
                                        tol=tol, max_iter=1_000_000)
    return path.coefs, path.intercepts


def _contiguous_size(ids):
    sizes = np.bincount(ids)
    assert np.all(sizes == sizes[0]) and np.all(np.diff(ids) >= 0), "contiguous equal groups"
    return int(sizes[0])


def _centered(X, y, intercept):
    if not intercept:
        return X, y, {}, np.zeros(X.shape[1]), 0.0
    x_mean, y_mean = np.asarray(X.mean(axis=0)).ravel(), float(y.mean())
    if sp.issparse(X):
        return X, y - y_mean, dict(X_offset=x_mean, X_scale=np.ones_like(x_mean)), x_mean, y_mean
    return X - x_mean, y - y_mean, {}, x_mean, y_mean


def _grp_celer(X, y, alphas, tol, intercept, ids):
    from celer import celer_path

    size = _contiguous_size(ids)
    Xc, yc, keywords, x_mean, y_mean = _centered(X, y, intercept)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coefs = celer_path(Xc, yc, "grouplasso", alphas=alphas, groups=size,
                           weights=np.full(ids.max() + 1, np.sqrt(size)), tol=tol,
                           max_iter=1000, max_epochs=1_000_000, **keywords)[1]
    return coefs, y_mean - coefs.T @ x_mean


def _grp_skglm(X, y, alphas, tol, intercept, ids):
    from skglm.datafits import QuadraticGroup
    from skglm.penalties import WeightedGroupL2
    from skglm.solvers import GroupBCD
    from skglm.utils.data import grp_converter

    size = _contiguous_size(ids)
    ind, ptr = grp_converter(size, X.shape[1])  # (indices, pointers), in that order
    weights = np.full(ids.max() + 1, np.sqrt(size))
    solver = GroupBCD(tol=tol, fit_intercept=intercept, max_iter=1000, max_epochs=1_000_000)
    datafit = QuadraticGroup(ptr, ind)
    w = np.zeros(X.shape[1] + intercept)
    coefs = np.zeros((X.shape[1] + intercept, len(alphas)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, alpha in enumerate(alphas):  # warm-started path
            penalty = WeightedGroupL2(alpha, weights, ptr, ind)
            Xw = X @ w[:X.shape[1]] + (w[-1] if intercept else 0.0)
            w = solver.solve(X, y, datafit, penalty, w.copy(), Xw)[0]
            coefs[:, i] = w
    p = X.shape[1]
    return coefs[:p], (coefs[p] if intercept else np.zeros(len(alphas)))


def adelie_groups(X, ids):
    """adelie's (matrix, group starts, group weights √size) for contiguous group ids, one thread."""
    import adelie as ad

    starts = np.flatnonzero(np.r_[True, np.diff(ids) != 0]).astype(np.int64)
    sizes = np.diff(np.r_[starts, len(ids)])
    if sp.issparse(X):
        matrix = ad.matrix.sparse(X, method="naive", n_threads=1)
    else:
        matrix = ad.matrix.dense(np.asfortranarray(X), method="naive", n_threads=1)
    return matrix, starts, np.sqrt(sizes).astype(np.float64)


def _grp_adelie(X, y, alphas, tol, intercept, ids):
    import adelie as ad

    matrix, starts, weights = adelie_groups(X, ids)
    state = ad.solver.grpnet(matrix, ad.glm.gaussian(y), groups=starts, penalty=weights,
                             lmda_path=alphas, intercept=intercept, early_exit=False,
                             progress_bar=False, tol=tol, max_iters=10_000_000, n_threads=1)
    return state.betas.T, np.asarray(state.intercepts)


GROUP_SOLVERS = {
    "fastreg": ("fastreg", _grp_fastreg),
    "celer": ("celer", _grp_celer),
    "skglm": ("skglm", _grp_skglm),
    "adelie": ("adelie", _grp_adelie),
}


# ------------------------------------------------------------------- tasks ---

class MultiTaskTask:
    """The multi-task Lasso path on (X, Y); no intercept (see the module docstring)."""

    model = "Multi-task Lasso"
    solvers = MULTITASK_SOLVERS
    unsupported = "dense X only"
    reference_tol = BLOCK_REFERENCE_TOL

    def __init__(self, X, Y, intercept):
        if intercept:
            raise ValueError("--model multitask fits no intercept")
        self.X, self.y, self.intercept = X, Y, False
        self.alphas = self.grid(X, Y)
        self.null = float(np.sum(Y ** 2)) / (2 * len(Y))

    def grid(self, X, Y):
        a_max = np.max(np.linalg.norm(np.asarray(X.T @ Y), axis=1)) / X.shape[0]
        return np.geomspace(a_max, 0.1 * a_max, N_BLOCK_ALPHAS)

    def fastreg_alpha_max(self):
        import fastreg

        return fastreg.multitask_enet_path(self.X, self.y, n_alphas=1, fit_intercept=False).alphas[0]

    def supports(self, solver):
        return solver in ("fastreg", "skglm") or not sp.issparse(self.X)

    def run(self, solver, tol):
        start = time.perf_counter()
        fit = self.solvers[solver][1](self.X, self.y, self.alphas, tol, False)
        return time.perf_counter() - start, fit

    def warm_up(self, solver):
        Xs, Ys = self.X[:50][:, :200], self.y[:50]
        self.solvers[solver][1](Xs, Ys, self.grid(Xs, Ys)[:5], 1e-4, False)

    def _residuals(self, B):
        return self.y - np.asarray(self.X @ B)

    def objectives(self, fit):
        n = len(self.y)
        return np.array([np.sum(self._residuals(B) ** 2) / (2 * n)
                         + a * np.sum(np.linalg.norm(np.asarray(B.todense() if sp.issparse(B)
                                                                else B), axis=1))
                         for B, a in zip(fit, self.alphas)])

    def dual_objectives(self, fit):
        """At the rescaled residual: ν = cR, max_j ‖x_jᵀν‖ ≤ nα."""
        n, out = len(self.y), []
        for B, a in zip(fit, self.alphas):
            R = self._residuals(B)
            top = np.max(np.linalg.norm(np.asarray(self.X.T @ R), axis=1))
            nu = R * min(1.0, n * a / max(top, 1e-300))
            out.append(np.sum(self.y * nu) / n - np.sum(nu ** 2) / (2 * n))
        return np.array(out)


class GroupTask:
    """The group lasso path on (X, y) with groups ``ids`` (see the module docstring)."""

    model = "Group lasso"
    solvers = GROUP_SOLVERS
    reference_tol = BLOCK_REFERENCE_TOL

    def __init__(self, X, y, ids, eps, intercept):
        self.X, self.y, self.ids, self.eps, self.intercept = X, y, ids, eps, intercept
        self.groups = [np.flatnonzero(ids == g) for g in range(ids.max() + 1)]
        self.weights = np.sqrt([len(g) for g in self.groups])
        self.alphas = self.grid(X, y)
        y_c = y - y.mean() if intercept else y
        self.null = float(y_c @ y_c) / (2 * len(y))

    def _block_norms(self, z):
        return np.sqrt(np.add.reduceat(z ** 2, np.r_[0, np.flatnonzero(np.diff(self.ids)) + 1]))

    def grid(self, X, y, ids=None):
        ids = self.ids if ids is None else ids
        y_c = y - y.mean() if self.intercept else y
        z = np.asarray(X.T @ y_c).ravel()
        if self.intercept:
            z = z - np.asarray(X.mean(axis=0)).ravel() * y_c.sum()
        starts = np.r_[0, np.flatnonzero(np.diff(ids)) + 1]
        norms = np.sqrt(np.add.reduceat(z ** 2, starts)) / np.sqrt(np.diff(np.r_[starts, len(ids)]))
        a_max = norms.max() / X.shape[0]
        return np.geomspace(a_max, self.eps * a_max, N_BLOCK_ALPHAS)

    def fastreg_alpha_max(self):
        import fastreg

        return fastreg.group_alpha_max(self.X, self.y, self.ids, fit_intercept=self.intercept)

    def supports(self, solver):
        return True

    def run(self, solver, tol):
        start = time.perf_counter()
        fit = self.solvers[solver][1](self.X, self.y, self.alphas, tol, self.intercept, self.ids)
        return time.perf_counter() - start, fit

    def warm_up(self, solver):
        last = min(200, self.X.shape[1]) - 1
        cols = int(np.searchsorted(self.ids, self.ids[last], side="right" if last ==
                                   self.X.shape[1] - 1 else "left")) or self.X.shape[1]
        ids = self.ids[:cols]
        # enough rows that no spline column is all zero (some peers divide by its norm)
        Xs, ys = self.X[:2000][:, :cols], self.y[:2000]
        self.solvers[solver][1](Xs, ys, self.grid(Xs, ys, ids)[:5], 1e-4, self.intercept, ids)

    def _residuals(self, fit):
        coefs, intercepts = fit
        coefs = coefs.toarray() if sp.issparse(coefs) else np.asarray(coefs, dtype=np.float64)
        R = self.y[:, None] - np.asarray(self.X @ coefs) - np.asarray(intercepts)[None, :]
        return coefs, R

    def objectives(self, fit):
        coefs, R = self._residuals(fit)
        pen = sum(w * np.linalg.norm(coefs[g], axis=0) for g, w in zip(self.groups, self.weights))
        return (R ** 2).sum(axis=0) / (2 * len(self.y)) + self.alphas * pen

    def dual_objectives(self, fit):
        n = len(self.y)
        _, R = self._residuals(fit)
        if self.intercept:
            R = R - R.mean(axis=0)
        Z = np.asarray(self.X.T @ R)
        if self.intercept:
            Z = Z - np.asarray(self.X.mean(axis=0)).ravel()[:, None] * R.sum(axis=0)[None, :]
        top = np.max([np.linalg.norm(Z[g], axis=0) / w for g, w in zip(self.groups, self.weights)],
                     axis=0)
        nu = R * np.minimum(1.0, n * self.alphas / np.maximum(top, 1e-300))
        y_c = self.y - self.y.mean() if self.intercept else self.y
        return (y_c @ nu) / n - (nu ** 2).sum(axis=0) / (2 * n)


def group_task(loader, intercept):
    X, y, ids, eps = loader(intercept)
    return GroupTask(X, y, ids, eps, intercept)
