"""Multi-task Lasso / ElasticNet: certificates, agreement with scikit-learn, input."""

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import assert_block_kkt

import fastreg

sklearn_lm = pytest.importorskip("sklearn.linear_model")


def _problem(n=50, p=30, K=4, seed=0, density=None):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if density is not None:
        X *= rng.random((n, p)) < density
    B = np.zeros((p, K))
    B[:4] = rng.standard_normal((4, K))
    Y = X @ B + 0.2 * rng.standard_normal((n, K)) + np.arange(K)
    return X, Y


def _as_format(X, fmt, dtype=np.float64):
    X = X.astype(dtype)
    return {"dense": np.asfortranarray(X), "csc": sp.csc_matrix(X), "csr": sp.csr_matrix(X)}[fmt]


def _rows(p):
    return [[j] for j in range(p)]


@pytest.mark.parametrize("fmt", ["dense", "csc", "csr"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.7])
def test_matches_sklearn(fmt, fit_intercept, l1_ratio):
    X, Y = _problem(density=0.6)
    alpha = 0.05
    if l1_ratio == 1.0:
        ours = fastreg.MultiTaskLasso(alpha, fit_intercept=fit_intercept, tol=1e-14)
        theirs = sklearn_lm.MultiTaskLasso(alpha, fit_intercept=fit_intercept, tol=1e-12,
                                           max_iter=100_000)
    else:
        ours = fastreg.MultiTaskElasticNet(alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept,
                                           tol=1e-14)
        theirs = sklearn_lm.MultiTaskElasticNet(alpha, l1_ratio=l1_ratio, tol=1e-12,
                                                fit_intercept=fit_intercept, max_iter=100_000)
    ours.fit(_as_format(X, fmt), Y)
    theirs.fit(X, Y)  # scikit-learn's is dense only
    assert ours.coef_.shape == theirs.coef_.shape == (4, 30)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-6)
    np.testing.assert_allclose(ours.predict(_as_format(X, fmt)), theirs.predict(X), atol=1e-6)


