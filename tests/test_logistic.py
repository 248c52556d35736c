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
    pen = v
    theta = y01 - expit(eta)
    if fit_intercept:
        theta -= np.sum(s * theta) / n
    unpen = v == 0
    if np.any(unpen):
        # dual feasibility: x_uᵀSθ = 0 for the unpenalized features, to rounding
        # at the primal point (the exact unpenalized block), exactly after projecting
        Xu = np.asarray(X[:, unpen].toarray() if sp.issparse(X) else X[:, unpen], dtype=float)
        if fit_intercept:
            Xu = Xu - np.average(Xu, axis=0, weights=s)
        # (float32 X: the coefficients are returned in float32)
        rounding = 1e-9 if np.asarray(coef).dtype == np.float64 else 1e-5
        assert np.all(np.abs(Xu.T @ (s * theta)) <= rounding * n * (1 + np.abs(Xu).max(axis=0)))
        root = np.sqrt(s)[:, None]
        theta -= Xu @ np.linalg.lstsq(root * Xu, np.sqrt(s) * theta, rcond=None)[0]
        v = np.where(unpen, np.inf, v)  # no dual constraint: dividing by v gives 0
    z = np.asarray(X.T @ (s * theta)).ravel()

    def entropy(q):
        q = np.clip(q, 0, 1)
        return -(xlogy(q, q) + xlogy(1 - q, 1 - q))

    best = np.inf
    p = v < np.inf  # the penalized features
    if l2 > 0:  # Fenchel dual point
        excess = np.maximum(np.abs(z[p]) - l1 * v[p], 0)
        best = primal - (np.sum(s * entropy(y01 - theta)) - np.sum(excess ** 2 / (2 * l2 * v[p])))
    dual_norm = np.max(np.abs(z[p] - l2 * v[p] * coef[p]) / v[p])
    c = min(1.0, l1 / dual_norm) if dual_norm > 0 else 1.0
    lasso = primal - (np.sum(s * entropy(y01 - c * theta))
                      - 0.5 * c * c * l2 * np.sum(pen[p] * coef[p] ** 2))
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


def test_weights_that_remove_a_class():
    X, y = _problem()
    with pytest.raises(ValueError, match="sample_weight"):
        fastreg.LogisticRegression().fit(X, y, sample_weight=y)


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


# ---------------------------------------------------------------------------
# Unpenalized features (penalty factor 0)

_UNPEN = [0, 7, 12]


def _unpenalized_problem(seed=0):
    X, y = _problem(seed=seed)
    pf = np.random.default_rng(seed + 10).uniform(0.5, 2.0, X.shape[1])
    pf[_UNPEN] = 0.0
    X[:, 12] += 3.0  # an off-center unpenalized column
    return X, y, pf


