"""Estimator plumbing shared by every fastreg model.

fastreg does not depend on scikit-learn at run time, so this module provides
the small part of its estimator protocol the models need: constructor
parameters via ``get_params``/``set_params`` (so ``clone``, ``Pipeline`` and
``GridSearchCV`` work), fitted-state checks, and the predictions of linear
regressors and binary classifiers.
"""

import inspect

import numpy as np
import scipy.sparse as sp
from scipy.special import logsumexp

from ._validation import check_bools, check_X, check_y
from ._warnings import not_fitted_error

__all__ = ["BaseEstimator", "LinearClassifierMixin", "LinearRegressorMixin"]


class BaseEstimator:
    """Parameter handling following scikit-learn's conventions.

    Subclasses declare every hyper-parameter as an explicit keyword argument
    of ``__init__`` and store it unchanged under the same name.
    """

    @classmethod
    def _param_names(cls):
        signature = inspect.signature(cls.__init__)
        return sorted(
            name
            for name, p in signature.parameters.items()
            if name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        )

    def _store_params(self, params):
        """Store every constructor argument unchanged: ``self._store_params(locals())``."""
        for name in self._param_names():
            setattr(self, name, params[name])

    def get_params(self, deep=True):
        """Return the estimator's hyper-parameters as a dict."""
        params = {}
        for name in self._param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                params.update((f"{name}__{k}", v) for k, v in value.get_params().items())
            params[name] = value
        return params

    def set_params(self, **params):
        """Set hyper-parameters; unknown names raise ValueError."""
        valid = self._param_names()
        for key, value in params.items():
            name, _, sub = key.partition("__")
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator {type(self).__name__}; "
                    f"valid parameters are {valid}."
                )
            if sub:
                getattr(self, name).set_params(**{sub: value})
            else:
                setattr(self, name, value)
        return self

    def __repr__(self):
        defaults = inspect.signature(type(self).__init__).parameters
        changed = [
            f"{k}={v!r}"
            for k, v in self.get_params(deep=False).items()
            if not (k in defaults and _same(defaults[k].default, v))
        ]
        return f"{type(self).__name__}({', '.join(changed)})"

    def __sklearn_tags__(self):
        # Only scikit-learn calls this, so importing it here adds no runtime dependency.
        from sklearn.utils import InputTags, RegressorTags, Tags, TargetTags

        return Tags(
            estimator_type="regressor",
            target_tags=TargetTags(required=True),
            regressor_tags=RegressorTags(),
            input_tags=InputTags(sparse=True),
        )

    def _warm_coef(self, shape, y=None):
        """The previous fit's ``coef_`` to start from (``warm_start``), or None.

        Only coefficients of the shape ``shape()`` returns qualify (a function:
        X and y are read only for a warm start, as their validation comes
        later); for a classifier (``y`` given) it is the shape after the first
        axis (one row per class, or one for two), and the classes must be y's.
        """
        check_bools(warm_start=self.warm_start)
        coef = getattr(self, "coef_", None)
        if not self.warm_start or coef is None:
            return None
        if np.shape(coef)[(0 if y is None else 1):] != tuple(shape()):
            return None
        if y is not None and not np.array_equal(self.classes_, np.unique(np.asarray(y))):
            return None
        return coef

    def _store_solution(self, path, coef, intercept):
        """Keep the fit at a path's first alpha: coefficients, intercept, epochs, gap."""
        self.coef_ = coef
        self.intercept_ = intercept
        self.n_iter_ = int(path.n_iters[0])
        self.dual_gap_ = float(path.dual_gaps[0])
        self.n_features_in_ = coef.shape[-1]
        return self

    @property
    def sparse_coef_(self):
        """``coef_`` as a scipy.sparse CSR matrix (one row per class or task)."""
        self._check_is_fitted()
        return sp.csr_matrix(np.atleast_2d(self.coef_))

    def _check_is_fitted(self):
        if not hasattr(self, "coef_"):
            raise not_fitted_error(
                f"This {type(self).__name__} instance is not fitted yet; call fit first."
            )

    def _validate_predict_X(self, X):
        self._check_is_fitted()
        X = check_X(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input."
            )
        return X


def _same(a, b):
    try:
        return bool(a is b or a == b)
    except (ValueError, TypeError):
        return False


class LinearRegressorMixin:
    """``predict`` and ``score`` for models with ``coef_`` and ``intercept_``."""

    _estimator_type = "regressor"

    def _set_n_features(self, X):
        self.n_features_in_ = X.shape[1]

    def predict(self, X):
        """Predict targets for X.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) (or (n_samples, n_targets))
        """
        X = self._validate_predict_X(X)
        return np.asarray(X @ np.asarray(self.coef_).T) + self.intercept_

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R² of the prediction (weighted if given)."""
        pred = self.predict(X)
        y = np.asarray(y, dtype=np.float64)
        if y.ndim == 1:
            y = check_y(y, pred.shape[0])
        w = np.ones(y.shape[0]) if sample_weight is None else np.asarray(sample_weight, float)
        w = w.reshape(-1, *([1] * (y.ndim - 1)))
        resid = (w * (y - pred) ** 2).sum(axis=0)
        total = (w * (y - np.average(y, axis=0, weights=w.ravel())) ** 2).sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            r2 = np.where(total > 0, 1.0 - resid / np.where(total > 0, total, 1.0),
                          np.where(resid > 0, 0.0, 1.0))
        return float(np.mean(r2))


class LinearClassifierMixin:
    """Predictions of linear classifiers with ``classes_``, ``coef_`` and ``intercept_``.

    Two classes: ``coef_`` (1, p) and ``intercept_`` (1,) give the log-odds of
    ``classes_[1]``. K > 2 classes: ``coef_`` (K, p) and ``intercept_`` (K,)
    give the softmax's linear predictors, one row per class.
    """

    _estimator_type = "classifier"
    _multi_class = False

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

        return Tags(estimator_type="classifier", target_tags=TargetTags(required=True),
                    classifier_tags=ClassifierTags(multi_class=self._multi_class),
                    input_tags=InputTags(sparse=True))

    def decision_function(self, X):
        """Linear predictors: the log-odds of ``classes_[1]`` (n_samples,), or (n_samples, K)."""
        X = self._validate_predict_X(X)
        if self.coef_.shape[0] > 1:
            return (np.asarray(X @ self.coef_.T.astype(X.dtype, copy=False), dtype=np.float64)
                    + self.intercept_)
        return np.asarray(X @ self.coef_[0].astype(X.dtype, copy=False),
                          dtype=np.float64).ravel() + self.intercept_[0]

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes), columns in the order of ``classes_``."""
        return np.exp(self.predict_log_proba(X))

    def predict_log_proba(self, X):
        """Logarithms of :meth:`predict_proba`, computed without underflow."""
        eta = self.decision_function(X)
        if eta.ndim == 2:
            return eta - logsumexp(eta, axis=1, keepdims=True)
        return np.column_stack([-np.logaddexp(0.0, eta), -np.logaddexp(0.0, -eta)])

    def predict(self, X):
        """The most probable class of each sample."""
        eta = self.decision_function(X)  # checks that the model is fitted first
        if eta.ndim == 2:
            return self.classes_[np.argmax(eta, axis=1)]
        return self.classes_[(eta > 0).astype(np.intp)]

    def score(self, X, y, sample_weight=None):
        """Accuracy (weighted if given)."""
        return float(np.average(self.predict(X) == np.asarray(y), weights=sample_weight))
