"""scikit-learn's estimator conformance checks, plus Pipeline / GridSearchCV use."""

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import fastreg  # noqa: E402

# The weight-equivalence checks compare predictions at rtol 1e-7: the
# multinomial model (the checks' data have three classes) is asked for that.
ESTIMATORS = [fastreg.Lasso(alpha=0.1), fastreg.ElasticNet(alpha=0.1, l1_ratio=0.7),
              fastreg.LogisticRegression(alpha=0.01, tol=1e-12), fastreg.GroupLasso(alpha=0.1),
              fastreg.MultiTaskLasso(alpha=0.1),
              fastreg.MultiTaskElasticNet(alpha=0.1, l1_ratio=0.7),
              fastreg.LogisticRegression(alpha=0.01, multinomial="grouped", tol=1e-12),
              fastreg.LogisticGroupLasso(alpha=0.01, tol=1e-12)]
for name in ("Ridge", "RidgeCV"):
    if hasattr(fastreg, name):
        ESTIMATORS.append(getattr(fastreg, name)())
ESTIMATORS += [fastreg.LassoCV(n_alphas=10, cv=3),
               fastreg.ElasticNetCV(l1_ratio=[0.5, 1.0], n_alphas=10, cv=3),
               fastreg.LogisticRegressionCV(n_alphas=10, cv=3)]


def expected_failed_checks(estimator):
    """Cross-validation splits rows, not weight: a weight of 2 is not a repeated row."""
    if isinstance(estimator, (fastreg.LassoCV, fastreg.ElasticNetCV,
                              fastreg.LogisticRegressionCV)):
        reason = "folds split rows, so integer weights are not repeated rows (as scikit-learn's)"
        return {"check_sample_weight_equivalence_on_dense_data": reason,
                "check_sample_weight_equivalence_on_sparse_data": reason}
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_pipeline_and_grid_search():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 12))
    y = X[:, 0] - 2 * X[:, 3] + 0.1 * rng.standard_normal(80)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), fastreg.Lasso()),
        {"lasso__alpha": [1e-3, 1e-2, 1e-1]},
        cv=3,
    ).fit(X, y)
    assert search.best_params_["lasso__alpha"] in (1e-3, 1e-2, 1e-1)
    assert search.score(X, y) > 0.95


def test_cv_estimator_in_pipeline():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((90, 10))
    y = X[:, 1] - X[:, 4] + 0.1 * rng.standard_normal(90)
    model = make_pipeline(StandardScaler(), fastreg.LassoCV(n_alphas=20, cv=3)).fit(X, y)
    assert model.score(X, y) > 0.95
    assert model[-1].get_params()["cv"] == 3
