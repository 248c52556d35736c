"""Property-based invariants of the Lasso / ElasticNet solvers."""

import numpy as np
import pytest
import scipy.sparse as sp

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import fastreg  # noqa: E402

problems = st.builds(
    lambda n, p, seed, density: _problem(n, p, seed, density),
    st.integers(5, 40), st.integers(1, 30), st.integers(0, 2**31 - 1),
    st.sampled_from([1.0, 0.3]),
)


def _problem(n, p, seed, density):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.1, 10, p)
    X[rng.random((n, p)) > density] = 0.0
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    return X, y


@settings(max_examples=40, deadline=None)
@given(problems, st.booleans(), st.sampled_from([1.0, 0.5]), st.booleans())
def test_zero_at_and_above_alpha_max(problem, fit_intercept, l1_ratio, sparse):
    X, y = problem
    Xf = sp.csc_matrix(X) if sparse else X
    a_max = fastreg.alpha_max(X, y, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
    assume(a_max > 0)  # (all-zero columns: nothing to fit)
    path = fastreg.enet_path(Xf, y, l1_ratio=l1_ratio, alphas=[2 * a_max, a_max],
                             fit_intercept=fit_intercept, tol=1e-10)
    assert path.coefs.nnz == 0


@settings(max_examples=30, deadline=None)
@given(problems, st.integers(0, 2**31 - 1), st.booleans())
def test_permuting_columns_permutes_coefficients(problem, seed, fit_intercept):
    X, y = problem
    perm = np.random.default_rng(seed).permutation(X.shape[1])
    alphas = fastreg.alpha_grid(X, y, n_alphas=4, fit_intercept=fit_intercept)
    a = fastreg.lasso_path(X, y, alphas=alphas, fit_intercept=fit_intercept, tol=1e-12)
    b = fastreg.lasso_path(X[:, perm], y, alphas=alphas, fit_intercept=fit_intercept, tol=1e-12)
    # predictions are unique even when coefficients are not
    np.testing.assert_allclose(X @ a.coefs.toarray() + a.intercepts,
                               X[:, perm] @ b.coefs.toarray() + b.intercepts,
                               atol=1e-4 * (1 + np.abs(y).max()))
    if np.linalg.matrix_rank(X) == X.shape[1]:
        np.testing.assert_allclose(a.coefs.toarray()[perm], b.coefs.toarray(), atol=1e-4)


@settings(max_examples=30, deadline=None)
@given(problems, st.floats(0.01, 100))
def test_weights_equal_to_repetition(problem, scale):
    X, y = problem
    w = np.arange(len(y)) % 3  # 0, 1 or 2 copies of each row
    rep = np.repeat(np.arange(len(y)), w)
    alpha = 0.1 * fastreg.alpha_max(X[rep], y[rep])
    assume(alpha > 0)  # (all-zero columns: nothing to fit)
    weighted = fastreg.Lasso(alpha=alpha, tol=1e-12).fit(X, y, sample_weight=scale * w)
    repeated = fastreg.Lasso(alpha=alpha, tol=1e-12).fit(X[rep], y[rep])
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-5 * (1 + np.abs(repeated.coef_).max()))


# ------------------------------------------------------------- logistic ---

def _labels(X, seed):
    """Two classes from a noisy linear score (both present)."""
    rng = np.random.default_rng(seed)
    score = X @ rng.standard_normal(X.shape[1]) + rng.standard_normal(X.shape[0])
    labels = (score > np.median(score)).astype(float)
    labels[:2] = [0.0, 1.0]
    return labels


