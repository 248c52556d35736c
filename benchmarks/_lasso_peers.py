"""The Lasso model of ``compare_peers.py``: its data and its peers' path runners.

Every runner fits the Lasso path 1/(2n)‖y − β0 − Xβ‖² + α‖β‖₁ (scikit-learn's
scale, also celer's and skglm's; glmnet's lambda (standardize off) and
adelie's lmda equal α) at the given alphas, without an intercept, or with one
(unpenalized; scikit-learn's and celer's path functions get it as their
estimators do, from the column means).
"""

import warnings

import numpy as np
import scipy.sparse as sp

from benchmarks._data import debian_tfidf, golub, news20_tfidf


def _debian(intercept):
    # log sizes average about 8: with no intercept, center the target instead
    X, y = debian_tfidf()
    return X, (y if intercept else y - y.mean())


DATA = {
    "news20": ("news20 tf-idf", lambda intercept: news20_tfidf()),
    "debian": ("debian tf-idf", _debian),
    "golub": ("golub", lambda intercept: golub()),
}


# ----------------------------------------------------------------- solvers ---
# Each takes (X, y, alphas, tol, intercept) and returns the coefficients,
# n_features × n_alphas, and the intercepts (zeros without one).

def _fastreg(X, y, alphas, tol, intercept):
    import fastreg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = fastreg.lasso_path(X, y, alphas=alphas, fit_intercept=intercept, tol=tol,
                                  max_iter=1_000_000)
    return path.coefs, path.intercepts


def _centered_inputs(X, y, intercept):
    """(X, y, path keywords, x̄, ȳ) for the path functions that take no intercept.

    Dense X is centered; sparse X is passed with its column means as
    ``X_offset``, which is how scikit-learn's and celer's estimators fit an
    intercept on sparse data.
    """
    if not intercept:
        return X, y, {}, np.zeros(X.shape[1]), 0.0
    x_mean = np.asarray(X.mean(axis=0)).ravel()
    y_mean = float(y.mean())
    if sp.issparse(X):
        keywords = dict(X_offset=x_mean, X_scale=np.ones_like(x_mean))
        return X, y - y_mean, keywords, x_mean, y_mean
    return X - x_mean, y - y_mean, {}, x_mean, y_mean


def _with_intercepts(coefs, x_mean, y_mean):
    """The path on centered data, and its intercepts ȳ − x̄ᵀβ."""
    return coefs, y_mean - coefs.T @ x_mean


def _sklearn(X, y, alphas, tol, intercept):
    from sklearn.linear_model import lasso_path

    X, y, keywords, x_mean, y_mean = _centered_inputs(X, y, intercept)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coefs = lasso_path(X, y, alphas=alphas, tol=tol, max_iter=1_000_000, **keywords)[1]
    return _with_intercepts(coefs, x_mean, y_mean)


def _celer(X, y, alphas, tol, intercept):
    from celer import celer_path

    X, y, keywords, x_mean, y_mean = _centered_inputs(X, y, intercept)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coefs = celer_path(X, y, "lasso", alphas=alphas, tol=tol, max_iter=1000,
                           max_epochs=1_000_000, **keywords)[1]
    return _with_intercepts(coefs, x_mean, y_mean)


def _skglm(X, y, alphas, tol, intercept):
    from skglm.datafits import Quadratic
    from skglm.penalties import L1
    from skglm.solvers import AndersonCD

    solver = AndersonCD(tol=tol, fit_intercept=intercept, max_iter=1000,
                        max_epochs=1_000_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coefs = solver.path(X, y, Quadratic(), L1(alpha=1.0), alphas=alphas)[1]
    # with an intercept, it is the last row
    p = X.shape[1]
    return coefs[:p], (coefs[p] if intercept else np.zeros(len(alphas)))


def _glmnet(X, y, alphas, tol, intercept):
    from glmnet import ElasticNet

    # alpha=1 is glmnet's pure-l1 mixing; lambda_path holds the alphas.
    model = ElasticNet(alpha=1.0, lambda_path=alphas, standardize=False,
                       fit_intercept=intercept, tol=tol, n_splits=0, max_iter=10_000_000)
    model.fit(X, y)
    return model.coef_path_, model.intercept_path_


def _adelie(X, y, alphas, tol, intercept):
    import adelie as ad

    if sp.issparse(X):
        matrix = ad.matrix.sparse(X, method="naive", n_threads=1)
    else:
        matrix = ad.matrix.dense(X, method="naive", n_threads=1)
    state = ad.solver.grpnet(matrix, ad.glm.gaussian(y), lmda_path=alphas, intercept=intercept,
                             early_exit=False, progress_bar=False, tol=tol,
                             max_iters=10_000_000, n_threads=1)
    return state.betas.T, np.asarray(state.intercepts)


SOLVERS = {
    "fastreg": ("fastreg", _fastreg),
    "sklearn": ("sklearn", _sklearn),
    "celer": ("celer", _celer),
    "skglm": ("skglm", _skglm),
    "glmnet": ("glmnet", _glmnet),
    "adelie": ("adelie", _adelie),
}
