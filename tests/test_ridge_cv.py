"""RidgeCV: leave-one-out, GCV and k-fold errors against brute force and scikit-learn."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import RidgeCV as SkRidgeCV
from sklearn.model_selection import KFold

from fastreg import Ridge, RidgeCV

from conftest import DATA


def brute_force_loo(X, Y, alphas, sample_weight=None, fit_intercept=True):
    """Weighted mean squared errors of n refits, each without one sample.

    The penalty's absolute strength nα is kept: on n − 1 samples whose
    weights are rescaled to sum to n − 1, that is α' = α n / (n − s_i).
    """
    n = X.shape[0]
    s = np.ones(n) if sample_weight is None else sample_weight * n / sample_weight.sum()
    Y = Y.reshape(n, -1)
    errors = np.zeros((len(alphas), Y.shape[1]))
    for a, alpha in enumerate(alphas):
        for i in range(n):
            keep = np.arange(n) != i
            model = Ridge(alpha=alpha * n / (n - s[i]), fit_intercept=fit_intercept)
            model.fit(X[keep], Y[keep], sample_weight=s[keep])
            errors[a] += s[i] * (Y[i] - model.predict(X[i:i + 1])[0]) ** 2
    return errors.mean(axis=1) / n


def data(shape, n_targets=None, seed=0):
    n, p = {"tall": (25, 6), "wide": (12, 30)}[shape]
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + rng.uniform(-2, 2, p)
    beta = rng.standard_normal(p if n_targets is None else (p, n_targets))
    y = X @ beta + 1.0
    y += rng.standard_normal(y.shape)
    return X, y, rng.uniform(0.3, 2.0, n)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", ["tall", "wide"])
@pytest.mark.parametrize("fmt", ["dense", "csr"])
def test_loo_equals_brute_force(fmt, shape, weighted, fit_intercept):
    X, y, sw = data(shape)
    Xf = sp.csr_matrix(X) if fmt == "csr" else X
    sw = sw if weighted else None
    alphas = np.array([3.0, 0.3, 0.03])
    cv = RidgeCV(alphas=alphas, fit_intercept=fit_intercept).fit(Xf, y, sample_weight=sw)
    expected = brute_force_loo(X, y, alphas, sw, fit_intercept)
    np.testing.assert_allclose(cv.cv_errors_, expected, rtol=1e-7)
    assert cv.alpha_ == alphas[np.argmin(expected)]
    assert cv.best_score_ == -cv.cv_errors_.min()
    single = Ridge(alpha=cv.alpha_, fit_intercept=fit_intercept).fit(Xf, y, sample_weight=sw)
    np.testing.assert_allclose(cv.coef_, single.coef_, atol=1e-10)
    np.testing.assert_allclose(cv.intercept_, single.intercept_, atol=1e-10)


@pytest.mark.parametrize("shape", ["tall", "wide"])
def test_loo_multi_target(shape):
    X, Y, _ = data(shape, n_targets=2)
    alphas = np.array([1.0, 0.1])
    cv = RidgeCV(alphas=alphas).fit(X, Y)
    np.testing.assert_allclose(cv.cv_errors_, brute_force_loo(X, Y, alphas), rtol=1e-7)
    assert cv.coef_.shape == (2, X.shape[1]) and cv.intercept_.shape == (2,)


def test_alignment_with_given_order():
    """cv_errors_ follows the alphas as given, even when not decreasing."""
    X, y, _ = data("tall")
    alphas = np.array([0.01, 1.0, 0.1])
    cv = RidgeCV(alphas=alphas).fit(X, y)
    np.testing.assert_array_equal(cv.alphas_, alphas)
    for a, alpha in enumerate(alphas):
        one = RidgeCV(alphas=[alpha]).fit(X, y)
        np.testing.assert_allclose(cv.cv_errors_[a], one.cv_errors_[0], rtol=1e-10)


def test_gcv_formula():
    """GCV = (RSS/n) / (1 − tr(H)/n)² with the hat matrix built explicitly."""
    X, y, _ = data("tall")
    n = X.shape[0]
    alphas = np.array([1.0, 0.1, 0.01])
    for shape_X in (X, np.hstack([X, X[:, :1] * 2 + 1, np.ones((n, 1))])):
        cv = RidgeCV(alphas=alphas, cv="gcv").fit(shape_X, y)
        Xc = shape_X - shape_X.mean(axis=0)
        for a, alpha in enumerate(alphas):
            H = np.ones((n, n)) / n + Xc @ np.linalg.solve(
                Xc.T @ Xc + n * alpha * np.eye(Xc.shape[1]), Xc.T)
            r = y - H @ y
            gcv = (r @ r / n) / (1 - np.trace(H) / n) ** 2
            np.testing.assert_allclose(cv.cv_errors_[a], gcv, rtol=1e-8)


def test_matches_sklearn_ridgecv_cpusmall():
    d = np.load(DATA / "cpusmall.npz")
    X, y = d["X"][:1500], d["y"][:1500]
    n = X.shape[0]
    alphas = np.geomspace(1.0, 1e-6, 25)
    ours = RidgeCV(alphas=alphas).fit(X, y)
    theirs = SkRidgeCV(alphas=n * alphas, store_cv_results=True).fit(X, y)
    np.testing.assert_allclose(ours.cv_errors_, theirs.cv_results_.mean(axis=0), rtol=1e-6)
    assert ours.alpha_ * n == pytest.approx(theirs.alpha_)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-6, atol=1e-9)


def test_matches_sklearn_ridgecv_golub(golub):
    X, y = golub
    n = X.shape[0]
    alphas = np.geomspace(1e5, 1.0, 12)
    ours = RidgeCV(alphas=alphas).fit(X, y)
    assert ours.solver_.startswith("dual-eigen")
    theirs = SkRidgeCV(alphas=n * alphas, store_cv_results=True).fit(X, y)
    np.testing.assert_allclose(ours.cv_errors_, theirs.cv_results_.mean(axis=0), rtol=1e-6)
    assert ours.alpha_ * n == pytest.approx(theirs.alpha_)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-6, atol=1e-12)


def serial_kfold_errors(X, Y, alphas, folds, s, fit_intercept=True):
    """The pooled held-out mse of one Ridge refit per (fold, alpha), in a plain loop."""
    Y = Y.reshape(len(Y), -1)
    total = np.zeros(len(alphas))
    for train, test in folds:
        for a, alpha in enumerate(alphas):
            model = Ridge(alpha=alpha, fit_intercept=fit_intercept)
            model.fit(X[train], Y[train], sample_weight=s[train])
            resid = Y[test] - model.predict(X[test]).reshape(len(test), -1)
            total[a] += np.sum(s[test][:, None] * resid ** 2) / Y.shape[1]
    return total / s.sum()


@pytest.mark.parametrize("n_targets", [None, 2])
def test_kfold_equals_manual_refits(n_targets):
    X, y, sw = data("tall", n_targets)
    alphas = np.array([2.0, 0.2, 0.02])
    cv = RidgeCV(alphas=alphas, cv=3, random_state=1).fit(X, y, sample_weight=sw)
    # shuffled K-fold from the shared fold machinery, as LassoCV's
    from fastreg._folds import kfold

    assert [t.tolist() for _, t in cv.folds_] == [t.tolist() for _, t in kfold(len(y), 3, 1)]
    s = sw * len(y) / sw.sum()
    expected = serial_kfold_errors(X, y, alphas, cv.folds_, s)
    np.testing.assert_allclose(cv.cv_errors_, expected, rtol=1e-9)
    assert np.all(cv.cv_std_ > 0)
    single = Ridge(alpha=cv.alpha_).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(cv.coef_, single.coef_, atol=1e-10)


def test_kfold_matches_sklearn_with_the_same_folds():
    """Each fold is scikit-learn's Ridge on the training rows with α_sk = n_train·α."""
    from sklearn.linear_model import Ridge as SkRidge

    X, y, _ = data("wide")
    folds = list(KFold(4).split(X))  # equal folds: pooled = mean of the fold mse
    alphas = np.array([1.0, 0.1, 0.01])
    cv = RidgeCV(alphas=alphas, cv=folds).fit(X, y)
    expected = np.zeros(3)
    for train, test in folds:
        for a, alpha in enumerate(alphas):
            sk = SkRidge(alpha=alpha * len(train)).fit(X[train], y[train])
            expected[a] += np.mean((y[test] - sk.predict(X[test])) ** 2) / len(folds)
    np.testing.assert_allclose(cv.cv_errors_, expected, rtol=1e-8)


