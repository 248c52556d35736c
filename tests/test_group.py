"""The group lasso: certificates, independent solves, reductions, invariances, input."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import assert_block_kkt, block_objective, block_reference

import fastreg


def _problem(n=60, p=24, seed=0, density=None):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if density is not None:
        X *= rng.random((n, p)) < density
    beta = np.zeros(p)
    beta[:3] = [2.0, -1.5, 1.0]
    beta[9:11] = [0.7, -0.4][:max(0, p - 9)]
    y = X @ beta + 0.3 * rng.standard_normal(n) + 1.0
    return X, y


def _as_format(X, fmt, dtype=np.float64):
    X = X.astype(dtype)
    return {"dense": np.asfortranarray(X), "csc": sp.csc_matrix(X), "csr": sp.csr_matrix(X)}[fmt]


CONTIGUOUS = [list(range(3 * g, 3 * g + 3)) for g in range(8)]
SHUFFLED = [list(np.random.default_rng(1).permutation(24)[3 * g: 3 * g + 3]) for g in range(8)]


@pytest.mark.parametrize("fmt", ["dense", "csc", "csr"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.6])
def test_path_certified_at_every_alpha(fmt, fit_intercept, weighted, l1_ratio):
    X, y = _problem(density=0.5 if fmt != "dense" else None)
    sw = np.random.default_rng(2).uniform(0.2, 3.0, len(y)) if weighted else None
    groups = SHUFFLED
    path = fastreg.group_lasso_path(_as_format(X, fmt), y, groups, l1_ratio=l1_ratio,
                                    n_alphas=15, fit_intercept=fit_intercept, sample_weight=sw,
                                    tol=1e-10)
    assert np.all(path.dual_gaps <= 1e-10)
    weights = np.sqrt([len(g) for g in groups])
    for i, alpha in enumerate(path.alphas):
        assert_block_kkt(X, y, path.coef_at(i), path.intercepts[i], alpha, l1_ratio, groups,
                         weights, 1e-10, fit_intercept=fit_intercept, sample_weight=sw)
    assert path.n_nonzero[0] == 0 and path.n_nonzero[-1] > 0


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("groups", [CONTIGUOUS, SHUFFLED])
def test_matches_an_independent_proximal_gradient_solve(l1_ratio, groups):
    X, y = _problem(seed=3)
    sw = np.random.default_rng(4).uniform(0.5, 2.0, len(y))
    weights = np.random.default_rng(5).uniform(0.5, 2.0, len(groups))
    a_max = fastreg.group_alpha_max(X, y, groups, group_weights=weights, l1_ratio=l1_ratio,
                                    sample_weight=sw)
    alpha = 0.1 * a_max
    model = fastreg.GroupLasso(alpha, groups=groups, group_weights=weights, l1_ratio=l1_ratio,
                               tol=1e-12).fit(X, y, sample_weight=sw)
    ref = block_reference(X, y, alpha, l1_ratio, groups, weights, sample_weight=sw).ravel()
    # a relative gap of 1e-12 bounds the coefficients' error near 1e-5 here
    np.testing.assert_allclose(model.coef_, ref, atol=1e-5)
    ours = block_objective(X, y, model.coef_, model.intercept_, alpha, l1_ratio, groups, weights,
                           sw)
    intercept = np.average(y - X @ ref, weights=sw)
    theirs = block_objective(X, y, ref, intercept, alpha, l1_ratio, groups, weights, sw)
    assert ours <= theirs + 1e-12 * np.var(y)


def test_matches_celer_group_lasso():
    celer = pytest.importorskip("celer")
    X, y = _problem(seed=6)
    alpha = 0.05
    ours = fastreg.GroupLasso(alpha, groups=CONTIGUOUS, tol=1e-12).fit(X, y)
    # celer's penalty is α Σ_g weights_g ‖β_g‖, its default weights ones: pass √size
    theirs = celer.GroupLasso(groups=3, alpha=alpha, weights=np.full(8, np.sqrt(3.0)),
                              tol=1e-14, fit_intercept=True).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-6)


@pytest.mark.parametrize("fmt", ["dense", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_groups_of_one_feature_are_the_lasso(fmt, fit_intercept):
    X, y = _problem(seed=7, density=0.4)
    Xf = _as_format(X, fmt)
    lasso = fastreg.lasso_path(Xf, y, n_alphas=20, fit_intercept=fit_intercept, tol=1e-12)
    group = fastreg.group_lasso_path(Xf, y, None, n_alphas=20, fit_intercept=fit_intercept,
                                     tol=1e-12)
    np.testing.assert_allclose(group.alphas, lasso.alphas, rtol=1e-12)
    # near least squares (n > p, small alphas) a gap of 1e-12 leaves ~1e-6 in the coefficients
    np.testing.assert_allclose(group.coefs.toarray(), lasso.coefs.toarray(), atol=1e-5)
    np.testing.assert_allclose(group.intercepts, lasso.intercepts, atol=1e-5)
    np.testing.assert_array_equal(group.coefs.toarray()[:, :10] != 0,
                                  lasso.coefs.toarray()[:, :10] != 0)
    enet = fastreg.enet_path(Xf, y, l1_ratio=0.5, alphas=lasso.alphas, tol=1e-12,
                             fit_intercept=fit_intercept)
    genet = fastreg.group_lasso_path(Xf, y, np.arange(24), l1_ratio=0.5, alphas=lasso.alphas,
                                     tol=1e-12, fit_intercept=fit_intercept)
    np.testing.assert_allclose(genet.coefs.toarray(), enet.coefs.toarray(), atol=1e-5)


def test_permuting_features_and_groups_permutes_the_solution():
    X, y = _problem(seed=8)
    ids = np.repeat(np.arange(8), 3)
    perm = np.random.default_rng(9).permutation(24)
    base = fastreg.group_lasso_path(X, y, ids, n_alphas=10, tol=1e-12)
    # the same groups given by (permuted) id, and by lists in another order
    moved = fastreg.group_lasso_path(X[:, perm], y, ids[perm], n_alphas=10, tol=1e-12)
    np.testing.assert_allclose(moved.coefs.toarray(), base.coefs.toarray()[perm], atol=1e-6)
    lists = [list(np.flatnonzero(ids[perm] == g)) for g in (5, 2, 7, 0, 1, 6, 3, 4)]
    listed = fastreg.group_lasso_path(X[:, perm], y, lists, n_alphas=10, tol=1e-12)
    np.testing.assert_allclose(listed.coefs.toarray(), base.coefs.toarray()[perm], atol=1e-6)
    rows = fastreg.group_lasso_path(X[:, perm], y, np.array(lists), n_alphas=10, tol=1e-12)
    np.testing.assert_allclose(rows.coefs.toarray(), listed.coefs.toarray(), atol=1e-12)


@pytest.mark.parametrize("fmt", ["dense", "csc"])
def test_float32_stays_float32_and_agrees(fmt):
    X, y = _problem(seed=10, density=0.5)
    p64 = fastreg.group_lasso_path(_as_format(X, fmt), y, CONTIGUOUS, n_alphas=10, tol=1e-10)
    X32 = _as_format(X, fmt, np.float32)
    p32 = fastreg.group_lasso_path(X32, y, CONTIGUOUS, n_alphas=10, tol=1e-10)
    assert p32.coefs.dtype == np.float32
    assert np.all(p32.dual_gaps <= 1e-10)
    np.testing.assert_allclose(p32.coefs.toarray(), p64.coefs.toarray(), atol=1e-4)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_unpenalized_group_and_exact_alpha_max(fit_intercept):
    X, y = _problem(seed=11)
    weights = np.sqrt(np.full(8, 3.0))
    weights[2] = 0.0
    a_max = fastreg.group_alpha_max(X, y, CONTIGUOUS, group_weights=weights,
                                    fit_intercept=fit_intercept)
    at = fastreg.group_lasso_path(X, y, CONTIGUOUS, weights, alphas=[a_max * (1 + 1e-6),
                                  a_max * 0.98], fit_intercept=fit_intercept, tol=1e-12)
    first, second = at.coef_at(0), at.coef_at(1)
    assert np.all(first[np.r_[0:6, 9:24]] == 0) and np.any(first[6:9] != 0)
    assert np.any(second[np.r_[0:6, 9:24]] != 0)
    path = fastreg.group_lasso_path(X, y, CONTIGUOUS, weights, n_alphas=10,
                                    fit_intercept=fit_intercept, tol=1e-10)
    np.testing.assert_allclose(path.alphas[0], a_max, rtol=1e-12)
    for i, alpha in enumerate(path.alphas):
        assert_block_kkt(X, y, path.coef_at(i), path.intercepts[i], alpha, 1.0, CONTIGUOUS,
                         weights, 1e-10, fit_intercept=fit_intercept)


def test_integer_weights_are_repeated_rows():
    X, y = _problem(n=40, seed=12)
    counts = np.random.default_rng(13).integers(1, 4, len(y))
    a = fastreg.GroupLasso(0.05, groups=SHUFFLED, tol=1e-12).fit(X, y, sample_weight=counts)
    b = fastreg.GroupLasso(0.05, groups=SHUFFLED, tol=1e-12).fit(np.repeat(X, counts, axis=0),
                                                                  np.repeat(y, counts))
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-7)
    np.testing.assert_allclose(a.intercept_, b.intercept_, atol=1e-7)


def test_news20_groups_certified(news20_small):
    X, y = news20_small
    ids = np.arange(X.shape[1]) // 5
    path = fastreg.group_lasso_path(X, y, ids, n_alphas=10, eps=0.05, tol=1e-8)
    assert np.all(path.dual_gaps <= 1e-8)
    groups = [np.flatnonzero(ids == g) for g in range(ids.max() + 1)]
    weights = np.sqrt([len(g) for g in groups])
    assert_block_kkt(X, y, path.coef_at(9), path.intercepts[9], path.alphas[9], 1.0, groups,
                     weights, 1e-8)
    assert path.info["n_screened"][-1] > 0  # screening worked


@pytest.mark.parametrize("groups, message", [
    (np.zeros(5), "one group id per feature"),
    ([[0, 1], [2, 3]], "in no group"),
    ([[0, 1], [1, 2, 3, 4, 5]], "more than one group"),
    ([[0, 1, 2], [], [3, 4, 5]], "empty"),
    ([[0, 1, 2], [3, 4, 6]], "out of range"),
    ([[0, 1, 2], [3, 4, -1]], "out of range"),
    (np.array([0, 0, 1, np.nan, 1, 2]), "finite"),
    ([[0, 1, 2], [3.5, 4, 5]], "integer"),
])
def test_bad_groups(groups, message):
    X, y = _problem(n=20, p=6)
    with pytest.raises(ValueError, match=message):
        fastreg.group_lasso_path(X, y, groups)


@pytest.mark.parametrize("weights, message", [
    ([1.0, 2.0], "shape"),
    ([1.0, -1.0, 1.0], "non-negative"),
    ([1.0, np.nan, 1.0], "NaN"),
    ([0.0, 0.0, 0.0], "every group"),
])
def test_bad_group_weights(weights, message):
    X, y = _problem(n=20, p=6)
    with pytest.raises(ValueError, match=message):
        fastreg.group_lasso_path(X, y, [0, 0, 1, 1, 2, 2], weights)


def test_inputs_not_modified():
    X, y = _problem(seed=14)
    Xs = sp.csr_matrix(X * (np.abs(X) > 0.5))
    groups, weights, sw = np.repeat(np.arange(8), 3), np.ones(8), np.arange(1.0, 61.0)
    copies = [a.copy() for a in (X, y, groups, weights, sw)] + [Xs.copy()]
    for arr in (X, y, groups, weights, sw):
        arr.flags.writeable = False
    fastreg.group_lasso_path(X, y, groups, weights, n_alphas=5, sample_weight=sw)
    fastreg.group_lasso_path(Xs, y, groups, weights, n_alphas=5, sample_weight=sw)
    for before, after in zip(copies, (X, y, groups, weights, sw)):
        np.testing.assert_array_equal(before, after)
    assert (copies[-1] != Xs).nnz == 0


def test_convergence_warning_and_constant_target():
    X, y = _problem(seed=15)
    with pytest.warns(fastreg.ConvergenceWarning, match="gap"):
        fastreg.group_lasso_path(X, y, CONTIGUOUS, n_alphas=5, tol=1e-14, max_iter=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = fastreg.group_lasso_path(X, np.full(60, 3.0), CONTIGUOUS, alphas=[0.1])
    assert path.coefs.nnz == 0 and path.intercepts[0] == pytest.approx(3.0)


def test_estimator_matches_path_and_warm_start():
    X, y = _problem(seed=16)
    path = fastreg.group_lasso_path(X, y, CONTIGUOUS, alphas=[0.08], tol=1e-10)
    model = fastreg.GroupLasso(0.08, groups=CONTIGUOUS, tol=1e-10, warm_start=True).fit(X, y)
    np.testing.assert_allclose(model.coef_, path.coef_at(0), atol=1e-12)
    assert model.score(X, y) > 0.8 and model.predict(X).shape == (60,)
    model.set_params(alpha=0.079).fit(X, y)
    assert model.n_iter_ <= path.n_iters[0]
