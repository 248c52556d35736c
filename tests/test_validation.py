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
    # not reported as inf or NaN, but as a magnitude whose squares overflow
    with pytest.raises(ValueError, match="largest magnitude is 1e"):
        fastreg.lasso_path(Xh, np.arange(4.0), n_alphas=2)


# -- sparse structure ---------------------------------------------------------

rng_s = np.random.default_rng(0)
Xs_dense = rng_s.normal(size=(60, 10))
ys = Xs_dense @ rng_s.normal(size=10) + rng_s.normal(size=60)

SPARSE_FITS = {
    "lasso_path": lambda X, y: fastreg.lasso_path(X, y, n_alphas=3),
    "Lasso.fit": lambda X, y: fastreg.Lasso(alpha=0.01).fit(X, y),
    "ElasticNet.fit": lambda X, y: fastreg.ElasticNet(alpha=0.01).fit(X, y),
    "Ridge.fit": lambda X, y: fastreg.Ridge(alpha=0.01).fit(X, y),
    "ridge_path": lambda X, y: fastreg.ridge_path(X, y, n_alphas=3),
}


def _csc():
    return sp.csc_matrix(Xs_dense)


def _set(obj, attr, value):
    setattr(obj, attr, value)
    return obj


def _edit(make, array, index, value):
    X = make()
    getattr(X, array)[index] = value
    return X


