"""The input contract of Ridge, ridge_path and RidgeCV, and estimator plumbing."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from fastreg import NotFittedError, Ridge, RidgeCV, ridge_path
from fastreg._ridge._design import RidgeDesign


def data(n=30, p=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 1.0
    return X, X @ rng.standard_normal(p) + rng.standard_normal(n)


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda X, y: (np.where(np.arange(X.size).reshape(X.shape) == 7, np.nan, X), y),
         ValueError, r"X contains NaN at position \(1, 1\)"),
        (lambda X, y: (X, np.r_[y[:-1], np.inf]), ValueError, r"y contains infinity at index 29"),
        (lambda X, y: (X, y[:-2]), ValueError, r"X has 30 rows, y has shape \(28,\)"),
        (lambda X, y: (X[:0], y[:0]), ValueError, "X is empty"),
        (lambda X, y: (X.astype(str).astype(object) + "x", y), TypeError, "non-numeric"),
        (lambda X, y: (X, y.reshape(3, 10, 1)), ValueError, "y must be 1-D .* or 2-D"),
        (lambda X, y: (X, np.empty((30, 0))), ValueError, "y has no targets"),
        (lambda X, y: (X, np.c_[y, np.r_[np.nan, y[1:]]]), ValueError,
         r"y contains NaN at position \(0, 1\)"),
        (lambda X, y: (X[0], y), ValueError, "X must be 2-D"),
        (lambda X, y: (X + 1j, y), (TypeError, ValueError), "[Cc]omplex"),
    ],
)
def test_data_errors_name_the_argument(make, error, match):
    X, y = make(*data())
    for call in (lambda: Ridge().fit(X, y), lambda: ridge_path(X, y, n_alphas=3),
                 lambda: RidgeCV(alphas=[1.0]).fit(X, y)):
        with pytest.raises(error, match=match):
            call()


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"alpha": -1.0}, ValueError, "alpha must be >= 0"),
        ({"alpha": "big"}, TypeError, "alpha must be a real number"),
        ({"tol": 0.0}, ValueError, "tol must be > 0"),
        ({"max_iter": 0}, ValueError, "max_iter must be >= 1"),
        ({"max_iter": 2.5}, TypeError, "max_iter must be an integer"),
        ({"solver": "svd"}, ValueError, r"solver must be one of \('auto', 'cholesky'"),
        ({"penalty_factor": -np.ones(6)}, ValueError, r"penalty_factor must be non-negative"),
        ({"penalty_factor": np.ones(5)}, ValueError, r"penalty_factor must have shape \(6,\)"),
        ({"penalty_factor": np.zeros(6)}, ValueError, "penalty_factor is zero for every"),
        ({"solver": "eigen", "penalty_factor": np.r_[0.0, np.ones(5)]}, ValueError,
         "solver='eigen' requires every penalty_factor > 0"),
    ],
)
def test_parameter_errors(kwargs, error, match):
    X, y = data()
    with pytest.raises(error, match=match):
        Ridge(**kwargs).fit(X, y)


def test_weight_errors():
    X, y = data()
    with pytest.raises(ValueError, match=r"sample_weight must be non-negative; sample_weight\[2\]"):
        Ridge().fit(X, y, sample_weight=np.r_[1.0, 1.0, -1.0, np.ones(27)])
    with pytest.raises(ValueError, match=r"sample_weight must have shape \(30,\)"):
        Ridge().fit(X, y, sample_weight=np.ones(29))
    with pytest.raises(ValueError, match="sample_weight sums to zero"):
        Ridge().fit(X, y, sample_weight=np.zeros(30))
    with pytest.raises(ValueError, match="alphas must be >= 0"):
        ridge_path(X, y, alphas=[1.0, -0.1])
    with pytest.raises(ValueError, match="n_alphas must be >= 1"):
        ridge_path(X, y, n_alphas=0)


@pytest.mark.parametrize("eps", [10.0, 0.0, -1e-3])
def test_grid_eps_outside_unit_interval_is_rejected(eps):
    X, y = data()
    for call in (lambda: ridge_path(X, y, eps=eps), lambda: RidgeCV(eps=eps).fit(X, y)):
        with pytest.raises(ValueError, match="eps must be"):
            call()


def test_default_grid_for_constant_y_is_positive_and_fits_zero():
    X, _ = data()
    path = ridge_path(X, np.full(30, 3.0), n_alphas=5)
    assert np.all(path.alphas > 0) and np.all(np.diff(path.alphas) < 0)
    np.testing.assert_array_equal(path.coefs, 0.0)
    np.testing.assert_allclose(path.intercepts, 3.0)


def _inputs(kind):
    X, y = data()
    sw = np.linspace(0.5, 2.0, 30)
    pf = np.linspace(0.5, 1.5, 6)
    if kind == "F":
        X = np.asfortranarray(X)
    elif kind in ("csr", "csc"):
        X = getattr(sp, f"{kind}_matrix")(X)
    return X, y, sw, pf


def _freeze(a):
    arrays = [a.data, a.indices, a.indptr] if sp.issparse(a) else [a]
    for arr in arrays:
        arr.setflags(write=False)
    return a


@pytest.mark.parametrize("solver", ["cholesky", "eigen", "cg"])
@pytest.mark.parametrize("kind", ["C", "F", "csr", "csc"])
def test_caller_arrays_untouched_and_read_only_accepted(kind, solver):
    X, y, sw, pf = _inputs(kind)
    copies = [X.copy(), y.copy(), sw.copy(), pf.copy()]
    for a in (X, y, sw, pf):
        _freeze(a)
    Ridge(alpha=0.1, solver=solver, penalty_factor=pf).fit(X, y, sample_weight=sw)
    ridge_path(X, y, n_alphas=4, solver=solver, sample_weight=sw, penalty_factor=pf)
    RidgeCV(alphas=[1.0, 0.1], penalty_factor=pf).fit(X, y, sample_weight=sw)
    for before, after in zip(copies, (X, y, sw, pf)):
        if sp.issparse(before):
            assert (before != after).nnz == 0
        else:
            np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("kind", ["F", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_design_is_the_shared_design(kind, fit_intercept):
    """Column stats and XcᵀS r agree with the Design's; the right-hand side is XcᵀS yc."""
    from fastreg._design import Design

    X, y, sw, _ = _inputs(kind)
    d = RidgeDesign(X, y, sw, fit_intercept)
    base = Design(X, sw, fit_intercept)
    assert isinstance(d, Design)
    np.testing.assert_allclose(d.x_mean, base.x_mean, rtol=1e-14)
    np.testing.assert_array_equal(d.col_sq_norms, base.col_sq_norms)
    yc, y_mean = base.center_y(y)
    np.testing.assert_allclose(d.Yc[:, 0], yc, rtol=1e-15)
    np.testing.assert_allclose(d.B[:, 0], base.gradient(yc), rtol=1e-12)
    np.testing.assert_allclose(d.gradient(yc), base.gradient(yc), rtol=1e-12)
    np.testing.assert_allclose(d.sqrt_weights ** 2, d.sample_weight, rtol=1e-15)


