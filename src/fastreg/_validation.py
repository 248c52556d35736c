"""Input checks and conversions: the one place where user input is validated.

Every public entry point calls these helpers before anything else, so the
kernels can assume clean, typed, finite data. Errors name the argument and
what is wrong with it. Nothing here modifies the caller's arrays: any
conversion that changes data works on a copy.
"""

import numbers
import warnings

import numpy as np
import scipy.sparse as sp

from ._warnings import DataConversionWarning

__all__ = [
    "check_X",
    "check_y",
    "check_targets",
    "check_X_y",
    "check_sample_weight",
    "check_penalty_factor",
    "check_alphas",
    "check_coef_init",
    "check_scalar",
    "check_l1_ratio",
    "check_tol",
    "check_max_iter",
    "check_bool",
    "check_bools",
    "check_option",
]


def _all_finite(values):
    """Cheap test first: a sum is finite unless some value is NaN/inf (or it overflows)."""
    with np.errstate(over="ignore", invalid="ignore"):  # huge finite values are not an error
        total = np.sum(values, dtype=np.float64)
    return bool(np.isfinite(total)) or bool(np.isfinite(values).all())


def _first_nonfinite(values):
    """Flat index of the first NaN or inf in ``values``, or None."""
    if _all_finite(values):
        return None
    bad = np.flatnonzero(~np.isfinite(values))
    return int(bad[0]) if bad.size else None


def _describe(value):
    return "NaN" if np.isnan(value) else "infinity"


def _float_dtype(dtype, name):
    """float32 (of either byte order) stays float32; other real numeric dtypes become float64.

    The result is always in native byte order. bool, integer and float16 data
    become float64.
    """
    if dtype.kind == "f" and dtype.itemsize == 4:
        return np.float32
    if dtype.kind in "biuf":
        return np.float64
    if dtype.kind == "c":
        raise ValueError(f"Complex data not supported: {name} has dtype {dtype}; "
                         "only real numbers are supported.")
    raise TypeError(f"{name} has non-numeric dtype {dtype}; expected real numbers.")


def _dense_to_float(array, name):
    """Convert to a real floating array, with a clear error for non-numeric data."""
    try:
        arr = np.asarray(array)
    except (TypeError, ValueError) as exc:  # e.g. ragged nested sequences
        raise ValueError(f"{name} cannot be converted to a numeric array: {exc}") from None
    if arr.dtype.kind in "OUSV":
        try:
            return arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{name} contains non-numeric data (dtype {arr.dtype}): {exc}"
            ) from None
    return arr.astype(_float_dtype(arr.dtype, name), copy=False)


def check_X(X, *, name="X"):
    """Validate a design matrix.

    Parameters
    ----------
    X : array-like or scipy.sparse matrix/array of shape (n_samples, n_features)
        Dense input is returned Fortran-ordered; sparse input (any format,
        matrix or array, int32 or int64 indices) as a CSC matrix with
        canonical (sorted, duplicate-free) indices: unsorted indices are
        sorted and duplicates summed, on a copy. Malformed sparse structure
        (indices out of range, indptr not non-decreasing or of the wrong
        length, index and data arrays of different lengths) raises a
        ValueError. float32 of either byte order stays float32; every other
        real dtype (bool, integers, float16, float64) becomes float64; the
        result is always in native byte order.
    name : str
        Argument name used in error messages.

    Returns
    -------
    X : ndarray or scipy.sparse.csc_matrix
        A view of the input when no conversion is needed, otherwise a copy.
    """
    if sp.issparse(X):
        return _check_sparse(X, name)
    if X is None:
        raise TypeError(f"{name} is None; expected a 2-D array or sparse matrix.")
    arr = _dense_to_float(X, name)
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D (n_samples, n_features), got an array of shape {arr.shape}. "
            "Reshape your data with X.reshape(-1, 1) for a single feature or "
            "X.reshape(1, -1) for a single sample."
        )
    _check_nonempty(arr.shape, name)
    if not _all_finite(arr):
        row, col = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(
            f"{name} contains {_describe(arr[row, col])} at position ({row}, {col}); "
            "remove or impute non-finite values."
        )
    return np.asfortranarray(arr)