@pytest.mark.parametrize("layout", ["dense", "csc", "csr"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_unpenalized_features_every_path_point_is_certified(layout, dtype, fit_intercept,
                                                            weighted):
    X, y, pf = _unpenalized_problem()
    X = X.astype(dtype).astype(float)  # the values the solver sees
    Xs = {"dense": X, "csc": sp.csc_matrix(X), "csr": sp.csr_matrix(X)}[layout].astype(dtype)
    sw = np.random.default_rng(1).uniform(0.2, 2.0, X.shape[0]) if weighted else None
    l1_ratio = 0.5 if weighted else 1.0
    path = fastreg.logistic_path(Xs, y, l1_ratio=l1_ratio, n_alphas=12, eps=1e-2,
                                 fit_intercept=fit_intercept, sample_weight=sw,
                                 penalty_factor=pf, tol=TOL)
    assert np.all(path.dual_gaps <= TOL)
    null = _null(y, sw, fit_intercept)
    # the certificate is the solver's float64 iterate's; rounding the returned
    # coefficients to float32 moves the objective by a few float32 epsilons
    rounding = 8 * np.finfo(np.float32).eps * null if dtype == np.float32 else 1e-10
    for k, alpha in enumerate(path.alphas):
        # asserts x_uᵀSθ = 0 (to rounding) at every point
        _, gap = _objective_and_gap(X, y, path.coef_at(k), path.intercepts[k], alpha, l1_ratio,
                                    sw, pf, fit_intercept)
        assert gap <= 1.01 * TOL * null + rounding
    first = path.coef_at(0)
    penalized = pf > 0
    assert np.all(first[penalized] == 0) and np.all(first[_UNPEN] != 0)
    assert path.n_nonzero[-1] > len(_UNPEN)


def test_unpenalized_features_kkt_and_exact_alpha_max():
    X, y, pf = _unpenalized_problem(seed=3)
    n = X.shape[0]
    path = fastreg.logistic_path(X, y, n_alphas=10, penalty_factor=pf, tol=1e-10)
    a_max = fastreg.logistic_alpha_max(X, y, penalty_factor=pf)
    assert path.alphas[0] == a_max
    penalized = pf > 0
    for k, alpha in enumerate(path.alphas):
        coef = path.coef_at(k)
        grad = X.T @ (y - expit(X @ coef + path.intercepts[k])) / n
        np.testing.assert_allclose(grad[~penalized], 0.0, atol=1e-10)
        active = (coef != 0) & penalized
        zero = (coef == 0) & penalized
        assert np.all(np.abs(grad[zero]) <= alpha * pf[zero] * (1 + 1e-4))
        np.testing.assert_allclose(grad[active], alpha * pf[active] * np.sign(coef[active]),
                                   rtol=1e-4, atol=1e-8)
        assert abs(np.sum(y - expit(X @ coef + path.intercepts[k]))) < 1e-8 * n
    # alpha_max: the unpenalized fit (intercept and X_U only) against scikit-learn's
    sklearn = pytest.importorskip("sklearn.linear_model")
    null = sklearn.LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(
        X[:, _UNPEN], y)
    residual = y - null.predict_proba(X[:, _UNPEN])[:, 1]
    expected = np.max(np.abs(X.T @ residual)[penalized] / pf[penalized]) / n
    np.testing.assert_allclose(a_max, expected, rtol=1e-7)
    # at alpha_max every penalized coefficient is zero; just below, one enters
    edge = fastreg.logistic_path(X, y, alphas=[a_max, 0.999 * a_max], penalty_factor=pf,
                                 tol=1e-12)
    at, below = edge.coef_at(0), edge.coef_at(1)
    assert np.all(at[penalized] == 0) and np.count_nonzero(below[penalized]) == 1


def test_unpenalized_features_match_a_tight_smooth_solve():
    """l1_ratio = 0: a smooth problem, solved independently by L-BFGS."""
    from scipy.optimize import minimize

    X, y, pf = _unpenalized_problem(seed=5)
    n, p = X.shape
    sw = np.random.default_rng(6).uniform(0.5, 2.0, n)
    s = sw * n / sw.sum()
    alpha = 0.02

    def objective(beta):
        eta = X @ beta[1:] + beta[0]
        resid = expit(eta) - y
        value = (s @ (np.logaddexp(0, eta) - y * eta)) / n + 0.5 * alpha * pf @ beta[1:] ** 2
        grad = np.r_[s @ resid, X.T @ (s * resid) + n * alpha * pf * beta[1:]] / n
        return value, grad

    ref = minimize(objective, np.zeros(p + 1), jac=True, method="L-BFGS-B",
                   options=dict(ftol=0, gtol=1e-13, maxiter=20_000)).x
    ours = fastreg.LogisticRegression(alpha=alpha, l1_ratio=0.0, penalty_factor=pf,
                                      tol=1e-13).fit(X, y, sw)
    np.testing.assert_allclose(ours.coef_[0], ref[1:], atol=1e-6)
    np.testing.assert_allclose(ours.intercept_[0], ref[0], atol=1e-6)


def test_unpenalized_features_standardized_and_in_cv():
    X, y, pf = _unpenalized_problem(seed=7)
    sd = X.std(axis=0)
    path = fastreg.logistic_path(X, y, n_alphas=6, penalty_factor=pf, standardize=True,
                                 tol=1e-10)
    scaled = fastreg.logistic_path(X / sd, y, alphas=path.alphas, penalty_factor=pf, tol=1e-10)
    np.testing.assert_allclose(path.coefs.toarray(), scaled.coefs.toarray() / sd[:, None],
                               atol=1e-6)
    np.testing.assert_allclose(path.intercepts, scaled.intercepts, atol=1e-6)
    cv = fastreg.LogisticRegressionCV(penalty_factor=pf, n_alphas=8, cv=3).fit(X, y)
    assert np.all(cv.coef_[0, _UNPEN] != 0)
    assert cv.alphas_[0] == fastreg.logistic_alpha_max(X, y, penalty_factor=pf)


def test_unpenalized_features_refused_where_not_supported():
    # (binary positive and multinomial unpenalized features: tests/test_logistic_unpenalized.py)
    X, y, pf = _unpenalized_problem()
    with pytest.raises(ValueError, match="penalty_factor.*multinomial.*positive"):
        fastreg.logistic_path(X, np.arange(X.shape[0]) % 3, penalty_factor=pf, positive=True)
    with pytest.raises(ValueError, match="penalty_factor is zero for every"):
        fastreg.LogisticRegression(penalty_factor=np.zeros(X.shape[1])).fit(X, y)


def test_unpenalized_block_converges_below_the_objectives_rounding():
    """Near its optimum the block's Newton decrease is below the rounding of F's sum
    over n samples: a line search on F alone stalls there, leaving the dual point
    infeasible (an infinite gap)."""
    rng = np.random.default_rng(0)
    n, p = 4000, 300
    X = sp.random(n, p, density=0.03, format="csc", random_state=1)
    X.data = rng.uniform(0.05, 0.6, X.data.size)
    beta = np.zeros(p)
    beta[:20] = rng.normal(0, 8, 20)
    y = (X @ beta + rng.logistic(size=n) > 0).astype(float)
    pf = np.ones(p)
    pf[np.argsort(np.abs(X.T @ (y - y.mean())))[-3:]] = 0.0
    path = fastreg.logistic_path(X, y, penalty_factor=pf, n_alphas=30, tol=1e-7)
    assert np.all(path.dual_gaps <= 1e-7)
