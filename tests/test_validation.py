"""The input contract: every bad input gets a clear error naming the argument."""

import numpy as np
import pytest
import scipy.sparse as sp

import fastreg

rng = np.random.default_rng(0)
X = rng.standard_normal((20, 5))
y = rng.standard_normal(20)

ENTRY_POINTS = {
    "lasso_path": lambda X, y, **kw: fastreg.lasso_path(X, y, n_alphas=3, **kw),
    "enet_path": lambda X, y, **kw: fastreg.enet_path(X, y, n_alphas=3, **kw),
    "Lasso.fit": lambda X, y, **kw: fastreg.Lasso(alpha=0.1).fit(X, y, **kw),
}


@pytest.fixture(params=sorted(ENTRY_POINTS))
def fit(request):
    return ENTRY_POINTS[request.param]


@pytest.mark.parametrize("bad, where", [(np.nan, "NaN"), (np.inf, "infinity")])
def test_nonfinite_X_reports_position(fit, bad, where):
    Xb = X.copy()
    Xb[7, 3] = bad
    with pytest.raises(ValueError, match=rf"X contains {where} at position \(7, 3\)"):
        fit(Xb, y)
    with pytest.raises(ValueError, match=rf"X contains {where} at position \(7, 3\)"):
        fit(sp.csr_matrix(Xb), y)


def test_nonfinite_y_and_weights(fit):
    yb = y.copy()
    yb[4] = np.nan
    with pytest.raises(ValueError, match=r"y contains NaN at index 4"):
        fit(X, yb)
    w = np.ones(20)
    w[2] = np.inf
    with pytest.raises(ValueError, match=r"sample_weight contains infinity at index 2"):
        fit(X, y, sample_weight=w)


def test_shape_mismatch_names_both_shapes(fit):
    with pytest.raises(ValueError, match=r"X has 20 rows, y has shape \(19,\)"):
        fit(X, y[:-1])
    with pytest.raises(ValueError, match=r"sample_weight must have shape \(20,\)"):
        fit(X, y, sample_weight=np.ones(3))


def test_empty_and_non_2d(fit):
    with pytest.raises(ValueError, match="X is empty"):
        fit(np.empty((0, 3)), np.empty(0))
    with pytest.raises(ValueError, match="X is empty"):
        fit(np.empty((20, 0)), y)
    with pytest.raises(ValueError, match="X must be 2-D"):
        fit(np.ones(20), y)
    with pytest.raises(ValueError, match="y must be 1-D"):
        fit(X, np.ones((20, 2)))


def test_non_numeric(fit):
    with pytest.raises(TypeError, match="X contains non-numeric data"):
        fit(np.array([["a", "b"]] * 20), y)
    with pytest.raises(ValueError, match="Complex data not supported"):
        fit(X + 1j, y)


def test_negative_and_zero_weights(fit):
    w = np.ones(20)
    w[5] = -1
    with pytest.raises(ValueError, match=r"sample_weight must be non-negative; sample_weight\[5\]"):
        fit(X, y, sample_weight=w)
    with pytest.raises(ValueError, match="sample_weight sums to zero"):
        fit(X, y, sample_weight=np.zeros(20))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(tol=0.0), ValueError, "tol must be > 0"),
        (dict(tol=-1e-3), ValueError, "tol must be > 0"),
        (dict(tol=np.nan), ValueError, "tol must be finite"),
        (dict(max_iter=0), ValueError, "max_iter must be >= 1"),
        (dict(max_iter=2.5), TypeError, "max_iter must be an integer"),
        (dict(penalty_factor=-np.ones(5)), ValueError, "penalty_factor must be non-negative"),
        (dict(penalty_factor=np.zeros(5)), ValueError, "penalty_factor is zero for every"),
        (dict(penalty_factor=np.ones(4)), ValueError, r"penalty_factor must have shape \(5,\)"),
    ],
)
def test_invalid_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        fastreg.lasso_path(X, y, n_alphas=3, **kwargs)
    with pytest.raises(error, match=match):
        fastreg.Lasso(alpha=0.1, **kwargs).fit(X, y)


def test_invalid_alpha_and_l1_ratio():
    with pytest.raises(ValueError, match=r"alphas must be >= 0; alphas\[1\] = -1"):
        fastreg.lasso_path(X, y, alphas=[0.1, -1.0])
    with pytest.raises(ValueError, match="alphas contains NaN"):
        fastreg.lasso_path(X, y, alphas=[np.nan])
    with pytest.raises(ValueError, match="alpha must be >= 0"):
        fastreg.Lasso(alpha=-0.5).fit(X, y)
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match="l1_ratio must be"):
            fastreg.enet_path(X, y, l1_ratio=bad)
        with pytest.raises(ValueError, match="l1_ratio must be"):
            fastreg.ElasticNet(l1_ratio=bad).fit(X, y)
    with pytest.raises(TypeError, match="l1_ratio must be a real number"):
        fastreg.ElasticNet(l1_ratio="half").fit(X, y)


def test_coef_init_shape():
    with pytest.raises(ValueError, match=r"coef_init must have shape \(5,\)"):
        fastreg.lasso_path(X, y, coef_init=np.zeros(4))


def test_int_and_bool_X_become_float64():
    Xi = (X > 0).astype(np.int64)
    path = fastreg.lasso_path(Xi, y, n_alphas=3)
    assert path.coefs.dtype == np.float64
    path = fastreg.lasso_path(Xi.astype(bool), y, n_alphas=3)
    assert path.coefs.dtype == np.float64


def test_float32_stays_float32():
    model = fastreg.Lasso(alpha=0.01).fit(X.astype(np.float32), y)
    assert model.coef_.dtype == np.float32
    path = fastreg.lasso_path(sp.csc_matrix(X.astype(np.float32)), y, n_alphas=3)
    assert path.coefs.dtype == np.float32


def test_predict_checks():
    model = fastreg.Lasso(alpha=0.1)
    with pytest.raises(fastreg.NotFittedError, match="not fitted"):
        model.predict(X)
    model.fit(X, y)
    with pytest.raises(ValueError, match="X has 4 features, but Lasso is expecting 5"):
        model.predict(X[:, :4])


def test_huge_finite_values_are_not_mistaken_for_inf():
    Xh = np.arange(1, 5)[:, None] / 4 * np.full((4, 2), 1e308)  # finite; their sum overflows
    assert np.all(np.isfinite(Xh)) and not np.isfinite(Xh.sum())
    path = fastreg.lasso_path(Xh, np.arange(4.0), n_alphas=2)
    assert len(path) == 2