MALFORMED = {
    "row index too large": (lambda: _edit(_csc, "indices", 5, 60), r"indices\[5\] = 60 is outside \[0, 60\)"),
    "negative row index": (lambda: _edit(_csc, "indices", 7, -3), r"indices\[7\] = -3 is outside"),
    "csr column too large": (lambda: _edit(lambda: sp.csr_matrix(Xs_dense), "indices", 5, 1000),
                             r"indices\[5\] = 1000 is outside \[0, 10\)"),
    "coo row too large": (lambda: _edit(lambda: sp.coo_matrix(Xs_dense), "row", 5, 1000),
                          r"row\[5\] = 1000 is outside \[0, 60\)"),
    "coo_array negative col": (lambda: _edit(lambda: sp.coo_array(Xs_dense), "col", 3, -1),
                               r"col\[3\] = -1 is outside \[0, 10\)"),
    "coo length mismatch": (lambda: _set(sp.coo_matrix(Xs_dense), "data", Xs_dense.ravel()[:-2]),
                            "row has 600 entries but data has 598"),
    "indptr not monotone": (lambda: _edit(_csc, "indptr", 3, 10**6), "indptr is not non-decreasing"),
    "indptr too short": (lambda: _set(_csc(), "indptr", _csc().indptr[:-2]),
                         "indptr has length 9, expected 11"),
    "indptr[0] not 0": (lambda: _edit(_csc, "indptr", 0, 1), r"indptr\[0\] = 1, not 0"),
    "indptr[-1] beyond data": (lambda: _edit(_csc, "indptr", -1, 601), r"indptr\[-1\] = 601 exceeds"),
    "data shorter than indices": (lambda: _set(_csc(), "data", _csc().data[:-5]),
                                  "indices has 600 entries but data has 595"),
    "float indices": (lambda: _set(_csc(), "indices", _csc().indices.astype(float)),
                      "indices array has dtype float64"),
    "csr_array row pointer": (lambda: _edit(lambda: sp.csr_array(Xs_dense), "indptr", 30, 0),
                              "indptr is not non-decreasing"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
@pytest.mark.parametrize("entry", sorted(SPARSE_FITS))
def test_malformed_sparse_structure_raises(case, entry):
    make, match = MALFORMED[case]
    with pytest.raises(ValueError, match=match) as err:
        SPARSE_FITS[entry](make(), ys)
    assert str(err.value).startswith("X is a malformed sparse matrix")


def _scrambled(fmt):
    """Xs_dense in a compressed format with unsorted indices and split (duplicate) entries."""
    rng = np.random.default_rng(1)
    A = Xs_dense if fmt == "csc" else Xs_dense.T  # compress the columns of A
    data, indices, indptr = [], [], [0]
    for j in range(A.shape[1]):
        rows = rng.permutation(A.shape[0])
        vals = A[rows, j]
        split = rng.uniform(size=rows.size)
        k = rows.size // 4  # these entries are stored twice: the values must be summed
        data += list(vals[:k] * split[:k]) + list(vals[k:]) + list(vals[:k] * (1 - split[:k]))
        indices += list(rows) + list(rows[:k])
        indptr.append(len(indices))
    X = getattr(sp, f"{fmt}_matrix")((np.array(data), np.array(indices, dtype=np.int32),
                                      np.array(indptr, dtype=np.int32)), shape=Xs_dense.shape)
    assert not X.has_canonical_format
    return X


@pytest.mark.parametrize("entry", ["Lasso.fit", "Ridge.fit", "ElasticNet.fit"])
@pytest.mark.parametrize("fmt", ["csc", "csr", "coo"])
def test_unsorted_and_duplicate_indices_are_summed_without_touching_input(entry, fmt):
    X = _scrambled("csr" if fmt == "csr" else "csc")
    if fmt == "coo":
        X = X.tocoo()
        assert not X.has_canonical_format
    arrays = {k: getattr(X, k).copy() for k in ("data", "indices", "indptr", "row", "col")
              if hasattr(X, k)}
    np.testing.assert_allclose(X.toarray(), Xs_dense, rtol=1e-12, atol=1e-12)
    expected = SPARSE_FITS[entry](Xs_dense, ys).coef_
    got = SPARSE_FITS[entry](X, ys).coef_
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)
    for k, v in arrays.items():
        np.testing.assert_array_equal(getattr(X, k), v)


def test_stale_canonical_flag_is_not_trusted():
    X = _csc()
    assert X.has_canonical_format
    X.indices[[0, 1]] = X.indices[[1, 0]]  # scipy's cached flag still says canonical
    X.indices[2] = X.indices[3]            # and a duplicate
    dense = np.zeros(Xs_dense.shape)
    for j in range(X.shape[1]):
        for k in range(X.indptr[j], X.indptr[j + 1]):
            dense[X.indices[k], j] += X.data[k]
    checked = fastreg._validation.check_X(X)
    np.testing.assert_array_equal(checked.toarray(), dense)
    assert checked.has_canonical_format and checked is not X


def test_storage_beyond_indptr_end_is_ignored():
    X = _csc()
    nnz = X.indptr[-1]
    X.data, X.indices = np.append(X.data, [np.nan, 7.0]), np.append(X.indices, [99, -5])
    assert X.data.size == nnz + 2
    checked = fastreg._validation.check_X(X)
    assert checked.data.size == nnz
    np.testing.assert_array_equal(checked.toarray(), Xs_dense)


def test_canonical_csc_is_used_without_copy():
    for index_dtype in (np.int32, np.int64):
        X = _csc()
        X.indices, X.indptr = X.indices.astype(index_dtype), X.indptr.astype(index_dtype)
        assert fastreg._validation.check_X(X) is X


@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("kind", ["csc_matrix", "csr_matrix", "coo_matrix", "csc_array",
                                  "csr_array", "coo_array"])
def test_sparse_matrices_and_arrays_with_int32_and_int64_indices(kind, index_dtype):
    X = getattr(sp, kind)(Xs_dense)
    if kind.startswith("coo"):
        X.row, X.col = X.row.astype(index_dtype), X.col.astype(index_dtype)
    else:
        X.indices, X.indptr = X.indices.astype(index_dtype), X.indptr.astype(index_dtype)
    for entry in ("Lasso.fit", "Ridge.fit"):
        np.testing.assert_allclose(SPARSE_FITS[entry](X, ys).coef_,
                                   SPARSE_FITS[entry](Xs_dense, ys).coef_, rtol=1e-6, atol=1e-8)
    path = fastreg.lasso_path(X, ys, n_alphas=3)
    np.testing.assert_allclose(path.coefs.toarray(),
                               fastreg.lasso_path(Xs_dense, ys, n_alphas=3).coefs.toarray(),
                               rtol=1e-6, atol=1e-8)


def test_one_dimensional_sparse_array_is_refused():
    with pytest.raises(ValueError, match="X must be 2-D"):
        fastreg.Lasso().fit(sp.coo_array(np.ones(60)), ys)


# -- dtype and byte order -----------------------------------------------------

@pytest.mark.parametrize("dtype, expected", [(">f4", np.float32), ("<f4", np.float32),
                                             (">f8", np.float64), (">i4", np.float64),
                                             ("f2", np.float64), (bool, np.float64)])
def test_dtype_kept_or_widened_in_native_byte_order(dtype, expected):
    Xt = Xs_dense.astype(dtype)
    checked = fastreg._validation.check_X(Xt)
    assert checked.dtype == expected and checked.dtype.isnative
    Xsp = sp.csc_matrix(Xs_dense.astype(np.float32 if expected == np.float32 else np.float64))
    Xsp.data = Xsp.data.astype(dtype)  # scipy's constructors refuse non-native data
    checked = fastreg._validation.check_X(Xsp)
    assert checked.dtype == expected and checked.data.dtype.isnative
    assert fastreg._validation.check_y(ys.astype(dtype)).dtype.isnative


@pytest.mark.parametrize("sparse", [False, True])
def test_big_endian_float32_fits_like_native_float32(sparse):
    native = Xs_dense.astype(np.float32)
    swapped = native.astype(">f4")
    if sparse:
        native, swapped = sp.csc_matrix(native), sp.csc_matrix(native)
        swapped.data = swapped.data.astype(">f4")
    ref = fastreg.Lasso(alpha=0.01).fit(native, ys)
    model = fastreg.Lasso(alpha=0.01).fit(swapped, ys)
    assert model.coef_.dtype == np.float32
    np.testing.assert_array_equal(model.coef_, ref.coef_)
    assert fastreg.lasso_path(swapped, ys, n_alphas=3).coefs.dtype == np.float32
    np.testing.assert_allclose(fastreg.Ridge(alpha=0.01).fit(swapped, ys).coef_,
                               fastreg.Ridge(alpha=0.01).fit(native, ys).coef_, rtol=1e-6)


@pytest.mark.parametrize("bad, error, match", [
    (Xs_dense + 1j, ValueError, "Complex data not supported: X has dtype complex128"),
    (Xs_dense.astype("M8[s]"), TypeError, "X has non-numeric dtype datetime64"),
    (np.full((60, 10), "a"), TypeError, "X contains non-numeric data"),
    (np.array(Xs_dense + 1j, dtype=object), TypeError, "X contains non-numeric data"),
    (np.array([[1.0, 2.0], [3.0]], dtype=object), TypeError, "X contains non-numeric data"),
    ([[1.0, 2.0], [3.0]], ValueError, "X cannot be converted to a numeric array"),
    (sp.csr_matrix(Xs_dense + 1j), ValueError, "Complex data not supported: X has dtype"),
])
def test_non_numeric_X_names_X(bad, error, match):
    n = bad.shape[0] if hasattr(bad, "shape") else len(bad)
    for fit in (lambda: fastreg.Lasso().fit(bad, ys[:n]), lambda: fastreg.Ridge().fit(bad, ys[:n])):
        with pytest.raises(error, match=match):
            fit()


def test_non_numeric_y_and_weights_name_the_argument():
    with pytest.raises(ValueError, match="Complex data not supported: y has dtype"):
        fastreg.Lasso().fit(Xs_dense, ys + 1j)
    with pytest.raises(TypeError, match="y contains non-numeric data"):
        fastreg.Ridge().fit(Xs_dense, np.full(60, "x"))
    with pytest.raises(TypeError, match="sample_weight contains non-numeric data"):
        fastreg.Lasso().fit(Xs_dense, ys, sample_weight=["w"] * 60)


def test_bool_X_becomes_float64():
    for Xb in (Xs_dense > 0, sp.csr_matrix(Xs_dense > 0)):
        assert fastreg.Lasso(alpha=0.01).fit(Xb, ys).coef_.dtype == np.float64
        np.testing.assert_allclose(fastreg.Lasso(alpha=0.01).fit(Xb, ys).coef_,
                                   fastreg.Lasso(alpha=0.01).fit((Xs_dense > 0) * 1.0, ys).coef_)


# -- extreme sample weights ---------------------------------------------------

WEIGHT_FITS = {
    "Lasso": lambda sw: fastreg.Lasso(alpha=0.01).fit(Xs_dense, ys, sample_weight=sw),
    "ElasticNet": lambda sw: fastreg.ElasticNet(alpha=0.01).fit(Xs_dense, ys, sample_weight=sw),
    "Ridge": lambda sw: fastreg.Ridge(alpha=0.01).fit(Xs_dense, ys, sample_weight=sw),
}


@pytest.mark.parametrize("entry", sorted(WEIGHT_FITS))
@pytest.mark.parametrize("scale", [5e-324, 1e-310, 1e-200, 1e300, 1e308 / 60, 1e308])
def test_extreme_weight_scales_give_the_unit_scale_fit(entry, scale):
    relative = np.arange(1, 61) / 60.0
    if scale < 1e-300:  # subnormal: only multiples of the smallest subnormal are exact
        sw = np.arange(1, 61) * scale
    else:
        sw = relative * scale
    assert np.all(np.isfinite(sw))
    model = WEIGHT_FITS[entry](sw)
    ref = WEIGHT_FITS[entry](relative)
    assert np.all(np.isfinite(model.coef_)) and np.isfinite(model.intercept_)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=1e-6, atol=1e-9)