def _check_nonempty(shape, name):
    for axis, what in enumerate(("sample", "feature")):
        if shape[axis] == 0:
            raise ValueError(
                f"{name} is empty: found {name} with 0 {what}(s) (shape={shape}) while a "
                "minimum of 1 is required."
            )


def _check_index_array(values, name, what):
    if not isinstance(values, np.ndarray) or values.ndim != 1:
        raise ValueError(f"{name} is a malformed sparse matrix: its {what} array must be 1-D.")
    if values.dtype.kind not in "iu":
        raise ValueError(
            f"{name} is a malformed sparse matrix: its {what} array has dtype {values.dtype}; "
            "expected integers."
        )


def _check_index_range(index, bound, name, what):
    """Every entry of ``index`` in [0, bound): two vectorized passes, no copy."""
    if index.size and (index.min() < 0 or index.max() >= bound):
        bad = int(np.flatnonzero((index < 0) | (index >= bound))[0])
        raise ValueError(
            f"{name} is a malformed sparse matrix: {what}[{bad}] = {index[bad]} is outside "
            f"[0, {bound})."
        )


def _check_compressed(indptr, indices, n_data, n_major, n_minor, name):
    """Structure of a compressed (CSC/CSR/BSR) matrix, in O(nnz + n_major) vectorized work.

    Index arrays out of range would make the kernels (and scipy's own format
    conversions) read or write out of bounds, so this runs before anything
    else touches them. Returns the number of stored entries (``indptr[-1]``).
    """
    _check_index_array(indptr, name, "indptr")
    _check_index_array(indices, name, "indices")
    if indptr.shape[0] != n_major + 1:
        raise ValueError(
            f"{name} is a malformed sparse matrix: indptr has length {indptr.shape[0]}, "
            f"expected {n_major + 1}."
        )
    if indices.shape[0] != n_data:
        raise ValueError(
            f"{name} is a malformed sparse matrix: indices has {indices.shape[0]} entries "
            f"but data has {n_data}."
        )
    if indptr[0] != 0:
        raise ValueError(f"{name} is a malformed sparse matrix: indptr[0] = {indptr[0]}, not 0.")
    steps = np.diff(indptr)
    if steps.size and steps.min() < 0:
        bad = int(np.flatnonzero(steps < 0)[0])
        raise ValueError(
            f"{name} is a malformed sparse matrix: indptr is not non-decreasing "
            f"(indptr[{bad + 1}] = {indptr[bad + 1]} < indptr[{bad}] = {indptr[bad]})."
        )
    nnz = int(indptr[-1])
    if nnz > n_data:
        raise ValueError(
            f"{name} is a malformed sparse matrix: indptr[-1] = {nnz} exceeds the "
            f"{n_data} stored entries."
        )
    _check_index_range(indices[:nnz], n_minor, name, "indices")
    return nnz


def _check_data_array(data, n_dims, name):
    if not isinstance(data, np.ndarray) or data.ndim != n_dims:
        raise ValueError(f"{name} is a malformed sparse matrix: its data array must be "
                         f"{n_dims}-D.")