@pytest.mark.parametrize("fmt", ["dense", "csc"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_path_certified_at_every_alpha(fmt, weighted, l1_ratio):
    X, Y = _problem(seed=1, density=0.5)
    sw = np.random.default_rng(2).uniform(0.2, 3.0, len(Y)) if weighted else None
    path = fastreg.multitask_enet_path(_as_format(X, fmt), Y, l1_ratio=l1_ratio, n_alphas=12,
                                       sample_weight=sw, tol=1e-10)
    assert path.coefs.shape == (4 * 30, 12) and path.intercepts.shape == (4, 12)
    assert np.all(path.dual_gaps <= 1e-10)
    for i, alpha in enumerate(path.alphas):
        B = path.coef_at(i)
        assert B.shape == (4, 30)
        assert_block_kkt(X, Y, B.T, path.intercepts[:, i], alpha, l1_ratio, _rows(30),
                         np.ones(30), 1e-10, sample_weight=sw)
    # whole rows enter together
    B = path.coef_at(6)
    assert np.all(np.any(B != 0, axis=0) == np.all(B != 0, axis=0))


def test_alpha_max_and_path_match_sklearn():
    X, Y = _problem(seed=3)
    ours = fastreg.multitask_enet_path(X, Y, n_alphas=10, eps=1e-2, tol=1e-14)
    Xc, Yc = X - X.mean(0), Y - Y.mean(0)
    a_max = np.max(np.linalg.norm(Xc.T @ Yc, axis=1)) / len(Y)
    np.testing.assert_allclose(ours.alphas[0], a_max, rtol=1e-12)
    assert ours.n_nonzero[0] == 0
    # scikit-learn's lasso_path fits the multi-task Lasso for 2-D targets
    _, coefs, _ = sklearn_lm.lasso_path(Xc, Yc, alphas=ours.alphas, tol=1e-12, max_iter=100_000)
    for i in range(10):
        np.testing.assert_allclose(ours.coef_at(i), coefs[..., i], atol=1e-6)


@pytest.mark.parametrize("fmt", ["dense", "csc"])
def test_float32_stays_float32(fmt):
    X, Y = _problem(seed=4, density=0.5)
    p32 = fastreg.multitask_enet_path(_as_format(X, fmt, np.float32), Y, n_alphas=8, tol=1e-10)
    p64 = fastreg.multitask_enet_path(_as_format(X, fmt), Y, n_alphas=8, tol=1e-10)
    assert p32.coefs.dtype == np.float32 and np.all(p32.dual_gaps <= 1e-10)
    np.testing.assert_allclose(p32.coefs.toarray(), p64.coefs.toarray(), atol=1e-4)


def test_integer_weights_are_repeated_rows():
    X, Y = _problem(n=30, seed=5)
    counts = np.random.default_rng(6).integers(1, 4, len(Y))
    a = fastreg.MultiTaskLasso(0.05, tol=1e-12).fit(X, Y, sample_weight=counts)
    b = fastreg.MultiTaskLasso(0.05, tol=1e-12).fit(np.repeat(X, counts, axis=0),
                                                    np.repeat(Y, counts, axis=0))
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-7)
    np.testing.assert_allclose(a.intercept_, b.intercept_, atol=1e-7)


def test_one_task_is_the_lasso():
    X, Y = _problem(seed=7)
    lasso = fastreg.lasso_path(X, Y[:, 0], n_alphas=10, tol=1e-12)
    multi = fastreg.multitask_enet_path(X, Y[:, :1], alphas=lasso.alphas, tol=1e-12)
    np.testing.assert_allclose(multi.coefs.toarray(), lasso.coefs.toarray(), atol=1e-6)


def test_multitask_group_lasso_falls_out():
    """Groups of features × all tasks: the block solver with both at once (kernel level)."""
    from fastreg.linear_model._block_path import block_path, make_design

    X, Y = _problem(seed=8)
    design = make_design(X, None, True)
    Y_c, y_mean = design.center_y(Y)
    groups = [list(range(3 * g, 3 * g + 3)) for g in range(10)]
    ptr, idx = np.arange(0, 31, 3), np.arange(30)
    path = block_path(design, Y_c, y_mean, ptr, idx, np.sqrt(np.full(10, 3.0)), l1_ratio=1.0,
                      alphas=None, n_alphas=8, eps=0.05, tol=1e-10, max_iter=10_000,
                      screening=True, coef_init=None, verbose=False, multitask=True,
                      method="test")
    for i, alpha in enumerate(path.alphas):
        assert_block_kkt(X, Y, path.coef_at(i).T, path.intercepts[:, i], alpha, 1.0, groups,
                         np.sqrt(np.full(10, 3.0)), 1e-10)


def test_bad_input_and_no_mutation():
    X, Y = _problem(seed=9)
    with pytest.raises(ValueError, match="2-D"):
        fastreg.MultiTaskLasso(0.1).fit(X, Y[:, 0])
    with pytest.raises(ValueError, match="inconsistent"):
        fastreg.MultiTaskLasso(0.1).fit(X, Y[:-1])
    Y_bad = Y.copy()
    Y_bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        fastreg.multitask_enet_path(X, Y_bad)
    with pytest.raises(ValueError, match="l1_ratio"):
        fastreg.MultiTaskElasticNet(0.1, l1_ratio=1.5).fit(X, Y)
    X0, Y0 = X.copy(), Y.copy()
    X.flags.writeable = Y.flags.writeable = False
    fastreg.MultiTaskElasticNet(0.1).fit(X, Y)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)


def test_warm_start():
    X, Y = _problem(seed=10)
    model = fastreg.MultiTaskLasso(0.05, warm_start=True, tol=1e-10).fit(X, Y)
    first = model.n_iter_
    model.set_params(alpha=0.0495).fit(X, Y)
    assert model.n_iter_ <= first