def test_rescaled_weights_sum_to_n():
    for sw in (np.arange(1, 61) * 5e-324, np.linspace(0.5, 1, 60) * 1e308,
               np.r_[1e308, np.full(59, 1e-300)]):
        out = fastreg._validation.check_sample_weight(sw, 60)
        assert np.all(np.isfinite(out)) and out.sum() == pytest.approx(60.0)
    assert fastreg._validation.check_sample_weight(np.full(60, 5e-324), 60) is None
    assert fastreg._validation.check_sample_weight(np.full(60, 1e308), 60) is None
    with pytest.raises(ValueError, match="sample_weight sums to zero"):
        fastreg._validation.check_sample_weight(np.zeros(60), 60)


# -- numeric parameters -------------------------------------------------------

@pytest.mark.parametrize("alphas, error, match", [
    (["a"], TypeError, "alphas must be real numbers"),
    ("0.1", TypeError, "alphas must be real numbers"),
    ([0.1, "b"], TypeError, "alphas must be real numbers"),
    ([True], TypeError, "alphas must be real numbers"),
    ([1 + 1j], ValueError, "Complex data not supported: alphas"),
    ([[0.1, 0.2], [0.3]], TypeError, "alphas must be real numbers"),
    ([], ValueError, "alphas must be a non-empty 1-D sequence"),
])
def test_bad_alphas_name_alphas(alphas, error, match):
    for fit in (lambda: fastreg.lasso_path(Xs_dense, ys, alphas=alphas),
                lambda: fastreg.enet_path(Xs_dense, ys, alphas=alphas),
                lambda: fastreg.ridge_path(Xs_dense, ys, alphas=alphas),
                lambda: fastreg.RidgeCV(alphas=alphas).fit(Xs_dense, ys)):
        with pytest.raises(error, match=match):
            fit()


