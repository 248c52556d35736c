"""Ill-conditioned and rank-deficient Ridge problems, and CG convergence reporting."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import fastreg
from fastreg import ConvergenceWarning, IllConditionedWarning, Ridge, ridge_path


def tall(seed=0, n=50, p=8):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    return X, X @ rng.standard_normal(p) + rng.standard_normal(n)


@pytest.mark.parametrize("solver", ["cholesky", "eigen"])
@pytest.mark.parametrize("shape", ["tall", "wide"])
def test_duplicate_columns_warn_and_stay_finite(solver, shape):
    X, y = tall(n=40 if shape == "tall" else 10, p=6 if shape == "tall" else 20)
    X = np.hstack([X, X[:, :2]])                       # exact duplicates
    with pytest.warns(IllConditionedWarning, match="duplicate or collinear columns") as rec:
        model = Ridge(alpha=1e-14, solver=solver).fit(X, y)
    message = str(rec[0].message)
    assert "increase alpha" in message and "< 1e-10 for float64" in message
    assert np.all(np.isfinite(model.coef_)) and model.rcond_ < 1e-10
    # not garbage: the fit is the least-squares fit of the deduplicated columns
    ols = np.linalg.lstsq(np.c_[np.ones(X.shape[0]), X[:, :-2]], y, rcond=None)[0]
    np.testing.assert_allclose(model.predict(X), np.c_[np.ones(X.shape[0]), X[:, :-2]] @ ols,
                               atol=1e-6 * np.abs(y).max())
    if shape == "tall":
        np.testing.assert_allclose(model.coef_[:2] + model.coef_[-2:], ols[1:3], rtol=1e-6)


@pytest.mark.parametrize("solver", ["cholesky", "eigen"])
def test_constant_column_named_in_warning(solver):
    X, y = tall()
    X[:, 3] = 7.0                                       # constant: centered to zero
    with pytest.warns(IllConditionedWarning, match=r"constant columns \(3\)"):
        model = Ridge(alpha=0.0, solver=solver).fit(X, y)
    assert model.coef_[3] == pytest.approx(0.0, abs=1e-8)
    keep = np.arange(8) != 3
    ols = np.linalg.lstsq(np.c_[np.ones(50), X[:, keep]], y, rcond=None)[0]
    np.testing.assert_allclose(model.coef_[keep], ols[1:], rtol=1e-8)
    np.testing.assert_allclose(model.intercept_, ols[0], rtol=1e-8)


@pytest.mark.parametrize("fmt", ["dense", "csc"])
def test_rank_deficient_least_squares_is_minimum_norm(fmt):
    """alpha = 0 with p > n: the minimum-norm interpolant, as numpy's pinv gives."""
    rng = np.random.default_rng(1)
    X = rng.standard_normal((12, 30))
    y = rng.standard_normal(12)
    Xf = sp.csc_matrix(X) if fmt == "csc" else X
    for solver in ["cholesky", "eigen"]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IllConditionedWarning)
            model = Ridge(alpha=0.0, solver=solver, fit_intercept=False).fit(Xf, y)
        np.testing.assert_allclose(model.coef_, np.linalg.pinv(X) @ y, atol=1e-9)


def test_singular_matrix_falls_back_and_reports():
    """A Cholesky that breaks down is not a crash: eigen fallback, rcond 0, warning."""
    X, y = tall()
    X = np.hstack([X, X])
    with pytest.warns(IllConditionedWarning, match="numerically singular"):
        model = Ridge(alpha=0.0, solver="cholesky").fit(X, y)
    assert model.rcond_ == 0.0 and np.all(np.isfinite(model.coef_))
    np.testing.assert_allclose(model.coef_[:8], model.coef_[8:], rtol=1e-8)


