"""The block solver's mechanisms, each against an independent computation.

The exact group update (a 1-D root in the Gram's eigenbasis), the groups'
eigensystems computed on first use, the bounds on their spectra, and the
covariance method (working sets solved in feature space) against the naive one.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import block_objective
from scipy.optimize import brentq

import fastreg
from fastreg._design import Design
from fastreg._groups import block_spectra, check_groups
from fastreg._kernels import _block_solver, _problem
from fastreg.linear_model._block_path import covariance_gram


def _correlated(n=80, p=6, seed=0, shared=0.9):
    """Columns sharing a common factor (an ill-conditioned Gram, as spline bases)."""
    rng = np.random.default_rng(seed)
    common = rng.standard_normal((n, 1))
    X = shared * common + 0.3 * rng.standard_normal((n, p))
    y = X @ rng.standard_normal(p) + 0.5 * rng.standard_normal(n)
    return np.asfortranarray(X), y


def _group_minimizer(G, c, lam):
    """argmin ½bᵀGb − cᵀb + λ‖b‖ by numpy's eigh and a bracketed root of ‖b(t)‖ = t."""
    e, V = np.linalg.eigh(G)
    chat = V.T @ c
    if np.linalg.norm(c) <= lam:
        return np.zeros_like(c)
    def excess(t):
        return np.linalg.norm(chat / (e + lam / t)) - t
    t = brentq(excess, 1e-12, np.linalg.norm(c) / max(e.min(), 1e-12) + 1.0, xtol=1e-15,
               rtol=1e-15)
    return V @ (chat / (e + lam / t))


@pytest.mark.parametrize("fmt", ["dense", "csc"])  # covariance and naive methods
def test_one_exact_group_update_solves_a_single_group(fmt):
    X, y = _correlated()
    n = len(y)
    groups = [list(range(X.shape[1]))]
    X_in = X if fmt == "dense" else sp.csc_matrix(X)
    a_max = fastreg.group_alpha_max(X_in, y, groups, fit_intercept=False)
    alpha = 0.3 * a_max
    # one epoch: a single group is solved by its one exact update
    path = fastreg.group_lasso_path(X_in, y, groups, alphas=[alpha], fit_intercept=False,
                                    tol=1e-12, max_iter=1)
    assert path.dual_gaps[0] <= 1e-12
    expected = _group_minimizer(X.T @ X, X.T @ y, n * alpha * np.sqrt(X.shape[1]))
    np.testing.assert_allclose(path.coef_at(0), expected, rtol=1e-8, atol=1e-10)


def _spectra(X, groups, fit_intercept=True):
    design = Design(X, None, fit_intercept)
    ptr, idx = check_groups(groups, X.shape[1])
    view = _problem.DesignView(design)
    return design, ptr, idx, view, block_spectra(view, ptr, idx, design.col_sq_norms)


def test_spectrum_bounds_cover_the_largest_eigenvalue():
    X, _ = _correlated(p=9)
    groups = [[0, 1, 2, 3], [4], [5, 6, 7, 8]]
    design, ptr, idx, _, (lipschitz, norm, *_, grams) = _spectra(X, groups)
    Xc = X - X.mean(axis=0)
    for g, members in enumerate(groups):
        top = np.linalg.eigvalsh(Xc[:, members].T @ Xc[:, members])[-1]
        assert lipschitz[g] >= top * (1 - 1e-12) and norm[g] ** 2 >= top
        if len(members) == 1:  # the coordinate step: the exact squared norm
            assert lipschitz[g] == pytest.approx(top, rel=1e-12)
        else:
            m, start = len(members), sum(len(h) ** 2 for h in groups[:g])
            np.testing.assert_allclose(grams[start:start + m * m].reshape(m, m),
                                       Xc[:, members].T @ Xc[:, members], rtol=1e-10, atol=1e-10)


def test_eigensystems_decomposed_on_first_use_match_numpy():
    X, y = _correlated(p=9, seed=3)
    groups = [[0, 1, 2, 3], [4], [5, 6, 7, 8]]
    design, ptr, idx, view, spectra = _spectra(X, groups)
    *given, grams = spectra
    y_c = (y - y.mean()).reshape(-1, 1)
    solver = _block_solver.BlockSolver(view, y_c, ptr, idx, np.sqrt(np.diff(ptr)), *given,
                                       grams=grams)
    n, p = X.shape
    W, r, offset = np.zeros(p), y_c.ravel().copy(), np.zeros(1)
    solver.solve(W, r, offset, l1=0.01 * n, l2=0.0, tol_abs=1e-12, max_epochs=10_000)
    Xc = X - X.mean(axis=0)
    for g, members in enumerate(groups):
        if len(members) == 1 or not np.any(W[members]):
            continue  # only stepped groups are decomposed
        m, start = len(members), int(given[4][g])
        e = np.asarray(solver.eig_val)[ptr[g]:ptr[g + 1]]
        V = np.asarray(solver.eig_vec)[start:start + m * m].reshape(m, m)
        G = Xc[:, members].T @ Xc[:, members]
        np.testing.assert_allclose(e, np.linalg.eigvalsh(G), rtol=1e-10)
        np.testing.assert_allclose(V @ np.diag(e) @ V.T, G, rtol=1e-10, atol=1e-10)


def test_covariance_method_only_where_it_pays():
    X, y = _correlated()
    y_c = (y - y.mean()).reshape(-1, 1)
    assert covariance_gram(Design(X, None, True), y_c) is not None
    assert covariance_gram(Design(sp.csc_matrix(X), None, True), y_c) is None
    assert covariance_gram(Design(np.asfortranarray(X[:10]), None, True), y_c[:10]) is None


@pytest.mark.parametrize("l1_ratio", [1.0, 0.7])
def test_covariance_method_agrees_with_the_naive_one(l1_ratio):
    rng = np.random.default_rng(7)
    X, y = _correlated(n=200, p=24, seed=7, shared=0.2)  # conditioned: coefficients compare
    groups = np.repeat(np.arange(8), 3)
    sw = rng.uniform(0.3, 2.0, len(y))
    paths = [fastreg.group_lasso_path(Xf, y, groups, l1_ratio=l1_ratio, n_alphas=20,
                                      sample_weight=sw, tol=1e-12)
             for Xf in (X, sp.csc_matrix(X))]
    for path in paths:
        assert np.all(path.dual_gaps <= 1e-12)
    # a relative gap of 1e-12 bounds the coefficients' error near 1e-5 here
    np.testing.assert_allclose(paths[0].coefs.toarray(), paths[1].coefs.toarray(), atol=1e-5)
    weights, members = np.sqrt(np.full(8, 3.0)), [np.flatnonzero(groups == g) for g in range(8)]
    null = 0.5 * np.average((y - np.average(y, weights=sw)) ** 2, weights=sw)
    for i, alpha in enumerate(paths[0].alphas):
        values = [block_objective(X, y, path.coef_at(i), path.intercepts[i], alpha, l1_ratio,
                                  members, weights, sw) for path in paths]
        assert abs(values[0] - values[1]) <= 2e-12 * null
