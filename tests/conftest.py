"""Shared fixtures and the independent certificate checks used by the tests."""

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from fastreg._cli._text import idf_from_counts, tfidf_weight

DATA = Path(__file__).resolve().parent.parent / "data"


def _unit_weights(sample_weight, n):
    """Weights rescaled to sum to n (ones when None)."""
    if sample_weight is None:
        return np.ones(n)
    return np.asarray(sample_weight) * n / np.sum(sample_weight)


def objective(X, y, coef, intercept, alpha, l1_ratio, sample_weight=None, penalty_factor=None):
    """P(β, β0) of the README, computed directly from the definition."""
    n = X.shape[0]
    s = _unit_weights(sample_weight, n)
    v = np.ones(X.shape[1]) if penalty_factor is None else np.asarray(penalty_factor)
    resid = y - intercept - np.asarray(X @ coef).ravel()
    pen = np.sum(v * (l1_ratio * np.abs(coef) + 0.5 * (1 - l1_ratio) * coef**2))
    return 0.5 / n * np.sum(s * resid**2) + alpha * pen


def null_objective(y, fit_intercept, sample_weight=None):
    s = _unit_weights(sample_weight, len(y))
    center = np.average(y, weights=s) if fit_intercept else 0.0
    return 0.5 / len(y) * np.sum(s * (y - center) ** 2)


def assert_kkt(X, y, coef, intercept, alpha, l1_ratio, tol, *, fit_intercept=True,
               sample_weight=None, penalty_factor=None, positive=False):
    """Check the optimality conditions within what a relative gap ``tol`` allows.

    A gap ε bounds ‖X(β − β*)‖²_S / (2n) ≤ ε, so each correlation x̄_jᵀS r / n can
    differ from its optimal value by at most ‖x̄_j‖_S √(2ε/n).
    """
    X = X.toarray() if sp.issparse(X) else np.asarray(X)
    X = X.astype(np.float64)
    coef = np.asarray(coef, dtype=np.float64)
    n, p = X.shape
    s = _unit_weights(sample_weight, n)
    v = np.ones(p) if penalty_factor is None else np.asarray(penalty_factor, dtype=float)
    eps = tol * null_objective(y, fit_intercept, sample_weight)
    resid = y - intercept - X @ coef
    if fit_intercept:
        assert abs(np.sum(s * resid)) / n <= 1e-8 * (1 + np.abs(y).max())
        Xc = X - np.average(X, axis=0, weights=s)
    else:
        Xc = X
    corr = Xc.T @ (s * resid) / n
    col_norm = np.sqrt((s[:, None] * Xc**2).sum(axis=0) / n)
    slack = 2.0 * col_norm * np.sqrt(2.0 * eps) + np.sqrt(2 * eps * alpha * (1 - l1_ratio) * v)
    slack += 1e-9 * (1 + np.abs(corr))
    l1 = alpha * l1_ratio * v
    grad = corr - alpha * (1 - l1_ratio) * v * coef
    nz = coef != 0
    assert np.all(np.abs(grad[nz] - l1[nz] * np.sign(coef[nz])) <= slack[nz]), "active KKT"
    z = grad[~nz] if positive else np.abs(grad[~nz])
    assert np.all(z <= l1[~nz] + slack[~nz]), "inactive KKT"
    if positive:
        assert np.all(coef >= 0)


@pytest.fixture(scope="session")
def golub():
    d = np.load(DATA / "golub.npz")
    return np.asfortranarray(d["X"]), 2.0 * d["y"].astype(float) - 1.0


@pytest.fixture(scope="session")
def news20_small():
    """A 2000 × 5000 tf-idf slice of news20 (sublinear tf, l2-normalized rows)."""
    counts = sp.load_npz(DATA / "news20_counts_X.npz").tocsr()
    labels = np.load(DATA / "news20_y.npy")
    rng = np.random.default_rng(0)
    rows = np.sort(rng.choice(counts.shape[0], 2000, replace=False))
    X = counts[rows]
    df = np.asarray((X > 0).sum(axis=0)).ravel()
    keep = np.argsort(-df)[:5000]
    X = X[:, np.sort(keep)]
    X = tfidf_weight(X, idf_from_counts(X), sublinear_tf=True)
    y = np.where(labels[rows] < 10, 1.0, -1.0)
    return sp.csr_matrix(X), y


# ------------------------------------------------------------ block models ---
# Group lasso and multi-task models: B of shape (p, K) (K = 1 for the group
# lasso), groups as lists of feature indices with weights w_g.

