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