def test_kfold_identical_for_any_n_jobs_and_backend(news20_small):
    import joblib

    X, y = news20_small
    X, y = X[:300], y[:300]
    alphas = np.geomspace(1e-1, 1e-4, 6)
    one = RidgeCV(alphas=alphas, cv=4, n_jobs=1).fit(X, y)
    two = RidgeCV(alphas=alphas, cv=4, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(one.cv_errors_, two.cv_errors_)
    np.testing.assert_array_equal(one.coef_, two.coef_)
    # the fold task pickles by reference (processes and Dask workers receive it)
    import pickle

    from fastreg.linear_model._ridge import _RIDGE_FOLDS

    assert pickle.loads(pickle.dumps(_RIDGE_FOLDS)).path is _RIDGE_FOLDS.path
    distributed = pytest.importorskip("distributed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                      dashboard_address=None) as cluster, \
                distributed.Client(cluster), joblib.parallel_config(backend="dask"):
            on_dask = RidgeCV(alphas=alphas, cv=4).fit(X, y)
    np.testing.assert_array_equal(one.cv_errors_, on_dask.cv_errors_)


def test_kfold_sparse_cg_and_splitters(news20_small):
    X, y = news20_small
    X, y = X[:400], y[:400]
    alphas = np.geomspace(1e-1, 1e-4, 5)
    splitter = KFold(3, shuffle=True, random_state=0)
    by_object = RidgeCV(alphas=alphas, cv=splitter, solver="cg", tol=1e-10).fit(X, y)
    by_list = RidgeCV(alphas=alphas, cv=list(splitter.split(X, y)), solver="eigen").fit(X, y)
    np.testing.assert_allclose(by_object.cv_errors_, by_list.cv_errors_, rtol=1e-6)
    assert by_object.alpha_ == by_list.alpha_
    assert by_object.solver_.startswith("cg")


def test_cv_errors_input_contract():
    X, y, _ = data("tall")
    with pytest.raises(ValueError, match="cv must be"):
        RidgeCV(cv="kfold").fit(X, y)
    with pytest.raises(ValueError, match="cv must be at least 2 folds"):
        RidgeCV(cv=1).fit(X, y)
    with pytest.raises(TypeError, match="cv must be"):
        RidgeCV(cv=3.5).fit(X, y)
    with pytest.raises(ValueError, match="penalty_factor > 0"):
        RidgeCV(penalty_factor=np.r_[0.0, np.ones(X.shape[1] - 1)]).fit(X, y)
    with pytest.raises(ValueError, match="alphas must be >= 0"):
        RidgeCV(alphas=[1.0, -1.0]).fit(X, y)
    # unpenalized features are fine with k-fold
    cv = RidgeCV(alphas=[1.0, 0.1], cv=3,
                 penalty_factor=np.r_[0.0, np.ones(X.shape[1] - 1)]).fit(X, y)
    assert np.all(np.isfinite(cv.cv_errors_))


def test_loo_refuses_huge_dense_matrix(monkeypatch):
    X, y, _ = data("tall")
    monkeypatch.setattr("fastreg._ridge._solvers.SPECTRAL_CV_MAX", 4)
    with pytest.raises(ValueError, match="use cv=k"):
        RidgeCV().fit(X, y)
