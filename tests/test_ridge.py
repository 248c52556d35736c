"""Ridge solvers against independent references.

The reference is numpy.linalg.lstsq on the augmented least-squares system

    [√S 1, √S X; 0, √(nα V)] [β0; β] ≈ [√S y; 0]

(the intercept column is unpenalized), which is the Ridge objective of the
library written as one least-squares problem. scikit-learn's Ridge and
ridge paths are compared with α_sklearn = n·α.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import Ridge as SkRidge

import fastreg
from fastreg import Ridge, ridge_path

from conftest import DATA

SOLVERS = ["auto", "cholesky", "eigen", "cg"]


def reference(X, y, alpha, *, sample_weight=None, fit_intercept=True, penalty_factor=None):
    """(coef, intercept) of the Ridge objective by lstsq on the augmented system."""
    X = X.toarray() if sp.issparse(X) else np.asarray(X)
    X = X.astype(np.float64)
    n, p = X.shape
    Y = np.asarray(y, dtype=np.float64).reshape(n, -1)
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight) * n / np.sum(
        sample_weight)
    v = np.ones(p) if penalty_factor is None else np.asarray(penalty_factor, dtype=float)
    w = np.sqrt(s)[:, None]
    top = np.hstack([w, w * X]) if fit_intercept else w * X
    pen = np.diag(np.sqrt(n * alpha * v))
    bottom = np.hstack([np.zeros((p, 1)), pen]) if fit_intercept else pen
    A = np.vstack([top, bottom])
    rhs = np.vstack([w * Y, np.zeros((p, Y.shape[1]))])
    sol = np.linalg.lstsq(A, rhs, rcond=None)[0]
    coef, intercept = (sol[1:], sol[0]) if fit_intercept else (sol, np.zeros(Y.shape[1]))
    if np.ndim(y) == 1:
        return coef[:, 0], float(intercept[0])
    return coef.T, intercept


def as_format(X, fmt, dtype=np.float64):
    X = np.asarray(X, dtype=dtype)
    if fmt == "dense":
        return X
    return {"csc": sp.csc_matrix, "csr": sp.csr_matrix, "coo": sp.coo_matrix}[fmt](X)


def problem(shape, n_targets=None, seed=0, sparsity=0.5):
    """Random data with nonzero column means (so centering matters) and some zeros."""
    n, p = {"tall": (40, 12), "wide": (14, 40)}[shape]
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + rng.uniform(-3, 3, p)
    X[rng.random((n, p)) < sparsity] = 0.0
    beta = rng.standard_normal((p,) if n_targets is None else (p, n_targets))
    y = X @ beta + 2.0
    y += 0.5 * rng.standard_normal(y.shape)
    return X, y, rng.uniform(0.2, 3.0, n)


def scale(a):
    return max(1.0, float(np.max(np.abs(a))))


@pytest.mark.parametrize("n_targets", [None, 3])
@pytest.mark.parametrize("shape", ["tall", "wide"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fmt", ["dense", "csc", "csr"])
@pytest.mark.parametrize("solver", SOLVERS)
def test_ridge_matches_lstsq(solver, fmt, dtype, fit_intercept, weighted, shape, n_targets):
    X, y, sw = problem(shape, n_targets)
    Xf = as_format(X, fmt, dtype)
    sample_weight = sw if weighted else None
    alpha = 0.05
    model = Ridge(alpha=alpha, solver=solver, fit_intercept=fit_intercept, tol=1e-12)
    model.fit(Xf, y, sample_weight=sample_weight)
    # float32 data is used as stored; the reference solves on the same values in float64
    coef, intercept = reference(X.astype(dtype), y, alpha, sample_weight=sample_weight,
                                fit_intercept=fit_intercept)
    assert model.coef_.shape == coef.shape
    np.testing.assert_allclose(model.coef_, coef, rtol=0, atol=1e-9 * scale(coef))
    np.testing.assert_allclose(model.intercept_, intercept, rtol=0, atol=1e-9 * scale(y))
    assert model.kkt_residual_ <= 1e-12 if solver == "cg" else model.kkt_residual_ < 1e-10
    pred = model.predict(Xf)
    assert pred.shape == np.shape(y)
    expected = X.astype(dtype).astype(float) @ coef.T + intercept
    np.testing.assert_allclose(pred, expected, atol=1e-5 * scale(y))


@pytest.mark.parametrize("solver", ["cholesky", "eigen", "cg"])
@pytest.mark.parametrize("shape", ["tall", "wide"])
def test_penalty_factor(solver, shape):
    X, y, sw = problem(shape)
    v = np.linspace(0.2, 3.0, X.shape[1])
    model = Ridge(alpha=0.1, solver=solver, penalty_factor=v, tol=1e-12).fit(X, y, sw)
    coef, intercept = reference(X, y, 0.1, sample_weight=sw, penalty_factor=v)
    np.testing.assert_allclose(model.coef_, coef, atol=1e-9 * scale(coef))
    np.testing.assert_allclose(model.intercept_, intercept, atol=1e-9 * scale(y))


@pytest.mark.parametrize("solver", ["auto", "cholesky", "cg"])
@pytest.mark.parametrize("shape", ["tall", "wide"])
def test_unpenalized_features(solver, shape):
    """Zero penalty factors leave those coefficients free (primal system even if p > n)."""
    X, y, _ = problem(shape)
    v = np.ones(X.shape[1])
    v[:3] = 0.0
    model = Ridge(alpha=0.3, solver=solver, penalty_factor=v, tol=1e-12).fit(X, y)
    coef, intercept = reference(X, y, 0.3, penalty_factor=v)
    np.testing.assert_allclose(model.coef_, coef, atol=1e-8 * scale(coef))
    np.testing.assert_allclose(model.intercept_, intercept, atol=1e-8 * scale(y))
    if solver != "cg":
        assert model.solver_.startswith("cholesky")


def test_sklearn_alpha_mapping_cpusmall():
    """α_sklearn = n·α, with sample weights, on real data."""
    d = np.load(DATA / "cpusmall.npz")
    X, y = d["X"], d["y"]
    n = X.shape[0]
    sw = np.random.default_rng(0).uniform(0.5, 2.0, n)
    sw *= n / sw.sum()              # sklearn does not rescale weights: give them sum n
    for alpha in [1e-4, 1e-1, 10.0]:
        ours = Ridge(alpha=alpha).fit(X, y, sample_weight=sw)
        theirs = SkRidge(alpha=n * alpha, solver="cholesky").fit(X, y, sample_weight=sw)
        np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-8)
    assert ours.solver_ == "cholesky (n >= p)"
    assert 0 < ours.rcond_ <= 1


def test_sklearn_golub_dual():
    d = np.load(DATA / "golub.npz")
    X, y = d["X"], d["y"]
    n = X.shape[0]
    for solver in ["auto", "cholesky", "eigen"]:
        ours = Ridge(alpha=1e3, solver=solver).fit(X, y)
        assert ours.solver_.startswith("dual-"), ours.solver_
        theirs = SkRidge(alpha=n * 1e3).fit(X, y)
        np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-7, atol=1e-12)
        np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-7)


@pytest.mark.parametrize("solver", ["auto", "cg", "cholesky"])
def test_sklearn_news20_sparse(news20_small, solver):
    X, y = news20_small
    X, y = X[:600], y[:600]           # dual (p > n) sizes for the direct solver
    n = X.shape[0]
    ours = Ridge(alpha=1e-3, solver=solver, tol=1e-10).fit(X, y)
    theirs = SkRidge(alpha=n * 1e-3, solver="sparse_cg", tol=1e-12, max_iter=10000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-7 * scale(theirs.coef_))
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-7)


def test_auto_solver_explains_choice(news20_small, monkeypatch):
    rng = np.random.default_rng(0)
    assert Ridge().fit(rng.standard_normal((30, 5)), rng.standard_normal(30)).solver_ \
        == "cholesky (n >= p)"
    assert Ridge().fit(rng.standard_normal((5, 30)), rng.standard_normal(5)).solver_ \
        == "dual-cholesky (p > n)"
    X, y = news20_small
    assert Ridge(alpha=1e-3).fit(X, y).solver_ == "dual-cholesky (p > n)"
    monkeypatch.setattr("fastreg._ridge._solvers.AUTO_SPARSE_DIRECT_MAX", 1000)
    model = Ridge(alpha=1e-3).fit(X, y)
    assert model.solver_.startswith("cg (sparse X with min(n, p) = 2000 > 1000")
    assert model.rcond_ is None and model.n_iter_ > 1
    path = ridge_path(X[:300], y[:300], n_alphas=10)
    assert path.info["solver"].startswith("dual-eigen (p > n; 10 alphas")


# ---------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["dense", "csc"])
@pytest.mark.parametrize("shape", ["tall", "wide"])
@pytest.mark.parametrize("solver", ["auto", "cholesky", "eigen", "cg"])
def test_path_equals_single_fits(solver, shape, fmt):
    X, y, sw = problem(shape)
    Xf = as_format(X, fmt)
    alphas = np.geomspace(10.0, 1e-4, 12)
    path = ridge_path(Xf, y, alphas=alphas, solver=solver, sample_weight=sw, tol=1e-12)
    assert isinstance(path, fastreg.Path) and path.l1_ratio == 0.0
    assert path.coefs.shape == (X.shape[1], 12) and path.intercepts.shape == (12,)
    np.testing.assert_array_equal(path.alphas, alphas)
    for i, alpha in enumerate(alphas):
        coef, intercept = reference(X, y, alpha, sample_weight=sw)
        np.testing.assert_allclose(path.coefs[:, i], coef, atol=1e-8 * scale(coef))
        np.testing.assert_allclose(path.intercepts[i], intercept, atol=1e-8 * scale(y))
    assert np.all(path.dual_gaps <= 1e-10)
    assert np.all(np.diff(path.dev_ratios) >= -1e-12)          # more fit as alpha falls
    assert np.all((path.dev_ratios >= 0) & (path.dev_ratios <= 1))


def test_path_multi_target_shapes():
    X, Y, _ = problem("tall", n_targets=2)
    path = ridge_path(X, Y, n_alphas=7)
    assert path.coefs.shape == (2, X.shape[1], 7)
    assert path.intercepts.shape == (2, 7) and path.dev_ratios.shape == (2, 7)
    assert path.dual_gaps.shape == (7,) and path.n_iters.shape == (7,)
    for t in range(2):
        single = ridge_path(X, Y[:, t], alphas=path.alphas)
        np.testing.assert_allclose(path.coefs[t], single.coefs, atol=1e-10)
        np.testing.assert_allclose(path.intercepts[t], single.intercepts, atol=1e-10)
    assert path.coef_at(3).shape == (2, X.shape[1])


def test_default_grid_and_dev_ratio():
    d = np.load(DATA / "cpusmall.npz")
    X, y = d["X"][:2000], d["y"][:2000]
    path = ridge_path(X, y)
    assert len(path) == 100 and np.all(np.diff(path.alphas) < 0)
    np.testing.assert_allclose(path.alphas[-1] / path.alphas[0], 1e-3)
    assert path.info["solver"].startswith("eigen (n >= p; 100 alphas")
    assert path.info["rconds"].shape == (100,)
    # deviance ratio against a direct computation at one alpha
    i = 60
    resid = y - path.intercepts[i] - X @ path.coefs[:, i]
    np.testing.assert_allclose(path.dev_ratios[i],
                               1 - resid @ resid / np.sum((y - y.mean()) ** 2), rtol=1e-8)
    assert 0 < path.dev_ratios[0] < path.dev_ratios[-1] < 1


def test_sparse_cg_path_news20(news20_small):
    """Multi-shift CG path: every alpha certified, equal to independent single fits."""
    X, y = news20_small
    alphas = np.geomspace(1e-1, 1e-5, 8)
    path = ridge_path(X, y, alphas=alphas, solver="cg", tol=1e-8)
    assert "multi-shift" in path.info["solver"]
    assert np.all(path.dual_gaps <= 1e-8)
    assert path.n_iters[-1] > path.n_iters[0]
    for i in [0, 7]:
        single = Ridge(alpha=alphas[i], solver="cg", tol=1e-10).fit(X, y)
        np.testing.assert_allclose(path.coefs[:, i], single.coef_,
                                   atol=1e-5 * scale(single.coef_))
    # independent KKT check of the smallest alpha, on the definition
    n = X.shape[0]
    Xd = X.toarray()
    Xc = Xd - Xd.mean(axis=0)
    r = y - path.intercepts[-1] - Xd @ path.coefs[:, -1]
    grad = Xc.T @ r - n * alphas[-1] * path.coefs[:, -1]
    assert np.linalg.norm(grad) / np.linalg.norm(Xc.T @ (y - y.mean())) <= 1e-8 * 1.01
