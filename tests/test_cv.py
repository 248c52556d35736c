"""LassoCV and ElasticNetCV: CV curves, selection rules, parallel runs, inputs."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import fastreg
from fastreg._folds import check_cv, kfold

sklearn_lm = pytest.importorskip("sklearn.linear_model")
sklearn_ms = pytest.importorskip("sklearn.model_selection")

TIGHT = dict(tol=1e-13, max_iter=10_000_000)
TIGHT_CV = dict(TIGHT, cv_tol=None)  # folds as tight as the refit


def regression(n=120, p=40, seed=0, noise=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    beta = np.zeros(p)
    beta[:min(p, 6)] = [3.0, -2.0, 1.5, 1.0, -1.0, 0.5][:min(p, 6)]
    return X, X @ beta + noise * rng.standard_normal(n) + 2.0


def sparse_regression(n=150, p=60, seed=1):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.2, format="csc", random_state=rng)
    X.data = rng.uniform(0.5, 2.0, X.nnz)
    beta = np.zeros(p)
    beta[[2, 5, 9, p - 1]] = [2.0, -1.5, 1.0, 3.0]
    return X, X @ beta + 0.3 * rng.standard_normal(n)


def sk_mse_path(sk):
    """scikit-learn's mse_path_ as (…, n_folds, n_alphas)."""
    return np.swapaxes(sk.mse_path_, -1, -2)


# ----------------------------------------------------- against scikit-learn ---

@pytest.mark.parametrize("fmt", ["dense", "csc", "csr"])
def test_lasso_cv_matches_sklearn(fmt):
    X, y = regression() if fmt == "dense" else sparse_regression()
    X = X if fmt == "dense" else X.asformat(fmt)
    folds = kfold(X.shape[0], 5, random_state=3)
    ours = fastreg.LassoCV(n_alphas=40, cv=folds, selection="min", **TIGHT_CV).fit(X, y)
    sk = sklearn_lm.LassoCV(alphas=ours.alphas_, cv=folds, tol=1e-14,
                            max_iter=1_000_000).fit(X, y)
    np.testing.assert_allclose(ours.alphas_, sk.alphas_, rtol=1e-12)
    np.testing.assert_allclose(ours.cv_scores_, sk_mse_path(sk), rtol=1e-6)
    assert ours.alpha_min_ == sk.alpha_ == ours.alpha_
    # equal folds: the curve is the plain mean and std(ddof=1)/sqrt(K)
    np.testing.assert_allclose(ours.cv_mean_, sk.mse_path_.mean(axis=1), rtol=1e-6)
    np.testing.assert_allclose(ours.cv_std_,
                               ours.cv_scores_.std(axis=0, ddof=1) / np.sqrt(5), rtol=1e-10)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-6)
    assert ours.intercept_ == pytest.approx(sk.intercept_, abs=1e-6)


def test_default_grid_is_sklearns():
    X, y = regression(n=100, p=30)
    for l1_ratio in (0.3, 1.0):
        sk = sklearn_lm.ElasticNetCV(l1_ratio=l1_ratio, eps=1e-3, alphas=25, cv=3).fit(X, y)
        ours = fastreg.ElasticNetCV(l1_ratio=l1_ratio, eps=1e-3, n_alphas=25, cv=3,
                                    refit=False).fit(X, y)
        np.testing.assert_allclose(ours.alphas_, sk.alphas_, rtol=1e-10)
        np.testing.assert_allclose(ours.alphas_, fastreg.alpha_grid(
            X, y, l1_ratio=l1_ratio, eps=1e-3, n_alphas=25), rtol=0)


def test_elastic_net_cv_matches_sklearn():
    X, y = regression(n=100, p=30, seed=2)
    folds = kfold(100, 4, random_state=0)
    grid = fastreg.alpha_grid(X, y, l1_ratio=0.2, n_alphas=30, eps=1e-3)
    l1 = [0.2, 0.6, 1.0]
    ours = fastreg.ElasticNetCV(l1_ratio=l1, alphas=grid, cv=folds, selection="min",
                                **TIGHT_CV).fit(X, y)
    sk = sklearn_lm.ElasticNetCV(l1_ratio=l1, alphas=grid, cv=folds, tol=1e-14,
                                 max_iter=1_000_000).fit(X, y)
    assert ours.cv_scores_.shape == (3, 4, 30) and ours.alphas_.shape == (3, 30)
    # held-out errors agree to the solvers' accuracy (a relative gap ε moves
    # the fitted values by O(√ε); scikit-learn's own tol=1e-14 is not tighter)
    np.testing.assert_allclose(ours.cv_scores_, sk_mse_path(sk), rtol=2e-6)
    assert ours.l1_ratio_ == sk.l1_ratio_
    assert ours.alpha_ == sk.alpha_
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-6)