def test_numeric_alphas_of_any_container_are_accepted():
    ref = fastreg.lasso_path(Xs_dense, ys, alphas=[0.1, 0.01]).coefs.toarray()
    for alphas in ((0.01, 0.1), np.array([0.1, 0.01]), np.array([0.1, 0.01], dtype=object)):
        np.testing.assert_allclose(fastreg.lasso_path(Xs_dense, ys, alphas=alphas)
                                   .coefs.toarray(), ref)
    assert len(fastreg.lasso_path(Xs_dense, ys, alphas=0.1)) == 1


@pytest.mark.parametrize("coef_init, error, match", [
    ("abc", TypeError, "coef_init must be real numbers"),
    (["a"] * 10, TypeError, "coef_init must be real numbers"),
    (np.zeros(10, dtype=bool), TypeError, "coef_init must be real numbers"),
    (np.zeros(10) + 1j, ValueError, "Complex data not supported: coef_init"),
    (np.r_[np.zeros(9), np.nan], ValueError, "coef_init contains NaN at index 9"),
])
def test_bad_coef_init_names_coef_init(coef_init, error, match):
    with pytest.raises(error, match=match):
        fastreg.lasso_path(Xs_dense, ys, n_alphas=3, coef_init=coef_init)


def test_coef_init_is_not_modified():
    w0 = np.full(10, 0.5)
    fastreg.lasso_path(Xs_dense, ys, n_alphas=3, coef_init=w0)
    np.testing.assert_array_equal(w0, 0.5)


# -- boolean options ----------------------------------------------------------

