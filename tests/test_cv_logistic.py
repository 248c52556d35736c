"""LogisticRegressionCV: CV curves against folds by hand, scorings, folds, labels, inputs."""

import numpy as np
import pytest
import scipy.sparse as sp

import fastreg
from fastreg._folds import check_cv, stratified_kfold
from fastreg._scoring import auc
from test_cv import sparse_regression

TIGHT = dict(tol=1e-10, max_iter=1_000_000)
TIGHT_CV = dict(TIGHT, cv_tol=None)  # folds as tight as the refit
SCORINGS = ["deviance", "accuracy", "auc"]


def classification(n=150, p=30, seed=0, labels=(0, 1), imbalance=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    beta = np.zeros(p)
    beta[:5] = [2.0, -1.5, 1.0, 1.0, -0.5]
    eta = X @ beta + imbalance + 0.5
    y01 = rng.random(n) < 1 / (1 + np.exp(-eta))
    return X, np.asarray(labels)[y01.astype(int)]


def sparse_classification(seed=1):
    """test_cv's sparse design (150 × 60 CSC), its linear target cut at the median, 15% flipped."""
    X, target = sparse_regression(seed=seed)
    flip = np.random.default_rng(seed).random(len(target)) < 0.15
    return X, ((target > np.median(target)) ^ flip).astype(int)


def held_out_error(scoring, y01, eta, w):
    """The held-out errors written out from their definitions."""
    w = np.ones(len(y01)) if w is None else w
    if scoring == "deviance":
        # −log p = log(1 + e^−η) for y = 1, −log(1 − p) = log(1 + e^η) for y = 0
        loss = y01 * np.logaddexp(0, -eta) + (1 - y01) * np.logaddexp(0, eta)
        return 2 * np.sum(w * loss) / w.sum()
    if scoring == "accuracy":
        return np.sum(w * ((eta > 0) != (y01 == 1))) / w.sum()
    pos, neg = np.flatnonzero(y01 == 1), np.flatnonzero(y01 == 0)
    diff = eta[pos][:, None] - eta[neg][None, :]
    pairs = np.outer(w[pos], w[neg])
    return 1 - np.sum(pairs * ((diff > 0) + 0.5 * (diff == 0))) / pairs.sum()


def curve_by_hand(X, y, folds, alphas, scoring, sample_weight=None, l1_ratio=1.0):
    """(n_folds, n_alphas) held-out errors of logistic_path fitted fold by fold."""
    X = X.tocsr() if sp.issparse(X) else X
    y01 = (y == np.unique(y)[1]).astype(float)
    scores = np.empty((len(folds), len(alphas)))
    for k, (train, test) in enumerate(folds):
        w_train = None if sample_weight is None else sample_weight[train]
        w_test = None if sample_weight is None else sample_weight[test]
        path = fastreg.logistic_path(X[train], y[train], alphas=alphas, l1_ratio=l1_ratio,
                                     sample_weight=w_train, **TIGHT)
        for j in range(len(alphas)):
            eta = np.asarray(X[test] @ path.coef_at(j)).ravel() + path.intercepts[j]
            scores[k, j] = held_out_error(scoring, y01[test], eta, w_test)
    return scores


# ------------------------------------------------------- curves by hand ---

@pytest.mark.parametrize("scoring", SCORINGS)
def test_curve_equals_folds_by_hand(scoring):
    X, y = classification()
    folds = stratified_kfold(y, 4, random_state=2)
    model = fastreg.LogisticRegressionCV(n_alphas=15, cv=folds, scoring=scoring,
                                         selection="min", **TIGHT_CV).fit(X, y)
    grid = np.geomspace(1, 1e-3, 15) * fastreg.logistic_alpha_max(X, y)  # eps 1e-3: n > p
    np.testing.assert_allclose(model.alphas_, grid, rtol=1e-12)
    by_hand = curve_by_hand(X, y, folds, model.alphas_, scoring)
    atol = 1e-6 if scoring == "deviance" else 0  # counts of pairs / rows: exact
    np.testing.assert_allclose(model.cv_scores_, by_hand, rtol=1e-6, atol=atol)
    sizes = np.array([len(test) for _, test in folds])
    np.testing.assert_allclose(model.cv_mean_, sizes @ by_hand / sizes.sum(), rtol=1e-6,
                               atol=atol)
    assert model.alpha_min_ == model.alphas_[np.nanargmin(model.cv_mean_)] == model.alpha_
    # the accuracy curve, recorded whatever the scoring
    wrong = curve_by_hand(X, y, folds, model.alphas_, "accuracy")
    np.testing.assert_allclose(model.cv_accuracy_, 1 - sizes @ wrong / sizes.sum(), atol=1e-12)


def test_1se_rule_by_definition():
    X, y = classification(n=200, seed=3)
    model = fastreg.LogisticRegressionCV(n_alphas=25, cv=5).fit(X, y)
    mean, std, alphas = model.cv_mean_, model.cv_std_, model.alphas_
    i_min = int(np.argmin(mean))
    assert model.alpha_min_ == alphas[i_min]
    assert model.alpha_1se_ == max(a for a, m in zip(alphas, mean) if m <= mean[i_min] + std[i_min])
    assert model.alpha_ == model.alpha_1se_ >= model.alpha_min_
    # the standard error is glmnet's weighted one
    w = np.array([len(t) for _, t in model.folds_], dtype=float)
    w /= w.sum()
    var = w @ (model.cv_scores_ - mean) ** 2 / (len(w) - 1)
    np.testing.assert_allclose(std, np.sqrt(var), rtol=1e-12)


def test_refit_is_logistic_regression_at_alpha_and_predictions():
    X, y = classification(labels=("neg", "pos"))
    model = fastreg.LogisticRegressionCV(n_alphas=20, cv=3, **TIGHT_CV).fit(X, y)
    single = fastreg.LogisticRegression(alpha=model.alpha_, **TIGHT).fit(X, y)
    assert model.coef_.shape == (1, X.shape[1]) and model.intercept_.shape == (1,)
    np.testing.assert_allclose(model.coef_, single.coef_, atol=1e-6)
    np.testing.assert_allclose(model.intercept_, single.intercept_, atol=1e-6)
    np.testing.assert_array_equal(model.predict(X), single.predict(X))
    np.testing.assert_allclose(model.predict_proba(X), single.predict_proba(X), atol=1e-6)
    np.testing.assert_allclose(np.exp(model.predict_log_proba(X)), model.predict_proba(X),
                               rtol=1e-12)
    assert model.score(X, y) == np.mean(model.predict(X) == y)
    assert model.path_.alphas[-1] == model.alpha_


def test_l1_ratio_grid():
    X, y = classification(n=120, p=20, seed=4)
    model = fastreg.LogisticRegressionCV(l1_ratio=[0.5, 1.0], n_alphas=10, cv=3).fit(X, y)
    assert model.alphas_.shape == (2, 10) and model.cv_scores_.shape == (2, 3, 10)
    assert model.l1_ratio_ in (0.5, 1.0)
    row = [0.5, 1.0].index(model.l1_ratio_)
    assert np.nanmin(model.cv_mean_[row]) == np.nanmin(model.cv_mean_)
    np.testing.assert_allclose(model.alphas_[0], 2 * model.alphas_[1], rtol=1e-12)


def test_patience_and_refit_false():
    X, y = classification(n=200, seed=5)
    full = fastreg.LogisticRegressionCV(n_alphas=40, cv=4, selection="min").fit(X, y)
    early = fastreg.LogisticRegressionCV(n_alphas=40, cv=4, selection="min", patience=5,
                                         refit=False).fit(X, y)
    assert early.alpha_min_ == full.alpha_min_
    assert np.isnan(early.cv_scores_).any()
    assert not hasattr(early, "coef_")
    with pytest.raises(fastreg.NotFittedError):
        early.predict(X)


# --------------------------------------------------------------- folds ---

def test_stratified_folds():
    X, y = classification(n=203, seed=6, imbalance=-2.0)
    model = fastreg.LogisticRegressionCV(n_alphas=5, cv=5, refit=False).fit(X, y)
    share = np.mean(y == 1)
    tests = np.concatenate([test for _, test in model.folds_])
    assert np.array_equal(np.sort(tests), np.arange(203))
    sizes = [len(test) for _, test in model.folds_]
    assert max(sizes) - min(sizes) <= 1
    for train, test in model.folds_:
        assert abs(np.sum(y[test] == 1) - share * len(test)) <= 1
        assert np.intersect1d(train, test).size == 0 and len(train) + len(test) == 203
    # seeded locally, not from the global RNG; another seed shuffles differently
    np.random.seed(0)
    again = fastreg.LogisticRegressionCV(n_alphas=5, cv=5, refit=False).fit(X, y)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(model.folds_, again.folds_))
    other = fastreg.LogisticRegressionCV(n_alphas=5, cv=5, refit=False,
                                         random_state=1).fit(X, y)
    assert not all(np.array_equal(a[1], b[1]) for a, b in zip(model.folds_, other.folds_))