def test_single_l1_ratio_shapes():
    X, y = regression(n=60, p=10)
    one = fastreg.ElasticNetCV(l1_ratio=0.5, n_alphas=12, cv=3).fit(X, y)
    assert one.cv_scores_.shape == (3, 12) and one.alphas_.shape == (12,)
    assert one.l1_ratio_ == 0.5
    lasso = fastreg.LassoCV(n_alphas=12, cv=3).fit(X, y)
    enet = fastreg.ElasticNetCV(l1_ratio=[1.0], n_alphas=12, cv=3).fit(X, y)
    np.testing.assert_array_equal(lasso.cv_scores_, enet.cv_scores_)


# ------------------------------------------------------------- selection ---

def test_1se_rule_by_definition():
    X, y = regression(n=150, p=40, seed=4, noise=2.0)
    cv = fastreg.LassoCV(n_alphas=50, cv=6).fit(X, y)
    mean, std, alphas = cv.cv_mean_, cv.cv_std_, cv.alphas_
    i_min = int(np.argmin(mean))
    assert cv.alpha_min_ == alphas[i_min] and cv.index_min_ == i_min
    ok = mean <= mean[i_min] + std[i_min]
    assert cv.alpha_1se_ == alphas[ok].max()
    assert cv.alpha_ == cv.alpha_1se_ >= cv.alpha_min_
    # the weighted (unequal folds: 150 = 6 × 25, so make one fold bigger) curve
    folds = [(np.arange(40, 150), np.arange(40)), (np.arange(40), np.arange(40, 150))]
    two = fastreg.LassoCV(n_alphas=20, cv=folds).fit(X, y)
    w = np.array([40.0, 110.0])
    m = w @ two.cv_scores_ / w.sum()
    np.testing.assert_allclose(two.cv_mean_, m, rtol=1e-12)
    np.testing.assert_allclose(two.cv_std_,
                               np.sqrt(w @ (two.cv_scores_ - m) ** 2 / w.sum() / 1), rtol=1e-12)


