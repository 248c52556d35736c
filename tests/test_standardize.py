"""standardize=True: the fit on an explicitly standardized copy, mapped back.

The convention (glmnet's): σ_j is the weighted population standard deviation
of column j (weights rescaled to sum to n), centered when fitting an
intercept and the root mean square without; the penalty acts on σ_j β_j and
coefficients are returned on the original scale; zero-sd columns get 0.
"""

import numpy as np
import pytest
import scipy.sparse as sp

import fastreg
from conftest import assert_kkt, null_objective

STORAGES = {
    "dense": np.asarray,
    "csc": sp.csc_matrix,
    "csr": sp.csr_matrix,
}


def _problem(n=40, p=15, seed=0, sparse_like=False):
    """Columns on very different scales (and offsets), one constant column."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    if sparse_like:
        X[rng.uniform(size=X.shape) < 0.6] = 0.0
    else:
        X += rng.normal(size=p) * 2.0
    X *= np.geomspace(1e-2, 1e2, p)
    X[:, 4] = 0.0 if sparse_like else 1.5
    y = X[:, :3] @ (1.0 / np.geomspace(1e-2, 1e2, p)[:3]) + rng.normal(size=n)
    return X, y, rng.uniform(0.2, 3.0, n)


def _sd(X, sample_weight, fit_intercept):
    """The reference σ: weighted population sd (or rms), written out; zero sd → 1."""
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    s = np.ones(n) if sample_weight is None else sample_weight * n / np.sum(sample_weight)
    m = s @ X / n if fit_intercept else np.zeros(X.shape[1])
    var = s @ (X - m) ** 2 / n
    sd = np.sqrt(var)
    return np.where(var > 1e-20 * (1 + m * m), sd, 1.0)


def _glmnet_objective(X, y, coef, intercept, alpha, l1_ratio, sd, sample_weight=None,
                      penalty_factor=None):
    """glmnet's standardize=TRUE objective, on the original coefficients."""
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    s = np.ones(n) if sample_weight is None else sample_weight * n / np.sum(sample_weight)
    v = np.ones(X.shape[1]) if penalty_factor is None else penalty_factor
    b = sd * coef
    resid = y - intercept - X @ coef
    return (0.5 / n * np.sum(s * resid**2)
            + alpha * np.sum(v * (l1_ratio * np.abs(b) + 0.5 * (1 - l1_ratio) * b * b)))