def test_splitter_and_pairs_accepted():
    sk_ms = pytest.importorskip("sklearn.model_selection")
    X, y = classification(n=120, seed=7)
    splitter = sk_ms.StratifiedKFold(3, shuffle=True, random_state=0)
    pairs = list(splitter.split(X, y))
    a = fastreg.LogisticRegressionCV(n_alphas=8, cv=splitter).fit(X, y)
    b = fastreg.LogisticRegressionCV(n_alphas=8, cv=pairs).fit(X, y)
    np.testing.assert_array_equal(a.cv_scores_, b.cv_scores_)
    assert a.alpha_ == b.alpha_


def test_n_jobs_identical():
    X, y = sparse_classification()
    one = fastreg.LogisticRegressionCV(n_alphas=20, cv=4, n_jobs=1, patience=3).fit(X, y)
    two = fastreg.LogisticRegressionCV(n_alphas=20, cv=4, n_jobs=2, patience=3).fit(X, y)
    np.testing.assert_array_equal(one.cv_scores_, two.cv_scores_)
    np.testing.assert_array_equal(one.coef_, two.coef_)
    assert one.alpha_ == two.alpha_


# ------------------------------------------------------------- weights ---

@pytest.mark.parametrize("scoring", SCORINGS)
def test_sample_weights_flow_into_folds_and_scores(scoring):
    X, y = classification(n=120, p=15, seed=8)
    w = np.random.default_rng(0).uniform(0.2, 3.0, 120)
    folds = stratified_kfold(y, 3, random_state=0)
    model = fastreg.LogisticRegressionCV(n_alphas=10, cv=folds, scoring=scoring,
                                         **TIGHT_CV).fit(X, y, sample_weight=w)
    grid = np.geomspace(1, 1e-3, 10) * fastreg.logistic_alpha_max(X, y, sample_weight=w)
    np.testing.assert_allclose(model.alphas_, grid, rtol=1e-12)
    by_hand = curve_by_hand(X, y, folds, model.alphas_, scoring, sample_weight=w)
    np.testing.assert_allclose(model.cv_scores_, by_hand, rtol=1e-6, atol=1e-9)
    test_weights = np.array([w[test].sum() for _, test in folds])
    np.testing.assert_allclose(model.cv_mean_, test_weights @ by_hand / test_weights.sum(),
                               rtol=1e-6, atol=1e-9)
    unweighted = fastreg.LogisticRegressionCV(n_alphas=10, cv=folds, scoring=scoring,
                                              **TIGHT_CV).fit(X, y)
    assert not np.allclose(unweighted.cv_scores_, model.cv_scores_)


