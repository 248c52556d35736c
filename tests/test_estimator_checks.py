"""scikit-learn's estimator conformance checks, plus Pipeline / GridSearchCV use."""

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import fastreg  # noqa: E402

ESTIMATORS = [fastreg.Lasso(alpha=0.1), fastreg.ElasticNet(alpha=0.1, l1_ratio=0.7),
              fastreg.LogisticRegression(alpha=0.01)]
for name in ("Ridge", "RidgeCV"):
    if hasattr(fastreg, name):
        ESTIMATORS.append(getattr(fastreg, name)())


@parametrize_with_checks(ESTIMATORS)
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
