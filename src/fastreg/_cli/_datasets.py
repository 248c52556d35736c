"""Data loaders: the embedded Debian package dataset and user data files.

* :func:`load_debian_packages` reads ``data/debian_packages.csv.gz``, the
  one-line descriptions and installed sizes of the packages of a Debian
  release, shipped with the package.
* :func:`load_file` reads a user's design matrix and target from a
  svmlight/libsvm text file or a NumPy ``.npz`` archive.
"""

import csv
import gzip
import io
import os
import zipfile
import zlib
from dataclasses import dataclass
from importlib import resources

import numpy as np
import scipy.sparse as sp

from ._svmlight import load_svmlight

__all__ = ["DebianPackages", "load_debian_packages", "load_npz", "load_file"]

_DEBIAN_CSV = "debian_packages.csv.gz"


@dataclass(frozen=True)
class DebianPackages:
    """The embedded Debian package table, one entry per package.

    Attributes
    ----------
    package : list of str
    section : list of str
    description : list of str
        One-line English summaries.
    installed_size_kib : ndarray of int64
    """

    package: list
    section: list
    description: list
    installed_size_kib: np.ndarray

    def __len__(self):
        return len(self.package)


def load_debian_packages():
    """Load the Debian package descriptions shipped with fastreg.

    Returns
    -------
    DebianPackages
    """
    raw = resources.files("fastreg").joinpath("data", _DEBIAN_CSV).read_bytes()
    with gzip.open(io.BytesIO(raw), "rt", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return DebianPackages(
        package=[r["package"] for r in rows],
        section=[r["section"] for r in rows],
        description=[r["description"] for r in rows],
        installed_size_kib=np.array([int(r["installed_size_kib"]) for r in rows], dtype=np.int64),
    )


# Key sets written by scipy.sparse.save_npz for each storage format.
_SPARSE_KEYS = {
    "csr": {"data", "indices", "indptr", "shape"},
    "csc": {"data", "indices", "indptr", "shape"},
    "bsr": {"data", "indices", "indptr", "shape"},
    "coo": {"data", "row", "col", "shape"},
    "dia": {"data", "offsets", "shape"},
}


def _is_sparse_archive(keys, archive):
    if "format" not in keys:
        return False
    fmt = archive["format"].item()
    fmt = fmt.decode() if isinstance(fmt, bytes) else str(fmt)
    return _SPARSE_KEYS.get(fmt, {None}) <= keys


def load_npz(path, *, y=None):
    """Read X and y from a NumPy ``.npz`` archive.

    Two layouts are understood:

    * arrays named ``X`` (dense, 2-D) and ``y``;
    * a sparse matrix written by ``scipy.sparse.save_npz`` (the target then
      comes from a ``y`` array stored in the same archive or from ``y``).

    An optional ``feature_names`` array (strings) names the columns.

    Parameters
    ----------
    path : str or os.PathLike
    y : str, os.PathLike or array-like, optional
        The target, or a ``.npy`` / ``.npz`` file holding it; overrides a ``y``
        stored in the archive.

    Returns
    -------
    X : ndarray or scipy.sparse matrix
    y : ndarray of shape (n_samples,)
    feature_names : ndarray of str or None
    """
    try:
        X, target, names = _read_archive(path)
    except (zipfile.BadZipFile, EOFError, zlib.error, KeyError) as exc:
        # np.load reads members lazily: a truncated or corrupt archive fails here
        raise ValueError(f"{os.fspath(path)} is not a readable .npz archive (truncated or "
                         f"corrupt?): {exc}") from None
    if y is not None:
        target = _load_target(y)
    if target is None:
        raise ValueError(f"{os.fspath(path)} has no 'y' array; give the target separately.")
    return X, _matching_target(target, X, path), names


def _read_archive(path):
    """(X, y or None, feature names or None) from an .npz archive."""
    # the file opened here, so that it closes even when np.load fails on it
    with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as archive:
        keys = set(archive.files)
        if _is_sparse_archive(keys, archive):
            X = sp.load_npz(path)
        elif "X" in keys:
            X = archive["X"]
            if X.ndim != 2:
                raise ValueError(f"{os.fspath(path)}: X must be 2-D, got shape {X.shape}.")
        else:
            raise ValueError(
                f"{os.fspath(path)} holds {sorted(keys)}; expected arrays 'X' and 'y' "
                "or a sparse matrix saved with scipy.sparse.save_npz."
            )
        target = archive["y"] if "y" in keys else None
        names = archive["feature_names"].astype(str) if "feature_names" in keys else None
    return X, target, names


def _load_target(y):
    if isinstance(y, (str, os.PathLike)):
        loaded = np.load(y, allow_pickle=False)
        if isinstance(loaded, np.lib.npyio.NpzFile):
            with loaded:
                if "y" not in loaded.files:
                    raise ValueError(f"{os.fspath(y)} has no array named 'y'.")
                return loaded["y"]
        return loaded
    return np.asarray(y)


def load_file(path, *, y=None):
    """Read a user's data file: ``.npz`` (see :func:`load_npz`) or svmlight/libsvm.

    Parameters
    ----------
    path : str or os.PathLike
        Files ending in ``.npz`` are NumPy archives; anything else is read as
        svmlight/libsvm text (optionally ``.gz`` / ``.bz2`` compressed).
    y : str, os.PathLike or array-like, optional
        A target that replaces the one in the file.

    Returns
    -------
    X : ndarray or scipy.sparse matrix
    y : ndarray of shape (n_samples,)
    feature_names : ndarray of str or None
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no such file: {os.fspath(path)}")
    if os.fspath(path).endswith(".npz"):
        return load_npz(path, y=y)
    X, target = load_svmlight(path)
    if y is not None:
        target = _matching_target(_load_target(y), X, path)
    return X, target, None


def _matching_target(y, X, path):
    y = np.asarray(y)
    if y.ndim > 1 and sum(d > 1 for d in y.shape) <= 1:
        y = y.ravel()
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(
            f"{os.fspath(path)}: X has {X.shape[0]} rows but y has shape {y.shape}."
        )
    return y