@pytest.mark.parametrize("storage", list(STORAGES))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.4])
def test_enet_path_matches_standardized_copy(storage, dtype, fit_intercept, l1_ratio):
    X, y, w = _problem(sparse_like=storage != "dense")
    v = np.linspace(0.5, 2.0, X.shape[1])
    sd = _sd(X.astype(dtype), w, fit_intercept)
    Xa = STORAGES[storage](X.astype(dtype))
    Xs = STORAGES[storage]((X / sd).astype(dtype))
    kw = dict(l1_ratio=l1_ratio, fit_intercept=fit_intercept, sample_weight=w,
              penalty_factor=v, n_alphas=12, tol=1e-8)
    ours = fastreg.enet_path(Xa, y, standardize=True, **kw)
    ref = fastreg.enet_path(Xs, y, **kw)
    rtol = 1e-10 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(ours.alphas, ref.alphas, rtol=rtol)
    assert np.all(ours.dual_gaps <= 1e-8)
    p_null = null_objective(y, fit_intercept, w)
    for k, alpha in enumerate(ours.alphas):
        coef, icpt = ours.coef_at(k).astype(np.float64), float(ours.intercepts[k])
        mapped = ref.coef_at(k).astype(np.float64) / sd
        a = _glmnet_objective(X, y, coef, icpt, alpha, l1_ratio, sd, w, v)
        b = _glmnet_objective(X, y, mapped, float(ref.intercepts[k]), alpha, l1_ratio, sd, w, v)
        # both certified within 1e-8 · P_null of the optimum (float32 X: its rounding)
        assert abs(a - b) <= (2e-8 if dtype == np.float64 else 1e-5) * p_null
        if fit_intercept or storage != "dense":  # zero sd (constant, or all zeros)
            assert coef[4] == 0.0
    if l1_ratio == 1.0 and dtype == np.float64:
        # the Lasso's KKT conditions with L1 factors v·σ: glmnet's problem, certified
        k = len(ours.alphas) - 1
        assert_kkt(X, y, ours.coef_at(k), float(ours.intercepts[k]), ours.alphas[k], 1.0,
                   1e-8, fit_intercept=fit_intercept, sample_weight=w, penalty_factor=v * sd)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_estimators_match_standardized_copy(fit_intercept):
    X, y, w = _problem(seed=1)
    sd = _sd(X, w, fit_intercept)
    for est in (fastreg.Lasso, fastreg.ElasticNet):
        ours = est(alpha=0.05, tol=1e-10, fit_intercept=fit_intercept, standardize=True)
        ref = est(alpha=0.05, tol=1e-10, fit_intercept=fit_intercept).fit(X / sd, y, w)
        ours.fit(X, y, w)
        np.testing.assert_allclose(ours.coef_, ref.coef_ / sd, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(ours.predict(X), ref.predict(X / sd), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_alpha_max_and_grid_on_standardized_scale(fit_intercept):
    X, y, w = _problem(seed=2)
    sd = _sd(X, w, fit_intercept)
    kw = dict(fit_intercept=fit_intercept, sample_weight=w)
    assert np.isclose(fastreg.alpha_max(X, y, standardize=True, **kw),
                      fastreg.alpha_max(X / sd, y, **kw), rtol=1e-10)
    np.testing.assert_allclose(fastreg.alpha_grid(X, y, standardize=True, l1_ratio=0.3, **kw),
                               fastreg.alpha_grid(X / sd, y, l1_ratio=0.3, **kw), rtol=1e-10)
    yb = y > np.median(y)
    assert np.isclose(fastreg.logistic_alpha_max(X, yb, standardize=True, **kw),
                      fastreg.logistic_alpha_max(X / sd, yb, **kw), rtol=1e-10)


@pytest.mark.parametrize("storage", list(STORAGES))
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_logistic_matches_standardized_copy(storage, fit_intercept):
    X, y, w = _problem(seed=3, sparse_like=storage != "dense")
    yb = (y > np.median(y)).astype(int)
    sd = _sd(X, w, fit_intercept)
    kw = dict(l1_ratio=0.7, fit_intercept=fit_intercept, sample_weight=w, n_alphas=8,
              tol=1e-10)
    ours = fastreg.logistic_path(STORAGES[storage](X), yb, standardize=True, **kw)
    ref = fastreg.logistic_path(STORAGES[storage](X / sd), yb, **kw)
    np.testing.assert_allclose(ours.alphas, ref.alphas, rtol=1e-10)
    np.testing.assert_allclose(ours.coefs.toarray(), ref.coefs.toarray() / sd[:, None],
                               rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(ours.intercepts, ref.intercepts, rtol=1e-6, atol=1e-7)
    est = fastreg.LogisticRegression(alpha=ours.alphas[-1], l1_ratio=0.7, tol=1e-10,
                                     fit_intercept=fit_intercept, standardize=True)
    np.testing.assert_allclose(est.fit(X, yb, w).coef_[0], ours.coef_at(len(ours) - 1),
                               rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("storage", list(STORAGES))
@pytest.mark.parametrize("solver", ["cholesky", "eigen", "cg"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_matches_standardized_copy(storage, solver, fit_intercept):
    X, y, w = _problem(seed=4, sparse_like=storage != "dense")
    v = np.linspace(0.5, 2.0, X.shape[1])
    sd = _sd(X, w, fit_intercept)
    kw = dict(fit_intercept=fit_intercept, sample_weight=w, penalty_factor=v, solver=solver,
              n_alphas=6, tol=1e-10)
    ours = fastreg.ridge_path(STORAGES[storage](X), y, standardize=True, **kw)
    ref = fastreg.ridge_path(STORAGES[storage](X / sd), y, **kw)
    np.testing.assert_allclose(ours.alphas, ref.alphas, rtol=1e-10)
    np.testing.assert_allclose(ours.coefs, ref.coefs / sd[:, None], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(ours.intercepts, ref.intercepts, rtol=1e-6, atol=1e-9)
    if fit_intercept or storage != "dense":
        assert np.all(ours.coefs[4] == 0.0)
    est = fastreg.Ridge(alpha=ours.alphas[2], fit_intercept=fit_intercept, solver=solver,
                        penalty_factor=v, tol=1e-10, standardize=True)
    np.testing.assert_allclose(est.fit(STORAGES[storage](X), y, w).coef_, ours.coefs[:, 2],
                               rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("cv", [None, "gcv", 3])
def test_ridge_cv_matches_standardized_copy(cv):
    X, y, w = _problem(seed=5)
    sd = _sd(X, w, True)
    ours = fastreg.RidgeCV(cv=cv, n_alphas=10, standardize=True).fit(X, y, w)
    # LOO / GCV standardize by all the data; k folds each by their own rows,
    # which standardizing the copy again reproduces
    ref = fastreg.RidgeCV(cv=cv, n_alphas=10, standardize=cv == 3).fit(X / sd, y, w)
    np.testing.assert_allclose(ours.alphas_, ref.alphas_, rtol=1e-10)
    np.testing.assert_allclose(ours.cv_errors_, ref.cv_errors_, rtol=1e-8)
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)
    np.testing.assert_allclose(ours.coef_, ref.coef_ / sd, rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("model", ["lasso", "enet", "logistic"])
def test_cv_estimators_match_standardized_copy(model):
    """Each fold standardizes by its training rows (cv.glmnet), so a column scaling
    of X, the standardized copy included, changes neither the grid nor the curve."""
    X, y, w = _problem(n=60, seed=6)
    sd = _sd(X, w, True)
    est, target = {
        "lasso": (fastreg.LassoCV(n_alphas=15), y),
        "enet": (fastreg.ElasticNetCV(l1_ratio=[0.3, 0.8], n_alphas=15), y),
        "logistic": (fastreg.LogisticRegressionCV(n_alphas=10), (y > np.median(y)).astype(int)),
    }[model]
    est.set_params(cv=3, tol=1e-10, cv_tol=None, standardize=True)
    ours = est.fit(X, target, w)
    alphas, mean, alpha, coef = ours.alphas_, ours.cv_mean_, ours.alpha_, ours.coef_
    ref = est.fit(X / sd, target, w)
    np.testing.assert_allclose(alphas, ref.alphas_, rtol=1e-10)
    np.testing.assert_allclose(mean, ref.cv_mean_, rtol=1e-5)
    assert alpha == pytest.approx(ref.alpha_, rel=1e-10)
    np.testing.assert_allclose(coef, ref.coef_ / sd, rtol=1e-5, atol=1e-8)


def test_constant_columns_get_zero():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(30, 5)) * [1.0, 0.0, 1e3, 1.0, 1.0]
    X[:, 3] = 7.0  # constant: zero sd with an intercept
    y = X @ [1.0, 0.0, 1e-3, 0.0, 2.0] + 0.1 * rng.normal(size=30)
    fits = [fastreg.Lasso(alpha=1e-3), fastreg.ElasticNet(alpha=1e-3), fastreg.Ridge(alpha=1e-3),
            fastreg.Ridge(alpha=1e-3, solver="cg")]
    for est in fits:
        coef = est.set_params(standardize=True).fit(X, y).coef_
        assert coef[1] == 0.0 and coef[3] == 0.0 and np.all(np.isfinite(coef))
        # without an intercept a constant column has a scale (its rms); an all-zero one not
        coef = est.set_params(fit_intercept=False).fit(X, y).coef_
        assert coef[1] == 0.0 and coef[3] != 0.0
    clf = fastreg.LogisticRegression(alpha=1e-3, standardize=True).fit(X, y > 0)
    assert clf.coef_[0, 1] == 0.0 and clf.coef_[0, 3] == 0.0


def test_inputs_not_modified():
    X, y, w = _problem(seed=8)
    v = np.linspace(0.5, 2.0, X.shape[1])
    Xs = sp.csc_matrix(X)
    saved = (X.copy(), y.copy(), w.copy(), v.copy(), Xs.data.copy())
    fastreg.enet_path(X, y, sample_weight=w, penalty_factor=v, n_alphas=5, standardize=True)
    fastreg.lasso_path(Xs, y, sample_weight=w, penalty_factor=v, n_alphas=5, standardize=True)
    fastreg.Ridge(penalty_factor=v, standardize=True).fit(Xs, y, w)
    fastreg.LogisticRegression(penalty_factor=v, standardize=True).fit(X, y > np.median(y), w)
    for before, after in zip(saved, (X, y, w, v, Xs.data)):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("call", [
    lambda X, y: fastreg.lasso_path(X, y, standardize="yes"),
    lambda X, y: fastreg.Ridge(standardize=None).fit(X, y),
    lambda X, y: fastreg.LogisticRegression(standardize=1.0).fit(X, y > 0),
])
def test_standardize_must_be_bool(call):
    X, y, _ = _problem(seed=9)
    with pytest.raises((TypeError, ValueError), match="standardize"):
        call(X, y)
