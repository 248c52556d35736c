"""The grouped multinomial and the logistic group lasso (the block solver's softmax datafit).

Certified against an independent numpy duality gap, KKT conditions, an
independent proximal-gradient (FISTA) solve, and, for groups of one
feature, the L1 logistic path.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import logsumexp, xlogy

import fastreg

TOL = 1e-8


def _problem(n=120, p=18, K=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[:, 3:] *= rng.uniform(0.3, 2.0, p - 3)
    B = rng.normal(0, 1.0, (K, p)) * (rng.random(p) < 0.3)
    eta = X @ B.T + rng.normal(0, 0.5, K)
    P = np.exp(eta - logsumexp(eta, axis=1, keepdims=True))
    y = np.array([rng.choice(K, p=row) for row in P])
    return X, y


def _weights(sw, n):
    return np.ones(n) if sw is None else sw * n / sw.sum()


def _probabilities(X, W, b):
    eta = np.asarray(X @ W.T) + b
    return eta, np.exp(eta - logsumexp(eta, axis=1, keepdims=True))


def _objective(X, y, W, b, alpha, l1_ratio, sw, v):
    """The grouped multinomial objective (user scale); W (K, p)."""
    n = X.shape[0]
    s = _weights(sw, n)
    eta, _ = _probabilities(X, W, b)
    loss = np.sum(s * (logsumexp(eta, axis=1) - eta[np.arange(n), y])) / n
    norms = np.sqrt(np.sum(W * W, axis=0))
    return loss + alpha * np.sum(v * (l1_ratio * norms + 0.5 * (1 - l1_ratio) * norms ** 2))


def _certificate(X, y, W, b, alpha, l1_ratio, sw, v, fit_intercept):
    """Independent duality gap / n at (W, b): dual point Θ = Y − P (S-centered)."""
    n, p = X.shape
    K = W.shape[0]
    s = _weights(sw, n)
    Y = np.eye(K)[y]
    _, P = _probabilities(X, W, b)
    theta = Y - P
    if fit_intercept:
        theta -= (s @ theta) / n
    Z = np.asarray(X.T @ (s[:, None] * theta))          # (p, K)
    primal = n * _objective(X, y, W, b, alpha, l1_ratio, sw, v)
    l1, l2 = n * alpha * l1_ratio, n * alpha * (1 - l1_ratio)

    def entropy(Q):
        assert np.all(Q > -1e-9)
        Q = np.clip(Q, 0, 1)
        return -np.sum(s * np.sum(xlogy(Q, Q), axis=1))

    dual_norm = np.max(np.linalg.norm(Z - l2 * v[:, None] * W.T, axis=1) / v)
    c = min(1.0, l1 / dual_norm)
    gap = primal - (entropy(Y - c * theta) - 0.5 * c * c * l2 * np.sum(v * np.sum(W * W, 0)))
    if l2 > 0:
        excess = np.maximum(np.linalg.norm(Z, axis=1) - l1 * v, 0)
        gap = min(gap, primal - (entropy(Y - theta) - np.sum(excess ** 2 / (2 * l2 * v))))
    return gap / n


def _null(y, K, sw, fit_intercept):
    if not fit_intercept:
        return np.log(K)
    freq = np.bincount(y, weights=sw, minlength=K)
    freq = freq / freq.sum()
    return -np.sum(freq * np.log(freq))


def _fista(X, y, alpha, l1_ratio, v, iters=3000):
    """The grouped multinomial with an intercept by accelerated proximal gradient (numpy)."""
    n, p = X.shape
    K = y.max() + 1
    Y = np.eye(K)[y]
    A = np.hstack([X, np.ones((n, 1))])
    L = 0.5 * np.linalg.norm(A, 2) ** 2 / n + alpha * (1 - l1_ratio) * v.max()
    M = np.zeros((p + 1, K))
    Z, t = M.copy(), 1.0
    for _ in range(iters):
        eta = A @ Z
        P = np.exp(eta - logsumexp(eta, axis=1, keepdims=True))
        U = Z - A.T @ (P - Y) / n / L
        new = U.copy()
        norms = np.linalg.norm(U[:p], axis=1)
        lam, mu = alpha * l1_ratio * v / L, alpha * (1 - l1_ratio) * v / L
        shrink = np.maximum(1 - lam / np.maximum(norms, 1e-300), 0) / (1 + mu)
        new[:p] = U[:p] * shrink[:, None]
        t_next = (1 + np.sqrt(1 + 4 * t * t)) / 2
        Z = new + (t - 1) / t_next * (new - M)
        M, t = new, t_next
    return M[:p].T, M[p] - M[p].mean()


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("weighted", [False, True])
def test_grouped_path_is_certified(fit_intercept, l1_ratio, weighted):
    X, y = _problem()
    rng = np.random.default_rng(1)
    sw = rng.uniform(0.2, 2.0, X.shape[0]) if weighted else None
    v = rng.uniform(0.5, 2.0, X.shape[1])
    path = fastreg.logistic_path(X, y, multinomial="grouped", l1_ratio=l1_ratio, n_alphas=12,
                                 fit_intercept=fit_intercept, sample_weight=sw,
                                 penalty_factor=v, tol=TOL)
    assert path.coef_shape == (3, X.shape[1]) and path.intercepts.shape == (3, 12)
    assert sp.issparse(path.coefs) and np.all(path.dual_gaps <= TOL)
    null = _null(y, 3, sw, fit_intercept)
    for k, alpha in enumerate(path.alphas):
        W = path.coef_at(k)
        # grouped: a feature is in or out for every class at once
        assert np.all((W != 0).all(axis=0) == (W != 0).any(axis=0))
        np.testing.assert_allclose(path.intercepts[:, k].sum(), 0, atol=1e-12)
        gap = _certificate(X, y, W, path.intercepts[:, k], alpha, l1_ratio, sw, v,
                           fit_intercept)
        assert gap <= 1.01 * TOL * null + 1e-12
    assert path.n_nonzero[0] == 0 and path.n_nonzero[-1] > 0


def test_grouped_alpha_max_is_exact():
    X, y = _problem(seed=2)
    n = X.shape[0]
    a_max = fastreg.logistic_alpha_max(X, y, multinomial="grouped")
    freq = np.bincount(y) / n
    R = np.eye(3)[y] - freq
    Xc = X - X.mean(axis=0)
    np.testing.assert_allclose(a_max, np.max(np.linalg.norm(Xc.T @ R, axis=1)) / n, rtol=1e-12)
    at = fastreg.LogisticRegression(alpha=a_max * (1 + 1e-9), multinomial="grouped",
                                    tol=1e-10).fit(X, y)
    below = fastreg.LogisticRegression(alpha=a_max * 0.97, multinomial="grouped",
                                       tol=1e-10).fit(X, y)
    assert np.all(at.coef_ == 0) and np.any(below.coef_ != 0)
    np.testing.assert_allclose(at.intercept_, np.log(freq) - np.log(freq).mean(), atol=1e-9)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.6])
def test_grouped_kkt_and_fista(l1_ratio):
    X, y = _problem(n=80, p=10, K=4, seed=3)
    n = X.shape[0]
    v = np.linspace(0.5, 1.5, X.shape[1])
    alpha = 0.3 * fastreg.logistic_alpha_max(X, y, multinomial="grouped", l1_ratio=l1_ratio,
                                             penalty_factor=v)
    clf = fastreg.LogisticRegression(alpha=alpha, l1_ratio=l1_ratio, multinomial="grouped",
                                     penalty_factor=v, tol=1e-13).fit(X, y)
    W = clf.coef_
    G = X.T @ (np.eye(4)[y] - clf.predict_proba(X)) / n        # (p, K): −gradient
    norms = np.linalg.norm(W, axis=0)
    nz = norms > 0
    assert 0 < nz.sum() < X.shape[1]
    expected = (alpha * l1_ratio * v[nz] * W[:, nz] / norms[nz]
                + alpha * (1 - l1_ratio) * v[nz] * W[:, nz])
    np.testing.assert_allclose(G[nz].T, expected, atol=1e-7)
    assert np.all(np.linalg.norm(G[~nz], axis=1) <= alpha * l1_ratio * v[~nz] * (1 + 1e-6))
    np.testing.assert_allclose((np.eye(4)[y] - clf.predict_proba(X)).sum(axis=0), 0, atol=1e-8)
    W_ref, b_ref = _fista(X, y, alpha, l1_ratio, v)
    np.testing.assert_allclose(W, W_ref, atol=2e-6)
    np.testing.assert_allclose(clf.intercept_, b_ref, atol=2e-6)


@pytest.mark.parametrize("fmt", ["dense", "csc", "csr"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_grouped_formats_dtypes_and_weights(fmt, dtype, fit_intercept):
    X, y = _problem(seed=4)
    X[np.abs(X) < 0.7] = 0.0
    X = X.astype(dtype)
    sw = np.random.default_rng(5).uniform(0.5, 2.0, X.shape[0])
    Xf = {"dense": X, "csc": sp.csc_matrix(X), "csr": sp.csr_matrix(X)}[fmt]
    Xf_copy = Xf.copy()
    kw = dict(multinomial="grouped", n_alphas=8, fit_intercept=fit_intercept, sample_weight=sw,
              tol=1e-10)
    path = fastreg.logistic_path(Xf, y, **kw)
    ref = fastreg.logistic_path(X.astype(np.float64), y, **kw)
    assert path.coefs.dtype == dtype
    atol = 1e-4 if dtype == np.float32 else 1e-7
    np.testing.assert_allclose(path.coefs.toarray(), ref.coefs.toarray(), atol=atol)
    np.testing.assert_allclose(path.intercepts, ref.intercepts, atol=atol)
    assert (Xf != Xf_copy).nnz == 0 if sp.issparse(Xf) else np.array_equal(Xf, Xf_copy)
    # integer weights are repeated rows
    reps = np.arange(X.shape[0]) % 3 + 1
    rep = fastreg.logistic_path(np.repeat(X.astype(np.float64), reps, axis=0),
                                np.repeat(y, reps), multinomial="grouped",
                                fit_intercept=fit_intercept, tol=1e-11, alphas=ref.alphas[:4])
    wtd = fastreg.logistic_path(X.astype(np.float64), y, multinomial="grouped",
                                fit_intercept=fit_intercept, sample_weight=reps.astype(float),
                                tol=1e-11, alphas=ref.alphas[:4])
    np.testing.assert_allclose(rep.coefs.toarray(), wtd.coefs.toarray(), atol=1e-6)


def test_grouped_with_two_classes_is_the_binary_model():
    X, y = _problem(K=2, seed=6)
    a = fastreg.logistic_path(X, y, multinomial="grouped", n_alphas=5, tol=1e-10)
    b = fastreg.logistic_path(X, y, n_alphas=5, tol=1e-10)
    assert a.coef_shape is None
    np.testing.assert_array_equal(a.coefs.toarray(), b.coefs.toarray())


def test_grouped_estimator_labels_warm_start():
    X, y = _problem(seed=7)
    labels = np.array(["a", "b", "c"])[y]
    clf = fastreg.LogisticRegression(alpha=0.01, multinomial="grouped", tol=1e-10)
    clf.fit(X, labels)
    assert clf.coef_.shape == (3, X.shape[1]) and clf.intercept_.shape == (3,)
    assert set(clf.predict(X)) <= set(labels)
    coef = clf.coef_.copy()
    clf.set_params(warm_start=True).fit(X, labels)
    np.testing.assert_allclose(clf.coef_, coef, atol=1e-6)


# -- the logistic group lasso --------------------------------------------------

def _binary(n=150, p=24, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    beta = np.zeros(p)
    beta[:4] = [1.5, -1.0, 0.8, 0.5]
    y = (X @ beta + 0.3 + rng.logistic(size=n) > 0).astype(int)
    return X, y


@pytest.mark.parametrize("fmt", ["dense", "csc", "csr"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_groups_of_one_are_the_l1_logistic_path(fmt, dtype, fit_intercept, weighted):
    X, y = _binary()
    X[np.abs(X) < 0.5] = 0.0
    X = X.astype(dtype)
    sw = np.random.default_rng(1).uniform(0.5, 2.0, X.shape[0]) if weighted else None
    Xf = {"dense": X, "csc": sp.csc_matrix(X), "csr": sp.csr_matrix(X)}[fmt]
    group = fastreg.group_lasso_path(Xf, y, group_weights=np.ones(X.shape[1]), loss="logistic",
                                     n_alphas=10, fit_intercept=fit_intercept, sample_weight=sw,
                                     tol=1e-11)
    l1 = fastreg.logistic_path(Xf, y, alphas=group.alphas, fit_intercept=fit_intercept,
                               sample_weight=sw, tol=1e-11)
    np.testing.assert_allclose(group.alphas[0],
                               fastreg.logistic_alpha_max(X, y, fit_intercept=fit_intercept,
                                                          sample_weight=sw), rtol=1e-10)
    np.testing.assert_allclose(group.coefs.toarray(), l1.coefs.toarray(), atol=2e-6)
    np.testing.assert_allclose(group.intercepts, l1.intercepts, atol=2e-6)
    np.testing.assert_array_equal(group.classes, l1.classes)


def _binary_certificate(X, y, beta, b0, alpha, l1_ratio, ptr_groups, w, fit_intercept):
    n = X.shape[0]
    eta = X @ beta + b0
    p1 = 1 / (1 + np.exp(-eta))
    theta = y - p1
    if fit_intercept:
        theta -= theta.mean()
    norms = np.array([np.linalg.norm(beta[g]) for g in ptr_groups])
    primal = np.sum(np.logaddexp(0, eta) - y * eta) + n * alpha * np.sum(
        w * (l1_ratio * norms + 0.5 * (1 - l1_ratio) * norms ** 2))
    l1, l2 = n * alpha * l1_ratio, n * alpha * (1 - l1_ratio)
    z = X.T @ theta
    dual_norm = max(np.linalg.norm(z[g] - l2 * wg * beta[g]) / wg for g, wg in zip(ptr_groups, w))
    c = min(1.0, l1 / dual_norm)
    def entropy(q):
        return -np.sum(xlogy(q, q) + xlogy(1 - q, 1 - q))

    gap = primal - (entropy(y - c * theta) - 0.5 * c * c * l2 * np.sum(w * norms ** 2))
    if l2 > 0:  # θ itself in the Fenchel dual
        excess = np.array([max(np.linalg.norm(z[g]) - l1 * wg, 0.0)
                           for g, wg in zip(ptr_groups, w)])
        gap = min(gap, primal - (entropy(y - theta) - np.sum(excess ** 2 / (2 * l2 * w))))
    return gap / n


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.7])
def test_logistic_group_lasso_certified_and_kkt(fit_intercept, l1_ratio):
    X, y = _binary(seed=2)
    groups = np.arange(X.shape[1]) // 4
    members = [np.flatnonzero(groups == g) for g in range(6)]
    w = np.full(6, 2.0)
    path = fastreg.group_lasso_path(X, y, groups, l1_ratio=l1_ratio, loss="logistic",
                                    n_alphas=10, fit_intercept=fit_intercept, tol=TOL)
    q = y.mean()
    null = -(q * np.log(q) + (1 - q) * np.log(1 - q)) if fit_intercept else np.log(2)
    for k, alpha in enumerate(path.alphas):
        beta = path.coef_at(k)
        gap = _binary_certificate(X, y, beta, path.intercepts[k], alpha, l1_ratio, members, w,
                                  fit_intercept)
        assert gap <= 1.01 * TOL * null + 1e-12
    clf = fastreg.LogisticGroupLasso(alpha=path.alphas[2], groups=groups, l1_ratio=l1_ratio,
                                     fit_intercept=fit_intercept, tol=1e-13).fit(X, y)
    beta, n = clf.coef_[0], X.shape[0]
    g_loss = X.T @ (y - clf.predict_proba(X)[:, 1]) / n
    alpha = path.alphas[2]
    for m in members:
        nb = np.linalg.norm(beta[m])
        if nb > 0:
            np.testing.assert_allclose(g_loss[m], alpha * 2.0 * (l1_ratio * beta[m] / nb
                                                                + (1 - l1_ratio) * beta[m]),
                                       atol=1e-7)
        else:
            assert np.linalg.norm(g_loss[m]) <= alpha * 2.0 * l1_ratio * (1 + 1e-6)
    assert np.any(beta != 0) and np.any(beta == 0)


def test_bad_input():
    X, y = _problem()
    with pytest.raises(ValueError, match="multinomial"):
        fastreg.logistic_path(X, y, multinomial="group")
    with pytest.raises(ValueError, match="positive"):
        fastreg.logistic_path(X, y, multinomial="grouped", positive=True)
    with pytest.raises(ValueError, match="standardize"):
        fastreg.logistic_path(X, y, multinomial="grouped", standardize=True, l1_ratio=0.5)
    with pytest.raises(ValueError, match="Only binary"):
        fastreg.group_lasso_path(X, y, loss="logistic")
    with pytest.raises(ValueError, match="loss"):
        fastreg.group_lasso_path(X, y, loss="hinge")
    with pytest.raises(ValueError, match="multinomial"):
        fastreg.LogisticRegression(multinomial=None).fit(X, y)


def test_grouped_cross_validation():
    X, y = _problem(n=150, seed=8)
    cv = fastreg.LogisticRegressionCV(multinomial="grouped", n_alphas=8, cv=3, tol=1e-8).fit(X, y)
    assert cv.coef_.shape == (3, X.shape[1])
    assert np.all((cv.coef_ != 0).all(axis=0) == (cv.coef_ != 0).any(axis=0))
    np.testing.assert_allclose(cv.alphas_[0], fastreg.logistic_alpha_max(X, y,
                                                                         multinomial="grouped"))
    ref = fastreg.LogisticRegression(alpha=cv.alpha_, multinomial="grouped", tol=1e-10).fit(X, y)
    np.testing.assert_allclose(cv.coef_, ref.coef_, atol=1e-5)