def _check_structure(X, name):
    """Check the index arrays of a sparse X before anything reads them; return nnz for CSC.

    Formats other than CSC, CSR, BSR and COO are converted by scipy from
    structures that cannot index out of bounds.
    """
    fmt = X.format
    if fmt in ("csc", "csr"):
        n_major, n_minor = X.shape if fmt == "csr" else X.shape[::-1]
        _check_data_array(X.data, 1, name)
        return _check_compressed(X.indptr, X.indices, X.data.shape[0], n_major, n_minor, name)
    if fmt == "bsr":
        rows, cols = X.blocksize
        _check_data_array(X.data, 3, name)
        _check_compressed(X.indptr, X.indices, X.data.shape[0], X.shape[0] // rows,
                          X.shape[1] // cols, name)
    elif fmt == "coo":
        _check_data_array(X.data, 1, name)
        coords = X.coords if hasattr(X, "coords") else (X.row, X.col)
        for axis, (index, what) in enumerate(zip(coords, ("row", "col"))):
            _check_index_array(index, name, what)
            if index.shape[0] != X.data.shape[0]:
                raise ValueError(
                    f"{name} is a malformed sparse matrix: {what} has {index.shape[0]} "
                    f"entries but data has {X.data.shape[0]}."
                )
            _check_index_range(index, X.shape[axis], name, what)
    return None


def _is_canonical(indices, indptr):
    """Whether indices strictly increase within every column (sorted, no duplicates).

    One vectorized comparison over the entries; it does not trust scipy's
    cached flag, which goes stale if the caller edits the index arrays.
    """
    nnz = indices.shape[0]
    if nnz < 2:
        return True
    increasing = indices[1:] > indices[:-1]
    starts = indptr[1:-1]
    starts = starts[(starts > 0) & (starts < nnz)]
    increasing[starts - 1] = True  # a new column may start anywhere
    return bool(increasing.all())


def _with_native_data(X, dtype):
    """A CSR, BSR or COO X whose data is ``dtype`` (scipy's conversions refuse a
    non-native byte order), sharing the index arrays; other formats unchanged."""
    if X.format not in ("csr", "bsr", "coo") or X.data.dtype == dtype:
        return X
    data = X.data.astype(dtype)
    if X.format == "coo":
        return sp.coo_matrix((data, (X.row, X.col)), shape=X.shape)
    return type(X)((data, X.indices, X.indptr), shape=X.shape)


def _check_sparse(X, name):
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {X.shape}.")
    _check_nonempty(X.shape, name)
    dtype = _float_dtype(X.dtype, name)
    nnz = _check_structure(X, name)
    if X.format != "csc":
        X = _with_native_data(X, dtype)
        X = X.tocsc()  # new arrays, built by scipy from the checked structure
        nnz = int(X.indptr[-1])
    data, indices, indptr = X.data, X.indices, X.indptr
    if nnz < data.shape[0]:  # storage beyond indptr[-1] is not part of the matrix
        data, indices = data[:nnz], indices[:nnz]
    if data.dtype != dtype:  # also converts a non-native byte order
        data = data.astype(dtype)
    if indices.dtype != indptr.dtype or indices.dtype not in (np.int32, np.int64):
        index_dtype = np.promote_types(indices.dtype, indptr.dtype)
        if index_dtype not in (np.int32, np.int64):
            index_dtype = np.int64
        indices, indptr = indices.astype(index_dtype), indptr.astype(index_dtype)
    if not (isinstance(X, sp.csc_matrix) and data is X.data and indices is X.indices
            and indptr is X.indptr):
        X = sp.csc_matrix((data, indices, indptr), shape=X.shape, copy=False)
    if not _is_canonical(X.indices, X.indptr):
        # Duplicates would be summed by the kernels' dot products but not by
        # the column norms; canonicalise a copy so both agree.
        X = sp.csc_matrix((X.data.copy(), X.indices.copy(), X.indptr.copy()), shape=X.shape)
        X.has_sorted_indices = False
        X.has_canonical_format = False
        X.sum_duplicates()
    bad = _first_nonfinite(X.data)
    if bad is not None:
        col = int(np.searchsorted(X.indptr, bad, side="right") - 1)
        row = int(X.indices[bad])
        raise ValueError(
            f"{name} contains {_describe(X.data[bad])} at position ({row}, {col}); "
            "remove or impute non-finite values."
        )
    return X


def check_y(y, n_samples=None, *, name="y"):
    """Validate a 1-D target and return it as a float64 array.

    A column vector of shape (n, 1) is accepted with a DataConversionWarning.
    """
    if y is None:
        raise ValueError(f"This estimator requires {name} to be passed, but the target {name} is None.")
    arr = _dense_to_float(y, name)
    if arr.ndim == 2 and arr.shape[1] == 1:
        warnings.warn(
            f"A column-vector y was passed when a 1d array was expected: {name} of shape "
            f"{arr.shape} is raveled to ({arr.shape[0]},).",
            DataConversionWarning,
            stacklevel=3,
        )
        arr = arr.ravel()
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D (n_samples,), got shape {arr.shape}.")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty: shape {arr.shape}.")
    bad = _first_nonfinite(arr)
    if bad is not None:
        raise ValueError(f"{name} contains {_describe(arr[bad])} at index {bad}.")
    if n_samples is not None and arr.shape[0] != n_samples:
        raise ValueError(
            f"X and {name} have inconsistent numbers of samples: X has {n_samples} rows, "
            f"{name} has shape {arr.shape}."
        )
    return arr.astype(np.float64, copy=False)