def test_refit_is_the_fit_at_alpha():
    X, y = regression(n=100, p=20)
    cv = fastreg.LassoCV(n_alphas=30, cv=4, tol=1e-10, cv_tol=None).fit(X, y)
    one = fastreg.Lasso(alpha=cv.alpha_, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(cv.coef_, one.coef_, atol=1e-7)
    assert cv.path_.alphas[-1] == cv.alpha_
    np.testing.assert_allclose(cv.predict(X), one.predict(X), atol=1e-6)
    assert cv.score(X, y) == pytest.approx(one.score(X, y), abs=1e-8)


def test_refit_false():
    X, y = regression(n=80, p=10)
    cv = fastreg.LassoCV(n_alphas=10, cv=4, refit=False).fit(X, y)
    assert cv.alpha_ > 0 and not hasattr(cv, "coef_") and not hasattr(cv, "path_")
    with pytest.raises(fastreg.NotFittedError):
        cv.predict(X)


# -------------------------------------------------------------- patience ---

def test_patience_keeps_alpha_min_and_saves_work():
    X, y = regression(n=200, p=60, seed=5)
    options = dict(n_alphas=60, eps=1e-4, cv=5, selection="min", tol=1e-10, cv_tol=None)
    full = fastreg.LassoCV(**options).fit(X, y)
    mean = full.cv_mean_
    i = full.index_min_
    # the curve has a single minimum in range: down before it, up after it
    assert np.all(np.diff(mean[: i + 1]) < 0) and np.all(np.diff(mean[i:]) > 0)
    for patience in (3, 10):
        short = fastreg.LassoCV(patience=patience, **options).fit(X, y)
        assert short.alpha_min_ == full.alpha_min_
        assert short.alpha_1se_ == full.alpha_1se_
        assert np.all(short.stopped_early_)
        reached = np.isfinite(short.cv_mean_)
        n_reached = reached.sum()
        assert i + patience < n_reached < 60 and np.all(reached[:n_reached])
        # resumed folds restart from their last coefficients: equal to the solvers' accuracy
        np.testing.assert_allclose(short.cv_mean_[reached], full.cv_mean_[reached], rtol=1e-6)
        np.testing.assert_array_equal(short.coef_, full.coef_)


def test_patience_follows_the_mean_curve_not_one_fold():
    """Folds with noisy held-out curves stop early on their own, then resume."""
    rng = np.random.default_rng(8)
    X = rng.standard_normal((36, 400))
    y = X[:, :20] @ rng.standard_normal(20) + 0.5 * rng.standard_normal(36)
    options = dict(n_alphas=50, cv=6, selection="min", tol=1e-10, cv_tol=None)
    full = fastreg.LassoCV(**options).fit(X, y)
    for patience in (2, 4):
        short = fastreg.LassoCV(patience=patience, **options).fit(X, y)
        mean = short.cv_mean_
        n_reached = int(np.isfinite(mean).sum())
        best = int(np.nanargmin(mean))
        # the rule: the mean stopped `patience` alphas after its best, or the grid ended
        assert n_reached == 50 or (n_reached - 1 - best >= patience and mean[best] < mean[0])
        np.testing.assert_allclose(mean[:n_reached], full.cv_mean_[:n_reached], rtol=1e-6)
        assert short.alpha_min_ == full.alphas_[int(np.argmin(full.cv_mean_[:n_reached]))]


# ------------------------------------------------------ parallel backends ---

def test_n_jobs_and_dask_give_identical_results():
    X, y = sparse_regression(n=120, p=40)
    options = dict(l1_ratio=[0.5, 1.0], n_alphas=20, cv=4)
    serial = fastreg.ElasticNetCV(n_jobs=1, **options).fit(X, y)
    threads = fastreg.ElasticNetCV(n_jobs=2, **options).fit(X, y)
    np.testing.assert_array_equal(serial.cv_scores_, threads.cv_scores_)
    np.testing.assert_array_equal(serial.coef_, threads.coef_)

    distributed = pytest.importorskip("distributed")
    joblib = pytest.importorskip("joblib")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster, \
                distributed.Client(cluster):
            with joblib.parallel_config(backend="dask"):
                remote = fastreg.ElasticNetCV(**options).fit(X, y)
    np.testing.assert_array_equal(serial.cv_scores_, remote.cv_scores_)
    assert remote.alpha_ == serial.alpha_ and remote.l1_ratio_ == serial.l1_ratio_
    np.testing.assert_array_equal(serial.coef_, remote.coef_)


# ------------------------------------------------ weights, factors, formats ---

def test_sample_weights_and_penalty_factors_against_folds_by_hand():
    X, y = sparse_regression(n=120, p=30, seed=3)
    rng = np.random.default_rng(7)
    w = rng.uniform(0.0, 3.0, 120)
    w[:10] = 0.0
    pf = np.ones(30)
    pf[[2, 9]] = [0.0, 2.0]
    folds = kfold(120, 4, random_state=1)
    cv = fastreg.ElasticNetCV(l1_ratio=0.7, n_alphas=15, cv=folds, penalty_factor=pf,
                              **TIGHT_CV).fit(X, y, sample_weight=w)
    grid = fastreg.alpha_grid(X, y, l1_ratio=0.7, n_alphas=15, sample_weight=w,
                              penalty_factor=pf)
    np.testing.assert_array_equal(cv.alphas_, grid)
    Xr = X.tocsr()
    for k, (train, test) in enumerate(folds):
        path = fastreg.enet_path(Xr[train], y[train], l1_ratio=0.7, alphas=grid,
                                 sample_weight=w[train], penalty_factor=pf, **TIGHT)
        pred = (Xr[test] @ path.coefs).toarray() + path.intercepts
        mse = np.average((y[test][:, None] - pred) ** 2, axis=0, weights=w[test])
        np.testing.assert_allclose(cv.cv_scores_[k], mse, rtol=1e-6)  # both certified
    refit = fastreg.ElasticNet(alpha=cv.alpha_, l1_ratio=0.7, penalty_factor=pf,
                               **TIGHT).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(cv.coef_, refit.coef_, atol=1e-6)
    # weights with scikit-learn too (same folds, same grid)
    sk = sklearn_lm.ElasticNetCV(l1_ratio=0.7, alphas=grid, cv=folds, tol=1e-14,
                                 max_iter=1_000_000).fit(X, y, sample_weight=w)
    unpenalized = fastreg.ElasticNetCV(l1_ratio=0.7, alphas=grid, cv=folds,
                                       **TIGHT_CV).fit(X, y, sample_weight=w)
    # objectives agree to 1e-13, but this design is ill-conditioned on some
    # folds: the held-out errors of the two near-optimal fits differ by ~3e-6
    np.testing.assert_allclose(unpenalized.cv_scores_, sk_mse_path(sk), rtol=1e-5)


def test_dense_csc_csr_agree():
    X, y = sparse_regression(n=100, p=25, seed=6)
    results = [fastreg.LassoCV(n_alphas=20, cv=5, tol=1e-10, cv_tol=None).fit(A, y)
               for A in (X.toarray(), X.tocsc(), X.tocsr())]
    for other in results[1:]:
        np.testing.assert_allclose(other.cv_scores_, results[0].cv_scores_, rtol=1e-6)
        assert other.alpha_ == pytest.approx(results[0].alpha_, rel=1e-12)
        np.testing.assert_allclose(other.coef_, results[0].coef_, atol=1e-8)


def test_float32_input():
    X, y = regression(n=80, p=12)
    a = fastreg.LassoCV(n_alphas=15, cv=4).fit(X.astype(np.float32), y)
    b = fastreg.LassoCV(n_alphas=15, cv=4).fit(X, y)
    np.testing.assert_allclose(a.cv_mean_, b.cv_mean_, rtol=1e-4)


def test_inputs_not_modified_and_read_only_ok():
    X, y = sparse_regression(n=90, p=20)
    w = np.linspace(0.5, 2.0, 90)
    pf = np.ones(20)
    pf[0] = 0.5
    for A in (X.toarray(), X.tocsr(), np.ascontiguousarray(X.toarray())):
        copies = [A.copy(), y.copy(), w.copy(), pf.copy()]
        arrays = [A.data if sp.issparse(A) else A, y, w, pf]
        for arr in arrays:
            arr.flags.writeable = False
        fastreg.ElasticNetCV(l1_ratio=[0.5, 1.0], n_alphas=10, cv=3,
                             penalty_factor=pf).fit(A, y, sample_weight=w)
        for arr in arrays:
            arr.flags.writeable = True
        for before, after in zip(copies, [A, y, w, pf]):
            if sp.issparse(before):
                assert (before != after).nnz == 0
            else:
                np.testing.assert_array_equal(before, after)


# ------------------------------------------------------------------ folds ---

def test_int_cv_is_seeded_locally():
    X, y = regression(n=53, p=5)
    state = np.random.get_state()
    a = fastreg.LassoCV(n_alphas=5, cv=4, random_state=11, refit=False).fit(X, y)
    b = fastreg.LassoCV(n_alphas=5, cv=4, random_state=11, refit=False).fit(X, y)
    assert np.random.get_state()[1].tolist() == state[1].tolist()
    for (tr_a, te_a), (tr_b, te_b) in zip(a.folds_, b.folds_):
        np.testing.assert_array_equal(te_a, te_b)
    tests = np.concatenate([te for _, te in a.folds_])
    assert sorted(tests.tolist()) == list(range(53))
    assert [te.size for _, te in a.folds_] == [14, 13, 13, 13]
    for train, test in a.folds_:
        assert np.intersect1d(train, test).size == 0 and train.size + test.size == 53


def test_splitter_and_iterable_cv():
    X, y = regression(n=60, p=8)
    splitter = sklearn_ms.KFold(3, shuffle=True, random_state=0)
    a = fastreg.LassoCV(n_alphas=10, cv=splitter).fit(X, y)
    b = fastreg.LassoCV(n_alphas=10, cv=list(splitter.split(X, y))).fit(X, y)
    c = fastreg.LassoCV(n_alphas=10, cv=(pair for pair in splitter.split(X, y))).fit(X, y)
    masks = [(np.isin(np.arange(60), tr), np.isin(np.arange(60), te))
             for tr, te in splitter.split(X, y)]
    d = fastreg.LassoCV(n_alphas=10, cv=masks).fit(X, y)
    for other in (b, c, d):
        np.testing.assert_array_equal(a.cv_scores_, other.cv_scores_)


def test_get_params_and_clone():
    from sklearn.base import clone

    est = fastreg.ElasticNetCV(l1_ratio=[0.2, 0.8], cv=3, patience=4, selection="min")
    params = clone(est).get_params()
    assert params["l1_ratio"] == [0.2, 0.8] and params["patience"] == 4
    assert "selection='min'" in repr(est)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(cv=1), ValueError, "cv must be at least 2"),
    (dict(cv=0), ValueError, "cv must be at least 2"),
    (dict(cv=100), ValueError, "cv=100 folds need at least 100 samples"),
    (dict(cv=True), TypeError, "cv must be an int"),
    (dict(cv=3.5), TypeError, "cv must be an int"),
    (dict(cv=[(np.arange(10), np.arange(10, 200))]), ValueError, "out of range"),
    (dict(cv=[(np.arange(10), np.array([], dtype=int))]), ValueError, "no test rows"),
    (dict(cv=[(np.arange(10),)]), ValueError, "not a \\(train, test\\) pair"),
    (dict(cv=[(np.ones((2, 2), dtype=int), np.arange(3))]), ValueError, "1-D array"),
    (dict(cv=[(np.arange(5.0), np.arange(3))]), ValueError, "integer row indices"),
    (dict(cv=[]), ValueError, "no \\(train, test\\) pairs"),
    (dict(selection="best"), ValueError, "selection must be 'min' or '1se'"),
    (dict(patience=0), ValueError, "patience must be None or >= 1"),
    (dict(patience=2.5), TypeError, "patience must be None or a positive integer"),
    (dict(tol=0), ValueError, "tol"),
    (dict(n_alphas=0), ValueError, "n_alphas"),
])
def test_bad_arguments(kwargs, error, match):
    X, y = regression(n=50, p=5)
    with pytest.raises(error, match=match):
        fastreg.LassoCV(**kwargs).fit(X, y)