def test_float32_threshold_is_looser():
    """rcond between 1e-10 and 1e-5 is fine in float64 but not for float32 data."""
    rng = np.random.default_rng(2)
    X = rng.standard_normal((200, 5))
    X[:, 4] = X[:, 3] + 1e-4 * rng.standard_normal(200)
    y = X.sum(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", IllConditionedWarning)
        r64 = Ridge(alpha=1e-12).fit(X, y).rcond_
    assert 1e-10 < r64 < 1e-5
    with pytest.warns(IllConditionedWarning, match="< 1e-05 for float32"):
        Ridge(alpha=1e-12).fit(X.astype(np.float32), y)


def test_well_scaled_problem_does_not_warn_on_feature_units():
    """Columns in very different units do not trigger the Cholesky warning."""
    X, y = tall()
    X *= np.logspace(-6, 6, 8)
    with warnings.catch_warnings():
        warnings.simplefilter("error", IllConditionedWarning)
        model = Ridge(alpha=1e-3, solver="cholesky").fit(X, y)
    assert model.rcond_ > 1e-3


def test_path_warns_once_for_the_bad_alphas():
    X, y = tall()
    X = np.hstack([X, X[:, :1]])
    with pytest.warns(IllConditionedWarning, match=r"\(\d+ of 6 alphas affected\)") as rec:
        path = ridge_path(X, y, alphas=np.geomspace(1.0, 1e-15, 6))
    assert len(rec) == 1
    assert np.all(np.isfinite(path.coefs))
    assert path.info["rconds"][0] > 1e-3 > path.info["rconds"][-1]


@pytest.mark.parametrize("n_alphas", [1, 5])
def test_cg_convergence_warning_reports_residual(news20_small, n_alphas):
    X, y = news20_small
    alphas = np.geomspace(1e-3, 1e-5, n_alphas)
    with pytest.warns(ConvergenceWarning,
                      match=r"relative KKT residual \S+ > tol = 1\.000e-10.*max_iter = 3"):
        path = ridge_path(X, y, alphas=alphas, solver="cg", tol=1e-10, max_iter=3)
    assert np.all(np.isfinite(path.coefs)) and np.all(path.dual_gaps > 1e-10)
    assert np.all(path.n_iters <= 4)


def test_multishift_rounding_is_repaired(news20_small, monkeypatch):
    """Alphas the multi-shift run leaves above tol are finished by preconditioned CG."""
    from fastreg._kernels import _ridge_cg

    real = _ridge_cg.cg_multishift
    calls = []

    def truncated(*args):
        args = list(args)
        args[-1] = 4                                    # stop the shared run early
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(_ridge_cg, "cg_multishift", truncated)
    X, y = news20_small
    alphas = np.geomspace(1e-2, 1e-5, 4)
    path = ridge_path(X, y, alphas=alphas, solver="cg", tol=1e-9)
    assert calls and np.all(path.dual_gaps <= 1e-9) and path.n_iters[-1] > 4
    for i in (0, 3):
        single = Ridge(alpha=alphas[i], solver="cg", tol=1e-11).fit(X, y)
        np.testing.assert_allclose(path.coefs[:, i], single.coef_,
                                   atol=1e-6 * np.abs(single.coef_).max())


def test_dual_cg_on_extremely_wide_sparse_data():
    """p above a quarter of the stored entries: CG runs on the n × n dual system."""
    rng = np.random.default_rng(3)
    n, p = 60, 4000
    X = sp.random(n, p, density=0.003, format="csc", random_state=4)
    X = X + sp.csc_matrix((np.ones(n), (np.arange(n), rng.integers(0, p, n))), shape=(n, p))
    y = rng.standard_normal(n)
    sw = rng.uniform(0.5, 2, n)
    v = rng.uniform(0.5, 2, p)
    for alphas in ([1e-3], np.geomspace(1e-1, 1e-4, 4)):
        path = ridge_path(X, y, alphas=alphas, solver="cg", tol=1e-10, sample_weight=sw,
                          penalty_factor=v)
        assert path.info["solver"].startswith("dual-cg")
        exact = ridge_path(X, y, alphas=alphas, solver="cholesky", sample_weight=sw,
                           penalty_factor=v)
        np.testing.assert_allclose(path.coefs, exact.coefs, atol=1e-7 * np.abs(exact.coefs).max())
        np.testing.assert_allclose(path.intercepts, exact.intercepts, atol=1e-7)
        assert np.all(path.dual_gaps <= 1e-10)


def test_sequential_path_with_unpenalized_features(news20_small):
    """Zero penalty factors rule out multi-shift: warm-started Jacobi CG instead."""
    X, y = news20_small
    X, y = X[:300, :1500], y[:300]
    v = np.ones(X.shape[1])
    v[np.argsort(-np.diff(X.tocsc().indptr))[:5]] = 0.0     # five frequent words
    alphas = np.geomspace(1e-1, 1e-3, 5)
    path = ridge_path(X, y, alphas=alphas, solver="cg", penalty_factor=v, tol=1e-10)
    assert "Jacobi" in path.info["solver"]
    exact = ridge_path(X, y, alphas=alphas, solver="cholesky", penalty_factor=v)
    np.testing.assert_allclose(path.coefs, exact.coefs, atol=1e-7 * np.abs(exact.coefs).max())


def test_centering_guard_for_large_means():
    """Columns with means far above their spread are centered exactly (no cancellation)."""
    rng = np.random.default_rng(5)
    X = rng.standard_normal((300, 4)) + np.array([0.0, 1e7, -3e6, 5.0])
    y = X @ np.array([1.0, 2.0, -1.0, 0.5]) + rng.standard_normal(300)
    model = Ridge(alpha=1e-6).fit(X, y)
    Xc = X - X.mean(axis=0)
    expected = np.linalg.solve(Xc.T @ Xc + 300e-6 * np.eye(4), Xc.T @ (y - y.mean()))
    np.testing.assert_allclose(model.coef_, expected, rtol=1e-9)


def test_auto_cg_for_a_too_large_dense_matrix(monkeypatch):
    monkeypatch.setattr("fastreg._ridge._solvers.MAX_DIRECT_BYTES", 8 * 10 * 10)
    X, y = tall()
    X = np.hstack([X, X[:, :4] + 0.1])                  # p = 12 > 10
    assert Ridge(alpha=0.1).fit(X, y).solver_.startswith("cg (a dense 12 x 12 matrix")
    with pytest.raises(ValueError, match="solver='cg'"):
        Ridge(alpha=0.1, solver="cholesky").fit(X, y)
    assert fastreg.Ridge(alpha=0.1, solver="cg").fit(X, y).kkt_residual_ <= 1e-6
