"""Logistic regression: certificates, agreement with scikit-learn, labels and bad input."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit, xlogy

import fastreg

TOL = 1e-6


def _problem(n=120, p=40, seed=0, intercept_shift=0.7):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[:, 5:] *= rng.uniform(0.2, 3.0, p - 5)
    beta = np.zeros(p)
    beta[:6] = rng.normal(0, 2, 6)
    y = (X @ beta + intercept_shift + rng.logistic(size=n) > 0).astype(float)
    return X, y


def _objective_and_gap(X, y01, coef, b, alpha, l1_ratio, sw, pf, fit_intercept):
    """Independent certificate: primal and a dual point built here from the residual."""
    n = X.shape[0]
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    v = np.ones(X.shape[1]) if pf is None else pf
    eta = np.asarray(X @ coef).ravel() + b
    loss = np.sum(s * (np.logaddexp(0, eta) - y01 * eta))
    l1, l2 = n * alpha * l1_ratio, n * alpha * (1 - l1_ratio)
    primal = loss + l1 * np.sum(v * np.abs(coef)) + 0.5 * l2 * np.sum(v * coef ** 2)
    theta = y01 - expit(eta)
    if fit_intercept:
        theta -= np.sum(s * theta) / n
    z = np.asarray(X.T @ (s * theta)).ravel()

    def entropy(q):
        q = np.clip(q, 0, 1)
        return -(xlogy(q, q) + xlogy(1 - q, 1 - q))

    best = np.inf
    if l2 > 0:  # Fenchel dual point
        excess = np.maximum(np.abs(z) - l1 * v, 0)
        best = primal - (np.sum(s * entropy(y01 - theta)) - np.sum(excess ** 2 / (2 * l2 * v)))
    dual_norm = np.max(np.abs(z - l2 * v * coef) / v)
    c = min(1.0, l1 / dual_norm) if dual_norm > 0 else 1.0
    lasso = primal - (np.sum(s * entropy(y01 - c * theta)) - 0.5 * c * c * l2 * np.sum(v * coef ** 2))
    return primal, min(best, lasso)


def _null(y01, sw, fit_intercept):
    n = y01.size
    if not fit_intercept:
        return n * np.log(2)
    p = np.average(y01, weights=sw)
    return -n * (p * np.log(p) + (1 - p) * np.log1p(-p))


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("weighted", [False, True])
def test_every_path_point_is_certified(fit_intercept, l1_ratio, weighted):
    X, y = _problem()
    rng = np.random.default_rng(1)
    sw = rng.uniform(0.2, 2.0, X.shape[0]) if weighted else None
    pf = rng.uniform(0.5, 2.0, X.shape[1])
    path = fastreg.logistic_path(X, y, l1_ratio=l1_ratio, n_alphas=15, fit_intercept=fit_intercept,
                                 sample_weight=sw, penalty_factor=pf, tol=TOL)
    assert np.all(path.dual_gaps <= TOL)
    null = _null(y, sw, fit_intercept)
    for k, alpha in enumerate(path.alphas):
        _, gap = _objective_and_gap(X, y, path.coef_at(k), path.intercepts[k], alpha, l1_ratio,
                                    sw, pf, fit_intercept)
        assert gap <= 1.01 * TOL * null + 1e-12
    assert path.n_nonzero[0] == 0 and path.n_nonzero[-1] > 0


def test_kkt_conditions():
    X, y = _problem(seed=3)
    n = X.shape[0]
    path = fastreg.logistic_path(X, y, n_alphas=10, tol=1e-10)
    for k, alpha in enumerate(path.alphas):
        coef = path.coef_at(k)
        grad = X.T @ (y - expit(X @ coef + path.intercepts[k])) / n
        active = coef != 0
        assert np.all(np.abs(grad[~active]) <= alpha * (1 + 1e-4))
        np.testing.assert_allclose(grad[active], alpha * np.sign(coef[active]), rtol=1e-4,
                                   atol=1e-8)
        assert abs(np.sum(y - expit(X @ coef + path.intercepts[k]))) < 1e-8 * n


@pytest.mark.parametrize("layout", ["dense", "csc", "csr"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_scikit_learn(layout, dtype, fit_intercept):
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y = _problem(seed=2)
    Xs = {"dense": X, "csc": sp.csc_matrix(X), "csr": sp.csr_matrix(X)}[layout].astype(dtype)
    n = X.shape[0]
    alpha = 0.3 * fastreg.logistic_alpha_max(X, y, fit_intercept=fit_intercept)
    ours = fastreg.LogisticRegression(alpha=alpha, fit_intercept=fit_intercept, tol=1e-12).fit(Xs, y)
    ref = sklearn.LogisticRegression(C=1 / (n * alpha), l1_ratio=1.0, solver="saga", tol=1e-13,
                                     max_iter=200_000, fit_intercept=fit_intercept).fit(X, y)
    atol = 1e-6 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=atol)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=atol)
    assert ours.coef_.dtype == np.float64 or dtype == np.float32


def test_elastic_net_and_weights_match_scikit_learn():
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y = _problem(seed=4)
    n = X.shape[0]
    sw = np.random.default_rng(5).uniform(0.5, 2.0, n)
    alpha = 0.05
    ours = fastreg.LogisticRegression(alpha=alpha, l1_ratio=0.5, tol=1e-12).fit(X, y, sw)
    # scikit-learn's C multiplies the weighted sum: weights summing to n keep C = 1/(n alpha)
    ref = sklearn.LogisticRegression(C=1 / (n * alpha), l1_ratio=0.5, solver="saga",
                                     tol=1e-13, max_iter=200_000).fit(X, y, sw * n / sw.sum())
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-6)


def test_golub_against_a_tight_solve():
    data = pytest.importorskip("benchmarks._data")
    try:
        X, y = data.golub()
    except FileNotFoundError:
        pytest.skip("golub data not available")
    y01 = (y > 0).astype(float)
    path = fastreg.logistic_path(X, y01, n_alphas=20, tol=1e-8)
    tight = fastreg.logistic_path(X, y01, alphas=path.alphas, tol=1e-13)
    null = _null(y01, None, True)
    for k, alpha in enumerate(path.alphas):
        p_loose, _ = _objective_and_gap(X, y01, path.coef_at(k), path.intercepts[k], alpha, 1.0,
                                        None, None, True)
        p_tight, gap = _objective_and_gap(X, y01, tight.coef_at(k), tight.intercepts[k], alpha,
                                          1.0, None, None, True)
        assert gap <= 1e-12 * null
        assert p_loose - p_tight <= 1e-8 * null + 1e-12


def test_labels_of_any_kind():
    X, y = _problem()
    fitted = fastreg.LogisticRegression(alpha=0.01).fit(X, y)
    for labels in (np.where(y > 0, "yes", "no"), y > 0, np.where(y > 0, 7, -3)):
        clf = fastreg.LogisticRegression(alpha=0.01).fit(X, labels)
        np.testing.assert_allclose(clf.coef_, fitted.coef_)
        assert set(clf.predict(X)) <= set(labels)
        assert clf.classes_[1] == np.unique(labels)[1]
    proba = fitted.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.exp(fitted.predict_log_proba(X)), proba)
    assert fitted.score(X, y) == np.mean(fitted.predict(X) == y)


@pytest.mark.parametrize("y_bad, match", [
    (np.zeros(120), "single class"),
    (np.r_[np.nan, np.zeros(119)], "NaN"),
    (np.zeros((120, 2)), "1-D"),
    (np.zeros(7), "120 samples"),
])
def test_bad_labels_name_y(y_bad, match):
    X, _ = _problem()
    with pytest.raises(ValueError, match=match):
        fastreg.logistic_path(X, y_bad)


def test_weights_that_remove_a_class_and_zero_penalty_factors():
    X, y = _problem()
    with pytest.raises(ValueError, match="sample_weight"):
        fastreg.LogisticRegression().fit(X, y, sample_weight=y)
    with pytest.raises(ValueError, match="penalty_factor"):
        fastreg.logistic_path(X, y, penalty_factor=np.r_[0.0, np.ones(39)])


def test_inputs_not_modified_and_positive():
    X, y = _problem()
    Xc, yc = X.copy(), y.copy()
    path = fastreg.logistic_path(X, y, n_alphas=8, positive=True)
    np.testing.assert_array_equal(X, Xc)
    np.testing.assert_array_equal(y, yc)
    assert path.coefs.min() >= 0 and np.all(path.dual_gaps <= TOL)


def test_grid_search():
    pytest.importorskip("sklearn")
    from sklearn.model_selection import GridSearchCV

    X, y = _problem()
    search = GridSearchCV(fastreg.LogisticRegression(), {"alpha": [1e-3, 1e-2]}, cv=3).fit(X, y)
    assert search.best_score_ > 0.7