@settings(max_examples=25, deadline=None)
@given(problems, st.booleans(), st.sampled_from([1.0, 0.5]), st.booleans())
def test_logistic_zero_at_and_above_alpha_max(problem, fit_intercept, l1_ratio, sparse):
    X, _ = problem
    y = _labels(X, 0)
    Xf = sp.csc_matrix(X) if sparse else X
    a_max = fastreg.logistic_alpha_max(X, y, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
    assume(a_max > 0)  # (all-zero columns: nothing to fit)
    path = fastreg.logistic_path(Xf, y, l1_ratio=l1_ratio, alphas=[2 * a_max, a_max],
                                 fit_intercept=fit_intercept, tol=1e-10)
    assert path.coefs.nnz == 0


@settings(max_examples=25, deadline=None)
@given(problems, st.sampled_from([1e-6, 1e-3, 1e3, 1e6]), st.booleans())
def test_logistic_scale_equivariance(problem, c, fit_intercept):
    """Columns times c with alpha times c: coefficients divided by c (tiny and huge scales)."""
    X, _ = problem
    y = _labels(X, 1)
    alpha = 0.2 * fastreg.logistic_alpha_max(X, y, fit_intercept=fit_intercept)
    assume(alpha > 0)  # (all-zero columns: nothing to fit)
    base = fastreg.LogisticRegression(alpha=alpha, fit_intercept=fit_intercept, tol=1e-12,
                                      max_iter=10**6).fit(X, y)
    scaled = fastreg.LogisticRegression(alpha=c * alpha, fit_intercept=fit_intercept, tol=1e-12,
                                        max_iter=10**6).fit(c * X, y)
    np.testing.assert_allclose(scaled.decision_function(c * X), base.decision_function(X),
                               atol=1e-6 * (1 + np.abs(base.decision_function(X)).max()))
    assert scaled.dual_gap_ <= 1e-12


@settings(max_examples=25, deadline=None)
@given(problems, st.booleans())
def test_logistic_constant_and_duplicate_columns(problem, fit_intercept):
    """A duplicated column shares its coefficient (same predictions); with an intercept a
    constant column stays zero."""
    X, _ = problem
    y = _labels(X, 2)
    X2 = np.column_stack([X, X[:, 0], np.full(len(y), 3.0)])
    alpha = 0.1 * fastreg.logistic_alpha_max(X, y, fit_intercept=fit_intercept)
    assume(alpha > 0)  # (all-zero columns: nothing to fit)
    one = fastreg.LogisticRegression(alpha=alpha, fit_intercept=fit_intercept, tol=1e-12,
                                     max_iter=10**6).fit(X, y)
    two = fastreg.LogisticRegression(alpha=alpha, fit_intercept=fit_intercept, tol=1e-12,
                                     max_iter=10**6).fit(X2, y)
    if fit_intercept:
        assert two.coef_[0, -1] == 0.0
        np.testing.assert_allclose(two.decision_function(X2), one.decision_function(X),
                                   atol=1e-5 * (1 + np.abs(one.decision_function(X)).max()))
        np.testing.assert_allclose(two.coef_[0, 0] + two.coef_[0, -2], one.coef_[0, 0],
                                   atol=1e-5 * (1 + np.abs(one.coef_).max()))


@settings(max_examples=25, deadline=None)
@given(problems, st.floats(0.01, 100))
def test_logistic_weights_equal_to_repetition(problem, scale):
    """Integer weights (zeros included) are repeated rows."""
    X, _ = problem
    y = _labels(X, 3)
    w = np.arange(len(y)) % 3
    w[:2] = 1  # both classes keep weight
    rep = np.repeat(np.arange(len(y)), w)
    alpha = 0.1 * fastreg.logistic_alpha_max(X[rep], y[rep])
    assume(alpha > 0)  # (all-zero columns: nothing to fit)
    weighted = fastreg.LogisticRegression(alpha=alpha, tol=1e-12, max_iter=10**6)
    weighted.fit(X, y, sample_weight=scale * w)
    repeated = fastreg.LogisticRegression(alpha=alpha, tol=1e-12, max_iter=10**6).fit(X[rep],
                                                                                      y[rep])
    np.testing.assert_allclose(weighted.decision_function(X), repeated.decision_function(X),
                               atol=1e-5 * (1 + np.abs(repeated.decision_function(X)).max()))
