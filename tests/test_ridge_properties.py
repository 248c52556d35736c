"""Property-based checks of Ridge invariants (hypothesis)."""

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from fastreg import Ridge, ridge_path

SETTINGS = settings(max_examples=40, deadline=None)


@st.composite
def problems(draw):
    n = draw(st.integers(2, 25))
    p = draw(st.integers(1, 25))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.1, 10, p) + rng.uniform(-5, 5, p)
    X[rng.random((n, p)) < draw(st.floats(0.0, 0.8))] = 0.0
    y = rng.standard_normal(n) * draw(st.floats(0.1, 100.0))
    alpha = draw(st.floats(1e-3, 1e2))
    sw = rng.uniform(0.1, 3.0, n) if draw(st.booleans()) else None
    return X, y, alpha, sw, draw(st.booleans())


def direct_solve(X, y, alpha, sw, fit_intercept):
    """Normal equations of the weighted, centered problem, solved by numpy."""
    n = X.shape[0]
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    xm = np.average(X, axis=0, weights=s) if fit_intercept else np.zeros(X.shape[1])
    ym = np.average(y, weights=s) if fit_intercept else 0.0
    Xc = X - xm
    coef = np.linalg.solve(Xc.T @ (s[:, None] * Xc) + n * alpha * np.eye(X.shape[1]),
                           Xc.T @ (s * (y - ym)))
    return coef, ym - xm @ coef


@SETTINGS
@given(problems(), st.sampled_from(["auto", "cholesky", "eigen", "cg"]), st.booleans())
def test_ridge_equals_direct_solve(problem, solver, sparse):
    X, y, alpha, sw, fit_intercept = problem
    Xf = sp.csc_matrix(X) if sparse else X
    model = Ridge(alpha=alpha, solver=solver, fit_intercept=fit_intercept, tol=1e-12)
    model.fit(Xf, y, sample_weight=sw)
    coef, intercept = direct_solve(X, y, alpha, sw, fit_intercept)
    scale = 1.0 + np.abs(coef).max()
    np.testing.assert_allclose(model.coef_, coef, atol=1e-7 * scale)
    np.testing.assert_allclose(model.intercept_, intercept, atol=1e-7 * (scale + np.abs(y).max()))


@SETTINGS
@given(problems(), st.data())
def test_permuting_columns_permutes_coefficients(problem, data):
    X, y, alpha, sw, fit_intercept = problem
    perm = np.array(data.draw(st.permutations(range(X.shape[1]))))
    base = Ridge(alpha=alpha, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    permuted = Ridge(alpha=alpha, fit_intercept=fit_intercept).fit(X[:, perm], y,
                                                                   sample_weight=sw)
    np.testing.assert_allclose(permuted.coef_, base.coef_[perm],
                               atol=1e-9 * (1 + np.abs(base.coef_).max()))
    np.testing.assert_allclose(permuted.intercept_, base.intercept_,
                               atol=1e-9 * (1 + abs(base.intercept_)))


@SETTINGS
@given(problems())
def test_path_shrinks_and_explains_more_as_alpha_falls(problem):
    """‖V^½β‖ decreases and the deviance ratio increases with alpha (both monotone)."""
    X, y, alpha, sw, fit_intercept = problem
    alphas = alpha * np.geomspace(1e2, 1e-2, 6)
    path = ridge_path(X, y, alphas=alphas, sample_weight=sw, fit_intercept=fit_intercept)
    norms = np.linalg.norm(path.coefs, axis=0)
    assert np.all(np.diff(norms) >= -1e-9 * (1 + norms.max()))
    assert np.all(np.diff(path.dev_ratios) >= -1e-9)


@SETTINGS
@given(problems(), st.floats(0.01, 100.0))
def test_scaling_y_scales_solution(problem, factor):
    X, y, alpha, sw, fit_intercept = problem
    base = Ridge(alpha=alpha, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    scaled = Ridge(alpha=alpha, fit_intercept=fit_intercept).fit(X, factor * y, sample_weight=sw)
    np.testing.assert_allclose(scaled.coef_, factor * base.coef_,
                               atol=1e-9 * factor * (1 + np.abs(base.coef_).max()))