def _centered(X, Y, sample_weight, fit_intercept):
    X = X.toarray() if sp.issparse(X) else np.asarray(X)
    X = X.astype(np.float64)
    Y = np.asarray(Y, dtype=np.float64).reshape(X.shape[0], -1)
    s = _unit_weights(sample_weight, X.shape[0])
    if not fit_intercept:
        return X, Y, s
    return (X - np.average(X, axis=0, weights=s), Y - np.average(Y, axis=0, weights=s), s)


def block_objective(X, Y, B, intercept, alpha, l1_ratio, groups, weights, sample_weight=None):
    """1/(2n) Σ s_i ‖y_i − b − x_iᵀB‖² + α Σ_g w_g (ρ‖B_g‖ + (1−ρ)/2 ‖B_g‖²), directly."""
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    Y = np.asarray(Y, dtype=np.float64).reshape(n, -1)
    B = np.asarray(B, dtype=np.float64).reshape(X.shape[1], -1)
    s = _unit_weights(sample_weight, n)
    R = Y - np.reshape(intercept, (1, -1)) - X @ B
    pen = sum(w * (l1_ratio * np.linalg.norm(B[g]) + 0.5 * (1 - l1_ratio) * np.sum(B[g] ** 2))
              for g, w in zip(groups, weights))
    return 0.5 / n * np.sum(s[:, None] * R ** 2) + alpha * pen


def assert_block_kkt(X, Y, B, intercept, alpha, l1_ratio, groups, weights, tol, *,
                     fit_intercept=True, sample_weight=None):
    """Optimality of every block within what a relative gap ``tol`` allows.

    Zero blocks: ‖X̄_gᵀSR‖/n ≤ αρw_g; nonzero ones: ‖X̄_gᵀSR/n − α(1−ρ)w_gB_g‖ = αρw_g
    (their directions are checked against independent solvers elsewhere).
    """
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n = Xd.shape[0]
    Yd = np.asarray(Y, dtype=np.float64).reshape(n, -1)
    B = np.asarray(B, dtype=np.float64).reshape(Xd.shape[1], -1)
    s = _unit_weights(sample_weight, n)
    R = Yd - np.reshape(intercept, (1, -1)) - Xd @ B
    if fit_intercept:
        assert np.all(np.abs(s @ R) / n <= 1e-8 * (1 + np.abs(Yd).max()))
    Xc, Yc, _ = _centered(Xd, Yd, sample_weight, fit_intercept)
    eps = tol * 0.5 / n * np.sum(s[:, None] * Yc ** 2)
    corr = Xc.T @ (s[:, None] * R) / n
    for g, w in zip(groups, weights):
        g_norm = np.sqrt(np.sum(s[:, None] * Xc[:, g] ** 2) / n)
        slack = 2 * g_norm * np.sqrt(2 * eps) + np.sqrt(2 * eps * alpha * (1 - l1_ratio) * w)
        slack += 1e-9 * (1 + np.linalg.norm(corr[g]))
        if w == 0:
            assert np.linalg.norm(corr[g]) <= slack
        elif np.any(B[g] != 0):
            shifted = np.linalg.norm(corr[g] - alpha * (1 - l1_ratio) * w * B[g])
            assert abs(shifted - alpha * l1_ratio * w) <= slack, (shifted, alpha * l1_ratio * w)
        else:
            assert np.linalg.norm(corr[g]) <= alpha * l1_ratio * w + slack


def block_reference(X, Y, alpha, l1_ratio, groups, weights, *, fit_intercept=True,
                    sample_weight=None, n_iter=5000):
    """An independent solve: FISTA with restarts on the centered problem, in numpy."""
    Xc, Yc, s = _centered(X, Y, sample_weight, fit_intercept)
    n, p = Xc.shape
    A = np.sqrt(s)[:, None] * Xc
    b = np.sqrt(s)[:, None] * Yc
    L = np.linalg.norm(A, 2) ** 2 / n
    B = np.zeros((p, Yc.shape[1]))
    Z, t = B.copy(), 1.0

    def prox(V, step):
        out = np.zeros_like(V)
        for g, w in zip(groups, weights):
            norm = np.linalg.norm(V[g])
            if norm > 0:
                shrink = max(0.0, 1 - step * alpha * l1_ratio * w / norm)
                out[g] = V[g] * shrink / (1 + step * alpha * (1 - l1_ratio) * w)
        return out

    for _ in range(n_iter):
        B_new = prox(Z - A.T @ (A @ Z - b) / n / L, 1.0 / L)
        if np.sum((Z - B_new) * (B_new - B)) > 0:  # gradient-based adaptive restart
            Z, t = B.copy(), 1.0
            continue
        t_new = (1 + np.sqrt(1 + 4 * t * t)) / 2
        Z = B_new + (t - 1) / t_new * (B_new - B)
        B, t = B_new, t_new
    return B