def test_weighted_auc_is_sklearns():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(1)
    y = (rng.random(80) < 0.3).astype(float)
    eta = np.round(rng.standard_normal(80), 1)  # with ties
    w = rng.uniform(0, 2, 80)
    assert auc(y, eta, w) == pytest.approx(metrics.roc_auc_score(y, eta, sample_weight=w))
    assert auc(y, eta) == pytest.approx(metrics.roc_auc_score(y, eta))


# ---------------------------------------------------------- labels, inputs ---

@pytest.mark.parametrize("labels", [(0, 1), (-1, 1), (3, 7), ("cat", "dog"), (False, True),
                                    (0.0, 2.0)])
def test_any_two_labels(labels):
    X, y01 = classification(n=100, p=10, seed=9)
    y = np.asarray(labels)[(y01 == 1).astype(int)] if labels != (0, 1) else y01
    model = fastreg.LogisticRegressionCV(n_alphas=8, cv=3).fit(X, y)
    base = fastreg.LogisticRegressionCV(n_alphas=8, cv=3).fit(X, y01)
    np.testing.assert_array_equal(model.classes_, np.sort(np.asarray(labels)))
    np.testing.assert_array_equal(model.cv_scores_, base.cv_scores_)
    pred = model.predict(X)
    assert pred.dtype == model.classes_.dtype
    np.testing.assert_array_equal(pred, model.classes_[(base.predict(X) == 1).astype(int)])
    lists = fastreg.LogisticRegressionCV(n_alphas=8, cv=3).fit(X.tolist(), list(y))
    np.testing.assert_array_equal(lists.cv_scores_, base.cv_scores_)


def test_dense_csr_csc_agree():
    X, y = sparse_classification()
    fits = [fastreg.LogisticRegressionCV(n_alphas=15, cv=3, **TIGHT_CV).fit(A, y)
            for A in (X.toarray(), X.tocsr(), X.tocsc())]
    for other in fits[1:]:
        np.testing.assert_allclose(other.cv_scores_, fits[0].cv_scores_, rtol=1e-7,
                                   atol=1e-9)
        np.testing.assert_allclose(other.coef_, fits[0].coef_, atol=1e-7)
        assert other.alpha_ == pytest.approx(fits[0].alpha_, rel=1e-12)  # alpha_max: ulps


