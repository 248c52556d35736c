"""Multinomial logistic regression: certificates, KKT, agreement with scikit-learn, storage."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import logsumexp, xlogy

import fastreg

TOL = 1e-7


def _problem(n=150, p=25, K=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[:, 3:] *= rng.uniform(0.3, 2.0, p - 3)
    B = rng.normal(0, 1.5, (K, p)) * (rng.random((K, p)) < 0.25)
    eta = X @ B.T + rng.normal(0, 0.5, K)
    P = np.exp(eta - logsumexp(eta, axis=1, keepdims=True))
    y = np.array([rng.choice(K, p=row) for row in P])
    return X, y


def _objective(X, y, W, b, alpha, l1_ratio, s, v):
    n = X.shape[0]
    eta = np.asarray(X @ W.T) + b
    loss = np.sum(s * (logsumexp(eta, axis=1) - eta[np.arange(n), y]))
    return loss / n + alpha * np.sum(v * (l1_ratio * np.abs(W) + 0.5 * (1 - l1_ratio) * W ** 2))


def _certificate(X, y, W, b, alpha, l1_ratio, sw, pf, fit_intercept):
    """Independent duality gap (n times the user scale) at (W, b): dual point Y − P."""
    n, p = X.shape
    K = W.shape[0]
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    v = np.ones(p) if pf is None else pf
    Y = np.eye(K)[y]
    eta = np.asarray(X @ W.T) + b
    P = np.exp(eta - logsumexp(eta, axis=1, keepdims=True))
    theta = Y - P
    if fit_intercept:
        theta -= (s @ theta) / n
    Z = np.asarray(X.T @ (s[:, None] * theta)).T
    primal = n * _objective(X, y, W, b, alpha, l1_ratio, s, v)
    l1, l2 = n * alpha * l1_ratio, n * alpha * (1 - l1_ratio)
    dual_norm = np.max(np.abs(Z - l2 * v * W) / v)
    c = min(1.0, l1 / dual_norm)
    def entropy(Q):
        Q = np.clip(Q, 0, 1)
        return -np.sum(s * np.sum(xlogy(Q, Q), axis=1))

    gap = primal - (entropy(Y - c * theta) - 0.5 * c * c * l2 * np.sum(v * W ** 2))
    if l2 > 0:  # Θ itself in the Fenchel dual
        excess = np.maximum(np.abs(Z) - l1 * v, 0)
        gap = min(gap, primal - (entropy(Y - theta) - np.sum(excess ** 2 / (2 * l2 * v))))
    return gap


def _null(y, K, sw, fit_intercept):
    n = y.size
    if not fit_intercept:
        return n * np.log(K)
    freq = np.bincount(y, weights=sw, minlength=K)
    freq = freq / freq.sum()
    return -n * np.sum(freq * np.log(freq))


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("weighted", [False, True])
def test_every_path_point_is_certified(fit_intercept, l1_ratio, weighted):
    X, y = _problem()
    rng = np.random.default_rng(1)
    sw = rng.uniform(0.2, 2.0, X.shape[0]) if weighted else None
    pf = rng.uniform(0.5, 2.0, X.shape[1])
    path = fastreg.logistic_path(X, y, l1_ratio=l1_ratio, n_alphas=12, fit_intercept=fit_intercept,
                                 sample_weight=sw, penalty_factor=pf, tol=TOL)
    assert path.coef_shape == (3, X.shape[1]) and path.intercepts.shape == (3, 12)
    assert np.all(path.dual_gaps <= TOL)
    null = _null(y, 3, sw, fit_intercept)
    for k, alpha in enumerate(path.alphas):
        gap = _certificate(X, y, path.coef_at(k), path.intercepts[:, k], alpha, l1_ratio, sw, pf,
                           fit_intercept)
        assert gap <= 1.01 * TOL * null + 1e-10
    assert path.n_nonzero[0] == 0 and path.n_nonzero[-1] > 0


def test_alpha_max_is_exact():
    X, y = _problem(seed=2)
    a_max = fastreg.logistic_alpha_max(X, y)
    at = fastreg.LogisticRegression(alpha=a_max * (1 + 1e-9), tol=1e-10).fit(X, y)
    below = fastreg.LogisticRegression(alpha=a_max * 0.97, tol=1e-10).fit(X, y)
    assert np.all(at.coef_ == 0) and np.any(below.coef_ != 0)
    # with all coefficients zero the intercepts are the log class frequencies
    freq = np.bincount(y) / y.size
    np.testing.assert_allclose(at.intercept_, np.log(freq) - np.log(freq).mean(), atol=1e-9)


def test_kkt_conditions():
    X, y = _problem(seed=3, K=4)
    n, alpha = X.shape[0], 0.01
    clf = fastreg.LogisticRegression(alpha=alpha, tol=1e-12).fit(X, y)
    W = clf.coef_
    P = clf.predict_proba(X)
    G = (np.eye(4)[y] - P).T @ X / n        # −gradient of the loss, (K, p)
    nz = W != 0
    np.testing.assert_allclose(G[nz], alpha * np.sign(W[nz]), atol=1e-6)
    assert np.all(np.abs(G[~nz]) <= alpha * (1 + 1e-6))
    np.testing.assert_allclose((np.eye(4)[y] - P).sum(axis=0), 0, atol=1e-8)


@pytest.mark.parametrize("fmt", ["dense", "csc", "csr"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_scikit_learn(fmt, dtype, fit_intercept):
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y = _problem(seed=4)
    X = X.astype(dtype)
    Xf = {"dense": X, "csc": sp.csc_matrix(X), "csr": sp.csr_matrix(X)}[fmt]
    n, alpha = X.shape[0], 0.02
    clf = fastreg.LogisticRegression(alpha=alpha, tol=1e-12,
                                     fit_intercept=fit_intercept).fit(Xf, y)
    assert clf.coef_.dtype == dtype and clf.coef_.shape == (3, X.shape[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = sklearn.LogisticRegression(C=1 / (n * alpha), l1_ratio=1.0, solver="saga",
                                         tol=1e-13, max_iter=200_000,
                                         fit_intercept=fit_intercept).fit(X.astype(np.float64), y)
    # three classes: the L1 penalty makes the solution unique (the median of a
    # feature's class coefficients is 0), so coefficients compare directly
    atol = 1e-5 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(clf.coef_, ref.coef_, atol=atol)
    np.testing.assert_allclose(clf.predict_proba(Xf), ref.predict_proba(X), atol=atol)
    s = np.ones(n)
    v = np.ones(X.shape[1])
    X64 = X.astype(np.float64)
    assert (_objective(X64, y, clf.coef_, clf.intercept_, alpha, 1.0, s, v)
            <= _objective(X64, y, ref.coef_, ref.intercept_, alpha, 1.0, s, v) + 1e-9)


def test_elastic_net_and_weights_match_scikit_learn():
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y = _problem(seed=5, K=5)
    n, alpha = X.shape[0], 0.01
    sw = np.random.default_rng(0).uniform(0.5, 2.0, n)
    sw *= n / sw.sum()
    clf = fastreg.LogisticRegression(alpha=alpha, l1_ratio=0.5, tol=1e-12).fit(X, y,
                                                                            sample_weight=sw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = sklearn.LogisticRegression(C=1 / (n * alpha), l1_ratio=0.5, solver="saga",
                                         tol=1e-13, max_iter=200_000).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(clf.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    v = np.ones(X.shape[1])
    assert (_objective(X, y, clf.coef_, clf.intercept_, alpha, 0.5, sw, v)
            <= _objective(X, y, ref.coef_, ref.intercept_, alpha, 0.5, sw, v) + 1e-9)


def test_labels_predictions_and_storage():
    X, y = _problem(seed=6, K=4)
    labels = np.array(["d", "a", "c", "b"])[y]
    clf = fastreg.LogisticRegression(alpha=0.01).fit(X, labels)
    np.testing.assert_array_equal(clf.classes_, ["a", "b", "c", "d"])
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.log(proba), clf.predict_log_proba(X), atol=1e-12)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[np.argmax(proba, axis=1)])
    assert clf.decision_function(X).shape == (X.shape[0], 4)
    assert clf.score(X, labels) > 0.5
    path = fastreg.logistic_path(X, labels, n_alphas=10)
    assert sp.issparse(path.coefs) and path.coefs.shape == (4 * X.shape[1], 10)
    assert path.coefs.nnz == sum(np.count_nonzero(path.coef_at(k)) for k in range(10))
    np.testing.assert_array_equal(path.classes, clf.classes_)


def test_warm_start_and_no_mutation():
    X, y = _problem(seed=7)
    X0, y0 = X.copy(), y.copy()
    clf = fastreg.LogisticRegression(alpha=0.02, warm_start=True, tol=1e-10).fit(X, y)
    first = clf.coef_.copy()
    clf.fit(X, y)
    np.testing.assert_allclose(clf.coef_, first, atol=1e-7)
    assert clf.n_iter_ <= 5
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


def test_bad_input():
    X, y = _problem(seed=8)
    with pytest.raises(ValueError, match="coef_init must have shape"):
        fastreg.logistic_path(X, y, alphas=[0.1], coef_init=np.zeros(X.shape[1]))
    sw = np.ones(X.shape[0])
    sw[y == 2] = 0
    with pytest.raises(ValueError, match="sample_weight gives class 2 zero total weight"):
        fastreg.LogisticRegression().fit(X, y, sample_weight=sw)


def test_cross_validation_curve_by_hand():
    X, y = _problem(n=240, seed=9, K=4)
    cv = fastreg.LogisticRegressionCV(n_alphas=8, cv=3, tol=1e-9, cv_tol=None).fit(X, y)
    assert cv.coef_.shape == (4, X.shape[1]) and cv.intercept_.shape == (4,)
    by_hand = np.zeros((3, 8))
    for k, (train, test) in enumerate(cv.folds_):
        path = fastreg.logistic_path(X[train], y[train], alphas=cv.alphas_, tol=1e-9)
        for a in range(8):
            eta = X[test] @ path.coef_at(a).T + path.intercepts[:, a]
            by_hand[k, a] = 2 * np.mean(logsumexp(eta, axis=1) - eta[np.arange(len(test)),
                                                                     y[test]])
    np.testing.assert_allclose(cv.cv_scores_, by_hand, rtol=1e-6)
    accuracy = fastreg.LogisticRegressionCV(n_alphas=8, cv=3, scoring="accuracy", n_jobs=2,
                                            patience=2).fit(X, y)
    assert np.all(np.isfinite(accuracy.cv_mean_[:3]))
    with pytest.raises(ValueError, match="scoring='auc' needs two classes"):
        fastreg.LogisticRegressionCV(scoring="auc").fit(X, y)


def test_standardize_equals_the_scaled_copy():
    X, y = _problem(seed=10, K=3)
    X[:, :5] *= 30.0
    Xs = sp.csc_matrix(X)
    mean = X.mean(axis=0)
    sd = X.std(axis=0)
    clf = fastreg.LogisticRegression(alpha=0.01, l1_ratio=0.7, tol=1e-12,
                                     standardize=True).fit(Xs, y)
    ref = fastreg.LogisticRegression(alpha=0.01, l1_ratio=0.7, tol=1e-12).fit((X - mean) / sd, y)
    # both solve one problem on the standardized scale, each certified to its gap g: there
    # ‖B − B*‖² ≤ 2 g P_null / μ, μ = alpha (1 − l1_ratio) (the only curvature along a
    # shift common to the classes, which the loss ignores)
    null = -np.sum(np.bincount(y) / y.size * np.log(np.bincount(y) / y.size))
    radius = sum(np.sqrt(2 * g * null / (0.01 * 0.3)) for g in (clf.dual_gap_, ref.dual_gap_))
    assert radius < 1e-4
    assert np.linalg.norm((clf.coef_ - ref.coef_ / sd) * sd) <= radius
    # (the loss's curvature bounds η's differences by √(2 g n P_null), about 1e-6 here)
    np.testing.assert_allclose(clf.predict_proba(Xs), ref.predict_proba((X - mean) / sd),
                               atol=1e-6)
