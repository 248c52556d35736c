"""The multinomial model's products with X over feature sets (``_kernels/_class_products.pyx``)."""

import numpy as np
import pytest
import scipy.sparse as sp

from fastreg._design import Design
from fastreg._kernels import _class_products, _problem


def _design(fmt, dtype, index, weighted, n=60, p=15, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * (rng.random((n, p)) < 0.4)
    if fmt == "csc":
        X = sp.csc_matrix(X.astype(dtype))
        X.indices, X.indptr = X.indices.astype(index), X.indptr.astype(index)
    else:
        X = np.asfortranarray(X.astype(dtype))
    sw = rng.uniform(0.5, 2.0, n) if weighted else None
    design = Design(X, sw, True)
    return design, _problem.DesignView(design, implicit_centering=False), rng


CASES = [("dense", np.float64, np.int32), ("dense", np.float32, np.int32),
         ("csc", np.float64, np.int32), ("csc", np.float32, np.int64)]


@pytest.mark.parametrize("fmt,dtype,index", CASES)
def test_predictors_skip_zero_coefficients_and_add_the_intercepts(fmt, dtype, index):
    design, view, rng = _design(fmt, dtype, index, False)
    K, cols = 4, np.array([1, 4, 5, 11, 14], dtype=np.intp)
    W = rng.standard_normal((K, len(cols))) * (rng.random((K, len(cols))) < 0.5)
    b = rng.standard_normal(K)
    eta = np.full((K, design.n_samples), np.nan)
    _class_products.predictors(view, W, b, cols, eta)
    X = design.X.toarray() if sp.issparse(design.X) else design.X
    expected = W @ X[:, cols].astype(np.float64).T + b[:, None]
    np.testing.assert_allclose(eta, expected, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("fmt,dtype,index", CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_correlations_are_the_weighted_products(fmt, dtype, index, weighted):
    design, view, rng = _design(fmt, dtype, index, weighted)
    K, cols = 3, np.array([0, 2, 3, 9], dtype=np.intp)
    theta = rng.standard_normal((design.n_samples, K))
    out = np.full((len(cols), K), np.nan)
    _class_products.correlations(view, theta, cols, out)
    X = design.X.toarray() if sp.issparse(design.X) else design.X
    s = np.ones(design.n_samples) if design.sample_weight is None else design.sample_weight
    expected = X[:, cols].astype(np.float64).T @ (s[:, None] * theta)
    np.testing.assert_allclose(out, expected, rtol=1e-13, atol=1e-13)


def test_bad_columns_and_shapes_are_refused():
    design, view, rng = _design("csc", np.float64, np.int32, False)
    with pytest.raises(IndexError, match="cols"):
        _class_products.correlations(view, np.zeros((design.n_samples, 2)),
                                     np.array([15], dtype=np.intp), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="eta"):
        _class_products.predictors(view, np.zeros((2, 1)), np.zeros(2),
                                   np.array([0], dtype=np.intp), np.zeros((2, 5)))