def check_targets(y, n_samples, *, name="y"):
    """Validate a target that may have several columns.

    Parameters
    ----------
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
    n_samples : int
        Number of rows of X.

    Returns
    -------
    y : ndarray of float64 with the same shape (a view when no conversion is needed)
    """
    if y is None:
        return check_y(y, n_samples, name=name)
    arr = _dense_to_float(y, name)
    if arr.ndim == 1:
        return check_y(arr, n_samples, name=name)
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be 1-D (n_samples,) or 2-D (n_samples, n_targets), got shape {arr.shape}."
        )
    if arr.shape[0] != n_samples:
        raise ValueError(
            f"X and {name} have inconsistent numbers of samples: X has {n_samples} rows, "
            f"{name} has shape {arr.shape}."
        )
    if arr.shape[1] == 0:
        raise ValueError(f"{name} has no targets: shape {arr.shape}.")
    if not _all_finite(arr):
        row, col = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(
            f"{name} contains {_describe(arr[row, col])} at position ({row}, {col})."
        )
    return arr.astype(np.float64, copy=False)


def check_X_y(X, y):
    """Validate X and y together; returns (X, y) as :func:`check_X` and :func:`check_y`."""
    X = check_X(X)
    y = check_y(y, X.shape[0])
    return X, y


def _check_nonneg_vector(values, length, name, what):
    arr = _dense_to_float(values, name).astype(np.float64, copy=False)
    if arr.ndim == 0:
        arr = np.full(length, float(arr))
    if arr.ndim != 1 or arr.shape[0] != length:
        raise ValueError(f"{name} must have shape ({length},) ({what}), got shape {arr.shape}.")
    bad = _first_nonfinite(arr)
    if bad is not None:
        raise ValueError(f"{name} contains {_describe(arr[bad])} at index {bad}.")
    neg = np.flatnonzero(arr < 0)
    if neg.size:
        raise ValueError(
            f"{name} must be non-negative; {name}[{neg[0]}] = {arr[neg[0]]}."
        )
    return arr


def check_sample_weight(sample_weight, n_samples):
    """Validate sample weights and rescale a copy to sum to ``n_samples``.

    Returns None for unit weights (None or all weights equal), which lets the
    kernels skip the per-entry multiplication.
    """
    if sample_weight is None:
        return None
    sw = _check_nonneg_vector(sample_weight, n_samples, "sample_weight", "one per sample")
    top = sw.max()
    if top <= 0:
        raise ValueError("sample_weight sums to zero; at least one weight must be positive.")
    if np.all(sw == top):
        return None
    # Divide by the largest weight first: the sum then lies in [1, n], so it
    # neither overflows (weights near the float64 maximum) nor loses the
    # weights to rounding (subnormal weights, whose ratio n / sum overflows).
    sw = sw / top
    return sw * (n_samples / sw.sum())


def check_penalty_factor(penalty_factor, n_features):
    """Validate per-feature penalty factors (default all ones)."""
    if penalty_factor is None:
        return np.ones(n_features)
    pf = _check_nonneg_vector(penalty_factor, n_features, "penalty_factor", "one per feature")
    if not np.any(pf > 0):
        raise ValueError(
            "penalty_factor is zero for every feature; at least one feature must be penalized."
        )
    positive = pf[pf > 0]
    if positive.min() < 1e-150 or positive.max() > 1e150:
        raise ValueError(
            f"penalty_factor must be 0 (unpenalized) or within [1e-150, 1e150]; got values from "
            f"{positive.min():.3g} to {positive.max():.3g}, whose ratios to alpha over- or "
            "underflow. Use 0 for an unpenalized feature.")
    return pf