def test_bad_l1_ratio_and_weights():
    X, y = regression(n=50, p=5)
    with pytest.raises(ValueError, match="l1_ratio"):
        fastreg.ElasticNetCV(l1_ratio=[0.5, 1.5]).fit(X, y)
    w = np.ones(50)
    folds = [(np.arange(10, 50), np.arange(10))]
    w[:10] = 0
    with pytest.raises(ValueError, match="held-out rows of fold 0 all have zero"):
        fastreg.LassoCV(cv=folds).fit(X, y, sample_weight=w)
    with pytest.raises(ValueError, match="sample_weight"):
        fastreg.LassoCV().fit(X, y, sample_weight=-w)


def test_check_cv_on_its_own():
    X = np.zeros((10, 2))
    folds = check_cv([(np.array([-1, 0]), np.array([1]))], X, None)
    np.testing.assert_array_equal(folds[0][0], [9, 0])
    with pytest.raises(ValueError, match="boolean mask needs shape"):
        check_cv([(np.ones(3, bool), np.ones(10, bool))], X, None)


def test_constant_target():
    X, _ = regression(n=30, p=4)
    with pytest.warns(UserWarning, match="nothing to fit"):
        cv = fastreg.LassoCV(n_alphas=5, cv=3).fit(X, np.full(30, 2.5))
    assert np.all(cv.coef_ == 0) and cv.intercept_ == 2.5 and cv.cv_mean_[0] == 0


def test_plot():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X, y = regression(n=80, p=10)
    cv = fastreg.ElasticNetCV(l1_ratio=[0.5, 1.0], n_alphas=15, cv=4).fit(X, y)
    ax = cv.plot()
    assert len(ax.lines) >= 2 and ax.get_xlabel() == "log10(alpha)"
    xs = sorted(line.get_xdata()[0] for line in ax.lines if len(line.get_xdata()) == 2)
    assert np.log10(cv.alpha_min_) in xs and np.log10(cv.alpha_1se_) in xs
    plt.close(ax.figure)
    with pytest.raises(fastreg.NotFittedError):
        fastreg.LassoCV().plot()