BOOL_OPTIONS = [
    ("Lasso", "fit_intercept"), ("Lasso", "positive"), ("Lasso", "screening"),
    ("Lasso", "warm_start"), ("ElasticNet", "fit_intercept"), ("ElasticNet", "positive"),
    ("ElasticNet", "screening"), ("ElasticNet", "warm_start"), ("Ridge", "fit_intercept"),
    ("RidgeCV", "fit_intercept"),
]
PATH_BOOL_OPTIONS = [
    ("lasso_path", "fit_intercept"), ("lasso_path", "positive"), ("lasso_path", "screening"),
    ("lasso_path", "early_stop"), ("enet_path", "fit_intercept"), ("enet_path", "positive"),
    ("enet_path", "screening"), ("enet_path", "early_stop"), ("alpha_max", "fit_intercept"),
    ("alpha_max", "positive"), ("alpha_grid", "fit_intercept"), ("alpha_grid", "positive"),
    ("ridge_path", "fit_intercept"),
]
NOT_BOOLS = ["no", "False", 0, 1, 1.0, None, np.int64(1), [True]]


@pytest.mark.parametrize("value", NOT_BOOLS, ids=repr)
@pytest.mark.parametrize("estimator, option", BOOL_OPTIONS)
def test_estimator_boolean_options_must_be_bools(estimator, option, value):
    model = getattr(fastreg, estimator)(**{option: value})
    with pytest.raises(TypeError, match=f"{option} must be a bool"):
        model.fit(Xs_dense, ys)


@pytest.mark.parametrize("value", NOT_BOOLS, ids=repr)
@pytest.mark.parametrize("function, option", PATH_BOOL_OPTIONS)
def test_path_boolean_options_must_be_bools(function, option, value):
    with pytest.raises(TypeError, match=f"{option} must be a bool"):
        getattr(fastreg, function)(Xs_dense, ys, **{option: value})


@pytest.mark.parametrize("value", [True, False, np.True_, np.False_])
def test_python_and_numpy_bools_are_accepted(value):
    for estimator, option in BOOL_OPTIONS:
        getattr(fastreg, estimator)(**{option: value}).fit(Xs_dense, ys)
    for function, option in PATH_BOOL_OPTIONS:
        getattr(fastreg, function)(Xs_dense, ys, **{option: value})
    ref = fastreg.Lasso(alpha=0.01, fit_intercept=bool(value)).fit(Xs_dense, ys)
    got = fastreg.Lasso(alpha=0.01, fit_intercept=value).fit(Xs_dense, ys)
    np.testing.assert_array_equal(got.coef_, ref.coef_)


def test_verbose_is_a_bool_or_a_callable():
    seen = []
    fastreg.lasso_path(Xs_dense, ys, n_alphas=3, verbose=lambda *args: seen.append(args))
    assert len(seen) == 3
    fastreg.lasso_path(Xs_dense, ys, n_alphas=3, verbose=False)
    for bad in (1, "yes", None):
        with pytest.raises(TypeError, match="verbose must be a bool or a callable"):
            fastreg.lasso_path(Xs_dense, ys, n_alphas=3, verbose=bad)


@pytest.mark.parametrize("kind", ["csr_matrix", "coo_matrix", "csr_array", "coo_array",
                                  "bsr_matrix"])
def test_non_native_sparse_data_in_other_formats(kind):
    """scipy's format conversions refuse big-endian data: it is converted first."""
    X = getattr(sp, kind)(Xs_dense.astype(np.float32))
    X.data = X.data.astype(">f4")
    checked = fastreg._validation.check_X(X)
    assert checked.format == "csc" and checked.dtype == np.float32 and checked.data.dtype.isnative
    np.testing.assert_array_equal(checked.toarray(), Xs_dense.astype(np.float32))
    assert X.data.dtype == np.dtype(">f4")


@pytest.mark.parametrize("kind", ["dok_array", "lil_matrix", "dia_matrix", "bsr_array"])
def test_other_sparse_formats_are_converted(kind):
    X = getattr(sp, kind)(Xs_dense)
    np.testing.assert_allclose(fastreg.Lasso(alpha=0.01).fit(X, ys).coef_,
                               fastreg.Lasso(alpha=0.01).fit(Xs_dense, ys).coef_, rtol=1e-6)
