"""Certified correctness of the Lasso / ElasticNet paths and estimators."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import assert_kkt, null_objective, objective

import fastreg

sklearn_lm = pytest.importorskip("sklearn.linear_model")


def _random_problem(n=60, p=40, seed=0, density=None):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if density is not None:
        X[rng.random((n, p)) > density] = 0.0
    beta = np.zeros(p)
    beta[:5] = rng.standard_normal(5) * 3
    y = X @ beta + 0.5 * rng.standard_normal(n) + 1.5
    return X, y


def _as_format(X, fmt, dtype):
    X = np.asarray(X, dtype=dtype)
    if fmt == "dense":
        return X
    return getattr(sp, f"{fmt}_matrix")(X)


@pytest.mark.parametrize("fmt", ["dense", "csc", "csr"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.6])
def test_path_certified_and_matches_sklearn(fmt, dtype, fit_intercept, weighted, l1_ratio):
    X, y = _random_problem(density=0.3 if fmt != "dense" else None)
    sw = np.random.default_rng(1).uniform(0.2, 2.0, len(y)) if weighted else None
    Xf = _as_format(X, fmt, dtype)
    tol = 1e-9
    path = fastreg.enet_path(Xf, y, l1_ratio=l1_ratio, n_alphas=12, fit_intercept=fit_intercept,
                             sample_weight=sw, tol=tol)
    assert path.coefs.dtype == dtype
    assert np.all(np.diff(path.alphas) < 0)
    assert np.all(path.dual_gaps <= tol)
    Xd = np.asarray(X, dtype=dtype).astype(np.float64)  # the values the solver saw
    p_null = null_objective(y, fit_intercept, sw)
    for k in range(0, len(path), 3):
        coef, b0, alpha = path.coef_at(k).astype(np.float64), path.intercepts[k], path.alphas[k]
        assert_kkt(Xd, y, coef, b0, alpha, l1_ratio, tol, fit_intercept=fit_intercept,
                   sample_weight=sw)
        ref = sklearn_lm.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept,
                                    tol=1e-14, max_iter=100_000)
        ref.fit(Xd, y, sample_weight=sw)
        ours = objective(Xd, y, coef, b0, alpha, l1_ratio, sw)
        theirs = objective(Xd, y, ref.coef_, ref.intercept_, alpha, l1_ratio, sw)
        assert abs(ours - theirs) <= 2 * tol * p_null + 1e-12
        np.testing.assert_allclose(coef, ref.coef_, atol=1e-4 * (1 + np.abs(ref.coef_).max()))


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_golub_path_matches_sklearn(golub, fit_intercept):
    X, y = golub
    alphas = fastreg.alpha_grid(X, y, fit_intercept=fit_intercept, n_alphas=30, eps=1e-2)
    tol = 1e-7
    path = fastreg.lasso_path(X, y, alphas=alphas, fit_intercept=fit_intercept, tol=tol)
    assert np.all(path.dual_gaps <= tol)
    p_null = null_objective(y, fit_intercept)
    Xs = X - X.mean(axis=0) if fit_intercept else X
    ys = y - y.mean() if fit_intercept else y
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, sk_coefs, _ = sklearn_lm.enet_path(Xs, ys, l1_ratio=1.0, alphas=alphas, tol=1e-12,
                                              max_iter=20_000)
    for k in range(0, len(alphas), 4):
        coef = path.coef_at(k)
        assert_kkt(X, y, coef, path.intercepts[k], alphas[k], 1.0, tol,
                   fit_intercept=fit_intercept)
        b_sk = y.mean() - X.mean(axis=0) @ sk_coefs[:, k] if fit_intercept else 0.0
        ours = objective(X, y, coef, path.intercepts[k], alphas[k], 1.0)
        theirs = objective(X, y, sk_coefs[:, k], b_sk, alphas[k], 1.0)
        # the reference is itself only as good as sklearn's tol; ours must not be worse
        assert ours - theirs <= tol * p_null


@pytest.mark.parametrize("fmt", ["csr", "csc", "dense"])
def test_news20_tfidf_path(news20_small, fmt):
    X, y = news20_small
    X = X.toarray() if fmt == "dense" else getattr(X, f"to{fmt}")()
    tol = 1e-7
    path = fastreg.lasso_path(X, y, n_alphas=15, eps=1e-2, fit_intercept=True, tol=tol)
    assert np.all(path.dual_gaps <= tol)
    assert path.n_nonzero[-1] > 50
    k = len(path) - 1
    assert_kkt(X, y, path.coef_at(k), path.intercepts[k], path.alphas[k], 1.0, tol)
    ref = sklearn_lm.Lasso(alpha=path.alphas[k], tol=1e-12, max_iter=50_000).fit(X, y)
    ours = objective(X, y, path.coef_at(k), path.intercepts[k], path.alphas[k], 1.0)
    theirs = objective(X, y, ref.coef_, ref.intercept_, path.alphas[k], 1.0)
    assert abs(ours - theirs) <= tol * null_objective(y, True)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("positive", [False, True])
def test_alpha_max_is_exact(fit_intercept, positive):
    X, y = _random_problem(seed=3)
    pf = np.linspace(0.5, 2.0, X.shape[1])
    sw = np.random.default_rng(2).uniform(0.5, 1.5, len(y))
    kw = dict(fit_intercept=fit_intercept, sample_weight=sw, penalty_factor=pf, positive=positive)
    a_max = fastreg.alpha_max(X, y, **kw)
    path = fastreg.lasso_path(X, y, alphas=[a_max * 1.0001, a_max * 0.999], tol=1e-10, **kw)
    assert path.coefs[:, 0].nnz == 0
    assert path.coefs[:, 1].nnz >= 1


def test_user_alphas_any_order_and_default_grid(golub):
    X, y = golub
    path = fastreg.lasso_path(X, y, alphas=[0.01, 0.1, 0.05])
    np.testing.assert_array_equal(path.alphas, [0.1, 0.05, 0.01])
    grid = fastreg.lasso_path(X, y)
    assert len(grid) == 100
    np.testing.assert_allclose(grid.alphas[-1] / grid.alphas[0], 1e-2)  # p > n → eps = 1e-2
    assert grid.coefs.shape == (X.shape[1], 100)
    assert sp.isspmatrix_csc(grid.coefs)


@pytest.mark.parametrize("fmt", ["dense", "csc"])
@pytest.mark.parametrize("positive", [True, False])
def test_positive_and_penalty_factor(fmt, positive):
    X, y = _random_problem(seed=5, density=0.5)
    Xf = _as_format(X, fmt, np.float64)
    pf = np.ones(X.shape[1])
    pf[[0, 7]] = 0.0  # unpenalized
    pf[3] = 3.0
    tol = 1e-10
    path = fastreg.enet_path(Xf, y, l1_ratio=0.8, n_alphas=8, positive=positive,
                             penalty_factor=pf, tol=tol)
    # the gap is certified: the dual point stays feasible with unpenalized features
    assert np.all(path.dual_gaps <= tol) and np.all(path.dual_gaps >= -1e-12)
    for k in range(len(path)):
        coef = path.coef_at(k)
        assert coef[0] != 0 or positive
        assert_kkt(X, y, coef, path.intercepts[k], path.alphas[k], 0.8, 1e-9, positive=positive,
                   penalty_factor=pf)


def test_convergence_warning_reports_gap_and_threshold(golub):
    X, y = golub
    with pytest.warns(fastreg.ConvergenceWarning, match=r"tol=1e-10.*gap") as record:
        path = fastreg.lasso_path(X, y, n_alphas=5, tol=1e-10, max_iter=2, fit_intercept=False)
    assert len(path) == 5
    assert np.any(path.dual_gaps > 1e-10)
    assert "max_iter=2" in str(record[0].message)


def test_inputs_not_modified_and_read_only_ok(golub):
    X, y = golub
    X = np.ascontiguousarray(X[:, :500])
    Xs = sp.csr_matrix(X)
    w = np.linspace(0.5, 1.5, len(y))
    copies = [a.copy() for a in (X, y, w)]
    sparse_copy = Xs.copy()
    for arr in (X, y, w, Xs.data, Xs.indices, Xs.indptr):
        arr.flags.writeable = False
    fastreg.lasso_path(X, y, sample_weight=w, n_alphas=5)
    fastreg.lasso_path(Xs, y, sample_weight=w, n_alphas=5)
    fastreg.Lasso(alpha=0.05).fit(Xs, y, sample_weight=w)
    for a, c in zip((X, y, w), copies):
        np.testing.assert_array_equal(a, c)
    assert (Xs != sparse_copy).nnz == 0


def test_fortran_and_csc_input_not_copied(monkeypatch):
    from fastreg import _design

    X, y = _random_problem()
    seen = []
    original = _design.Design.__init__

    def spy(self, *args, **kwargs):
        original(self, *args, **kwargs)
        seen.append(self.X)

    monkeypatch.setattr(_design.Design, "__init__", spy)
    Xf = np.asfortranarray(X)
    fastreg.lasso_path(Xf, y, n_alphas=3)
    assert np.shares_memory(seen[-1], Xf)
    Xc = sp.csc_matrix(X)
    fastreg.lasso_path(Xc, y, n_alphas=3)
    assert np.shares_memory(seen[-1].data, Xc.data)


def test_int64_sparse_indices_and_unsorted_duplicates():
    X, y = _random_problem(density=0.4)
    Xc = sp.csc_matrix(X)
    X64 = sp.csc_matrix((Xc.data, Xc.indices.astype(np.int64), Xc.indptr.astype(np.int64)),
                        shape=Xc.shape)
    ref = fastreg.lasso_path(Xc, y, n_alphas=5, tol=1e-10)
    got = fastreg.lasso_path(X64, y, n_alphas=5, tol=1e-10)
    np.testing.assert_allclose(got.coefs.toarray(), ref.coefs.toarray(), atol=1e-8)
    # the same matrix written as COO with each entry split in two halves
    coo = sp.coo_matrix(X)
    dup = sp.coo_matrix((np.r_[coo.data / 2, coo.data / 2], (np.r_[coo.row, coo.row],
                                                             np.r_[coo.col, coo.col])),
                        shape=X.shape)
    got = fastreg.lasso_path(dup, y, n_alphas=5, tol=1e-10)
    np.testing.assert_allclose(got.coefs.toarray(), ref.coefs.toarray(), atol=1e-8)


def test_estimators_match_path_and_sklearn(golub):
    X, y = golub
    w = np.random.default_rng(0).uniform(0.5, 2, len(y))
    for est, ref in [(fastreg.Lasso(alpha=0.05, tol=1e-10), sklearn_lm.Lasso(alpha=0.05)),
                     (fastreg.ElasticNet(alpha=0.05, l1_ratio=0.5, tol=1e-10),
                      sklearn_lm.ElasticNet(alpha=0.05, l1_ratio=0.5))]:
        est.fit(X, y, sample_weight=w)
        ref.set_params(tol=1e-12, max_iter=100_000).fit(X, y, sample_weight=w)
        rho = getattr(est, "l1_ratio", 1.0)
        assert est.dual_gap_ <= 1e-10 and est.n_iter_ > 0
        assert (objective(X, y, est.coef_, est.intercept_, 0.05, rho, w)
                <= objective(X, y, ref.coef_, ref.intercept_, 0.05, rho, w) + 1e-10)
        np.testing.assert_allclose(est.predict(X), X @ est.coef_ + est.intercept_)
        assert est.score(X, y) > 0.5
        assert est.sparse_coef_.shape == (1, X.shape[1])


def test_warm_start_reuses_solution(golub):
    X, y = golub
    model = fastreg.Lasso(alpha=0.05, warm_start=True).fit(X, y)
    first = model.n_iter_
    model.fit(X, y)
    assert model.n_iter_ <= max(1, first // 2)


def test_early_stop_on_automatic_grid():
    from conftest import DATA

    d = np.load(DATA / "cpusmall.npz")
    X, y = d["X"], d["y"]
    full = fastreg.lasso_path(X, y, fit_intercept=True)
    short = fastreg.lasso_path(X, y, fit_intercept=True, early_stop=True)
    assert short.stopped_early and len(short) < len(full)
    np.testing.assert_allclose(short.alphas, full.alphas[: len(short)])


def test_constant_target_gives_zero_coefficients():
    X, _ = _random_problem()
    path = fastreg.lasso_path(X, np.full(X.shape[0], 3.0), alphas=[0.1, 0.01])
    assert path.coefs.nnz == 0
    np.testing.assert_allclose(path.intercepts, 3.0)


def test_screened_features_satisfy_kkt(news20_small):
    X, y = news20_small
    tol = 1e-8
    path = fastreg.lasso_path(X, y, n_alphas=10, eps=0.05, tol=tol, fit_intercept=False)
    assert path.info["n_screened"].max() > 0
    for k in (3, 9):
        assert_kkt(X, y, path.coef_at(k), 0.0, path.alphas[k], 1.0, tol, fit_intercept=False)


@pytest.mark.parametrize("unpenalized", [False, True])
@pytest.mark.parametrize("positive", [False, True])
def test_features_kept_out_on_bounds_are_certified(news20_small, positive, unpenalized):
    # elastic net with weights, intercept and sign constraint: the bound on a
    # kept-out feature's correlation must hold for the signed correlation too,
    # and for the correlation with the projected dual point when the most
    # correlated features are unpenalized
    X, y = news20_small
    sw = np.random.default_rng(3).uniform(0.5, 2.0, len(y))
    pf = np.ones(X.shape[1])
    if unpenalized:
        pf[np.argsort(np.abs(X.T @ (y - y.mean())))[-3:]] = 0.0
    tol = 1e-8
    kw = dict(l1_ratio=0.9, n_alphas=12, eps=0.05, tol=tol, sample_weight=sw, positive=positive,
              penalty_factor=pf)
    path = fastreg.enet_path(X, y, **kw)
    plain = fastreg.enet_path(X, y, screening=False, **kw)
    assert path.info["n_screened"][1:].min() > 0 and plain.info["n_screened"].max() == 0
    assert np.all(path.dual_gaps <= tol)
    null = null_objective(y, True, sw)
    for k in (2, 6, 11):
        coef = path.coef_at(k)
        assert_kkt(X, y, coef, path.intercepts[k], path.alphas[k], 0.9, tol,
                   sample_weight=sw, positive=positive, penalty_factor=pf)
        a = objective(X, y, coef, path.intercepts[k], path.alphas[k], 0.9, sw, pf)
        b = objective(X, y, plain.coef_at(k), plain.intercepts[k], path.alphas[k], 0.9, sw, pf)
        assert abs(a - b) <= (path.dual_gaps[k] + plain.dual_gaps[k] + 1e-14) * null


@pytest.mark.parametrize("fmt", ["dense", "csr"])
def test_l1_ratio_zero_is_ridge(fmt):
    X, y = _random_problem(seed=7, density=0.4)
    Xf = _as_format(X, fmt, np.float64)
    alphas = [1.0, 0.1, 0.01]
    path = fastreg.enet_path(Xf, y, l1_ratio=0.0, alphas=alphas, tol=1e-13)
    null = 0.5 * np.mean((y - y.mean()) ** 2)
    for k, alpha in enumerate(path.alphas):
        ridge = fastreg.Ridge(alpha=alpha).fit(X, y)
        # the objective is alpha-strongly convex in the coefficients: the
        # certified gap bounds their distance to the ridge solution
        radius = np.sqrt(2.0 * (path.dual_gaps[k] + 1e-15) * null / alpha)
        assert np.linalg.norm(path.coef_at(k) - ridge.coef_) <= radius
        assert radius < 1e-5
        np.testing.assert_allclose(path.intercepts[k], ridge.intercept_, rtol=1e-6, atol=1e-7)


def test_screening_and_working_sets_do_not_change_the_solution(news20_small):
    X, y = news20_small
    kw = dict(n_alphas=8, eps=0.05, tol=1e-10, fit_intercept=True)
    screened = fastreg.lasso_path(X, y, screening=True, **kw)
    plain = fastreg.lasso_path(X, y, screening=False, **kw)
    assert screened.info["n_screened"].sum() > 0 and plain.info["n_screened"].max() == 0
    null = null_objective(y, True)
    for k, alpha in enumerate(screened.alphas):
        a = objective(X, y, screened.coef_at(k), screened.intercepts[k], alpha, 1.0)
        b = objective(X, y, plain.coef_at(k), plain.intercepts[k], alpha, 1.0)
        # both are certified within their gaps of the same optimum
        assert abs(a - b) <= (screened.dual_gaps[k] + plain.dual_gaps[k] + 1e-14) * null
    # the coefficients themselves are only as determined as the problem is
    # conditioned; near-collinear tf-idf columns leave them loose at 1e-5
    np.testing.assert_allclose(screened.coefs.toarray(), plain.coefs.toarray(), atol=1e-4)


def test_constant_y_returns_zeros_whatever_the_warm_start():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 10))
    with pytest.warns(UserWarning, match="nothing to fit"):
        path = fastreg.lasso_path(X, np.full(60, 2.5), alphas=[0.1], coef_init=np.ones(10))
    assert np.all(path.coef_at(0) == 0) and path.intercepts[0] == 2.5
    model = fastreg.Lasso(alpha=0.01, warm_start=True).fit(X, X @ np.ones(10))
    assert np.any(model.coef_ != 0)
    with pytest.warns(UserWarning, match="nothing to fit"):
        model.fit(X, np.full(60, -1.0))
    assert np.all(model.coef_ == 0) and model.intercept_ == -1.0


def test_constant_column_with_intercept_is_not_fitted():
    rng = np.random.default_rng(1)
    X = np.column_stack([np.full(9, -1.4253489608701877), rng.normal(size=9)])
    path = fastreg.lasso_path(X, rng.normal(size=9), n_alphas=5,
                              sample_weight=rng.uniform(0.1, 2, 9))
    assert np.all(np.isfinite(path.coefs.data)) and np.all(path.dual_gaps <= 1e-6)
    assert np.all(path.coefs.toarray()[0] == 0)


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_alpha_max_is_exact_with_unpenalized_features(positive, fit_intercept):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 10))
    y = X @ rng.normal(size=10) + rng.normal(size=60) + 3.0
    pf = np.ones(10)
    pf[[0, 4]] = 0.0
    kwargs = dict(penalty_factor=pf, positive=positive, fit_intercept=fit_intercept)
    a_max = fastreg.alpha_max(X, y, **kwargs)
    path = fastreg.lasso_path(X, y, alphas=[a_max * (1 + 1e-6), a_max * 0.98], tol=1e-12, **kwargs)
    penalized = pf > 0
    assert np.all(path.coef_at(0)[penalized] == 0)
    assert np.count_nonzero(path.coef_at(1)[penalized]) >= 1


@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e200, 1e300])
def test_extreme_magnitudes_of_y_are_solved_by_scaling(scale):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 10))
    y = X @ rng.normal(size=10) + rng.normal(size=60)
    ref = fastreg.Lasso(alpha=0.05, tol=1e-10).fit(X, y)
    model = fastreg.Lasso(alpha=0.05 * scale, tol=1e-10).fit(X, y * scale)
    np.testing.assert_allclose(model.coef_ / scale, ref.coef_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(model.intercept_ / scale, ref.intercept_, rtol=1e-10, atol=1e-12)
    assert np.isfinite(model.dual_gap_) and model.dual_gap_ <= 1e-10


@pytest.mark.parametrize("scale", [1e-160, 1e160])
def test_x_out_of_range_is_refused(scale):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 10)) * scale
    with pytest.raises(ValueError, match="X: its largest magnitude"):
        fastreg.Lasso(alpha=0.05).fit(X, rng.normal(size=60))


def test_enormous_alpha_and_tiny_penalty_factors():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 10))
    y = X @ rng.normal(size=10) + rng.normal(size=60)
    for model in (fastreg.Lasso(alpha=1e307), fastreg.ElasticNet(alpha=1e307, l1_ratio=1e-4)):
        model.fit(X, y)
        assert np.all(model.coef_ == 0) and model.dual_gap_ == 0.0
        assert model.intercept_ == pytest.approx(y.mean())
    pf = np.ones(10)
    pf[0] = 1e-320
    with pytest.raises(ValueError, match="penalty_factor must be 0"):
        fastreg.alpha_max(X, y, penalty_factor=pf)
    # an l1_ratio below the grid's floor: alpha_max stays exact for the clamp
    small = fastreg.ElasticNet(alpha=50.0, l1_ratio=1e-4, tol=1e-10).fit(X, y)
    assert np.any(small.coef_ != 0) and small.dual_gap_ <= 1e-10


@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_no_hidden_copy_of_float32_x(layout):
    import tracemalloc

    rng = np.random.default_rng(0)
    # large enough that the float64 conversion buffer of a few MB is not a copy
    X = np.asfortranarray(rng.normal(size=(20000, 500)).astype(np.float32))
    if layout == "csc":
        X = sp.csc_matrix(np.where(np.abs(X) > 1.0, X, 0).astype(np.float32))
    size = X.nbytes if layout == "dense" else X.data.nbytes
    y = rng.normal(size=20000)
    pf = np.ones(500)
    pf[:2] = 0
    tracemalloc.start()
    try:
        fastreg.alpha_grid(X, y, penalty_factor=pf)
        path = fastreg.lasso_path(X, y, n_alphas=3, penalty_factor=pf)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert path.coefs.dtype == np.float32
    assert peak < 0.5 * size, (peak, size)


@pytest.mark.parametrize("alpha", [1e-1, 1e-4, 1e-12])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_penalties_below_float_resolution_are_certified(alpha, fit_intercept):
    """Columns scaled 1e-8..1e8 with penalty factors 1e8..1e-8: optimal, and certified so.

    The tiny penalties of the huge columns are below what their float64
    correlations resolve; the dual point used to be rescaled by rounding
    noise (gap O(1) after max_iter epochs). The objective is compared with
    the exact solution on the support and signs found (normal equations of
    the equilibrated columns).
    """
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 10))
    y = X @ rng.normal(size=10) + rng.normal(size=60)
    scales, factors = np.logspace(-8, 8, 10), np.logspace(8, -8, 10)
    X = X * scales
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = fastreg.Lasso(alpha=alpha, penalty_factor=factors,
                              fit_intercept=fit_intercept).fit(X, y)
        path = fastreg.lasso_path(X, y, penalty_factor=factors, fit_intercept=fit_intercept)
    assert model.n_iter_ < 100 and model.dual_gap_ <= 1e-6
    assert np.max(path.n_iters) < 100 and np.max(path.dual_gaps) <= 1e-6
    n = len(y)
    Xc, yc = (X - X.mean(0), y - y.mean()) if fit_intercept else (X, y)

    def objective(beta):
        return 0.5 * np.mean((yc - Xc @ beta) ** 2) + alpha * np.sum(factors * np.abs(beta))

    support = np.flatnonzero(model.coef_)
    signs = np.sign(model.coef_[support])
    A = Xc[:, support] / scales[support]  # equilibrated columns
    u = np.linalg.solve(A.T @ A, A.T @ yc - n * alpha * factors[support] * signs
                        / scales[support])
    exact = np.zeros(10)
    exact[support] = u / scales[support]
    null = objective(np.zeros(10))
    assert objective(model.coef_) <= objective(exact) + 1e-12 * null
