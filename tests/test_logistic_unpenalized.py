"""Unpenalized features (penalty factor 0) in the multinomial models, grouped and not,
in the logistic group lasso (groups of weight 0), and with positive=True.

Every path point is checked by a certificate computed here (primal minus the
dual value at Y − P projected onto the complement of [1, X_U], with the
feasibility checks), by the KKT conditions, against an independent smooth
solve (scipy's L-BFGS), and alpha_max is checked to be exact.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import minimize
from scipy.special import expit, logsumexp, softmax, xlogy

import fastreg

TOL = 1e-10
UNPEN = [0, 3, 7]


def _problem(n=90, p=12, K=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[:, 3] = 2.0 + X[:, 3]          # an unpenalized column with a large mean
    B = np.zeros((K, p))
    B[:, [0, 1, 5]] = rng.normal(0, 1.5, (K, 3))
    y = np.array([rng.choice(K, p=q) for q in softmax(X @ B.T, axis=1)])
    pf = np.ones(p)
    pf[UNPEN] = 0.0
    pf[1] = 2.0
    return X, y, pf, rng.uniform(0.3, 3.0, n)


def _dense(X):
    return np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)


def _format(X, fmt, dtype):
    X = X.astype(dtype)
    return {"dense": X, "csc": sp.csc_matrix(X), "csr": sp.csr_matrix(X)}[fmt]


def _scaled(sw, n):
    return np.ones(n) if sw is None else sw * n / sw.sum()


def _multinomial_certificate(X, y, W, b, alpha, l1_ratio, sw, pf, grouped, fit_intercept,
                             loose=1.0):
    """(primal, primal − dual, Z = XᵀSΘ) at (W (K, p), b), n times the user scale.

    ``loose`` scales the feasibility checks (float32 paths store rounded coefficients).
    """
    X = _dense(X)
    n, K = X.shape[0], W.shape[0]
    s = _scaled(sw, n)
    eta = X @ W.T + b
    Y = np.eye(K)[y]
    P = softmax(eta, axis=1)
    loss = s @ (logsumexp(eta, axis=1) - np.sum(Y * eta, axis=1))
    l1, l2 = n * alpha * l1_ratio, n * alpha * (1 - l1_ratio)
    norms = np.linalg.norm(W, axis=0) if grouped else np.abs(W)
    sq = W * W if not grouped else np.sum(W * W, axis=0)
    primal = loss + l1 * np.sum(pf * norms) + 0.5 * l2 * np.sum(pf * sq)
    theta = Y - P
    A = np.column_stack(([np.ones(n)] if fit_intercept else []) + [X[:, pf == 0]])
    # feasibility for the unpenalized block holds at the solution to rounding ...
    G = A.T @ (s[:, None] * theta)
    assert np.all(np.abs(G) <= loose * 1e-7 * np.sqrt(n)
                  * (1 + np.linalg.norm(A, axis=0))[:, None])
    # ... and exactly after the projection, which moves Θ by rounding only
    move = A @ np.linalg.lstsq(A.T @ (s[:, None] * A), G, rcond=None)[0]
    assert np.max(np.abs(move)) < loose * 1e-8
    theta = theta - move
    Z = X.T @ (s[:, None] * theta)                        # p × K
    pen = pf > 0
    size = np.linalg.norm(Z[pen], axis=1) if grouped else np.abs(Z[pen]).max(axis=1)
    if l2 == 0.0:  # the lasso-type point cΘ
        c = min(1.0, l1 / np.max(size / pf[pen]))
        Q = Y - c * theta
        dual = -np.sum(s[:, None] * xlogy(np.clip(Q, 0, None), np.clip(Q, 0, None)))
        assert Q.min() > -loose * 1e-9
    else:          # Θ itself: the entropy minus the penalty's conjugate
        if grouped:
            excess = np.maximum(size - l1 * pf[pen], 0.0) ** 2
        else:
            excess = np.sum(np.maximum(np.abs(Z[pen]) - l1 * pf[pen, None], 0.0) ** 2, axis=1)
        Q = np.clip(Y - theta, 0, None)
        dual = -np.sum(s[:, None] * xlogy(Q, Q)) - np.sum(excess / (2 * l2 * pf[pen]))
    return primal, primal - dual, Z


def _null(y, K, sw, fit_intercept):
    n = len(y)
    if not fit_intercept:
        return n * np.log(K)
    freq = np.bincount(y, weights=_scaled(sw, n), minlength=K) / n
    return -n * np.sum(xlogy(freq, freq))


def _check_kkt(Z, W, alpha, l1_ratio, pf, grouped, n, loose=1.0):
    """Subgradient conditions of the penalized rows (user scale, Z = XᵀSΘ)."""
    Z = Z.T / n                                            # K × p
    pen = pf > 0
    l1, l2 = alpha * l1_ratio, alpha * (1 - l1_ratio)
    R = Z - l2 * pf * W                                    # l1 v ∂‖·‖ at W
    slack = loose * (1e-4 * l1 * pf + 1e-7)
    if grouped:
        norms = np.linalg.norm(W, axis=0)
        on = pen & (norms > 0)
        off = pen & ~on
        assert np.all(np.linalg.norm(R[:, off], axis=0) <= l1 * pf[off] + slack[off])
        np.testing.assert_allclose(R[:, on], l1 * pf[on] * W[:, on] / norms[on],
                                   atol=loose * (1e-4 * l1 + 1e-7))
    else:
        on = (W != 0) & pen
        bound = np.broadcast_to(l1 * pf + slack, W.shape)
        assert np.all(np.abs(R)[~on & pen] <= bound[~on & pen])
        np.testing.assert_allclose(R[on], (l1 * pf * np.sign(W))[on],
                                   atol=loose * (1e-4 * l1 + 1e-7))


@pytest.mark.parametrize("grouped", [False, True])
@pytest.mark.parametrize("fmt, dtype", [("dense", np.float64), ("csc", np.float32),
                                        ("csr", np.float64), ("dense", np.float32)])
@pytest.mark.parametrize("fit_intercept, weighted", [(True, False), (False, True), (True, True)])
def test_multinomial_path_certified_kkt_and_exact_alpha_max(grouped, fmt, dtype, fit_intercept,
                                                             weighted):
    X, y, pf, sw = _problem(seed=1)
    sw = sw if weighted else None
    Xf = _format(X, fmt, dtype)
    mode = "grouped" if grouped else "ungrouped"
    a_max = fastreg.logistic_alpha_max(Xf, y, penalty_factor=pf, sample_weight=sw,
                                       fit_intercept=fit_intercept, multinomial=mode)
    alphas = a_max * np.array([1.0, 0.999, 0.5, 0.2, 0.05])
    path = fastreg.logistic_path(Xf, y, alphas=alphas, penalty_factor=pf, sample_weight=sw,
                                 fit_intercept=fit_intercept, tol=TOL, multinomial=mode)
    assert np.all(path.dual_gaps <= TOL)
    null = _null(y, 3, sw, fit_intercept)
    Xd = _dense(Xf)
    # float32 paths store their coefficients rounded to float32
    loose, slack = (1.0, 1e-9) if dtype == np.float64 else (1e3, 1e-5)
    for k, alpha in enumerate(alphas):
        W, b = path.coef_at(k).astype(np.float64), path.intercepts[:, k]
        _, gap, Z = _multinomial_certificate(Xd, y, W, b, alpha, 1.0, sw, pf, grouped,
                                             fit_intercept, loose)
        assert gap <= 2 * TOL * null + slack
        _check_kkt(Z, W, alpha, 1.0, pf, grouped, len(y), loose)
        assert np.all(W[:, UNPEN] != 0)
        np.testing.assert_allclose(W[:, UNPEN].sum(axis=0), 0.0, atol=loose * 1e-9)  # centered
    # exact alpha_max: every penalized coefficient zero there, some not just below
    assert np.all(path.coef_at(0)[:, pf > 0] == 0)
    assert np.any(path.coef_at(1)[:, pf > 0] != 0)


def _lbfgs_multinomial(X, y, alpha, pf, sw, fit_intercept):
    """The ridge-penalized multinomial (l1_ratio = 0), unpenalized rows and intercepts free."""
    n, p = X.shape
    K = y.max() + 1
    s, Y = _scaled(sw, n), np.eye(K)[y]

    def f(x):
        W = x[:K * p].reshape(K, p)
        b = x[K * p:] if fit_intercept else np.zeros(K)
        eta = X @ W.T + b
        R = (softmax(eta, axis=1) - Y) * s[:, None] / n
        value = s @ (logsumexp(eta, axis=1) - np.sum(Y * eta, axis=1)) / n
        value += 0.5 * alpha * np.sum(pf * W * W)
        grad = (R.T @ X + alpha * pf * W).ravel()
        return value, np.concatenate([grad, R.sum(axis=0)]) if fit_intercept else grad

    x0 = np.zeros(K * p + (K if fit_intercept else 0))
    x = minimize(f, x0, jac=True, method="L-BFGS-B",
                 options={"maxiter": 20000, "gtol": 1e-13, "ftol": 1e-16}).x
    W = x[:K * p].reshape(K, p)
    b = x[K * p:] if fit_intercept else np.zeros(K)
    return W - W.mean(axis=0) * (pf == 0), b - b.mean()


@pytest.mark.parametrize("grouped", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_multinomial_agrees_with_lbfgs(grouped, fit_intercept):
    X, y, pf, sw = _problem(seed=2)
    alpha = 0.02
    mode = "grouped" if grouped else "ungrouped"
    # the ridge's curvature (alpha) is weak: coefficients agree to √(2 gap / alpha)
    clf = fastreg.LogisticRegression(alpha=alpha, l1_ratio=0.0, penalty_factor=pf, tol=1e-14,
                                     fit_intercept=fit_intercept, multinomial=mode)
    clf.fit(X, y, sample_weight=sw)
    W, b = _lbfgs_multinomial(X, y, alpha, pf, sw, fit_intercept)
    np.testing.assert_allclose(clf.coef_, W, atol=1e-6)
    np.testing.assert_allclose(clf.intercept_, b, atol=1e-6)
    _, gap, Z = _multinomial_certificate(X, y, clf.coef_, clf.intercept_, alpha, 0.0, sw, pf,
                                         grouped, fit_intercept)
    assert gap <= 1e-8 * len(y)
    _check_kkt(Z, clf.coef_, alpha, 0.0, pf, grouped, len(y))


def test_multinomial_elastic_net_and_estimator():
    X, y, pf, sw = _problem(seed=3, K=4)
    labels = np.array(["a", "b", "c", "d"])[y]
    for mode in ("ungrouped", "grouped"):
        clf = fastreg.LogisticRegression(alpha=0.01, l1_ratio=0.7, penalty_factor=pf, tol=TOL,
                                         multinomial=mode).fit(X, labels, sample_weight=sw)
        assert clf.coef_.shape == (4, X.shape[1]) and list(clf.classes_) == list("abcd")
        _, gap, Z = _multinomial_certificate(X, y, clf.coef_, clf.intercept_, 0.01, 0.7, sw,
                                             pf, mode == "grouped", True)
        assert gap <= 1e-8 * len(y)
        _check_kkt(Z, clf.coef_, 0.01, 0.7, pf, mode == "grouped", len(y))


# -- the logistic group lasso with groups of weight 0 -----------------------------

@pytest.mark.parametrize("fit_intercept, weighted", [(True, True), (False, False)])
def test_logistic_group_lasso_unpenalized_groups(fit_intercept, weighted):
    rng = np.random.default_rng(4)
    n, p = 120, 15
    X = rng.standard_normal((n, p))
    y = (X[:, 0] - X[:, 4] + 0.8 * X[:, 7] + rng.logistic(size=n) > 0).astype(int)
    groups = np.repeat(np.arange(5), 3)
    w = np.array([0.0, 1.0, 2.0, 1.0, 0.0])
    sw = rng.uniform(0.5, 2.0, n) if weighted else None
    s = _scaled(sw, n)
    a_max = fastreg.group_alpha_max(X, y, groups, group_weights=w, loss="logistic",
                                    fit_intercept=fit_intercept, sample_weight=sw)
    alphas = a_max * np.array([1.0, 0.999, 0.3, 0.05])
    path = fastreg.group_lasso_path(X, y, groups, group_weights=w, loss="logistic",
                                    alphas=alphas, tol=TOL, fit_intercept=fit_intercept,
                                    sample_weight=sw)
    assert np.all(path.dual_gaps <= TOL)
    unpen = w[groups] == 0
    for k, alpha in enumerate(alphas):
        beta, b0 = path.coefs[:, k].toarray().ravel(), path.intercepts[k]
        theta = y - expit(X @ beta + b0)
        z = X.T @ (s * theta) / n
        assert np.all(np.abs(z[unpen]) < 1e-12)
        if fit_intercept:
            assert abs(s @ theta) / n < 1e-12
        for g in range(5):
            if w[g] == 0:
                continue
            zg, bg = z[groups == g], beta[groups == g]
            if np.any(bg):
                np.testing.assert_allclose(zg, alpha * w[g] * bg / np.linalg.norm(bg), atol=1e-6)
            else:
                assert np.linalg.norm(zg) <= alpha * w[g] * (1 + 1e-6)
    assert np.all(path.coefs[:, 0].toarray()[~unpen] == 0)
    assert np.any(path.coefs[:, 1].toarray()[~unpen] != 0)


# -- positive=True with unpenalized features (binary) -----------------------------

def _positive_problem(seed=5):
    rng = np.random.default_rng(seed)
    n, p = 150, 12
    X = rng.standard_normal((n, p))
    y = (X[:, 0] - X[:, 1] + 0.2 * X[:, 2] + X[:, 5] - X[:, 6] + rng.logistic(size=n)
         > 0).astype(int)
    pf = np.ones(p)
    pf[[0, 1, 2]] = 0.0     # 1 is pushed to its bound 0; 2 leaves it along the path
    return X, y, pf, rng.uniform(0.5, 2.0, n)


def _lbfgsb_positive(X, y, alpha, l1_ratio, pf, sw, fit_intercept):
    """With β ≥ 0 the L1 norm is linear: the problem is smooth with bounds."""
    n, p = X.shape
    s = _scaled(sw, n)

    def f(x):
        beta, b0 = x[:p], (x[p] if fit_intercept else 0.0)
        eta = X @ beta + b0
        r = s * (expit(eta) - y) / n
        value = s @ (np.logaddexp(0, eta) - y * eta) / n
        value += alpha * np.sum(pf * (l1_ratio * beta + 0.5 * (1 - l1_ratio) * beta ** 2))
        grad = X.T @ r + alpha * pf * (l1_ratio + (1 - l1_ratio) * beta)
        return value, np.append(grad, r.sum()) if fit_intercept else grad

    bounds = [(0, None)] * p + ([(None, None)] if fit_intercept else [])
    x = minimize(f, np.zeros(p + fit_intercept), jac=True, method="L-BFGS-B", bounds=bounds,
                 options={"maxiter": 20000, "gtol": 1e-13, "ftol": 1e-16}).x
    return x[:p], (x[p] if fit_intercept else 0.0)


@pytest.mark.parametrize("fmt, dtype", [("dense", np.float64), ("csc", np.float32),
                                        ("csr", np.float64)])
@pytest.mark.parametrize("fit_intercept, weighted", [(True, True), (False, False)])
def test_positive_with_unpenalized_features(fmt, dtype, fit_intercept, weighted):
    X, y, pf, sw = _positive_problem()
    sw = sw if weighted else None
    Xf = _format(X, fmt, dtype)
    Xd = _dense(Xf)
    s, n = _scaled(sw, len(y)), len(y)
    a_max = fastreg.logistic_alpha_max(Xf, y, penalty_factor=pf, positive=True,
                                       sample_weight=sw, fit_intercept=fit_intercept)
    alphas = a_max * np.array([1.0, 0.999, 0.3, 0.05])
    path = fastreg.logistic_path(Xf, y, alphas=alphas, penalty_factor=pf, positive=True,
                                 sample_weight=sw, fit_intercept=fit_intercept, tol=TOL)
    assert np.all(path.dual_gaps <= TOL)
    assert np.all(path.coefs.toarray() >= 0)
    loose = 1.0 if dtype == np.float64 else 1e3   # float32 paths store rounded coefficients
    for k, alpha in enumerate(alphas):
        beta = path.coefs[:, k].toarray().ravel().astype(np.float64)
        b0 = path.intercepts[k]
        z = Xd.T @ (s * (y - expit(Xd @ beta + b0))) / n     # −gradient of the loss
        free = (pf == 0) & (beta > 0)
        assert np.all(np.abs(z[free]) < loose * 1e-10)
        assert np.all(z[(pf == 0) & (beta == 0)] < loose * 1e-10)   # at the bound: pushed below
        pen = pf > 0
        assert np.all(z[pen & (beta == 0)] <= alpha * pf[pen & (beta == 0)] * (1 + 1e-6))
        np.testing.assert_allclose(z[pen & (beta > 0)], alpha * pf[pen & (beta > 0)],
                                   rtol=1e-5)
        ref, ref0 = _lbfgsb_positive(Xd, y, alpha, 1.0, pf, sw, fit_intercept)
        np.testing.assert_allclose(beta, ref, atol=1e-5)
        np.testing.assert_allclose(b0, ref0, atol=1e-5)
    assert path.coefs[1, 0] == 0 and path.coefs[0, 0] > 0
    # exact alpha_max: every penalized coefficient zero there, some not just below
    assert np.all(path.coefs[:, 0].toarray()[pf > 0] == 0)
    assert np.any(path.coefs[:, 1].toarray()[pf > 0] != 0)


def test_positive_elastic_net_agrees_with_lbfgsb():
    X, y, pf, sw = _positive_problem(seed=6)
    clf = fastreg.LogisticRegression(alpha=0.01, l1_ratio=0.5, positive=True,
                                     penalty_factor=pf, tol=TOL).fit(X, y, sample_weight=sw)
    ref, ref0 = _lbfgsb_positive(X, y, 0.01, 0.5, pf, sw, True)
    np.testing.assert_allclose(clf.coef_[0], ref, atol=1e-5)
    np.testing.assert_allclose(clf.intercept_[0], ref0, atol=1e-5)


@pytest.mark.parametrize("positive", [False, True])
def test_binary_alpha_max_warns_when_the_unpenalized_features_separate(positive):
    """No finite fit of the unpenalized block: alpha_max says it is approximate."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((200, 5))
    pf = np.array([0.0, 1, 1, 1, 1])
    y = (X[:, 0] > 0).astype(int)
    with pytest.warns(UserWarning, match="nearly separate the classes"):
        fastreg.logistic_alpha_max(X, y, penalty_factor=pf, positive=positive)
    X[:, 0] = rng.standard_normal(200)   # no longer separating: exact, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fastreg.logistic_alpha_max(X, y, penalty_factor=pf, positive=positive)