def test_inputs_not_modified():
    X, y = sparse_classification()
    X = X.tocsr()
    y = np.where(y == 1, "a", "b")
    w = np.random.default_rng(2).uniform(0.5, 2, X.shape[0])
    copies = (X.copy(), y.copy(), w.copy())
    Xd = X.toarray()
    Xd_copy = Xd.copy()
    fastreg.LogisticRegressionCV(n_alphas=8, cv=3).fit(X, y, sample_weight=w)
    fastreg.LogisticRegressionCV(n_alphas=8, cv=3).fit(Xd, y, sample_weight=w)
    assert (X != copies[0]).nnz == 0
    np.testing.assert_array_equal(y, copies[1])
    np.testing.assert_array_equal(w, copies[2])
    np.testing.assert_array_equal(Xd, Xd_copy)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(scoring="mse"), ValueError, "scoring must be one of"),
    (dict(scoring=None), ValueError, "scoring must be one of"),
    (dict(cv=1), ValueError, "cv must be at least 2"),
    (dict(cv="five"), TypeError, "cv must be"),
    (dict(cv=True), TypeError, "cv must be"),
    (dict(selection="max"), ValueError, "selection"),
    (dict(patience=0), ValueError, "patience"),
    (dict(l1_ratio=[]), ValueError, "l1_ratio"),
])
def test_bad_arguments(kwargs, error, match):
    X, y = classification(n=60, p=5)
    with pytest.raises(error, match=match):
        fastreg.LogisticRegressionCV(n_alphas=5, **kwargs).fit(X, y)


def test_single_class_fold_and_labels():
    X, y = classification(n=60, p=5)
    y = np.zeros(60, dtype=int)
    y[[3, 40]] = 1  # 2 samples of class 1: 5 stratified folds hold out at most one
    with pytest.raises(ValueError, match=r"cv: the training rows of fold \d hold no sample "
                                         r"of class 1"):
        fastreg.LogisticRegressionCV(n_alphas=5, cv=[(np.arange(30), np.arange(30, 60)),
                                                     (np.arange(30, 60), np.arange(30))]
                                     ).fit(X, np.r_[np.zeros(30), np.ones(30)])
    # AUC needs both classes in the held-out rows: with 2 positives, 5 folds cannot
    with pytest.raises(ValueError, match=r"cv: the held-out rows of fold \d .*AUC"):
        fastreg.LogisticRegressionCV(n_alphas=5, cv=5, scoring="auc").fit(X, y)
    fastreg.LogisticRegressionCV(n_alphas=5, cv=5, scoring="deviance").fit(X, y)  # fine
    # a class with zero weight on a fold's training rows
    w = np.ones(60)
    folds = stratified_kfold(y, 2, random_state=0)
    w[np.intersect1d(folds[0][0], [3, 40])] = 0.0
    with pytest.raises(ValueError, match="cv: the training rows of fold 0"):
        fastreg.LogisticRegressionCV(n_alphas=5, cv=folds).fit(X, y, sample_weight=w)
    with pytest.raises(ValueError, match="scoring='auc' needs two classes"):
        fastreg.LogisticRegressionCV(n_alphas=5, scoring="auc").fit(X, np.arange(60) % 3)
    with pytest.raises(ValueError, match="continuous"):
        fastreg.LogisticRegressionCV(n_alphas=5).fit(X, np.linspace(0, 1, 60))
    with pytest.raises(ValueError, match="single class"):
        fastreg.LogisticRegressionCV(n_alphas=5).fit(X, np.ones(60))


def test_check_cv_stratify_only_for_ints():
    X, y = classification(n=50, p=5)
    pairs = [(np.arange(25), np.arange(25, 50)), (np.arange(25, 50), np.arange(25))]
    assert all(np.array_equal(a[1], b[1]) for a, b in
               zip(check_cv(pairs, X, y, stratify=True), pairs))


def test_plot_labels_the_error():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    X, y = classification(n=80, p=5)
    for scoring, label in (("deviance", "deviance"), ("accuracy", "misclassification"),
                           ("auc", "AUC")):
        ax = fastreg.LogisticRegressionCV(n_alphas=6, cv=3, scoring=scoring).fit(X, y).plot()
        assert label in ax.get_ylabel()
        matplotlib.pyplot.close(ax.figure)