def test_no_copy_of_fortran_or_csc_and_float32_kept():
    X, y = data()
    X32 = np.asfortranarray(X, dtype=np.float32)
    d = RidgeDesign(X32, y)
    assert d.X is X32 and d.dtype == np.float32
    csc = sp.csc_matrix(X)
    assert np.shares_memory(RidgeDesign(csc, y).X.data, csc.data)
    model = Ridge(alpha=0.1).fit(X32, y)
    assert model.coef_.dtype == np.float64
    np.testing.assert_allclose(model.coef_, Ridge(alpha=0.1).fit(X32.astype(float), y).coef_,
                               rtol=1e-12)


def test_unsorted_duplicate_and_int64_sparse_indices():
    """Non-canonical sparse input is summed and sorted, as the dense matrix it stands for."""
    X, y = data()
    coo = sp.coo_matrix(X)
    half = coo.data / 2
    dup = sp.coo_matrix((np.r_[half, half], (np.r_[coo.row, coo.row], np.r_[coo.col, coo.col])),
                        shape=X.shape)
    csc = dup.tocsc()
    csc.has_canonical_format = False
    csc.indices = csc.indices.astype(np.int64)
    csc.indptr = csc.indptr.astype(np.int64)
    reference = Ridge(alpha=0.1).fit(X, y).coef_
    for Xs in (dup, csc, dup.tocsr()[::-1][::-1]):
        for solver in ("auto", "cg"):
            np.testing.assert_allclose(Ridge(alpha=0.1, solver=solver, tol=1e-12).fit(Xs, y).coef_,
                                       reference, rtol=1e-8)


def test_estimator_plumbing():
    X, y = data()
    model = Ridge(alpha=0.3, solver="cg")
    assert repr(model) == "Ridge(alpha=0.3, solver='cg')"
    assert model.get_params()["alpha"] == 0.3
    with pytest.raises(NotFittedError, match="not fitted"):
        model.predict(X)
    fitted = clone(model).set_params(alpha=0.1).fit(X, y)
    assert fitted.alpha == 0.1 and fitted.n_features_in_ == 6
    with pytest.raises(ValueError, match="X has 5 features"):
        fitted.predict(X[:, :5])
    assert fitted.score(X, y) > 0.5
    search = GridSearchCV(make_pipeline(StandardScaler(), Ridge()),
                          {"ridge__alpha": [1e-3, 1e-1, 10.0]}, cv=3).fit(X, y)
    assert search.best_params_["ridge__alpha"] in (1e-3, 1e-1)
    cv = RidgeCV(alphas=[1.0, 0.1]).fit(X, y)
    assert repr(cv) == "RidgeCV(alphas=[1.0, 0.1])"


def test_column_vector_y_is_a_single_target():
    """y of shape (n, 1) is kept 2-D, as scikit-learn does for Ridge."""
    X, y = data()
    model = Ridge(alpha=0.1).fit(X, y[:, None])
    assert model.coef_.shape == (1, 6) and model.intercept_.shape == (1,)
    assert model.predict(X).shape == (30, 1)
    np.testing.assert_allclose(model.coef_[0], Ridge(alpha=0.1).fit(X, y).coef_)