def check_scalar(value, name, *, low=None, high=None, low_open=False, kind=numbers.Real):
    """Check a scalar parameter's type and range; return it as float or int."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, kind):
        expected = "an integer" if kind is numbers.Integral else "a real number"
        raise TypeError(f"{name} must be {expected}, got {value!r} of type {type(value).__name__}.")
    if kind is numbers.Real and not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}.")
    if low is not None and (value < low or (low_open and value == low)):
        bound = ">" if low_open else ">="
        raise ValueError(f"{name} must be {bound} {low}, got {value}.")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value}.")
    return int(value) if kind is numbers.Integral else float(value)


def check_l1_ratio(l1_ratio):
    return check_scalar(l1_ratio, "l1_ratio", low=0.0, high=1.0)


def check_tol(tol, name="tol"):
    return check_scalar(tol, name, low=0.0, low_open=True)


def check_max_iter(max_iter):
    return check_scalar(max_iter, "max_iter", low=1, kind=numbers.Integral)


def _real_parameter(values, name):
    """A numeric parameter (not data) as a float64 array: strings and booleans are refused."""
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be real numbers: {exc}") from None
    if arr.dtype.kind in "USb" or (arr.dtype.kind == "O" and any(
            isinstance(v, (str, bytes, bool, np.bool_)) for v in arr.ravel())):
        raise TypeError(f"{name} must be real numbers, got {values!r}.")
    return _dense_to_float(arr, name).astype(np.float64, copy=False)


def check_coef_init(coef_init, shape):
    """Validate warm-start coefficients of ``shape`` (or n_features); returns a float64 copy."""
    shape = (shape,) if np.ndim(shape) == 0 else tuple(shape)
    w0 = _real_parameter(coef_init, "coef_init").copy()
    if w0.shape != shape:
        raise ValueError(f"coef_init must have shape {shape}, got {w0.shape}.")
    bad = _first_nonfinite(w0.ravel())
    if bad is not None:
        raise ValueError(f"coef_init contains {_describe(w0.ravel()[bad])} at index {bad}.")
    return w0


def check_alphas(alphas):
    """Validate user alphas: finite, non-negative, 1-D; returned in decreasing order."""
    arr = np.atleast_1d(_real_parameter(alphas, "alphas"))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"alphas must be a non-empty 1-D sequence, got shape {arr.shape}.")
    bad = _first_nonfinite(arr)
    if bad is not None:
        raise ValueError(f"alphas contains {_describe(arr[bad])} at index {bad}.")
    if np.any(arr < 0):
        i = int(np.flatnonzero(arr < 0)[0])
        raise ValueError(f"alphas must be >= 0; alphas[{i}] = {arr[i]}.")
    return np.sort(arr)[::-1].copy()


def check_bool(value, name):
    """A boolean option: ``bool`` or ``numpy.bool_`` only; returns a Python bool.

    Other values (strings such as "no", numbers, None) are refused rather than
    interpreted by their truth value.
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name} must be a bool (True or False), got {value!r} of type "
                    f"{type(value).__name__}.")


def check_bools(**options):
    """Check several boolean options at once, by keyword (the argument names).

    ``verbose`` may also be a callable (a progress callback).
    """
    for name, value in options.items():
        if name == "verbose" and callable(value):
            continue
        try:
            check_bool(value, name)
        except TypeError:
            if name == "verbose":
                raise TypeError(f"verbose must be a bool or a callable, got {value!r} of type "
                                f"{type(value).__name__}.") from None
            raise


def check_option(value, name, choices):
    """A string option among ``choices``; returns it."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got "
                         f"{value!r}.")
    return value
