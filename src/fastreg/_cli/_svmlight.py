"""Reader for the svmlight / libsvm sparse text format.

One sample per line::

    <label> [qid:<id>] <index>:<value> <index>:<value> ...  [# comment]

Indices are one-based in the original format, but zero-based files are
common too; by default the base is inferred (a file that uses index 0 is
zero-based). Blank lines and ``#`` comments are skipped; ``qid`` fields are
ignored. Files ending in ``.gz`` or ``.bz2`` are decompressed on the fly.
"""

import bz2
import gzip
import os
import re
import warnings

import numpy as np
import scipy.sparse as sp

__all__ = ["load_svmlight"]

# Column indices beyond int32 are refused before anything of that width is
# allocated: every solve keeps several float64 arrays of length n_features.
MAX_FEATURES = 2**31 - 1

# Whitespace-separated "index:value" tokens, each with exactly one colon.
_PAIRS = re.compile(r"\s*(?:[^\s:]+:[^\s:]+(?:\s+|$))*")


def _open_text(path):
    name = os.fspath(path)
    if name.endswith(".gz"):
        return gzip.open(name, "rt", encoding="utf-8")
    if name.endswith(".bz2"):
        return bz2.open(name, "rt", encoding="utf-8")
    return open(name, encoding="utf-8")


def _split_lines(lines):
    """Labels, line numbers and the "index:value ..." text of each sample line."""
    labels, features, line_numbers = [], [], []
    for number, line in enumerate(lines, start=1):
        fields = line.split("#", 1)[0].split(None, 1)
        if not fields:
            continue
        rest = fields[1] if len(fields) > 1 else ""
        if "qid:" in rest:
            rest = " ".join(f for f in rest.split() if not f.startswith("qid:"))
        labels.append(fields[0])
        features.append(rest)
        line_numbers.append(number)
    return labels, features, line_numbers


def _is_float(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_index(text):
    return text.isdigit() or (text[:1] in "+-" and text[1:].isdigit())


def _check_pairs(features, line_numbers):
    """Raise a ValueError naming the first malformed "index:value" token."""
    for text, number in zip(features, line_numbers):
        for token in text.split():
            index, sep, value = token.partition(":")
            if not (sep and _is_index(index) and _is_float(value)):
                raise ValueError(f"line {number}: expected index:value, got {token!r}.")


def _parse_labels(labels, line_numbers):
    for label, number in zip(labels, line_numbers):
        if "," in label:
            raise ValueError(f"line {number}: multi-label target {label!r} is not supported.")
    try:
        return np.array(labels, dtype=str).astype(np.float64)
    except ValueError:
        bad = next(k for k, s in enumerate(labels) if not _is_float(s))
        raise ValueError(f"line {line_numbers[bad]}: cannot read label {labels[bad]!r}.") from None


def _parse_pairs(features, line_numbers):
    """Indices and values of all samples, and the number of pairs per sample.

    Everything is parsed in one pass by numpy's text reader; the slow
    token-by-token check runs only to name a malformed line.
    """
    lengths = np.array([text.count(":") for text in features], dtype=np.int64)
    well_formed = all(map(_PAIRS.fullmatch, features))
    numbers = np.zeros(0)
    if lengths.sum():
        with warnings.catch_warnings():
            # A malformed token stops the reader early (NumPy < 2 warns and
            # returns what it read, NumPy 2 raises); the size check catches it.
            warnings.simplefilter("ignore", DeprecationWarning)
            try:
                numbers = np.fromstring(" ".join(features).replace(":", " "), sep=" ")
            except ValueError:
                well_formed = False
    index, value = numbers[0::2], numbers[1::2]
    if not well_formed or numbers.size != 2 * lengths.sum() or np.any(index != np.floor(index)):
        _check_pairs(features, line_numbers)
        raise ValueError("malformed svmlight data.")
    return index.astype(np.int64), value, lengths


def load_svmlight(path, *, n_features=None, zero_based="auto", dtype=np.float64):
    """Read a svmlight / libsvm file.

    Parameters
    ----------
    path : str or os.PathLike
    n_features : int, optional
        Number of columns; by default one past the largest index seen.
    zero_based : bool or "auto", default="auto"
        Whether indices start at 0. "auto" treats the file as zero-based
        only if it contains index 0.
    dtype : numpy dtype, default=np.float64
        Value type of X.

    Returns
    -------
    X : scipy.sparse.csr_matrix of shape (n_samples, n_features)
        Column indices sorted within each row.
    y : ndarray of shape (n_samples,), float64

    Raises
    ------
    ValueError
        On a malformed line (with its line number), a multi-label target,
        a negative or repeated index, an index of ``MAX_FEATURES`` (2³¹ − 1)
        or more, or more indices than ``n_features``.
    """
    with _open_text(path) as f:
        labels, features, line_numbers = _split_lines(f)
    if not labels:
        raise ValueError(f"{os.fspath(path)} contains no samples.")
    y = _parse_labels(labels, line_numbers)
    index, value, lengths = _parse_pairs(features, line_numbers)
    rows = np.repeat(np.arange(len(labels)), lengths)

    if index.size and index.min() < 0:
        k = int(np.argmin(index))
        raise ValueError(f"line {line_numbers[rows[k]]}: negative feature index {index[k]}.")
    if zero_based == "auto":
        zero_based = not index.size or index.min() == 0
    if not zero_based:
        if index.size and index.min() == 0:
            k = int(np.argmin(index))
            raise ValueError(f"line {line_numbers[rows[k]]}: index 0 in a one-based file.")
        index = index - 1

    if index.size and index.max() >= MAX_FEATURES:
        k = int(np.argmax(index))
        written = int(index[k]) + (0 if zero_based else 1)
        raise ValueError(f"line {line_numbers[rows[k]]}: feature index {written} is too large "
                         f"(at most {MAX_FEATURES} features are supported).")
    n_seen = int(index.max()) + 1 if index.size else 0
    if n_features is None:
        n_features = n_seen
    elif n_features < n_seen:
        raise ValueError(f"n_features={n_features} but the file uses {n_seen} features.")

    indptr = np.concatenate([[0], np.cumsum(lengths)])
    X = sp.csr_matrix((value.astype(dtype), index, indptr), shape=(len(labels), n_features))
    X.sort_indices()
    repeated = (np.diff(X.indices) == 0) & (np.diff(rows) == 0)
    if np.any(repeated):
        k = int(np.argmax(repeated))
        written = X.indices[k] + (0 if zero_based else 1)
        raise ValueError(f"line {line_numbers[rows[k]]}: feature index {written} repeated.")
    return X, y
