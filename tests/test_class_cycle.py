"""The compiled class cycle of the multinomial solver (``_kernels/_class_cycle.pyx``)."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import logsumexp

from fastreg._design import Design
from fastreg._kernels import _class_cycle, _problem


def _labels(codes, K):
    """The one-hot labels class by class, (K, n), as the cycle reads them."""
    return np.ascontiguousarray(np.eye(K)[codes].T)


def _setup(fmt, dtype, fit_intercept, sample_weight, n=80, p=12, K=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * (rng.random((n, p)) < 0.6)
    X = (sp.csc_matrix(X) if fmt == "csc" else X).astype(dtype)
    codes = rng.integers(0, K, n).astype(np.int32)
    W = rng.normal(0, 0.3, (K, p)) * (rng.random((K, p)) < 0.5)
    b = rng.normal(0, 1.0, K)
    b[0] = 40.0  # class 0 dominates every sample: its update must not lose the others' mass
    design = Design(X, sample_weight, fit_intercept)
    if not fit_intercept:
        b[:] = 0.0
    eta = np.ascontiguousarray((_dense(design) @ W.T + b).T)
    return design, codes, W, b, eta


def _dense(design):
    X = design.X.toarray() if sp.issparse(design.X) else np.asarray(design.X)
    return X.astype(np.float64)


def _objective(design, codes, W, b, l1, l2):
    X = _dense(design)
    n = X.shape[0]
    s = np.ones(n) if design.sample_weight is None else design.sample_weight
    eta = X @ W.T + b
    loss = s @ (logsumexp(eta, axis=1) - eta[np.arange(n), codes])
    return loss + l1 * np.abs(W).sum() + 0.5 * l2 * (W * W).sum()


@pytest.mark.parametrize("fmt, dtype", [("dense", np.float64), ("csc", np.float64),
                                        ("csc", np.float32), ("dense", np.float32)])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_cycle_keeps_its_state_and_reports_its_decrease(fmt, dtype, fit_intercept, weighted):
    n, p, K = 80, 12, 4
    sw = np.random.default_rng(1).uniform(0.2, 3.0, n) if weighted else None
    design, codes, W, b, eta = _setup(fmt, dtype, fit_intercept, sw)
    labels = _labels(codes, K)
    l1, l2 = 2.0, 0.5
    view = _problem.DesignView(design, implicit_centering=False)
    loss = _problem.LogisticLoss(np.zeros(n), p, fit_intercept=fit_intercept)
    penalty = _problem.ElasticNetPenalty(np.ones(p), l1=l1, l2=l2)
    E, sums, c = np.empty((K, n)), np.empty(n), np.empty(n)
    _class_cycle.softmax_refresh(eta, E, sums, c, codes, np.zeros(0))
    ws = np.array([0, 2, 3, 5, 8, 11], dtype=np.intp)
    outside = np.setdiff1d(np.arange(p), ws)
    W_out = W[:, outside].copy()
    before = _objective(design, codes, W, b, l1, l2)
    for _ in range(30):
        epochs, decrease = _class_cycle.class_cycle(view, loss, penalty, W, b, eta, E, sums, c,
                                                    labels, ws, float(n), 1000)
        after = _objective(design, codes, W, b, l1, l2)
        assert epochs > 0
        # a descent step, reported exactly (to rounding)
        assert decrease >= -1e-12 * n  # (rounding: the line search accepts within it)
        assert before - after == pytest.approx(decrease, rel=1e-6, abs=1e-9 * before)
        before = after
    np.testing.assert_array_equal(W[:, outside], W_out)
    # η, the kept softmax and its sums follow W and b
    eta_true = (_dense(design) @ W.T + b).T
    np.testing.assert_allclose(eta, eta_true, rtol=0, atol=1e-10)
    np.testing.assert_allclose(E, np.exp(eta - c), rtol=1e-12)
    np.testing.assert_allclose(sums, E.sum(axis=0), rtol=1e-12)
    P = np.exp(eta - logsumexp(eta, axis=0))
    np.testing.assert_allclose(E / sums, P, rtol=1e-10, atol=1e-300)
    if not fit_intercept:
        assert np.all(b == 0.0)


def test_cycles_reach_the_working_set_optimum():
    """Cycling on every feature minimizes the objective: the first-order conditions hold."""
    n, p, K = 80, 12, 4
    design, codes, W, b, eta = _setup("dense", np.float64, True, None)
    labels = _labels(codes, K)
    l1 = 3.0
    view = _problem.DesignView(design, implicit_centering=False)
    loss = _problem.LogisticLoss(np.zeros(n), p, fit_intercept=True)
    penalty = _problem.ElasticNetPenalty(np.ones(p), l1=l1, l2=0.0)
    E, sums, c = np.empty((K, n)), np.empty(n), np.empty(n)
    _class_cycle.softmax_refresh(eta, E, sums, c, codes, np.zeros(0))
    ws = np.arange(p, dtype=np.intp)
    for _ in range(500):
        _, decrease = _class_cycle.class_cycle(view, loss, penalty, W, b, eta, E, sums, c,
                                               labels, ws, float(n), 1000)
        if decrease < 1e-13 * n:
            break
    X = design.X
    P = np.exp(eta - logsumexp(eta, axis=0)).T
    G = X.T @ (np.eye(K)[codes] - P)            # minus the loss's gradient, (p, K)
    np.testing.assert_allclose((np.eye(K)[codes] - P).sum(axis=0), 0, atol=1e-5)
    on = W.T != 0
    np.testing.assert_allclose(G[on], l1 * np.sign(W.T[on]), atol=1e-5)
    assert np.all(np.abs(G[~on]) <= l1 + 1e-5)


def test_bad_shapes():
    design, codes, W, b, eta = _setup("dense", np.float64, True, None)
    labels = _labels(codes, len(b))
    n, p = design.X.shape
    view = _problem.DesignView(design, implicit_centering=False)
    loss = _problem.LogisticLoss(np.zeros(n), p, fit_intercept=True)
    penalty = _problem.ElasticNetPenalty(np.ones(p), l1=1.0, l2=0.0)
    E, sums, c = np.empty(eta.shape), np.empty(n), np.empty(n)
    with pytest.raises(ValueError, match="E must match eta"):
        _class_cycle.softmax_refresh(eta, E[:, 1:].copy(), sums, c, codes, np.zeros(0))
    _class_cycle.softmax_refresh(eta, E, sums, c, codes, np.zeros(0))
    with pytest.raises(ValueError, match="must match the design"):
        _class_cycle.class_cycle(view, loss, penalty, W[:, 1:].copy(), b, eta, E, sums, c,
                                 labels, np.arange(3, dtype=np.intp), float(n), 10)


@pytest.mark.parametrize("weighted", [False, True])
def test_softmax_refresh_loss_and_the_dual_value(weighted):
    from scipy.special import xlogy

    from fastreg._kernels import _softmax

    rng = np.random.default_rng(3)
    K, n = 5, 40
    eta = np.ascontiguousarray(rng.normal(0, 3, (K, n)))
    eta[2, :5] += 60.0  # saturated samples
    codes = rng.integers(0, K, n).astype(np.int32)
    sw = rng.uniform(0.5, 2.0, n) if weighted else np.zeros(0)
    s = sw if weighted else np.ones(n)
    E, sums, c = np.empty((K, n)), np.empty(n), np.empty(n)
    loss = _class_cycle.softmax_refresh(eta, E, sums, c, codes, sw)
    expected = s @ (logsumexp(eta, axis=0) - eta[codes, np.arange(n)])
    assert loss == pytest.approx(expected, rel=1e-13)
    assert _class_cycle.softmax_refresh(eta, E, sums, c, codes, sw, exps=False) == loss
    np.testing.assert_array_equal(c, eta.max(axis=0))
    # the dual value of cΘ from the pass's per-sample sums, against the entropy itself
    theta, per_sample = np.empty((n, K)), np.empty((3, n))
    _softmax.softmax_pass(eta, codes, sw, theta, per_sample, (E, sums, c))
    Y = np.eye(K)[codes]
    for level in [1.0, 0.7, 0.0]:
        Q = Y - level * theta
        entropy = -s @ np.sum(xlogy(Q, Q), axis=1)
        assert _softmax.entropy_sum(level, per_sample, sw) == pytest.approx(entropy, rel=1e-12,
                                                                            abs=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
def test_softmax_pass_shifts_the_intercepts(weighted):
    from fastreg._kernels import _softmax

    rng = np.random.default_rng(4)
    K, n = 4, 300   # (more samples than one batch of the pass)
    eta = np.ascontiguousarray(rng.normal(0, 2, (K, n)))
    codes = rng.integers(0, K, n).astype(np.int32)
    sw = rng.uniform(0.5, 2.0, n) if weighted else np.zeros(0)
    s = sw if weighted else np.ones(n)
    delta = rng.normal(0, 0.5, K)
    expected_eta = eta + delta[:, None]
    E, sums, c = np.empty((K, n)), np.empty(n), np.empty(n)
    _class_cycle.softmax_refresh(eta, E, sums, c, codes, sw)
    theta, per_sample = np.empty((n, K)), np.empty((3, n))
    loss, grad = _softmax.softmax_pass(eta, codes, sw, theta, per_sample, (E, sums, c), delta)
    np.testing.assert_array_equal(eta, expected_eta)   # shifted in place
    P = np.exp(expected_eta - logsumexp(expected_eta, axis=0)).T
    Y = np.eye(K)[codes]
    np.testing.assert_allclose(theta, Y - P, rtol=1e-12, atol=1e-14)
    assert loss == pytest.approx(s @ (logsumexp(expected_eta, axis=0)
                                      - expected_eta[codes, np.arange(n)]), rel=1e-13)
    np.testing.assert_allclose(grad, s @ (P - Y), rtol=1e-12, atol=1e-11)
    # the kept softmax follows the shift
    np.testing.assert_allclose(E, np.exp(expected_eta - c), rtol=1e-13)
    np.testing.assert_allclose(sums, E.sum(axis=0), rtol=1e-14)


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("l2", [0.0, 0.7])
def test_penalty_terms_match_their_formulas(positive, l2):
    from fastreg._kernels import _softmax

    rng = np.random.default_rng(5)
    K, p, l1 = 3, 9, 1.3
    W = rng.normal(0, 1, (K, p)) * (rng.random((K, p)) < 0.5)
    v, u = rng.uniform(0.5, 2.0, p), rng.uniform(0.5, 2.0, p)
    v[4] = 0.0   # unpenalized: no score, out of the conjugate
    cols = np.array([0, 2, 4, 5, 8], dtype=np.intp)
    Zt = rng.normal(0, 2, (len(cols), K))
    scores = np.empty(len(cols))
    l1_norm, l2_norm, dual_norm, conjugate = _softmax.penalty_terms(
        Zt, W, cols, v, u, l1, l2, positive, scores)
    Wc, vc, uc = W[:, cols], v[cols], u[cols]
    assert l1_norm == pytest.approx(np.sum(vc * np.abs(Wc)), rel=1e-14)
    assert l2_norm == pytest.approx(np.sum(uc * Wc ** 2), rel=1e-14)
    A = Zt.T - l2 * uc * Wc
    A = np.maximum(A, 0.0) if positive else np.abs(A)
    pen = vc > 0
    expected = np.zeros(len(cols))
    expected[pen] = A[:, pen].max(axis=0) / vc[pen]
    np.testing.assert_allclose(scores, expected, rtol=1e-14)
    assert dual_norm == expected.max()
    Zp = np.maximum(Zt.T, 0.0) if positive else np.abs(Zt.T)
    excess = np.maximum(Zp - l1 * vc, 0.0)[:, pen]
    expected_conj = np.sum(excess ** 2 / (2.0 * l2 * uc[pen])) if l2 > 0 else 0.0
    assert conjugate == pytest.approx(expected_conj, rel=1e-13)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shifted", [False, True])
def test_softmax_gradient_alone_matches_the_pass(weighted, shifted):
    from fastreg._kernels import _softmax

    rng = np.random.default_rng(6)
    K, n = 5, 700   # (batches of the pass, and a last partial one)
    eta = np.ascontiguousarray(rng.normal(0, 2, (K, n)))
    codes = rng.integers(0, K, n).astype(np.int32)
    sw = rng.uniform(0.5, 2.0, n) if weighted else np.zeros(0)
    s = sw if weighted else np.ones(n)
    delta = rng.normal(0, 0.5, K) if shifted else None
    E, sums, c = np.empty((K, n)), np.empty(n), np.empty(n)
    _class_cycle.softmax_refresh(eta, E, sums, c, codes, sw)
    hess = np.empty((K, K))
    totals = np.bincount(codes, weights=sw if weighted else None, minlength=K).astype(float)
    grad = _softmax.softmax_gradient(E, sums, totals, sw, hess, delta)   # (E left as is)
    np.testing.assert_array_equal(_softmax.softmax_gradient(E, sums, totals, sw, None, delta),
                                  grad)
    _, grad_pass = _softmax.softmax_pass(eta, codes, sw, np.empty((n, K)), np.empty((3, n)),
                                         (E, sums, c), delta)
    np.testing.assert_allclose(grad, grad_pass, rtol=1e-12, atol=1e-11)
    P = np.exp(eta - logsumexp(eta, axis=0)).T   # (eta shifted by the pass)
    np.testing.assert_allclose(hess, np.diag(s @ P) - (P * s[:, None]).T @ P,
                               rtol=1e-12, atol=1e-11)
